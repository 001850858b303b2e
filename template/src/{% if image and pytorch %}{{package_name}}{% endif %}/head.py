"""The image network's last layer and what it learns from, in PyTorch: one output per class (softmax and
cross-entropy with label smoothing), or for values (n_classes None) one output that learns the target
standardised on the training fold (log1p first for rmsle; mean absolute error for mae, else squared error)."""

from pathlib import Path

import numpy as np
import torch

from .target import scaled_values, unscaled_values


class Head:
    def __init__(self, n_classes: int | None, metric: str, label_smoothing: float = 0.0):
        self.n_classes, self.metric, self.label_smoothing = n_classes, metric, label_smoothing
        self.outputs = n_classes or 1  # the network's last layer's width

    def loss(self) -> torch.nn.Module:
        if self.n_classes:
            return torch.nn.CrossEntropyLoss(label_smoothing=self.label_smoothing)
        return torch.nn.L1Loss() if self.metric == "mae" else torch.nn.MSELoss()

    def targets(self, y: np.ndarray, fold_dir: Path) -> np.ndarray:
        """Class indices as they are, or the scaled values (the scaler, fit on these rows, saved in the fold's
        folder)."""
        if self.n_classes:
            return y
        return scaled_values(y, self.metric, fold_dir)

    def activation(self, outputs: torch.Tensor) -> torch.Tensor:
        """Probabilities from the class scores; values come out as they are."""
        return torch.softmax(outputs, dim=1) if self.n_classes else outputs

    def predictions(self, outputs: np.ndarray, fold_dir: Path) -> np.ndarray:
        """The second class's probability for two classes, one per class for more, or values in the target's units."""
        if self.n_classes:
            return outputs[:, 1] if self.n_classes == 2 else outputs
        return unscaled_values(outputs, self.metric, fold_dir)
