"""The tfrecords layout of the synthetic image competitions (Petals to the Metal): JPEG bytes, a class number and
an id per record, in train/, val/ and test/ folders of .tfrec files."""

import numpy as np
import tensorflow as tf


def write_tfrecords(folder, classes: list, train: tuple, test: tuple) -> None:
    """train: (pixels, labels, ids) of the training images; test: (pixels, ids) of the test images."""
    train_pixels, train_labels, train_ids = train
    test_pixels, test_ids = test
    rows, test_count = len(train_ids), len(test_ids)

    def example(pixels, label, identifier):
        encoded = tf.io.encode_jpeg(np.repeat(pixels[..., None], 3, axis=2)).numpy()
        feature = {
            "image": tf.train.Feature(bytes_list=tf.train.BytesList(value=[encoded])),
            "id": tf.train.Feature(bytes_list=tf.train.BytesList(value=[identifier.encode()])),
        }
        if label is not None:
            feature["class"] = tf.train.Feature(int64_list=tf.train.Int64List(value=[label]))
        return tf.train.Example(features=tf.train.Features(feature=feature)).SerializeToString()

    side = len(train_pixels[0])
    root = folder / f"tfrecords-jpeg-{side}x{side}"
    half = rows // 2  # train/ and val/ both hold labelled records
    parts = {"train": range(0, half), "val": range(half, rows)}
    for name, part in parts.items():
        (root / name).mkdir(parents=True)
        with tf.io.TFRecordWriter(str(root / name / f"{name}00-{len(part)}.tfrec")) as writer:
            for k in part:
                writer.write(example(train_pixels[k], classes.index(train_labels[k]), train_ids[k]))
    (root / "test").mkdir()
    with tf.io.TFRecordWriter(str(root / "test" / f"test00-{test_count}.tfrec")) as writer:
        for pixels, identifier in zip(test_pixels, test_ids, strict=True):
            writer.write(example(pixels, None, identifier))
