"""The tfrecords layout (Petals to the Metal): *.tfrec files under train/, val/ and test/, each record an encoded
image, its class and its id. Only ids and labels are read here; the images stay encoded in the files until
tf.data decodes them for training (pipeline.py)."""

from pathlib import Path

import numpy as np
import pandas as pd

from .images import ImageError


def read_tfrecords(data_dir: Path, config: dict) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Ids and labels read from the records (the images stay encoded in the files until training)."""
    try:
        import tensorflow as tf
    except ImportError:
        raise ImageError("TFRecords are read with TensorFlow, which is not installed: pip install tensorflow") from None

    settings, id_col, target = config["images"], config["columns"]["id"], config["columns"]["target"]
    keys = settings["tfrecord_keys"]
    root = data_dir / settings["tfrecord_dir"] if settings["tfrecord_dir"] != "auto" else data_dir
    files = sorted(root.rglob("*.tfrec"))
    split = {
        "train": [f for f in files if f.parent.name in ("train", "val")],
        "test": [f for f in files if f.parent.name == "test"],
    }
    if settings["tfrecord_dir"] == "auto" and split["train"]:
        first = split["train"][0].parent.parent  # e.g. tfrecords-jpeg-224x224: one resolution only
        split = {name: [f for f in fs if f.parent.parent == first] for name, fs in split.items()}
    if not split["train"] or not split["test"]:
        raise ImageError(f"no train/ and test/ folders of .tfrec files under {root}: set images.tfrecord_dir")
    tables = {}
    for name, paths in split.items():
        features = {keys["id"]: tf.io.FixedLenFeature([], tf.string)}
        if name == "train":
            features[keys["label"]] = tf.io.FixedLenFeature([], tf.int64)
        ids, labels = [], []
        records = tf.data.TFRecordDataset([str(p) for p in paths])
        for record in records.map(lambda r, features=features: tf.io.parse_single_example(r, features)):
            ids.append(record[keys["id"]].numpy().decode())
            if name == "train":
                labels.append(int(record[keys["label"]].numpy()))
        table = pd.DataFrame({id_col: ids, "image": ids, "order": np.arange(len(ids))})
        tables[name] = table.assign(**{target: labels}) if name == "train" else table
    return tables["train"], tables["test"], {name: [str(p) for p in paths] for name, paths in split.items()}
