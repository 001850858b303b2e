"""The ledger: one SQLite file beside the runs (outputs/ledger.sqlite; SQLite needs no server and comes with
Python) that keeps what no run folder can: Kaggle's answer to each submission. A run's own facts (scores,
settings, commit) stay in its folder; the ledger indexes them, with the settings that changed since the run
before, so that `runs` shows every run beside its leaderboard scores."""

import contextlib
import json
import sqlite3
import time
from pathlib import Path

import yaml

from .config import flat_settings
from .outputs import read_manifest, run_folders

LEDGER = "ledger.sqlite"
SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run TEXT PRIMARY KEY, name TEXT, written TEXT, task TEXT, metric TEXT, higher_is_better INTEGER,
    submitted_model TEXT, cv REAL, scores TEXT, changed TEXT, git_commit TEXT, dirty INTEGER, smoke INTEGER,
    origin TEXT, seed_gain TEXT
);
CREATE TABLE IF NOT EXISTS submissions (
    ref TEXT PRIMARY KEY, run TEXT, submitted TEXT, message TEXT, status TEXT, public REAL, private REAL
);
"""


@contextlib.contextmanager
def ledger(output_dir: Path):
    """The ledger of output_dir, brought up to date with its run folders (a run trained, fetched from a kernel
    or pruned since), committed when the block ends."""
    Path(output_dir).mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(Path(output_dir) / LEDGER, timeout=60)
    connection.row_factory = sqlite3.Row
    try:
        connection.executescript(SCHEMA)
        sync(connection, output_dir)
        yield connection
        connection.commit()
    finally:
        connection.close()


def record_runs(output_dir: Path) -> None:
    """Every complete run of output_dir in the ledger (train calls it once its run is published)."""
    with ledger(output_dir):
        pass


def sync(connection: sqlite3.Connection, output_dir: Path) -> None:
    """A record for each complete run folder that has none yet, oldest first, each with its config's difference
    from the run recorded before it."""
    known = {row["run"] for row in connection.execute("SELECT run FROM runs")}
    previous = None
    for run_dir in run_folders(output_dir, complete=True):
        if run_dir.name not in known:
            connection.execute("INSERT INTO runs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", run_record(run_dir, previous))
        previous = run_dir


def run_record(run_dir: Path, previous: Path | None) -> tuple:
    manifest, cv = read_manifest(run_dir), json.loads((run_dir / "cv.json").read_text())
    git = manifest.get("git") or {}
    scores = {name: score["oof"] for name, score in cv["scores"].items()}
    return (
        run_dir.name,
        manifest.get("name"),
        manifest.get("written"),
        settings_of(run_dir).get("task"),
        cv["metric"],
        int(cv["greater_is_better"]),
        cv["submission_model"],
        scores[cv["submission_model"]],
        json.dumps(scores),
        json.dumps(config_changes(previous, run_dir)),
        git.get("commit"),
        None if git.get("dirty") is None else int(git["dirty"]),
        int(bool(manifest.get("smoke"))),
        manifest.get("origin"),
        json.dumps({name: gain["gain"] for name, gain in cv["seeds"]["models"].items()}) if "seeds" in cv else None,
    )


def settings_of(run_dir: Path | None) -> dict:
    """The settings a run trained with (its config.yaml), or none."""
    path = run_dir / "config.yaml" if run_dir else None
    return yaml.safe_load(path.read_text()) if path and path.is_file() else {}


def config_changes(before: Path | None, after: Path) -> dict:
    """{"section.key": [value before, value after]} for every setting that differs between two runs' config.yaml."""

    old, new = flat_settings(settings_of(before)), flat_settings(settings_of(after))
    if not old:
        return {}
    keys = sorted(old.keys() | new.keys())
    return {key: [old.get(key), new.get(key)] for key in keys if old.get(key) != new.get(key)}


def record_submission(output_dir: Path, ref, run: str | None, message: str) -> None:
    """A submission Kaggle accepted, pending until Kaggle scores it."""
    with ledger(output_dir) as connection:
        connection.execute(
            "INSERT OR REPLACE INTO submissions VALUES (?,?,?,?,?,?,?)",
            (str(ref), run, time.strftime("%Y-%m-%d %H:%M:%S"), message, "pending", None, None),
        )


def record_score(output_dir: Path, ref, status: str, public, private) -> None:
    """Kaggle's answer to submission `ref`: complete with its public and private scores, or error."""
    with ledger(output_dir) as connection:
        connection.execute(
            "UPDATE submissions SET status = ?, public = ?, private = ? WHERE ref = ?",
            (status, number(public), number(private), str(ref)),
        )


def pending(output_dir: Path) -> list[str]:
    with ledger(output_dir) as connection:
        return [row["ref"] for row in connection.execute("SELECT ref FROM submissions WHERE status = 'pending'")]


def number(score) -> float | None:
    """Kaggle's score as a number; None while it is hidden (a private score before the competition ends)."""
    try:
        return float(score)
    except (TypeError, ValueError):
        return None
