"""The PyTorch training loop, in one place: AdamW, one learning-rate cycle (a linear warm-up, then a cosine
decay to zero), the head's loss (head.py),
automatic mixed precision on a GPU, channels-last memory, gradient clipping, and early stopping on
a slice of the training fold that keeps the best epoch's weights."""

import copy
import logging
import math
import sys
import time

import numpy as np
import torch
from tqdm.auto import tqdm

from . import distributed

log = logging.getLogger(__name__)


def one_cycle(optimizer, warmup_steps: int, total_steps: int):
    """The learning rate climbs linearly from a 25th of its peak, then follows a cosine down to zero: its last
    epochs, at small rates, settle the weights."""

    def factor(step: int) -> float:
        if step < warmup_steps:
            return 0.04 + 0.96 * step / warmup_steps
        progress = (step - warmup_steps) / max(total_steps - warmup_steps, 1)
        return 0.5 * (1 + math.cos(math.pi * min(progress, 1.0)))

    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def to_device(images: torch.Tensor, setup) -> torch.Tensor:
    # channels_last suits convolutions on GPUs' tensor cores; on a CPU it does no harm.
    return images.to(setup.device_name, non_blocking=True, memory_format=torch.channels_last)


def forward(model, inputs, setup, view=None) -> torch.Tensor:
    """The model on a batch of inputs: images, or (images, their extra columns' rows); `view` transforms the
    images first (TTA)."""
    images, extras = inputs if isinstance(inputs, (tuple, list)) else (inputs, None)
    images = to_device(images, setup)
    images = view(images) if view else images
    if extras is None:
        return model(images)
    return model(images, extras.to(setup.device_name, non_blocking=True))


def mean_loss(model, batches, loss_fn, setup) -> float:
    """The loss over every batch, without learning: early stopping watches it."""
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad(), torch.autocast(setup.device_type, dtype=torch.float16, enabled=setup.amp):
        for inputs, labels in batches:
            labels = labels.to(setup.device_name)
            total += loss_fn(forward(model, inputs, setup).float(), labels).item() * len(labels)
            count += len(labels)
    return total / max(count, 1)


def fit(model, batches, stop_batches, epochs: int, learning_rate: float, setup, config: dict, loss_fn, head_only=False):
    """Train for up to `epochs` on `loss_fn`; return the history of loss and val_loss. With head_only, the backbone
    is frozen and kept in inference mode (its BatchNorm statistics too), and early stopping waits for phase two."""
    training = config["training"]
    trainable = [p for p in model.parameters() if p.requires_grad]
    learner = distributed.wrap(model, setup)  # with several GPUs' processes, gradients averaged over them
    optimizer = torch.optim.AdamW(trainable, lr=learning_rate, weight_decay=training["weight_decay"])
    steps = epochs * len(batches)
    schedule = one_cycle(optimizer, min(int(training["warmup_share"] * steps), steps - 1), steps)
    scaler = torch.amp.GradScaler(setup.device_type, enabled=setup.amp)  # float16 gradients would underflow
    history, best, best_loss, waited = {"loss": [], "val_loss": []}, None, np.inf, 0
    bar, started = show_bar(training["progress"]), time.perf_counter()
    for epoch in range(epochs):
        if hasattr(batches, "sampler") and hasattr(batches.sampler, "set_epoch"):
            batches.sampler.set_epoch(epoch)  # a sharded epoch: a new order, dealt out anew
        model.train()
        if head_only:  # the frozen backbone in inference mode, so its BatchNorm statistics stay as loaded
            model.eval()
            head_of(model).train()
        running, seen = 0.0, 0
        progress = tqdm(batches, desc=f"epoch {epoch + 1}/{epochs}", leave=False, disable=not bar)
        for inputs, labels in progress:
            labels = labels.to(setup.device_name, non_blocking=True)
            with torch.autocast(setup.device_type, dtype=torch.float16, enabled=setup.amp):
                loss = loss_fn(forward(learner, inputs, setup).float(), labels)
            optimizer.zero_grad(set_to_none=True)
            scaler.scale(loss).backward()
            scaler.unscale_(optimizer)  # clip the true gradients, not the scaled ones
            torch.nn.utils.clip_grad_norm_(trainable, training["grad_clip"])
            scaler.step(optimizer)
            scaler.update()
            schedule.step()
            running, seen = running + loss.item() * len(labels), seen + len(labels)
            progress.set_postfix(loss=f"{running / seen:.4f}")
        # Each process watches the whole early-stopping slice; their means agree, so they stop together.
        stop_loss = mean_loss(model, stop_batches, loss_fn, setup)
        history["loss"].append(distributed.mean_over_processes(running / max(seen, 1), setup))
        history["val_loss"].append(distributed.mean_over_processes(stop_loss, setup))
        spent = time.perf_counter() - started
        left = spent / (epoch + 1) * (epochs - epoch - 1)  # every epoch still allowed: early stopping may end sooner
        log.info(
            "  network%s epoch %d of %d: loss %.4f, val_loss %.4f (%.0f s; at most %.0f s more)",
            " (head only)" if head_only else "",
            epoch + 1,
            epochs,
            *(h[-1] for h in history.values()),
            spent,
            left,
        )
        if head_only or epoch < training["early_stopping_start"]:
            continue  # early stopping neither watches nor keeps these epochs
        if history["val_loss"][-1] < best_loss:
            best, best_loss, waited = copy.deepcopy(model.state_dict()), history["val_loss"][-1], 0
        else:
            waited += 1
            if waited >= training["early_stopping_patience"]:
                break
    if best is not None:
        model.load_state_dict(best)  # the best epoch's weights, not the last one's
    return history


def show_bar(progress) -> bool:
    """training.progress: a bar within each epoch, or with auto only in a terminal; a log that is not one (a
    Kaggle kernel's, train.log) keeps the one line per epoch."""
    return sys.stderr.isatty() if progress == "auto" else bool(progress)


def head_of(model):
    """The classifier that phase one trains: timm models name it (with metadata, model.py's WithMetadata names its
    metadata layer and head); the small CNN's is its last layer."""
    return model.get_classifier() if hasattr(model, "get_classifier") else model[-1]


def predict(model, batches, setup, activation, view=None) -> np.ndarray:
    """The network's outputs through `activation` (class probabilities, or values as they are) for every image, in
    the batches' order; `view` transforms each batch first (TTA)."""
    model.eval()
    outputs = []
    with torch.no_grad(), torch.autocast(setup.device_type, dtype=torch.float16, enabled=setup.amp):
        for inputs in batches:
            logits = forward(model, inputs, setup, view)
            outputs.append(activation(logits.float()).cpu().numpy())
    return np.concatenate(outputs)
