"""Chooses where training runs (devices, mixed precision, batch size) and says so in one log line."""

import logging
import random
from dataclasses import dataclass

import numpy as np

from .training_setup import TrainingSetup

log = logging.getLogger(__name__)


@dataclass
class Setup(TrainingSetup):
    device_name: str = "cpu"  # where tensors go ("cuda" or "cpu")
    amp: bool = False  # automatic mixed precision (float16 autocast), on GPUs only
    pin_memory: bool = False  # page-locked batches copy to a GPU faster

    @property
    def device_type(self) -> str:
        return self.device_name.split(":")[0]


def seed_everything(seed: int) -> None:
    """Python's, NumPy's and PyTorch's generators (every GPU's too), so that a run repeats."""
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def configure(config: dict) -> Setup:
    """Every visible GPU with automatic mixed precision, or the CPU with the cpu settings; one log line says which."""
    import torch

    target = config["hardware"]["target"]
    gpus = torch.cuda.device_count() if target == "gpu" else 0
    hardware = "gpu" if gpus else "cpu"
    if target != "cpu" and not gpus:
        log.warning("hardware: %s asked for but none found; running on the CPU with its settings", target)
    settings = config["hardware"][hardware]
    torch.backends.cudnn.benchmark = gpus > 0  # one image size throughout: cuDNN may pick its fastest kernels
    setup = Setup(
        hardware=hardware,
        device=hardware,
        replicas=max(gpus, 1),
        precision=settings["precision"],
        batch_size=settings["batch_size"] * max(gpus, 1),
        workers=settings["workers"],
        learning_rate=config["training"]["learning_rate"] * max(gpus, 1),
        device_name="cuda" if gpus else "cpu",
        amp=gpus > 0 and settings["precision"] == "mixed_float16",  # float16 is slower than float32 on a CPU
        pin_memory=gpus > 0 and settings["pin_memory"],
    )
    amp = "automatic mixed precision (float16)" if setup.amp else "float32, AMP off" + ("" if gpus else " (no GPU)")
    log.info(
        "hardware: %s x%d on PyTorch %s%s, %s, global batch %d, %d loader workers",
        setup.device,
        setup.replicas,
        torch.__version__,
        " (a process each: DistributedDataParallel)" if setup.replicas > 1 else "",
        amp,
        setup.batch_size,
        setup.workers,
    )
    return setup


def framework(config: dict) -> str:
    """What trains the network, in words (doctor)."""
    import timm
    import torch

    return f"PyTorch {torch.__version__} (CUDA {torch.version.cuda or 'none'}), timm {timm.__version__}"


def visible_accelerators(target: str) -> int:
    import torch

    return torch.cuda.device_count() if target == "gpu" else 0
