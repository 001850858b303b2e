"""Batches of one fixed shape: XLA devices (TPUs, and several GPUs or cores sharing a batch) need every
batch to have the same size and to split evenly over the devices."""

import keras
import numpy as np

from .config import ProjectError


def usable_batch_size(batch_size: int, rows: int, replicas: int) -> int:
    """The configured global batch, shrunk to fit small data, always a multiple of the replica count."""
    size = min(batch_size, rows) // replicas * replicas
    if size == 0:
        raise ProjectError(f"{rows} rows cannot feed {replicas} devices: use fewer devices or more data")
    return size


class ShuffledFullBatches(keras.utils.PyDataset):
    """Training batches: reshuffled every epoch, the incomplete last batch dropped (drop_remainder).

    Which rows are dropped changes every epoch, so no row is left out for good.
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, batch_size: int, seed: int, workers: int = 1):
        super().__init__(workers=workers)
        self.x, self.y, self.batch_size = x, y, batch_size
        self.rng = np.random.default_rng(seed)
        self.order = self.rng.permutation(len(x))

    def __len__(self) -> int:
        return len(self.x) // self.batch_size

    def __getitem__(self, index: int):
        rows = self.order[index * self.batch_size : (index + 1) * self.batch_size]
        return self.x[rows], self.y[rows]

    def on_epoch_end(self) -> None:
        self.order = self.rng.permutation(len(self.x))


def wrap_to_multiple(x: np.ndarray, multiple: int) -> np.ndarray:
    """Repeat rows from the start until the length is a multiple: fixed shapes for evaluation and prediction."""
    padded = -(-len(x) // multiple) * multiple
    return x[np.arange(padded) % len(x)]


def predict_rows(model: keras.Model, x: np.ndarray, batch_size: int) -> np.ndarray:
    """model.predict in fixed-size batches, then the padding rows cut off again."""
    return model.predict(wrap_to_multiple(x, batch_size), batch_size=batch_size, verbose=0)[: len(x)].ravel()
