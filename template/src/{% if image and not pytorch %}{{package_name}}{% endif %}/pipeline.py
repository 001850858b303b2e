"""tf.data input pipelines: images read from disk as training goes (never all at once), decoded and resized
in parallel, optionally cached in memory or on disk, batched in one fixed shape (TPUs, and several devices sharing a
batch, need that), and prefetched while the accelerator computes."""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import tensorflow as tf

from .images import Images

AUTOTUNE = tf.data.AUTOTUNE


@dataclass(frozen=True)
class ImageSpec:
    size: tuple[int, int]  # height, width the network sees
    channels: int  # 1 (grayscale) or 3


def first_image_shape(records: pd.DataFrame, images: Images) -> tuple[int, int, int]:
    """Height, width and channels of the first training image, as stored."""
    if images.layout == "pixels":
        return (*images.pixels.shape[1:], 1)
    image = next(iter(source(records.head(1), images, ImageSpec((0, 0), 0), resize=False)))[0]
    return tuple(image.shape)


def decode(encoded: tf.Tensor, spec: ImageSpec, resize: bool = True) -> tf.Tensor:
    """PNG, JPEG, BMP or GIF bytes (grayscale, RGB or RGBA) -> float32 pixels in [0, 255], spec's shape."""
    image = tf.io.decode_image(encoded, channels=spec.channels or 0, expand_animations=False)
    return resized(image, spec) if resize else image


def resized(image: tf.Tensor, spec: ImageSpec) -> tf.Tensor:
    image = tf.image.resize(tf.cast(image, tf.float32), spec.size)
    if image.shape[-1] == 1 and spec.channels == 3:
        image = tf.image.grayscale_to_rgb(image)
    return tf.ensure_shape(image, (*spec.size, spec.channels))


def source(records: pd.DataFrame, images: Images, spec: ImageSpec, split: str = "train", resize: bool = True):
    """(image, position) pairs in the records' order; for TFRecords in the files' order (see `order`)."""
    positions = np.arange(len(records))
    if images.layout == "pixels":
        pixels = images.pixels[records["image"].to_numpy()][..., None]
        dataset = tf.data.Dataset.from_tensor_slices((pixels, positions))
        return dataset.map(lambda image, i: (resized(image, spec), i), num_parallel_calls=AUTOTUNE)
    if images.layout == "tfrecords":
        keys = images.keys
        wanted = tf.lookup.StaticHashTable(
            tf.lookup.KeyValueTensorInitializer(records["image"].to_numpy(dtype=str), positions), default_value=-1
        )
        features = {
            keys["image"]: tf.io.FixedLenFeature([], tf.string),
            keys["id"]: tf.io.FixedLenFeature([], tf.string),
        }

        def parse(record):
            example = tf.io.parse_single_example(record, features)
            return example[keys["image"]], wanted.lookup(example[keys["id"]])

        files = images.tfrecords["test" if split == "test" else "train"]
        dataset = tf.data.TFRecordDataset(files, num_parallel_reads=1).map(parse, num_parallel_calls=AUTOTUNE)
        dataset = dataset.filter(lambda encoded, i: i >= 0)  # only these records: as many as there are rows
        dataset = dataset.apply(tf.data.experimental.assert_cardinality(len(records)))
    else:
        dataset = tf.data.Dataset.from_tensor_slices((records["image"].to_numpy(dtype=str), positions))
        dataset = dataset.map(lambda path, i: (tf.io.read_file(path), i), num_parallel_calls=AUTOTUNE)
    return dataset.map(lambda encoded, i: (decode(encoded, spec, resize), i), num_parallel_calls=AUTOTUNE)


def numpy_images(records: pd.DataFrame, images: Images, spec: ImageSpec, split: str = "train"):
    """(pixels, position) pairs as NumPy arrays: thumbnails for the reference, pictures for the report."""
    return source(records, images, spec, split).as_numpy_iterator()


def stream_order(records: pd.DataFrame, images: Images) -> np.ndarray:
    """The positions of the records in the order `source` yields them."""
    if images.layout == "tfrecords":
        return np.argsort(records["order"].to_numpy(), kind="stable")
    return np.arange(len(records))


def network_inputs(extras: np.ndarray | None):
    """(image, position) -> what the network takes: the image, or with extra columns (a row per record, by
    position) both by name."""
    if extras is None:
        return lambda image, i: image
    table = tf.constant(extras, dtype=tf.float32)
    return lambda image, i: {"image": image, "extras": tf.gather(table, i)}


def training_batches(
    records: pd.DataFrame,
    targets: np.ndarray,
    images: Images,
    spec: ImageSpec,
    batch_size: int,
    seed: int,
    mix=None,
    cache: str | Path | None = None,
    extras: np.ndarray | None = None,
):
    """Shuffled (inputs, target) batches of one fixed size, the incomplete last batch dropped; a target is a row
    per image (one-hot classes, or a value), the inputs the image and its extra columns' row if there are any.
    `mix` (MixUp or CutMix) mixes whole batches of images, targets included."""
    rows, inputs = tf.constant(targets, dtype=tf.float32), network_inputs(extras)
    dataset = source(records, images, spec).map(lambda image, i: (inputs(image, i), tf.gather(rows, i)))
    if cache:  # "memory", or a file: the first epoch decodes, the later ones read the cache
        dataset = dataset.cache("" if cache == "memory" else str(cache))
    dataset = dataset.shuffle(min(len(records), 4096), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.batch(batch_size, drop_remainder=True)
    if mix is not None:
        dataset = dataset.map(lambda x, y: tuple(mix({"images": x, "labels": y}).values()), num_parallel_calls=AUTOTUNE)
    return dataset.prefetch(AUTOTUNE)


def padded_batches(
    records: pd.DataFrame,
    images: Images,
    spec: ImageSpec,
    batch_size: int,
    split: str,
    view=None,
    targets: np.ndarray | None = None,
    extras: np.ndarray | None = None,
):
    """Every record once, in stream order, in fixed-size batches (the last one padded with repeats of the first
    image), each image transformed by `view` (a test-time augmentation) if given, with its extra columns' row if
    there are any; with `targets` (a row per image), those too."""
    dataset = source(records, images, spec, split)
    if view is not None:
        dataset = dataset.map(lambda image, i: (view(image), i), num_parallel_calls=AUTOTUNE)
    inputs = network_inputs(extras)
    if targets is not None:
        rows = tf.constant(targets, dtype=tf.float32)
        dataset = dataset.map(lambda image, i: (inputs(image, i), tf.gather(rows, i)))
    else:
        dataset = dataset.map(inputs)
    padding = -len(records) % batch_size
    if padding:
        dataset = dataset.concatenate(dataset.take(1).repeat(padding))
    return dataset.batch(batch_size, drop_remainder=True).prefetch(AUTOTUNE)


def predict_images(
    model,
    records: pd.DataFrame,
    images: Images,
    spec: ImageSpec,
    batch_size: int,
    split: str,
    view=None,
    extras: np.ndarray | None = None,
):
    """The model's outputs for every record, in the records' own order."""
    batches = padded_batches(records, images, spec, batch_size, split, view, extras=extras)
    raw = model.predict(batches, verbose=0)[: len(records)]
    prediction = np.empty_like(raw)
    prediction[stream_order(records, images)] = raw
    return prediction
