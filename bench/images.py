"""The image task on digits made from scikit-learn's bundled 8x8 digits (28x28 grayscale PNGs, 10 classes;
nothing is downloaded): time to first submission with 5 folds and the small CNN from scratch, held-out accuracy
of the submission next to the reference model's and an SVC on raw pixels, and peak memory as the set grows.

    python bench/images.py [--images 4000] [--memory 2000 8000] [--framework keras|pytorch]

`--images` counts the training images; a quarter as many more are held out, with their labels, as Kaggle
would. Prints a table and writes bench/results/images.json (images-pytorch.json for --framework pytorch).
Numbers depend on the machine: quote them with it.
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
from projects import accuracy, held_out_alone, latest_run, run

RESULTS = Path(__file__).parent / "results"
PACKAGE = "digits_bench"


def project(folder: Path, images: int, settings: dict, framework: str = "keras") -> Path:
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
            "--framework",
            framework,
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
    parser.add_argument("--framework", choices=["keras", "pytorch"], default="keras")
    args = parser.parse_args()
    results = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"}
    results["framework"] = args.framework
    with tempfile.TemporaryDirectory() as scratch:
        folder = project(Path(scratch) / "first", args.images, {}, args.framework)
        seconds, peak, log = run(folder, PACKAGE, "train")
        cv = json.loads((latest_run(folder) / "cv.json").read_text())
        results["first_submission"] = {
            "training_images": cv["rows"],
            "seconds": seconds,
            "peak_rss_mb": peak,
            "cv_accuracy": {name: score["oof"] for name, score in cv["scores"].items()},
            "submitted": cv["submission_model"],
            "held_out_accuracy": accuracy(folder, "label"),
            "held_out_reference": held_out_alone(folder, PACKAGE, "label", "reference"),
        }
        results["svc_raw_pixels"] = dict(zip(("held_out_accuracy", "seconds"), svc_on_raw_pixels(folder), strict=True))
        shutil.rmtree(folder)
        # Memory: the same pipeline, short (2 folds, 2 epochs), over more and more images.
        quick = {"  folds: 5": "  folds: 2", "  epochs: 30": "  epochs: 2"}
        results["peak_rss_mb_by_images"] = {}
        for images in args.memory:
            folder = project(Path(scratch) / f"memory{images}", images, quick, args.framework)
            results["peak_rss_mb_by_images"][images] = run(folder, PACKAGE, "train")[1]
            shutil.rmtree(folder)

    RESULTS.mkdir(exist_ok=True)
    name = "images.json" if args.framework == "keras" else f"images-{args.framework}.json"
    (RESULTS / name).write_text(json.dumps(results, indent=2))
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
