"""The models this task trains, all on the same folds. train.py and predict.py use each of them through
FoldModel (fold_model.py), the interface every task's models share. Here the rows are image records (see images.py)."""

import logging
from pathlib import Path

from .extras import find_metadata
from .fold_model import FoldModel
from .model import ImageNetwork, backbone_name, default_size
from .pipeline import ImageSpec, first_image_shape, numpy_images
from .reference import PixelReference
from .report import plot_images
from .target import target_column
from .weights import SMALL_CNN

log = logging.getLogger(__name__)


def image_spec(config: dict, data) -> ImageSpec:
    """The size and channels the network sees: config.yaml's, or with `auto` the backbone's own size, and for the
    small CNN the first image's size (at most 128 pixels) and channels (grayscale stays one channel)."""
    settings, backbone = config["images"], backbone_name(config)
    height, width, channels = first_image_shape(data.train, data.images)
    if settings["size"] == "auto":
        side = min(max(height, width), 128) if backbone == SMALL_CNN else default_size(backbone)
        size = (side, side)
    else:
        size = tuple(settings["size"]) if isinstance(settings["size"], list) else (settings["size"],) * 2
    if settings["channels"] == "auto":
        channels = 1 if backbone == SMALL_CNN and channels == 1 else 3
    else:
        channels = settings["channels"]
    return ImageSpec(size, channels)


def build_models(config: dict, data, setup, target, report_dir=None) -> tuple[list[FoldModel], dict]:
    """The network and the reference (both see the metadata columns beside the images, if any), and the facts
    about their inputs that cv.json reports. With report_dir, a grid of sample training images with their labels
    goes there too: a first look at the data."""
    spec = image_spec(config, data)
    n_classes = len(target.classes) if target.classes else None  # None: values, or several labels per image
    n_targets = len(target.names) if target.names else 1  # target columns, or labels
    metadata = find_metadata(data.train, data.test, config)
    network = ImageNetwork(config, data.images, setup, n_classes, spec, metadata, n_targets)
    facts = {
        "images": {
            "layout": data.images.layout,
            "size": list(spec.size),
            "channels": spec.channels,
            "backbone": network.name,
            "pretrained": config["model"]["pretrained"],
            "metadata": {"categorical": metadata.categorical, "numeric": metadata.numeric},
        }
    }
    if report_dir is not None:
        draw_samples(config, data, spec, report_dir / "samples.png")
    return [network, PixelReference(config, data.images, n_classes, metadata)], facts


def draw_samples(config: dict, data, spec: ImageSpec, path: Path, count: int = 16) -> Path:
    """A grid of training images, as the network sees them (before augmentation), with their labels or values: a
    first look at the data (are the labels right, the images upright, the size enough to tell them apart?)."""
    sample = data.train.sample(n=min(count, len(data.train)), random_state=config["cv"]["seed"])
    pictures = [image for image, _ in numpy_images(sample, data.images, spec)]
    answers = target_column(sample, config)  # a column, or several
    rows = answers.to_numpy().tolist() if answers.ndim == 2 else [[label] for label in answers]
    titles = [" ".join(f"{a:.4g}" if isinstance(a, float) else str(a) for a in row) for row in rows]
    plot_images(pictures, titles, path, "training images and their targets")
    return path
