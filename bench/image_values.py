"""The image task on values: scikit-learn's bundled 8x8 digits (nothing is downloaded), upscaled to 28x28 and
turned by a random angle, which is the target: how far, in degrees, is this digit turned? One number per image,
scored by RMSE, as PetFinder's Pawpularity is. Time to first submission with 5 folds and the small CNN from
scratch, CV and held-out RMSE of each model against the reference (RBF-kernel ridge regression on thumbnails) and
against always saying the mean, and peak memory.

    python bench/image_values.py [--images 3000] [--framework keras|pytorch]

Augmentations that change the answer are turned off: no rotation and no flips (a mirrored digit turned left
looks turned right). A quarter as many images more are held out, with their angles, as Kaggle would. Prints a
table and writes bench/results/image_values[-pytorch].json. Numbers depend on the machine: quote them with it.
"""

import argparse
import json
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from projects import held_out_alone, machine, new_project, trained
from text_values import held_out_rmse

RESULTS = Path(__file__).parent / "results"
PACKAGE, TARGET, TURN = "angles_bench", "angle", 45  # angles drawn from -TURN to TURN degrees


def turned_digits(count: int, seed: int = 0, size: int = 28) -> tuple[np.ndarray, np.ndarray]:
    """(images uint8 (count, size, size), angles in degrees): every original digit once before any repeats, each
    turned by its angle, a little shifted and scaled."""
    from scipy import ndimage
    from sklearn.datasets import load_digits

    digits = load_digits()
    rng = np.random.default_rng(seed)
    order = np.resize(rng.permutation(len(digits.images)), count)
    angles = rng.uniform(-TURN, TURN, count).round(2)
    images = np.empty((count, size, size), dtype="uint8")
    for k, i in enumerate(order):
        image = ndimage.zoom(digits.images[i] / 16 * 255, 20 / 8, order=1)  # a 20 px digit, as MNIST's are
        image = ndimage.rotate(image, angles[k], reshape=True, order=1)  # whole, corners and all
        image = ndimage.zoom(image, rng.uniform(0.9, 1.1) * 24 / max(image.shape), order=1)
        canvas = np.zeros((size + 8, size + 8))
        top, left = (np.array(canvas.shape) - image.shape) // 2 + rng.integers(-2, 3, 2)
        canvas[top : top + image.shape[0], left : left + image.shape[1]] = image
        images[k] = np.clip(canvas[4 : 4 + size, 4 : 4 + size], 0, 255)
    return images, angles


def write_competition(data_dir: Path, images: int) -> None:
    """train/ and test/ PNGs, train.csv, test.csv, sample_submission.csv, and the held-out angles (solution.csv,
    beside the folder)."""
    from PIL import Image

    pixels, angles = turned_digits(images + images // 3)
    frame = pd.DataFrame({"id": [f"{i:05d}" for i in range(len(angles))], TARGET: angles})
    train, test = frame.iloc[:images], frame.iloc[images:]
    for name, part in (("train", train), ("test", test)):
        (data_dir / name).mkdir(parents=True)
        for i, identifier in zip(part.index, part["id"], strict=True):
            Image.fromarray(pixels[i]).save(data_dir / name / f"{identifier}.png")
    train.to_csv(data_dir / "train.csv", index=False)
    test[["id"]].to_csv(data_dir / "test.csv", index=False)
    test[["id"]].assign(**{TARGET: 0.0}).to_csv(data_dir / "sample_submission.csv", index=False)
    test.to_csv(data_dir.parent / "solution.csv", index=False)


def project(folder: Path, images: int, framework: str) -> Path:
    """A rendered image project for rmse on the turned digits: the small CNN, no rotation or flips."""
    flags = ["--competition", "angles-bench", "--task", "image-classification", "--metric", "rmse"]
    flags += ["--target", TARGET, "--image-flips", "no", "--framework", framework]
    new_project(folder, *flags)
    config = (folder / "config.yaml").read_text()
    if framework == "keras":
        config = config.replace("  rotation: 0.05 ", "  rotation: 0.0  ", 1)
    else:  # the affine step without its rotation
        config = config.replace("rotate: [-15, 15], ", "", 1)
    (folder / "config.yaml").write_text(config)
    write_competition(folder / "data", images)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=3000)
    parser.add_argument("--framework", choices=["keras", "pytorch"], default="keras")
    args = parser.parse_args()
    results = {"machine": machine()}
    results["framework"] = args.framework
    with tempfile.TemporaryDirectory() as scratch:
        folder = project(Path(scratch) / "angles", args.images, args.framework)
        seconds, peak, cv = trained(folder, PACKAGE)
        train = pd.read_csv(folder / "data" / "train.csv")[TARGET]
        solution = pd.read_csv(folder / "solution.csv")[TARGET]
        network = cv["images"]["backbone"]
        results |= {
            "training_images": cv["rows"],
            "seconds_to_first_submission": seconds,
            "peak_rss_mb": peak,
            "cv_rmse": {name: score["oof"] for name, score in cv["scores"].items()},
            "submitted": cv["submission_model"],
            "blend_weights": cv["blend_weights"],
            "held_out_rmse": held_out_rmse(folder, TARGET),
            "held_out_alone": {
                model: held_out_alone(folder, PACKAGE, TARGET, model, score=held_out_rmse)
                for model in (network, "reference")
            },
            "held_out_mean": float(np.sqrt(((solution - train.mean()) ** 2).mean())),
        }

    RESULTS.mkdir(exist_ok=True)
    name = "image_values.json" if args.framework == "keras" else f"image_values-{args.framework}.json"
    (RESULTS / name).write_text(json.dumps(results, indent=2))
    r = results
    print(f"machine: {r['machine']}, {args.framework}")
    print(
        f"{r['training_images']} training images, 5 folds: first submission in {r['seconds_to_first_submission']:.0f}"
        f" s, peak {r['peak_rss_mb']} MB"
    )
    print("  CV rmse (degrees): " + ", ".join(f"{name} {score:.2f}" for name, score in r["cv_rmse"].items()))
    alone = ", ".join(f"{name} alone {score:.2f}" for name, score in r["held_out_alone"].items())
    print(f"  held-out rmse: submission ({r['submitted']}) {r['held_out_rmse']:.2f}, {alone}")
    print(f"  held-out rmse of always saying the training mean: {r['held_out_mean']:.2f}")


if __name__ == "__main__":
    main()
