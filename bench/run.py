"""Benchmarks: render time, `kagglekit --help` time, and for each demo data set the time to first
submission and the cross-validated score of the Keras baseline against the reference model.

    python bench/run.py [--repeats 5] [--skip-training]

Prints a table and writes bench/results/latest.json. Numbers depend on the machine: quote them with it.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kagglekit.demo import DATASETS
from projects import latest_run

RESULTS = Path(__file__).parent / "results"


def timed(command: list[str]) -> tuple[float, str]:
    """Seconds the command took, and what it printed."""
    start = time.perf_counter()
    result = subprocess.run(command, check=True, capture_output=True, text=True)
    return time.perf_counter() - start, result.stdout


def median_time(command_for, repeats: int) -> float:
    return statistics.median(timed(command_for(i))[0] for i in range(repeats))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--skip-training", action="store_true")
    args = parser.parse_args()
    kagglekit = [sys.executable, "-m", "kagglekit.cli"]
    results = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"}

    with tempfile.TemporaryDirectory() as scratch:
        results["help_seconds"] = median_time(lambda i: [*kagglekit, "--help"], args.repeats)
        results["render_seconds"] = median_time(
            lambda i: [*kagglekit, "new", f"{scratch}/render{i}", "--defaults"], args.repeats
        )
        if not args.skip_training:
            for dataset in DATASETS:
                dest = Path(scratch) / dataset
                seconds, printed = timed([*kagglekit, "demo", str(dest), "--dataset", dataset])
                cv = json.loads((latest_run(dest) / "cv.json").read_text())
                results[dataset] = {
                    "time_to_first_submission_seconds": seconds,
                    "metric": cv["metric"],
                    "rows": cv["rows"],
                    "cv_oof": {name: score["oof"] for name, score in cv["scores"].items()},
                    "submitted": cv["submission_model"],
                    "holdout": float(printed.rsplit(f"held-out test {cv['metric']} ", 1)[1].split()[0]),
                }

    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2))
    print(f"machine: {results['machine']}")
    print(f"kagglekit --help      {results['help_seconds']:.3f} s (median of {args.repeats})")
    print(f"kagglekit new         {results['render_seconds']:.3f} s (median of {args.repeats})")
    for dataset in [] if args.skip_training else DATASETS:
        r = results[dataset]
        scores = "  ".join(f"{name} {value:.4f}" for name, value in r["cv_oof"].items())
        print(
            f"{dataset:14s} first submission {r['time_to_first_submission_seconds']:.1f} s; "
            f"CV {r['metric']} on {r['rows']} rows: {scores}; submitted {r['submitted']}, held-out {r['holdout']:.4f}"
        )


if __name__ == "__main__":
    main()
