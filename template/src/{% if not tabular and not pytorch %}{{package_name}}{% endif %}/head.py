"""A network's last layer and what it learns from, shared by the image and text networks: a softmax over the
classes (cross-entropy, with label smoothing where asked); for values (n_classes None) a linear output per
target column that learns the target standardised on the training fold (log1p first for rmsle; mean absolute
error for mae, else squared error); for several labels per row (multi-label: 0/1 target columns, or labels in one
column), a sigmoid per label with binary cross-entropy."""

from pathlib import Path

import keras
import numpy as np

from .target import multilabel, scaled_values, unscaled_values


class Head:
    def __init__(self, n_classes: int | None, metric: str, label_smoothing: float = 0.0, columns: int = 1):
        self.n_classes, self.metric, self.label_smoothing = n_classes, metric, label_smoothing
        self.columns = columns  # without classes: how many target columns
        self.multilabel = multilabel(n_classes, metric)  # several labels per row: a 0/1 column each

    def layer(self) -> keras.layers.Dense:
        """float32 even under mixed precision: a stable loss."""
        if self.n_classes is None:
            activation = "sigmoid" if self.multilabel else None
            return keras.layers.Dense(self.columns, activation=activation, dtype="float32", name="head")
        return keras.layers.Dense(self.n_classes, activation="softmax", dtype="float32", name="head")

    def loss(self):
        if self.n_classes:
            return keras.losses.CategoricalCrossentropy(label_smoothing=self.label_smoothing)
        if self.multilabel:  # label smoothing is for classes (config.yaml), as in PyTorch's head
            return keras.losses.BinaryCrossentropy()
        return "mean_absolute_error" if self.metric == "mae" else "mean_squared_error"

    def targets(self, y: np.ndarray, fold_dir: Path) -> np.ndarray:
        """One-hot classes, or the scaled values (the scaler, fit on these rows, saved in the fold's folder): one
        row per example either way."""
        if self.n_classes:
            return np.eye(self.n_classes, dtype="float32")[y]
        if self.multilabel:  # the 0/1 columns as they are
            return np.asarray(y, dtype="float32")
        return scaled_values(y, self.metric, fold_dir)

    def predictions(self, outputs: np.ndarray, fold_dir: Path) -> np.ndarray:
        """The second class's probability for two classes, one per class for more, or values in the target's units
        (a row of them for several target columns)."""
        if self.n_classes:
            return outputs[:, 1] if self.n_classes == 2 else outputs
        if self.multilabel:  # a probability per column
            return outputs
        return unscaled_values(outputs, self.metric, fold_dir)
