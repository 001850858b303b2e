"""PyTorch input pipelines: a Dataset that reads each image from disk when a DataLoader worker asks for it (or, for
a small set, decodes them all once and keeps them in memory), applies the albumentations pipeline, and hands out
(inputs, target) pairs, the inputs an image tensor or (image, its extra columns' row); DataLoaders that shuffle
the training images and keep every other set in its order."""

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from PIL import Image
from torch.utils.data import DistributedSampler

from . import distributed
from .images import Images


@dataclass(frozen=True)
class ImageSpec:
    size: tuple[int, int]  # height, width the network sees
    channels: int  # 1 (grayscale) or 3


def read_image(image, images: Images, channels: int | None = None) -> np.ndarray:
    """uint8 pixels, height x width x channels (as stored when channels is None)."""
    if images.layout == "pixels":
        pixels = images.pixels[int(image)][..., None]
        return np.repeat(pixels, 3, axis=-1) if channels == 3 else pixels
    with Image.open(image) as opened:
        mode = {1: "L", 3: "RGB"}.get(channels) or ("L" if opened.mode in ("L", "I", "I;16", "1") else "RGB")
        pixels = np.asarray(opened.convert(mode))
    return pixels[..., None] if pixels.ndim == 2 else pixels


def first_image_shape(records: pd.DataFrame, images: Images) -> tuple[int, int, int]:
    """Height, width and channels of the first training image, as stored."""
    return read_image(records["image"].iloc[0], images).shape


def numpy_images(records: pd.DataFrame, images: Images, spec: ImageSpec, split: str = "train"):
    """(pixels resized to spec, float32 in [0, 255], position) for every record, in order: thumbnails, pictures."""
    for i, image in enumerate(records["image"]):
        pixels = read_image(image, images, spec.channels)
        resized = Image.fromarray(pixels.squeeze(-1) if spec.channels == 1 else pixels).resize(spec.size[::-1])
        yield np.asarray(resized, dtype=np.float32).reshape(*spec.size, spec.channels), i


def kept_in_memory(setting: str, records: pd.DataFrame, images: Images) -> bool:
    """images.cache: memory, none, or auto: memory when the decoded images, as stored, take under 2 GB."""
    if setting == "auto":
        return len(records) * int(np.prod(first_image_shape(records, images))) < 2**31
    return setting == "memory"


class ImageDataset(torch.utils.data.Dataset):
    """One record's image through `transform` (an albumentations Compose ending in a tensor), with its extra
    columns' row when there are any, and its label or value. With `in_memory`, every image is decoded once, here,
    and later epochs read the pixels from memory."""

    def __init__(
        self, records: pd.DataFrame, images: Images, spec: ImageSpec, transform, targets=None, *, extras, in_memory
    ):
        self.paths, self.images, self.spec, self.transform = records["image"].tolist(), images, spec, transform
        self.decoded = [read_image(path, images, spec.channels) for path in self.paths] if in_memory else None
        # Class indices (int64) for cross-entropy, or float32 values: the dtype each loss expects.
        self.targets = None if targets is None else torch.as_tensor(np.asarray(targets))
        self.extras = None if extras is None else torch.as_tensor(np.asarray(extras, dtype=np.float32))

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, i: int):
        decoded = self.decoded
        pixels = decoded[i] if decoded is not None else read_image(self.paths[i], self.images, self.spec.channels)
        image = self.transform(image=pixels)["image"]
        inputs = image if self.extras is None else (image, self.extras[i])
        return (inputs, self.targets[i]) if self.targets is not None else inputs


def seeded_worker(worker: int) -> None:
    """Each DataLoader worker draws its own augmentations, repeatably: albumentations' generators are seeded from
    torch's per-worker seed, which the loader's seeded generator decides."""
    info = torch.utils.data.get_worker_info()
    info.dataset.transform.set_random_seed(info.seed % 2**32)


def training_batches(
    records, targets, images, spec, transform, batch_size: int, setup, seed: int, extras=None, in_memory=False
):
    """Shuffled batches of one fixed size (the incomplete last one dropped), augmented as they are read. In one of
    several GPUs' processes, this process's shard of them: a DistributedSampler deals each epoch's shuffled images
    out between the processes (the training loop tells it the epoch, so that each epoch's order is new)."""
    transform.set_random_seed(seed + distributed.rank())  # albumentations' own generators, one per process
    dataset = ImageDataset(records, images, spec, transform, targets, extras=extras, in_memory=in_memory)
    sharded = distributed.processes() > 1
    shard = DistributedSampler(dataset, shuffle=True, seed=seed, drop_last=True) if sharded else None
    return torch.utils.data.DataLoader(
        dataset,
        batch_size=batch_size,
        shuffle=shard is None,
        sampler=shard,
        drop_last=True,
        num_workers=setup.workers,
        pin_memory=setup.pin_memory,
        persistent_workers=setup.workers > 0,
        worker_init_fn=seeded_worker,
        generator=torch.Generator().manual_seed(seed),
    )


def padded_batches(records, images, spec, transform, batch_size: int, setup, targets=None, extras=None):
    """Every record once, in order (the last batch may be smaller): validation, early stopping, prediction."""
    return torch.utils.data.DataLoader(
        ImageDataset(records, images, spec, transform, targets, extras=extras, in_memory=False),
        batch_size=batch_size,
        shuffle=False,
        num_workers=setup.workers,
        pin_memory=setup.pin_memory,
    )
