"""Batches of one fixed shape: XLA devices (TPUs, and several GPUs or cores sharing a batch) need every
batch to have the same size and to split evenly over the devices. Model inputs are one array, or a dict of
arrays with one row per example (a network with several inputs)."""

import keras
import numpy as np
from sklearn.model_selection import train_test_split

from .config import ProjectError


def usable_batch_size(batch_size: int, rows: int, replicas: int) -> int:
    """The configured global batch, shrunk to fit small data, always a multiple of the replica count."""
    size = min(batch_size, rows) // replicas * replicas
    if size == 0:
        raise ProjectError(f"{rows} rows cannot feed {replicas} devices: use fewer devices or more data")
    return size


def take(x, rows):
    """Rows of an array, or the same rows of every array in a dict of inputs."""
    return {name: values[rows] for name, values in x.items()} if isinstance(x, dict) else x[rows]


def row_count(x) -> int:
    return len(next(iter(x.values()))) if isinstance(x, dict) else len(x)


def early_stopping_split(index, y: np.ndarray, seed: int):
    """Training rows and a 10% slice of them for early stopping; stratified when every class can be split."""
    try:
        return train_test_split(index, test_size=0.1, random_state=seed, stratify=y)
    except ValueError:  # too few rows of some class, or too few in the slice for every class
        return train_test_split(index, test_size=0.1, random_state=seed)


class ShuffledFullBatches(keras.utils.PyDataset):
    """Training batches: reshuffled every epoch, the incomplete last batch dropped (drop_remainder).

    Which rows are dropped changes every epoch, so no row is left out for good.
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, batch_size: int, seed: int, workers: int = 1):
        super().__init__(workers=workers)
        self.x, self.y, self.batch_size = x, y, batch_size
        self.rng = np.random.default_rng(seed)
        self.order = self.rng.permutation(row_count(x))

    def __len__(self) -> int:
        return row_count(self.x) // self.batch_size

    def __getitem__(self, index: int):
        rows = self.order[index * self.batch_size : (index + 1) * self.batch_size]
        return take(self.x, rows), self.y[rows]

    def on_epoch_end(self) -> None:
        self.order = self.rng.permutation(row_count(self.x))


def wrap_to_multiple(x, multiple: int):
    """Repeat rows from the start until the length is a multiple: fixed shapes for evaluation and prediction."""
    rows = row_count(x)
    padded = -(-rows // multiple) * multiple
    return take(x, np.arange(padded) % rows)


def predict_rows(model: keras.Model, x, batch_size: int) -> np.ndarray:
    """model.predict in fixed-size batches, then the padding rows cut off again; one output column flattened."""
    predictions = model.predict(wrap_to_multiple(x, batch_size), batch_size=batch_size, verbose=0)[: row_count(x)]
    return predictions.ravel() if predictions.shape[-1] == 1 else predictions
