"""A run's outputs belong to one run, whole. `train` writes into a folder of its own beside them, and only a
complete run is moved into place, with run.json listing each file and its SHA-256: a run that fails, is
interrupted or killed leaves the previous run's outputs as they were. `predict`, `push` and `submit` check
run.json before they trust what they find, and one `train` at a time may write into an output folder."""

import contextlib
import hashlib
import json
import os
import shutil
import time
from pathlib import Path

from filelock import FileLock, Timeout

from .config import ProjectError

MANIFEST = "run.json"
STAGING_PREFIX = ".train-"


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
        lock = FileLock(output_dir / ".train.lock", blocking=False)
        lock.acquire()
    except Timeout:
        raise OutputsError(
            f"another train is writing into {output_dir}: wait for it to end, or pass another --output-dir"
        ) from None
    except OSError as error:
        raise OutputsError(f"cannot write into {output_dir} ({error.strerror}): pass another --output-dir") from None
    stage = output_dir / f"{STAGING_PREFIX}{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
    try:
        for left in output_dir.glob(STAGING_PREFIX + "*"):  # runs killed before they could clean up
            shutil.rmtree(left, ignore_errors=True)
        stage.mkdir()
        yield stage
    finally:
        shutil.rmtree(stage, ignore_errors=True)  # empty once published
        lock.release()


def publish(stage: Path, output_dir: Path) -> Path:
    """Move a complete run from its staging folder into output_dir, in place of the previous run's files.
    run.json goes first out and last in: outputs without it, or whose files differ from it, are refused."""
    files = listed_files(stage)
    (stage / MANIFEST).write_text(json.dumps({"written": time.strftime("%Y-%m-%d %H:%M:%S"), "files": files}, indent=2))
    previous = read_manifest(output_dir)
    (output_dir / MANIFEST).unlink(missing_ok=True)
    for name in previous.get("files", {}):  # the previous run's files go, so none is left beside the new ones
        (output_dir / name).unlink(missing_ok=True)
    for top in sorted({name.split("/")[0] for name in files}):
        target = output_dir / top
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        os.replace(stage / top, target)
    os.replace(stage / MANIFEST, output_dir / MANIFEST)
    return output_dir


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
    manifest["files"][name] = sha256(Path(output_dir) / name)
    path = Path(output_dir) / MANIFEST
    temp = path.with_name(f".{MANIFEST}.tmp")
    temp.write_text(json.dumps(manifest, indent=2))
    os.replace(temp, path)
