"""The image task on digits made from scikit-learn's bundled 8x8 digits (28x28 grayscale PNGs, 10 classes;
nothing is downloaded): time to first submission with 5 folds and the small CNN from scratch, held-out accuracy
of the submission next to the reference model's and an SVC on raw pixels, and peak memory as the set grows.

    python bench/images.py [--images 4000] [--memory 2000 8000]

`--images` counts the training images; a quarter as many more are held out, with their labels, as Kaggle
would. Prints a table and writes bench/results/images.json. Numbers depend on the machine: quote them with it.
"""

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
from kagglekit.demo import write_competition

RESULTS = Path(__file__).parent / "results"
# Runs the project's command and reports the peak memory of its process (threads included) on stderr.
MEASURED = """
import resource, runpy, sys
sys.argv = ["digits_bench", *sys.argv[1:]]
try:
    runpy.run_module("digits_bench", run_name="__main__")
finally:
    print("peak_rss_kb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""


def project(folder: Path, images: int, settings: dict) -> Path:
    """A rendered image project on `images` training digits, config.yaml changed as settings say."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "kagglekit.cli",
            "new",
            str(folder),
            "--defaults",
            "--competition",
            "digits-bench",
            "--task",
            "image-classification",
            "--metric",
            "accuracy",
            "--image-flips",
            "no",
        ],
        check=True,
        capture_output=True,
    )
    config = (folder / "config.yaml").read_text().replace("  pretrained: true ", "  pretrained: false", 1)
    for old, new in settings.items():
        assert old in config, old
        config = config.replace(old, new, 1)
    (folder / "config.yaml").write_text(config)
    write_competition("digits", folder / "data", images=images * 4 // 3)  # a quarter more, held out
    return folder


def run(folder: Path, *command: str) -> tuple[float, int, str]:
    """Seconds, peak memory (MB) and log of `python -m digits_bench COMMAND` in the project."""
    env = {**os.environ, "PYTHONPATH": str(folder / "src")}
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", MEASURED, *command], cwd=folder, env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    if result.returncode:
        raise SystemExit(result.stderr[-3000:])
    peak = int(result.stderr.rsplit("peak_rss_kb ", 1)[1].split()[0]) // 1024
    return seconds, peak, result.stderr


def accuracy(folder: Path) -> float:
    solution = pd.read_csv(folder / "solution.csv", dtype={"id": str})
    submission = pd.read_csv(folder / "outputs" / "submission.csv", dtype={"id": str})
    merged = solution.merge(submission, on="id", suffixes=("", "_predicted"))
    return float((merged["label"] == merged["label_predicted"]).mean())


def held_out_alone(folder: Path, model: str) -> float:
    """Held-out accuracy of one model's fold ensemble: predict again with cv.json's weights on it alone."""
    cv_path = folder / "outputs" / "cv.json"
    cv = json.loads(cv_path.read_text())
    saved = (folder / "outputs" / "submission.csv").read_bytes()
    try:
        cv_path.write_text(
            json.dumps(cv | {"blend_weights": {name: float(name == model) for name in cv["blend_weights"]}})
        )
        run(folder, "predict")
        return accuracy(folder)
    finally:
        cv_path.write_text(json.dumps(cv))
        (folder / "outputs" / "submission.csv").write_bytes(saved)


def svc_on_raw_pixels(folder: Path) -> tuple[float, float]:
    """scikit-learn's SVC (RBF kernel) on the raw 784 pixels: held-out accuracy and seconds."""
    import numpy as np
    from PIL import Image
    from sklearn.svm import SVC

    def pixels(ids, split):
        return np.stack([np.asarray(Image.open(folder / "data" / split / f"{i}.png")).ravel() / 255 for i in ids])

    train = pd.read_csv(folder / "data" / "train.csv", dtype={"id": str})
    solution = pd.read_csv(folder / "solution.csv", dtype={"id": str})
    start = time.perf_counter()
    model = SVC().fit(pixels(train["id"], "train"), train["label"])
    score = float((model.predict(pixels(solution["id"], "test")) == solution["label"]).mean())
    return score, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=4000)
    parser.add_argument("--memory", type=int, nargs="*", default=[2000, 8000])
    args = parser.parse_args()
    results = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"}
    with tempfile.TemporaryDirectory() as scratch:
        folder = project(Path(scratch) / "first", args.images, {})
        seconds, peak, log = run(folder, "train")
        cv = json.loads((folder / "outputs" / "cv.json").read_text())
        results["first_submission"] = {
            "training_images": cv["rows"],
            "seconds": seconds,
            "peak_rss_mb": peak,
            "cv_accuracy": {name: score["oof"] for name, score in cv["scores"].items()},
            "submitted": cv["submission_model"],
            "held_out_accuracy": accuracy(folder),
            "held_out_reference": held_out_alone(folder, "reference"),
        }
        results["svc_raw_pixels"] = dict(zip(("held_out_accuracy", "seconds"), svc_on_raw_pixels(folder), strict=True))
        shutil.rmtree(folder)
        # Memory: the same pipeline, short (2 folds, 2 epochs), over more and more images.
        quick = {"  folds: 5": "  folds: 2", "  epochs: 30": "  epochs: 2"}
        results["peak_rss_mb_by_images"] = {}
        for images in args.memory:
            folder = project(Path(scratch) / f"memory{images}", images, quick)
            results["peak_rss_mb_by_images"][images] = run(folder, "train")[1]
            shutil.rmtree(folder)

    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "images.json").write_text(json.dumps(results, indent=2))
    first = results["first_submission"]
    print(f"machine: {results['machine']}")
    images, seconds, peak = first["training_images"], first["seconds"], first["peak_rss_mb"]
    print(f"{images} training images, 5 folds: first submission in {seconds:.0f} s, peak {peak} MB")
    print("CV accuracy: " + ", ".join(f"{name} {score:.4f}" for name, score in first["cv_accuracy"].items()))
    print(
        f"held-out accuracy: submission ({first['submitted']}) {first['held_out_accuracy']:.4f}, "
        f"reference {first['held_out_reference']:.4f}, "
        f"SVC on raw pixels {results['svc_raw_pixels']['held_out_accuracy']:.4f}"
    )
    print(
        "peak memory (2 folds, 2 epochs): "
        + ", ".join(f"{n} images {mb} MB" for n, mb in results["peak_rss_mb_by_images"].items())
    )


if __name__ == "__main__":
    main()
