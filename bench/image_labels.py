"""The image task on several labels per image, in Planet's layout: scikit-learn's bundled 8x8 digits (nothing is
downloaded), upscaled to 28x28, each tagged in one column with its labels separated by spaces: "even" or "odd",
"big" (5 to 9), "loop" (0, 6, 8, 9: a closed stroke), "prime" (2, 3, 5, 7). Scored by the mean F2 over images, as
Planet was. The labels are facts about each real image's digit, so no label is noise; which digit it is the network
must read from the pixels. Time to first submission with 5 folds and the small CNN from scratch, CV and held-out F2
of each model, the threshold tuned per label, against two constant answers: the commonest training label set, and
every label (F2 counts recall four times precision, so saying everything is a strong trivial answer).

    python bench/image_labels.py [--images 2000] [--framework keras|pytorch]

Flips are off (a mirrored digit is another shape). A third as many images more are held out, with their labels, as
Kaggle would. Prints a table and writes bench/results/image_labels[-pytorch].json. Numbers depend on the machine:
quote them with it.
"""

import argparse
import json
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from projects import held_out_alone, machine, new_project, trained

RESULTS = Path(__file__).parent / "results"
PACKAGE, TARGET = "labels_bench", "tags"
LABELS = {
    "even": {0, 2, 4, 6, 8},
    "odd": {1, 3, 5, 7, 9},
    "big": {5, 6, 7, 8, 9},
    "loop": {0, 6, 8, 9},
    "prime": {2, 3, 5, 7},
}


def tags(digit: int) -> str:
    return " ".join(label for label, digits in LABELS.items() if digit in digits)


def mean_f2(truth: pd.Series, predicted: pd.Series) -> float:
    """Each image's F2 of the predicted label set against the true one, averaged (Planet's metric), written here
    from its definition."""
    scores = []
    for true, guess in zip(truth.str.split().map(set), predicted.str.split().map(set), strict=True):
        hits = len(true & guess)
        precision, recall = hits / max(len(guess), 1), hits / max(len(true), 1)
        scores.append(0.0 if hits == 0 else 5 * precision * recall / (4 * precision + recall))
    return float(np.mean(scores))


def held_out_f2(folder: Path, target: str = TARGET) -> float:
    solution = pd.read_csv(folder / "solution.csv", dtype={"id": str}).set_index("id")
    submission = pd.read_csv(folder / "outputs" / "submission.csv", dtype={"id": str}).set_index("id")
    return mean_f2(solution.loc[submission.index, target], submission[target])


def write_competition(data_dir: Path, images: int) -> None:
    """train/ and test/ PNGs, train.csv, test.csv, sample_submission.csv, and the held-out labels (solution.csv,
    beside the folder)."""
    from PIL import Image
    from scipy import ndimage
    from sklearn.datasets import load_digits

    digits = load_digits()
    rng = np.random.default_rng(0)
    order = np.resize(rng.permutation(len(digits.images)), images + images // 3)
    frame = pd.DataFrame(
        {"id": [f"{k:05d}" for k in range(len(order))], TARGET: [tags(digits.target[i]) for i in order]}
    )
    train, test = frame.iloc[:images], frame.iloc[images:]
    for name, part in (("train", train), ("test", test)):
        (data_dir / name).mkdir(parents=True)
        for k, identifier in zip(part.index, part["id"], strict=True):
            image = ndimage.zoom(digits.images[order[k]] / 16 * 255, 28 / 8, order=1)
            Image.fromarray(np.clip(image, 0, 255).astype("uint8")).save(data_dir / name / f"{identifier}.png")
    train.to_csv(data_dir / "train.csv", index=False)
    test[["id"]].to_csv(data_dir / "test.csv", index=False)
    test[["id"]].assign(**{TARGET: "even"}).to_csv(data_dir / "sample_submission.csv", index=False)
    test.to_csv(data_dir.parent / "solution.csv", index=False)


def project(folder: Path, images: int, framework: str) -> Path:
    """A rendered image project for mean_f2 on the tagged digits: the small CNN from scratch, no flips."""
    flags = ["--competition", "labels-bench", "--task", "image-classification", "--metric", "mean_f2"]
    flags += ["--target", TARGET, "--image-flips", "no", "--framework", framework]
    new_project(folder, *flags)
    write_competition(folder / "data", images)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=2000)
    parser.add_argument("--framework", choices=["keras", "pytorch"], default="keras")
    args = parser.parse_args()
    results = {"machine": machine()}
    results["framework"] = args.framework
    with tempfile.TemporaryDirectory() as scratch:
        folder = project(Path(scratch) / "labels", args.images, args.framework)
        seconds, peak, cv = trained(folder, PACKAGE)
        train = pd.read_csv(folder / "data" / "train.csv")[TARGET]
        truth = pd.read_csv(folder / "solution.csv")[TARGET]
        network = cv["images"]["backbone"]
        results |= {
            "training_images": cv["rows"],
            "labels": cv["targets"],
            "seconds_to_first_submission": seconds,
            "peak_rss_mb": peak,
            "cv_mean_f2": {name: score["oof"] for name, score in cv["scores"].items()},
            "submitted": cv["submission_model"],
            "thresholds": dict(zip(cv["targets"], cv["threshold"], strict=True)),
            "per_label_f2": cv["per_target"],
            "held_out_mean_f2": held_out_f2(folder),
            "held_out_alone": {
                model: held_out_alone(folder, PACKAGE, TARGET, model, score=held_out_f2)
                for model in (network, "reference")
            },
            "held_out_commonest_set": mean_f2(truth, pd.Series(train.mode()[0], index=truth.index)),
            "held_out_every_label": mean_f2(truth, pd.Series(" ".join(LABELS), index=truth.index)),
        }

    RESULTS.mkdir(exist_ok=True)
    name = "image_labels.json" if args.framework == "keras" else f"image_labels-{args.framework}.json"
    (RESULTS / name).write_text(json.dumps(results, indent=2))
    r = results
    print(f"machine: {r['machine']}, {args.framework}")
    print(
        f"{r['training_images']} training images, 5 folds: first submission in {r['seconds_to_first_submission']:.0f}"
        f" s, peak {r['peak_rss_mb']} MB"
    )
    print("  CV mean F2: " + ", ".join(f"{name} {score:.4f}" for name, score in r["cv_mean_f2"].items()))
    print("  thresholds per label: " + ", ".join(f"{label} {t:.2f}" for label, t in r["thresholds"].items()))
    alone = ", ".join(f"{name} alone {score:.4f}" for name, score in r["held_out_alone"].items())
    print(f"  held-out mean F2: submission ({r['submitted']}) {r['held_out_mean_f2']:.4f}, {alone}")
    print(
        f"  held-out mean F2 of a constant answer: the commonest training set {r['held_out_commonest_set']:.4f},"
        f" every label {r['held_out_every_label']:.4f}"
    )


if __name__ == "__main__":
    main()
