"""Every run is kept, whole, in a folder of its own: outputs/runs/<run-id>/, a sortable time stamp and the run's
--name. `train` writes into a hidden folder beside the runs and renames it into place only once the run is
complete, with run.json listing each file and its SHA-256, the project's git commit and whether its tree was
dirty: a run that fails, is interrupted or killed leaves no half-run behind and the runs before untouched.
outputs/submission.csv is a copy of the latest run's, where Kaggle and users expect it. The commands that read
a run (`predict`, `submit`, `explain`) take the latest, or `--run ID`, and check run.json before they trust it;
one `train` at a time may write into an output folder."""

import contextlib
import hashlib
import json
import logging
import logging.handlers
import os
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path

from filelock import FileLock, Timeout

from .config import ProjectError

# Set by Ctrl-C (__main__.py): where a library swallows the KeyboardInterrupt (in a garbage-collection
# callback), train still stops at the next model and never publishes.
INTERRUPTED = threading.Event()
log = logging.getLogger(__name__)
MANIFEST = "run.json"
RUNS = "runs"
STAGING_PREFIX = ".train-"
PROGRESS = "progress.json"  # in a run's hidden folder: the folds it has completed
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


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


def runs_dir(output_dir: Path) -> Path:
    return Path(output_dir) / RUNS


def run_folders(output_dir: Path, complete: bool = False) -> list[Path]:
    """The runs' folders in output_dir/runs/, oldest first (their names start with the time), hidden ones left
    out; complete: only those that hold a run.json."""
    folders = sorted(path for path in runs_dir(output_dir).glob("[!.]*") if path.is_dir())
    return [path for path in folders if (path / MANIFEST).is_file()] if complete else folders


def check_name(name: str | None) -> None:
    if name is not None and not NAME.fullmatch(name):
        raise OutputsError(f"--name {name!r}: use letters, digits, '.', '_' and '-' only (it names the run's folder)")


@contextlib.contextmanager
def new_run(output_dir: Path, resume: Path | None = None, keep_partial: bool = True):
    """A hidden folder in output_dir/runs/ for one run to write into (`resume`: the one a stopped run left),
    locked against a second `train` into the same output_dir. If the run does not end in publish(), its folder
    goes, unless it completed a fold (PROGRESS) and keep_partial: then `train --resume` continues it."""
    output_dir = Path(output_dir)
    try:
        runs_dir(output_dir).mkdir(parents=True, exist_ok=True)
        lock = FileLock(output_dir / ".train.lock")
        lock.acquire(timeout=0)
    except Timeout:
        raise OutputsError(
            f"another train is writing into {output_dir}: wait for it to end, or pass another --output-dir"
        ) from None
    except OSError as error:
        raise OutputsError(f"cannot write into {output_dir} ({error.strerror}): pass another --output-dir") from None
    stage = resume or runs_dir(output_dir) / f"{STAGING_PREFIX}{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
    try:
        for left in runs_dir(output_dir).glob(STAGING_PREFIX + "*"):
            if not (left / PROGRESS).is_file():
                shutil.rmtree(left, ignore_errors=True)  # left by runs killed before they completed a fold
        stage.mkdir(exist_ok=resume is not None)
        yield stage
    finally:
        if not keep_partial or not (stage / PROGRESS).is_file():
            shutil.rmtree(stage, ignore_errors=True)  # gone once published
        lock.release()


def partial_runs(output_dir: Path) -> list[Path]:
    """The hidden folders of runs that stopped after completing a fold, oldest first: `train --resume` takes one."""
    return sorted(path for path in runs_dir(output_dir).glob(STAGING_PREFIX + "*") if (path / PROGRESS).is_file())


def find_partial(output_dir: Path, run: str | None = None) -> Path:
    """The stopped run to resume: the latest, or the one whose name (`train --name`) or folder is `run`."""

    def names(partial: Path) -> tuple:
        return None, partial.name, json.loads((partial / PROGRESS).read_text())["name"]

    partials = [partial for partial in partial_runs(output_dir) if run in names(partial)]
    if not partials:
        what = f"named {run!r} " if run else ""
        raise OutputsError(f"no stopped run {what}to resume in {runs_dir(output_dir)}: add --smoke for a smoke run's")
    return partials[-1]


def git_state(folder: Path) -> dict:
    """The project's commit and whether its tree held changes not committed: what a run was trained from."""

    def git(*args) -> str | None:
        try:
            done = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            return None  # no git here (a Kaggle kernel): the record says so
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    return {"commit": commit, "dirty": bool(git("status", "--porcelain")) if commit else None}


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


def publish(stage: Path, output_dir: Path, name: str | None = None, facts: dict | None = None) -> Path:
    """Rename a complete run from its hidden folder to output_dir/runs/<run-id>: it appears whole, or not at all.
    run.json goes in first; then outputs/submission.csv becomes a copy of this run's."""
    stop_if_interrupted()
    run_id = new_run_id(output_dir, name)
    files = listed_files(stage)
    written = time.strftime("%Y-%m-%d %H:%M:%S")
    manifest = {"run": run_id, "name": name, "written": written, **(facts or {}), "files": files}
    (stage / MANIFEST).write_text(json.dumps(manifest, indent=2))
    with publishing(output_dir):
        run_dir = runs_dir(output_dir) / run_id
        os.rename(stage, run_dir)
        if (run_dir / "submission.csv").is_file():
            copy_submission(run_dir, output_dir)
    return run_dir


def new_run_id(output_dir: Path, name: str | None) -> str:
    """The time to the second and the name; a run published in the same second as the one before it gets ~2, ~3
    after the time, so that the latest run's id is always the last in sorted order."""
    stamp, suffix = time.strftime("%Y%m%d-%H%M%S"), f"-{name}" if name else ""
    newest = max((path.name for path in run_folders(output_dir)), default="")
    run_id, n = stamp + suffix, 1
    while newest.startswith(stamp) and run_id <= newest:
        n += 1
        run_id = f"{stamp}~{n}{suffix}"
    return run_id


def run_name(run_id: str) -> str:
    return re.sub(r"^\d{8}-\d{6}(~\d+)?-?", "", run_id)


def copy_submission(run_dir: Path, output_dir: Path) -> None:
    """output_dir/submission.csv replaced by run_dir's in one step (a copy aside, then renamed over it)."""
    temp = Path(output_dir) / ".submission.csv.tmp"
    shutil.copyfile(run_dir / "submission.csv", temp)
    os.replace(temp, Path(output_dir) / "submission.csv")


def find_run(output_dir: Path, run: str | None = None) -> Path:
    """The folder of run `run` in output_dir/runs/ (its id, or the latest run of that name), or of the latest run."""
    runs = run_folders(output_dir)
    if not runs:
        raise OutputsError(
            f"{output_dir} holds no complete run ({RUNS}/ is empty): run `train` first"
            " (or pass the --output-dir train used)"
        )
    if run is None:
        return runs[-1]
    named = [p for p in runs if p.name == run or run_name(p.name) == run]
    if not named:
        raise OutputsError(f"no run {run!r} in {runs_dir(output_dir)}: `runs` lists them by id and name")
    return named[-1]


def import_runs(fetched: Path, output_dir: Path, origin: str) -> list[Path]:
    """The complete runs a Kaggle kernel wrote (fetched/runs/<id>/, as `output` fetches them), each copied into
    output_dir/runs/ beside the local runs and renamed into place whole, as train publishes; run.json says where
    it came from. A run already there, or one whose files do not match its run.json, is left out."""
    imported = []
    for run_dir in run_folders(fetched):
        target = runs_dir(output_dir) / run_dir.name
        if target.exists():
            continue
        try:
            check_run(run_dir)
        except OutputsError as error:
            log.warning("not taken into %s: %s", runs_dir(output_dir), error)
            continue
        with new_run(output_dir) as stage:
            shutil.copytree(run_dir, stage, dirs_exist_ok=True)
            write_manifest(stage, read_manifest(run_dir) | {"origin": origin})
            with publishing(output_dir):
                os.rename(stage, target)
        imported.append(target)
    if imported and (find_run(output_dir) / "submission.csv").is_file():
        copy_submission(find_run(output_dir), output_dir)  # the latest run may be the kernel's now
    return imported


def latest(run_dir: Path) -> bool:
    """Whether run_dir is the latest run of its output folder: the one outputs/submission.csv copies."""
    return find_run(Path(run_dir).parents[1]) == Path(run_dir)


def read_manifest(output_dir: Path) -> dict:
    path = Path(output_dir) / MANIFEST
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def check_run(output_dir: Path, skip: tuple = (), models: bool = False) -> dict:
    """A run folder's run.json, once every file it lists (but those in `skip`) is there with its recorded SHA-256,
    and its fold models if `models` (`runs prune` may have taken them); else a one-line OutputsError."""
    output_dir = Path(output_dir)
    manifest = read_manifest(output_dir)
    if not manifest:
        raise OutputsError(f"{output_dir} holds no complete run ({MANIFEST} is missing): run `train` again")
    if models and manifest.get("pruned"):
        raise OutputsError(f"run {output_dir.name}'s fold models were pruned: pass another --run, or train again")
    if models and manifest.get("ensemble_of"):
        raise OutputsError(f"run {output_dir.name} is an ensemble of runs, with no models of its own: pick another")
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
    write_manifest(output_dir, manifest)


def write_manifest(run_dir: Path, manifest: dict) -> None:
    """run.json replaced in one step (written aside, then renamed): never half a record."""
    temp = Path(run_dir) / f".{MANIFEST}.tmp"
    temp.write_text(json.dumps(manifest, indent=2))
    os.replace(temp, Path(run_dir) / MANIFEST)
