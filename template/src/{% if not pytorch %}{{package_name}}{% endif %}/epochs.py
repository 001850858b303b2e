"""What a person sees while a network trains: one log line per epoch, its losses and how long the fit may still
take. The same line in a terminal, in train.log and in a Kaggle kernel's log, where Keras's own progress bar
(`verbose: 1`) would write thousands of lines; `verbose: 2` puts Keras's own line per epoch in its place."""

import logging
import time

import keras

log = logging.getLogger(__name__)


class EpochLog(keras.callbacks.Callback):
    """After each epoch: `<name> epoch 3 of 20: loss 0.4123, val_loss 0.4410 (6 s; at most 34 s more)`, the time
    left counting every epoch still allowed (early stopping may end the fit sooner)."""

    def __init__(self, name: str, epochs: int):
        super().__init__()
        self.name, self.epochs = name, epochs

    def on_train_begin(self, logs=None):
        self.started = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        spent = time.perf_counter() - self.started
        left = spent / (epoch + 1) * (self.epochs - epoch - 1)
        losses = ", ".join(f"{key} {logs[key]:.4f}" for key in ("loss", "val_loss") if key in (logs or {}))
        timing = f"{spent:.0f} s; at most {left:.0f} s more"
        log.info("  %s epoch %d of %d: %s (%s)", self.name, epoch + 1, self.epochs, losses, timing)


def epoch_log(name: str, epochs: int, verbose: int) -> list:
    """The callbacks that report a fit's epochs: ours, unless Keras prints its own (training.verbose 1 or 2)."""
    return [] if verbose else [EpochLog(name, epochs)]
