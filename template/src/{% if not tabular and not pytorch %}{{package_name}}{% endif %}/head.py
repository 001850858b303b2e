"""A network's last layer and what it learns from, shared by the image and text networks: a softmax over the
classes (cross-entropy, with label smoothing where asked), or for values (n_classes None) a linear output per
target column that learns the target standardised on the training fold (log1p first for rmsle; mean absolute
error for mae, else squared error)."""

from pathlib import Path

import keras
import numpy as np

from .target import scaled_values, unscaled_values


class Head:
    def __init__(self, n_classes: int | None, metric: str, label_smoothing: float = 0.0, values: int = 1):
        self.n_classes, self.metric, self.label_smoothing = n_classes, metric, label_smoothing
        self.values = values  # for values: how many target columns

    def layer(self) -> keras.layers.Dense:
        """float32 even under mixed precision: a stable loss."""
        if self.n_classes is None:
            return keras.layers.Dense(self.values, dtype="float32", name="head")
        return keras.layers.Dense(self.n_classes, activation="softmax", dtype="float32", name="head")

    def loss(self):
        if self.n_classes:
            return keras.losses.CategoricalCrossentropy(label_smoothing=self.label_smoothing)
        return "mean_absolute_error" if self.metric == "mae" else "mean_squared_error"

    def targets(self, y: np.ndarray, fold_dir: Path) -> np.ndarray:
        """One-hot classes, or the scaled values (the scaler, fit on these rows, saved in the fold's folder): one
        row per example either way."""
        if self.n_classes:
            return np.eye(self.n_classes, dtype="float32")[y]
        return scaled_values(y, self.metric, fold_dir)

    def predictions(self, outputs: np.ndarray, fold_dir: Path) -> np.ndarray:
        """The second class's probability for two classes, one per class for more, or values in the target's units
        (a row of them for several target columns)."""
        if self.n_classes:
            return outputs[:, 1] if self.n_classes == 2 else outputs
        return unscaled_values(outputs, self.metric, fold_dir)
