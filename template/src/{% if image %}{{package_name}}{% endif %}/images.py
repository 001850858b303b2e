"""Where a competition keeps its images, in the four layouts Kaggle uses, turned into tables of records.

1. csv:       train.csv (or the one train*.csv: train_v2.csv) with an id and a label; images at
              train/<id>.<ext> and test/<id>.<ext> (or a column holding each image's path; or the folders
              images.train_dir and test_dir name, one or several); test ids from test.csv or sample_submission.csv
2. folders:   train/<class>/<file>, test/<file>; the id is the file name
3. pixels:    train.csv with a label and pixel0..pixelN; test.csv with the pixels (Digit Recognizer);
              without an id column, the id is the 1-based row number
4. tfrecords: *.tfrec files holding an encoded image, a class and an id (Petals to the Metal)

Each record is a row: the id, the label (training rows), and `image`, which says where the pixels are: a
file path, a row of the pixel array, or for TFRecords the id itself (`order` gives its place in the files).
"""

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .config import ProjectError
from .paths import train_csv
from .target import predicts_values, target_names

log = logging.getLogger(__name__)
EXTENSIONS = {".png", ".jpg", ".jpeg", ".bmp", ".gif"}
TRAIN_DIRS = ("train", "train_images", "train-jpg", "images")
TEST_DIRS = ("test", "test_images", "test-jpg", "test-jpg-additional")  # Planet's test images lie in the last two


class ImageError(ProjectError):
    """An image is missing or unreadable, or the layout does not fit config.yaml."""


@dataclass
class Images:
    """How to read the pixels the records point at."""

    layout: str  # csv | folders | pixels | tfrecords
    pixels: np.ndarray | None = None  # pixels layout: every image, uint8 (rows, height, width)
    tfrecords: dict = field(default_factory=dict)  # tfrecords layout: {"train": [files], "test": [files]}
    keys: dict = field(default_factory=dict)  # tfrecords layout: feature names of the image, label and id


def detect_layout(data_dir: Path, config: dict) -> str:
    layout = config["images"]["layout"]
    if layout != "auto":
        return layout
    if any(data_dir.rglob("*.tfrec")):
        return "tfrecords"
    if train_csv(data_dir).is_file():
        try:
            header = pd.read_csv(train_csv(data_dir), nrows=0).columns
        except (ValueError, UnicodeDecodeError):  # unreadable: reading it as the csv layout says why in one line
            return "csv"
        return "pixels" if any(re.fullmatch(r"pixel_?\d+", str(c)) for c in header) else "csv"
    return "folders"


def find_dirs(data_dir: Path, setting: str | list, candidates: tuple, every: bool = False) -> list[Path]:
    """The image folders a setting names: one or several; with auto the first of the usual names that is there,
    or with `every` all that are (test images: Planet's lie in two folders)."""
    if setting != "auto":
        return [data_dir / name for name in ([setting] if isinstance(setting, str) else setting)]
    found = [data_dir / name for name in candidates if (data_dir / name).is_dir()]
    if not found:
        raise ImageError(f"no image folder ({' or '.join(candidates)}) in {data_dir}: set images.train_dir/test_dir")
    return found if every else found[:1]


def index_files(folders: list[Path]) -> dict[str, Path]:
    """Every image file in the folders, found by its name and by its name without the extension."""
    found = {}
    for folder in folders:
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() in EXTENSIONS:
                found[path.name] = found.setdefault(path.stem, path)
    return found


def attach_files(frame: pd.DataFrame, data_dir: Path, config: dict, split: str) -> pd.DataFrame:
    """The `image` column: the file the path column names (relative to the data folder), else each id's file in
    the split's image folder."""
    id_col, path_col = config["columns"]["id"], config["columns"]["path"]
    if path_col:
        if path_col not in frame.columns:
            raise ImageError(f"{split}.csv has no path column '{path_col}': fix columns.path in config.yaml")
        paths = [data_dir / p for p in frame[path_col]]
    else:
        setting, candidates = (
            (config["images"]["train_dir"], TRAIN_DIRS)
            if split == "train"
            else (config["images"]["test_dir"], TEST_DIRS)
        )
        folders = find_dirs(data_dir, setting, candidates, every=split == "test")
        files = index_files(folders)
        paths = [files.get(str(i), folders[0] / str(i)) for i in frame[id_col]]
    return frame.assign(image=[str(p) for p in paths])


def read_csv_layout(data_dir: Path, config: dict, sample: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    from .data import read_csv  # data.py imports this module: imported here, when it is loaded

    id_col, competition = config["columns"]["id"], config["competition"]
    train = read_csv(train_csv(data_dir), competition, id_col)
    test_csv = data_dir / "test.csv"
    test = read_csv(test_csv, competition, id_col) if test_csv.is_file() else sample[[id_col]].copy()
    return attach_files(train, data_dir, config, "train"), attach_files(test, data_dir, config, "test")


def read_folders_layout(data_dir: Path, config: dict, sample: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    id_col, target = config["columns"]["id"], config["columns"]["target"]
    train_dir = find_dirs(data_dir, config["images"]["train_dir"], TRAIN_DIRS)[0]
    rows = [
        {id_col: path.name, target: folder.name, "image": str(path)}
        for folder in sorted(p for p in train_dir.iterdir() if p.is_dir())
        for path in sorted(folder.iterdir())
        if path.suffix.lower() in EXTENSIONS
    ]
    if not rows:
        raise ImageError(f"{train_dir} holds no class folders with images: check images.layout and train_dir")
    return pd.DataFrame(rows), attach_files(sample[[id_col]].copy(), data_dir, config, "test")


def read_pixels_layout(data_dir: Path, config: dict) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    from .data import read_csv  # data.py imports this module: imported here, when it is loaded

    id_col = config["columns"]["id"]
    frames = [read_csv(data_dir / name, config["competition"], id_col) for name in ("train.csv", "test.csv")]
    arrays, tables = [], []
    start = 0
    for frame in frames:
        pixel_columns = [c for c in frame.columns if re.fullmatch(r"pixel_?\d+", str(c))]
        side = int(round(np.sqrt(len(pixel_columns))))
        if side * side != len(pixel_columns):
            raise ImageError(f"{len(pixel_columns)} pixel columns do not make a square image: set images.layout")
        arrays.append(frame[pixel_columns].to_numpy(dtype="uint8").reshape(-1, side, side))
        table = frame.drop(columns=pixel_columns)
        if id_col not in table.columns:  # Digit Recognizer: the id is the 1-based row number
            table.insert(0, id_col, [str(i) for i in range(1, len(table) + 1)])
        tables.append(table.assign(image=np.arange(start, start + len(table))))
        start += len(table)
    return tables[0], tables[1], np.concatenate(arrays)


def read_tfrecords_layout(data_dir: Path, config: dict) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Ids and labels read from the records, by tfrecords.py: TensorFlow reads the records, so only projects
    rendered with --framework keras have that module."""
    try:
        from .tfrecords import read_tfrecords
    except ModuleNotFoundError as error:
        if error.name != f"{__package__}.tfrecords":
            raise
        advice = "render the project with --framework keras for them"
        raise ImageError(f"TFRecords are read with TensorFlow: {advice}") from None
    return read_tfrecords(data_dir, config)


def check_files(frame: pd.DataFrame, config: dict, split: str) -> pd.DataFrame:
    """Every image exists and decodes to its last byte (JPEGs at an eighth of their size, which is fast), here
    and not inside the first fold. A bad training image stops the run, or is skipped and counted when
    images.on_bad_image is skip; a bad test image always stops it."""
    from PIL import Image

    bad = []
    for path in frame["image"]:
        try:
            with Image.open(path) as image:
                image.draft(image.mode, (max(image.width // 8, 1), max(image.height // 8, 1)))
                image.load()  # a truncated file passes the header check and fails here
        except FileNotFoundError:
            bad.append((path, "is missing"))
        except Exception as error:  # empty, or not an image at all
            bad.append((path, f"cannot be read ({type(error).__name__})"))
    if bad and (split == "test" or config["images"]["on_bad_image"] != "skip"):
        path, problem = bad[0]
        fix = "replace it" if split == "test" else "replace it, or set images.on_bad_image: skip in config.yaml"
        raise ImageError(f"{split} image {path} {problem} ({len(bad)} bad in all): {fix}")
    if bad:
        log.warning("%s: skipped %d unreadable images, e.g. %s", split, len(bad), bad[0][0])
    return frame[~frame["image"].isin([path for path, _ in bad])].reset_index(drop=True)


def read_images(data_dir: Path, config: dict, sample: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, Images]:
    """Train and test records, and how to read their pixels."""
    layout = detect_layout(data_dir, config)
    if layout == "csv":
        train, test = read_csv_layout(data_dir, config, sample)
        images = Images(layout)
    elif layout == "folders":
        train, test = read_folders_layout(data_dir, config, sample)
        images = Images(layout)
    elif layout == "pixels":
        train, test, pixels = read_pixels_layout(data_dir, config)
        images = Images(layout, pixels=pixels)
    elif layout == "tfrecords":
        train, test, files = read_tfrecords_layout(data_dir, config)
        images = Images(layout, tfrecords=files, keys=config["images"]["tfrecord_keys"])
    else:
        raise ImageError(f"images.layout '{layout}' is unknown: use auto, csv, folders, pixels or tfrecords")
    if layout in ("folders", "tfrecords") and len(target_names(config)) > 1:  # one class per image
        raise ImageError(
            f"the {layout} layout holds one class per image and columns.target names several columns: name one,"
            " or give train.csv a column per target (the csv layout)"
        )
    if layout in ("folders", "tfrecords") and predicts_values(config):  # a folder name or a record's class number
        raise ImageError(
            f"the {layout} layout holds classes and metric {config['metric']} scores values: set a class metric"
            " (accuracy, logloss, ...) in config.yaml, or give train.csv a column of values (the csv layout)"
        )
    if layout in ("csv", "folders"):
        train, test = check_files(train, config, "train"), check_files(test, config, "test")
    log.info("images: %s layout, %d training and %d test images", layout, len(train), len(test))
    return train, test, images
