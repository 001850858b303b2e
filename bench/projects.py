"""What the task benchmarks share: running a rendered project's command with its time and peak memory, and
scoring its submission on the held-out labels (solution.csv), as Kaggle's leaderboard would."""

import hashlib
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

# Runs the project's command and reports the peak memory of its process (threads included) on stderr.
MEASURED = """
import resource, runpy, sys
package = sys.argv.pop(1)
sys.argv = [package, *sys.argv[1:]]
try:
    runpy.run_module(package, run_name="__main__")
finally:
    print("peak_rss_kb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""


def machine() -> str:
    """What the numbers were measured on, for the results file."""
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def new_project(folder: Path, *flags: str) -> Path:
    """`kagglekit new FOLDER --defaults FLAGS`, with model.pretrained false: nothing here can download weights."""
    new = [sys.executable, "-m", "kagglekit.cli", "new", str(folder), "--defaults", *flags]
    subprocess.run(new, check=True, capture_output=True)
    config = (folder / "config.yaml").read_text().replace("  pretrained: true ", "  pretrained: false", 1)
    (folder / "config.yaml").write_text(config)
    return folder


def trained(folder: Path, package: str) -> tuple[float, int, dict]:
    """`train` in the project: seconds to the first submission, peak memory (MB) and the run's cv.json."""
    seconds, peak, _ = run(folder, package, "train")
    return seconds, peak, json.loads((latest_run(folder) / "cv.json").read_text())


def run(folder: Path, package: str, *command: str) -> tuple[float, int, str]:
    """Seconds, peak memory (MB) and log of `python -m PACKAGE COMMAND` in the project."""
    env = {**os.environ, "PYTHONPATH": str(folder / "src")}
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", MEASURED, package, *command], cwd=folder, env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    if result.returncode:
        raise SystemExit(result.stderr[-3000:])
    peak = int(result.stderr.rsplit("peak_rss_kb ", 1)[1].split()[0]) // 1024
    return seconds, peak, result.stderr


def accuracy(folder: Path, target: str) -> float:
    solution = pd.read_csv(folder / "solution.csv", dtype={"id": str})
    submission = pd.read_csv(folder / "outputs" / "submission.csv", dtype={"id": str})
    merged = solution.merge(submission, on="id", suffixes=("", "_predicted"))
    return float((merged[target].astype(str) == merged[f"{target}_predicted"].astype(str)).mean())


def latest_run(folder: Path) -> Path:
    """The newest run of a project: outputs/runs/<time>[-name]/ (names sort by time)."""
    return sorted(path for path in (folder / "outputs" / "runs").iterdir() if not path.name.startswith("."))[-1]


def held_out_alone(folder: Path, package: str, target: str, model: str, score=accuracy) -> float:
    """Held-out score (accuracy, or `score(folder, target)`) of one model's fold ensemble: predict again with
    cv.json's weights on it alone (and the threshold tuned for it alone); run.json is told of the edit, as the
    project's own outputs.record does."""
    run_dir = latest_run(folder)
    cv_path, manifest_path = run_dir / "cv.json", run_dir / "run.json"
    cv, manifest = json.loads(cv_path.read_text()), json.loads(manifest_path.read_text())
    saved = {path: path.read_bytes() for path in (folder / "outputs" / "submission.csv", run_dir / "submission.csv")}
    try:
        alone = {name: float(name == model) for name in cv["blend_weights"]}
        cv_path.write_text(json.dumps(cv | {"blend_weights": alone, "threshold": cv["scores"][model]["threshold"]}))
        files = manifest["files"] | {"cv.json": hashlib.sha256(cv_path.read_bytes()).hexdigest()}
        manifest_path.write_text(json.dumps(manifest | {"files": files}))
        run(folder, package, "predict")
        return score(folder, target)
    finally:
        cv_path.write_text(json.dumps(cv))
        manifest_path.write_text(json.dumps(manifest))
        for path, data in saved.items():
            path.write_bytes(data)
