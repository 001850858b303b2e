"""The image network's last layer and what it learns from, in PyTorch: one output per class (softmax and
cross-entropy with label smoothing); for values (n_classes None) an output per target column that learns the
target standardised on the training fold (log1p first for rmsle; mean absolute error for mae, else squared error);
for several labels per row (multi-label: 0/1 target columns, or labels in one column), a sigmoid per label with
binary cross-entropy."""

from pathlib import Path

import numpy as np
import torch

from .target import multilabel, scaled_values, unscaled_values


class Head:
    def __init__(self, n_classes: int | None, metric: str, label_smoothing: float = 0.0, columns: int = 1):
        self.n_classes, self.metric, self.label_smoothing = n_classes, metric, label_smoothing
        self.outputs = n_classes or columns  # the network's last layer's width: classes, or target columns
        self.multilabel = multilabel(n_classes, metric)  # several labels per row: a 0/1 column each

    def loss(self) -> torch.nn.Module:
        if self.n_classes:
            return torch.nn.CrossEntropyLoss(label_smoothing=self.label_smoothing)
        if self.multilabel:  # on the raw scores: the sigmoid inside, numerically stable
            return torch.nn.BCEWithLogitsLoss()
        return torch.nn.L1Loss() if self.metric == "mae" else torch.nn.MSELoss()

    def targets(self, y: np.ndarray, fold_dir: Path) -> np.ndarray:
        """Class indices as they are, or the scaled values (the scaler, fit on these rows, saved in the fold's
        folder)."""
        if self.n_classes:
            return y
        if self.multilabel:  # the 0/1 columns as floats, as the loss takes them
            return np.asarray(y, dtype="float32")
        return scaled_values(y, self.metric, fold_dir)

    def activation(self, outputs: torch.Tensor) -> torch.Tensor:
        """Probabilities from the class scores (a sigmoid per label column); values come out as they are."""
        if self.multilabel:
            return torch.sigmoid(outputs)
        return torch.softmax(outputs, dim=1) if self.n_classes else outputs

    def predictions(self, outputs: np.ndarray, fold_dir: Path) -> np.ndarray:
        """The second class's probability for two classes, one per class for more, or values in the target's units."""
        if self.n_classes:
            return outputs[:, 1] if self.n_classes == 2 else outputs
        if self.multilabel:  # a probability per column
            return outputs
        return unscaled_values(outputs, self.metric, fold_dir)
