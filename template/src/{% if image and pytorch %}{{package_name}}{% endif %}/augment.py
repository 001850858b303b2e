"""Augmentation as albumentations pipelines, built from config.yaml's `augment` lists: the training one draws a new
variant of each image every epoch; the inference one only resizes. Both end the same way: scaled by the
backbone's mean and standard deviation (timm's data config), then turned into a channels-first tensor."""

import albumentations as A
import torch
from albumentations.pytorch import ToTensorV2

from .config import ProjectError

# Test-time augmentation: each view is a deterministic transform of a batch (batch, channels, height, width).
TTA_VIEWS = {"horizontal_flip": lambda x: torch.flip(x, dims=[3]), "vertical_flip": lambda x: torch.flip(x, dims=[2])}


def transform(step: dict, size: tuple[int, int]):
    """One albumentations transform from {"name": ..., its arguments}; `size: auto` means the network's size."""
    arguments = {key: value for key, value in step.items() if key != "name"}
    if arguments.get("size") == "auto":
        arguments["size"] = size
    try:
        return getattr(A, step["name"])(**arguments)
    except (AttributeError, TypeError, ValueError) as error:
        raise ProjectError(f"augment step {step} is not an albumentations transform ({error}): fix it") from None


def pipelines(config: dict, size: tuple[int, int], mean, std) -> tuple[A.Compose, A.Compose]:
    """(training, inference) pipelines: resize, the training steps, then normalise and make a tensor."""
    resize = A.Resize(*size)
    finish = [A.Normalize(mean=mean, std=std, max_pixel_value=255.0), ToTensorV2()]
    training = [transform(step, size) for step in config["augment"]["train"]]
    return A.Compose([resize, *training, *finish]), A.Compose([resize, *finish])


def tta_views(config: dict) -> dict:
    unknown = set(config["tta"]) - set(TTA_VIEWS)
    if unknown:
        raise ProjectError(f"tta lists {sorted(unknown)}: use {' and/or '.join(TTA_VIEWS)}, or [] for none")
    return {name: TTA_VIEWS[name] for name in config["tta"]}
