"""A run's outputs belong to one run, whole. `train` writes into a folder of its own beside them, and only a
complete run is moved into place, with run.json listing each file and its SHA-256: a run that fails, is
interrupted or killed leaves the previous run's outputs as they were. The commands that read a run (`predict`,
`submit`) check run.json before they trust what they find, and one `train` at a time may write into an output
folder."""

import contextlib
import hashlib
import json
import logging
import logging.handlers
import os
import shutil
import threading
import time
from pathlib import Path

from filelock import FileLock, Timeout

from .config import ProjectError

# Set by Ctrl-C (__main__.py): where a library swallows the KeyboardInterrupt (in a garbage-collection
# callback), train still stops at the next model and never publishes.
INTERRUPTED = threading.Event()
MANIFEST = "run.json"
STAGING_PREFIX = ".train-"
PREVIOUS_PREFIX = ".previous-"


class OutputsError(ProjectError):
    """The output folder does not hold one complete run."""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def listed_files(folder: Path) -> dict:
    """Every file a run wrote, by its path relative to the run's folder, with its SHA-256."""
    return {
        path.relative_to(folder).as_posix(): sha256(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != MANIFEST
    }


@contextlib.contextmanager
def new_run(output_dir: Path):
    """A fresh folder beside output_dir's contents for one run to write into, locked against a second `train`
    into the same output_dir, and removed if the run does not end in publish()."""
    output_dir = Path(output_dir)
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(output_dir / ".train.lock")
        lock.acquire(timeout=0)
    except Timeout:
        raise OutputsError(
            f"another train is writing into {output_dir}: wait for it to end, or pass another --output-dir"
        ) from None
    except OSError as error:
        raise OutputsError(f"cannot write into {output_dir} ({error.strerror}): pass another --output-dir") from None
    stage = output_dir / f"{STAGING_PREFIX}{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
    try:
        for left in [*output_dir.glob(STAGING_PREFIX + "*"), *output_dir.glob(PREVIOUS_PREFIX + "*")]:
            shutil.rmtree(left, ignore_errors=True)  # left by runs killed before they could clean up
        stage.mkdir()
        yield stage
    finally:
        shutil.rmtree(stage, ignore_errors=True)  # empty once published
        lock.release()


class RunLog:
    """Every line a run logs, written into its folder as train.log as well as to the terminal. Lines logged
    before the folder exists (reading and checking the data) wait in memory until into() names it."""

    def __init__(self):
        self.root, self.level = logging.getLogger(), logging.getLogger().level
        self.root.setLevel(min(self.level or logging.INFO, logging.INFO))  # INFO lines too, whoever set up logging
        self.handler = logging.handlers.MemoryHandler(capacity=10_000, flushLevel=logging.CRITICAL + 1)
        self.root.addHandler(self.handler)

    def into(self, folder: Path) -> None:
        file = logging.FileHandler(folder / "train.log", encoding="utf-8")
        file.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        self.handler.setTarget(file)
        self.handler.flush()
        self.root.removeHandler(self.handler)
        self.handler.close()
        self.handler = file
        self.root.addHandler(file)

    def close(self) -> None:
        self.root.removeHandler(self.handler)
        self.handler.close()
        self.root.setLevel(self.level)


def publishing(output_dir: Path) -> FileLock:
    """Held while a run is moved into output_dir, and while `predict` reads a run and rewrites its submission:
    neither sees the other half-done."""
    return FileLock(Path(output_dir) / ".publish.lock")


def stop_if_interrupted() -> None:
    if INTERRUPTED.is_set():
        raise KeyboardInterrupt


def publish(stage: Path, output_dir: Path) -> Path:
    """Move a complete run from its staging folder into output_dir, in place of the previous run's files (all of
    them: a run with fewer folds leaves no fold of the one before). The previous run is set aside first and put
    back if anything fails (Ctrl-C included); run.json goes in last."""
    stop_if_interrupted()
    files = listed_files(stage)
    (stage / MANIFEST).write_text(json.dumps({"written": time.strftime("%Y-%m-%d %H:%M:%S"), "files": files}, indent=2))
    new = sorted({name.split("/")[0] for name in files})
    old = sorted({name.split("/")[0] for name in read_manifest(output_dir).get("files", {})} | set(new) | {MANIFEST})
    aside = output_dir / (PREVIOUS_PREFIX + stage.name)
    with publishing(output_dir):
        aside.mkdir()
        try:
            for top in old:
                if (output_dir / top).exists():
                    os.replace(output_dir / top, aside / top)
            for top in [*new, MANIFEST]:
                os.replace(stage / top, output_dir / top)
        except BaseException:
            for top in new:  # what was moved in of the new run goes; the previous run comes back
                remove(output_dir / top)
            for entry in aside.iterdir():
                os.replace(entry, output_dir / entry.name)
            aside.rmdir()
            raise
        shutil.rmtree(aside)
    return output_dir


def remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def read_manifest(output_dir: Path) -> dict:
    path = Path(output_dir) / MANIFEST
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def check_run(output_dir: Path, skip: tuple = ()) -> dict:
    """run.json, once every file it lists (but those in `skip`) is there with its recorded SHA-256; else a
    one-line OutputsError that says what to do."""
    output_dir = Path(output_dir)
    manifest = read_manifest(output_dir)
    if not manifest:
        raise OutputsError(
            f"{output_dir} holds no complete run ({MANIFEST} is missing): run `train` first"
            " (or pass the --output-dir train used)"
        )
    for name, digest in manifest["files"].items():
        path = output_dir / name
        if name not in skip and (not path.is_file() or sha256(path) != digest):
            state = "changed since" if path.is_file() else "missing from"
            raise OutputsError(f"{path} is {state} the run {MANIFEST} describes: run `train` again")
    return manifest


def record(output_dir: Path, name: str = "submission.csv") -> None:
    """A file of the run rewritten on purpose (`predict` writes submission.csv again from the run's own models):
    run.json now lists its new SHA-256."""
    manifest = read_manifest(output_dir)
    if not manifest:
        raise OutputsError(f"{output_dir} lost its {MANIFEST} while {name} was written: run `train` again")
    manifest["files"][name] = sha256(Path(output_dir) / name)
    path = Path(output_dir) / MANIFEST
    temp = path.with_name(f".{MANIFEST}.tmp")
    temp.write_text(json.dumps(manifest, indent=2))
    os.replace(temp, path)
