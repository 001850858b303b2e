"""Small made-up image competitions in each of Kaggle's layouts, shaped by config.yaml, for tests and smoke runs.

Each class is a bright square of its own brightness on a noisy background, at a random place: a small network
and the reference both learn it in a few epochs. For a value metric (rmse, rmsle, mae), each image's value (1 to 3)
sets its square's brightness; for micro_f1 and mean_f2 the brightness sets a few labels (label_set). Files mix
grayscale, RGB and RGBA PNGs, JPEGs and sizes. With metadata, the answer lies in train.csv's columns beside the
images (a site and an age), not in the pixels."""

from pathlib import Path

import numpy as np
import pandas as pd
from known_answers import hostile_ids
from PIL import Image

SIZE = 16


VALUE_METRICS = ("rmse", "rmsle", "mae", "mcrmse")
LABEL_SET_METRICS = ("micro_f1", "mean_f2")  # several labels per row: in one column, separated by spaces


def label_set(level: float) -> str:
    """Planet's way: each image's labels in one column, separated by spaces. Every image is "clear" (a label no
    image lacks, as every Planet image has a weather), "dark" or "bright", "extreme" far from the middle
    brightness, and rarely "glare" (the brightest tenth)."""
    labels = ["clear", "dark" if level < 0.5 else "bright"]
    labels += ["extreme"] * bool(abs(level - 0.5) > 0.3) + ["glare"] * bool(level > 0.9)
    return " ".join(labels)


def make_image(level: float, rng: np.random.Generator, size: int = SIZE) -> np.ndarray:
    """A square whose brightness grows with level (0 to 1) on a noisy background."""
    canvas = rng.normal(40, 12, (size, size))
    side = size // 2
    top, left = rng.integers(0, size - side + 1, 2)
    canvas[top : top + side, left : left + side] = 90 + 160 * level + rng.normal(0, 5)
    return np.clip(canvas, 0, 255).astype("uint8")


def save(pixels: np.ndarray, path: Path, k: int) -> None:
    """Every fourth file in another mode or format, every third in another size, as real sets are."""
    image = Image.fromarray(pixels)
    if k % 3 == 1:
        image = image.resize((SIZE + 4, SIZE + 4))
    image = image.convert(["L", "RGB", "RGBA", "RGB"][k % 4])
    image.save(path.with_suffix(".jpg" if k % 4 == 3 else ".png"))


def sample_frame(ids: list, config: dict, classes: list, per_class: bool) -> pd.DataFrame:
    id_col, target = config["columns"]["id"], config["columns"]["target"]
    if per_class:  # one probability column per class, as in Leaf Classification
        return pd.DataFrame({id_col: ids, **{str(c): 1 / len(classes) for c in classes}})
    return pd.DataFrame({id_col: ids, target: classes[0]})


def write_competition(
    folder: Path,
    config: dict,
    layout: str = "csv",
    rows: int = 60,
    classes=(0, 1),
    per_class: bool | None = None,
    seed: int = 0,
    mislabelled: int = 0,
    metadata: bool = False,
    planet: bool = False,
) -> Path:
    """train/test images, sample_submission.csv and solution.csv (the test images' answers) in one of the
    layouts: csv, folders, pixels, tfrecords.

    per_class: a sample with a probability column per class; by default when the metric scores probabilities
    of more than two classes, as Kaggle's samples do. mislabelled: how many training images carry the next
    class's label, as real sets have a few: the models get those wrong out of fold, so `explain` has mistakes.
    metadata (csv layout): train.csv and test.csv gain a site (a category per class, or per third of the values),
    an age that grows with the answer, and a note unique to each row (no category); the images' squares are drawn
    at random brightness, so only the metadata tells the answers. Several target columns (csv layout): values
    that rise with the brightness, fall with it, or grow away from the middle (columns 0, 1, 2, then again), or for
    a metric of labels 0/1 labels: dark, bright, middling (one of three brightness classes each, then again). For
    micro_f1 and mean_f2 with one target column, a set of labels per image in it, separated by spaces (label_set).
    planet (csv layout): Planet's file names: train_v2.csv, train-jpg/, the test images split between test-jpg/
    and test-jpg-additional/, no test.csv (the sample names the test images)."""
    rng = np.random.default_rng(seed)
    classes = list(classes)
    if per_class is None:
        per_class = config["metric"] in ("logloss", "auc") and len(classes) > 2
    id_col, target = config["columns"]["id"], config["columns"]["target"]
    test_count = max(rows // 3, 3)
    several = {}  # several target columns: (train, test) answers by column
    if not isinstance(target, str):
        if layout != "csv":
            raise ValueError("several target columns go into train.csv: the csv layout")
        values = config["metric"] in VALUE_METRICS
        train_classes, test_classes = rng.integers(0, 3, rows), rng.integers(0, 3, test_count)
        if values:
            train_levels, test_levels = rng.uniform(0, 1, rows), rng.uniform(0, 1, test_count)
        else:
            train_levels, test_levels = train_classes / 2, test_classes / 2
        shapes = (lambda v: v, lambda v: 1 - v, lambda v: 2 * np.abs(v - 0.5))  # rising, falling, away from 0.5
        for j, name in enumerate(target):
            if values:
                several[name] = [(1 + 2 * shapes[j % 3](v)).round(3) for v in (train_levels, test_levels)]
            else:  # on for the dark, the bright or the middling class
                several[name] = [(c == (0, 2, 1)[j % 3]).astype(int) for c in (train_classes, test_classes)]
    elif config["metric"] in LABEL_SET_METRICS:  # several labels per image, which the brightness tells
        if layout != "csv":
            raise ValueError("labels separated by spaces go into train.csv: the csv layout")
        train_levels, test_levels = rng.uniform(0, 1, rows), rng.uniform(0, 1, test_count)
        train_labels = [label_set(level) for level in train_levels]
        test_answers = np.array([label_set(level) for level in test_levels], dtype=object)
        classes = ["clear"]  # what sample_submission.csv holds
    elif config["metric"] in VALUE_METRICS:  # one value per image, which the square's brightness tells
        if layout not in ("csv", "pixels"):
            raise ValueError(f"layout {layout} stores classes, not values")
        train_levels, test_levels = rng.uniform(0, 1, rows), rng.uniform(0, 1, test_count)
        train_labels = (1 + 2 * train_levels).round(3).tolist()
        test_answers = (1 + 2 * test_levels).round(3)
        classes = [0.0]  # what sample_submission.csv holds
    else:
        train_labels = [classes[k % len(classes)] for k in range(rows)]
        rng.shuffle(train_labels)
        train_levels = [classes.index(label) / max(len(classes) - 1, 1) for label in train_labels]
        for k in range(mislabelled):
            train_labels[k] = classes[(classes.index(train_labels[k]) + 1) % len(classes)]
        # The test images lean to the first class (half of them), unlike the training images' even shares.
        shares = np.r_[0.5, np.full(len(classes) - 1, 0.5 / (len(classes) - 1))]
        test_classes = rng.choice(len(classes), size=test_count, p=shares)
        test_levels = test_classes / max(len(classes) - 1, 1)
    extra = {}  # name -> (train column, test column)
    if metadata:
        if layout != "csv":
            raise ValueError("metadata goes into train.csv and test.csv: the csv layout")
        for name, levels, count in (("train", train_levels, rows), ("test", test_levels, test_count)):
            levels = np.asarray(levels, dtype=float)
            extra.setdefault("site", []).append([f"site{int(level * 2.999)}" for level in levels])
            extra.setdefault("age", []).append((30 + 40 * levels + rng.normal(0, 2, count)).round(1))
            extra.setdefault("note", []).append([f"{name} note {k}" for k in range(count)])
        train_levels, test_levels = rng.uniform(0, 1, rows), rng.uniform(0, 1, test_count)  # pixels say nothing
    train_pixels = [make_image(level, rng) for level in train_levels]
    test_pixels = [make_image(level, rng) for level in test_levels]
    ids = [f"img{n}" for n in hostile_ids(rows + test_count, rng, text=True)]  # not in the sample's order
    train_ids, test_ids = ids[:rows], ids[rows:]
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if layout == "csv":
        for name, ids, pixels in (("train", train_ids, train_pixels), ("test", test_ids, test_pixels)):
            for k, (i, p) in enumerate(zip(ids, pixels, strict=True)):
                place = folder / (f"{name}-jpg{'-additional' * (k % 2 * (name == 'test'))}" if planet else name)
                place.mkdir(exist_ok=True)
                save(p, place / i, k)
        columns = {**extra, **several}
        train_extra, test_extra = ({name: pair[k] for name, pair in columns.items()} for k in (0, 1))
        group = config["columns"]["group"]
        if group:  # three images per patient, as SIIM-ISIC has several per patient in train.csv and test.csv
            train_extra[group] = [f"patient{k // 3}" for k in range(rows)]
            test_extra[group] = [f"patient_t{k // 3}" for k in range(test_count)]
        answers = {} if several else {target: train_labels}  # several: in train_extra
        train_name = "train_v2.csv" if planet else "train.csv"
        pd.DataFrame({id_col: train_ids, **train_extra, **answers}).to_csv(folder / train_name, index=False)
        test_table = pd.DataFrame({id_col: test_ids, **test_extra})
        if several:  # the sample a column per target, the answers kept apart
            blank = 0.0 if config["metric"] in VALUE_METRICS else 0.5
            test_table[[id_col]].assign(**{name: blank for name in target}).sort_values(id_col).to_csv(
                folder / "sample_submission.csv", index=False
            )
            test_table[[id_col, *target]].to_csv(folder / "solution.csv", index=False)
            test_table.drop(columns=list(target)).to_csv(folder / "test.csv", index=False)
            return folder
        if not planet:
            test_table.to_csv(folder / "test.csv", index=False)
    elif layout == "folders":  # the id is the file name, as in Plant Seedlings
        for k, (label, p) in enumerate(zip(train_labels, train_pixels, strict=True)):
            (folder / "train" / str(label)).mkdir(parents=True, exist_ok=True)
            save(p, folder / "train" / str(label) / f"img{k:04d}", 2 * k)  # PNGs only: ids keep one extension
        (folder / "test").mkdir()
        test_ids = [f"{i}.png" for i in test_ids]
        for k, (i, p) in enumerate(zip(test_ids, test_pixels, strict=True)):
            Image.fromarray(p).convert(["L", "RGB"][k % 2]).save(folder / "test" / i)
        classes = [str(c) for c in classes]
    elif layout == "pixels":  # Digit Recognizer: label + pixel0..N; the test has no id, the sample counts from 1
        columns = [f"pixel{k}" for k in range(SIZE * SIZE)]
        train = pd.DataFrame(np.stack(train_pixels).reshape(rows, -1), columns=columns)
        train.insert(0, target, train_labels)
        train.to_csv(folder / "train.csv", index=False)
        pd.DataFrame(np.stack(test_pixels).reshape(test_count, -1), columns=columns).to_csv(
            folder / "test.csv", index=False
        )
        test_ids = list(range(1, test_count + 1))
    elif layout == "tfrecords":  # Petals to the Metal (TensorFlow writes the records: --framework keras)
        from synthetic_tfrecords import write_tfrecords

        write_tfrecords(folder, classes, (train_pixels, train_labels, train_ids), (test_pixels, test_ids))
        classes = list(range(len(classes)))  # TFRecords store class numbers
    else:
        raise ValueError(layout)
    sample_frame(sorted(test_ids), config, classes, per_class).to_csv(folder / "sample_submission.csv", index=False)
    if config["metric"] in VALUE_METRICS + LABEL_SET_METRICS:
        answers = test_answers
    else:
        answers = np.asarray(classes, dtype=object)[test_classes]
    solution = pd.DataFrame({id_col: test_ids, target: answers})
    solution.to_csv(folder / "solution.csv", index=False)  # the test images' true answers, which Kaggle keeps
    return folder
