"""Turns the target column into numbers a model trains on, and model outputs back into submission values."""

import numpy as np
import pandas as pd

from .config import ProjectError


class LabelCodec:
    """Binary labels such as "yes"/"no" or 0/1 <-> 0/1; the second class in sorted order is positive."""

    def __init__(self, classes: list):
        self.classes = classes

    @classmethod
    def from_labels(cls, labels: pd.Series) -> "LabelCodec":
        classes = sorted(labels.unique().tolist())
        if len(classes) != 2:
            raise ProjectError(
                f"a binary task needs exactly 2 target values, train.csv has {len(classes)}:"
                " check columns.target or choose tabular-regression"
            )
        return cls(classes)

    def encode(self, labels: pd.Series) -> np.ndarray:
        return (labels == self.classes[1]).to_numpy(dtype="float32")

    def decode(self, positive: np.ndarray) -> np.ndarray:
        return np.where(positive.astype(bool), self.classes[1], self.classes[0])


class TargetScaler:
    """Regression targets: log1p for rmsle, then standardised, fit on the training fold only."""

    def __init__(self, log: bool):
        self.log = log

    def fit(self, y: np.ndarray) -> "TargetScaler":
        z = np.log1p(y) if self.log else y
        self.mean, self.std = float(z.mean()), float(z.std() or 1.0)
        return self

    def transform(self, y: np.ndarray) -> np.ndarray:
        z = np.log1p(y) if self.log else y
        return ((z - self.mean) / self.std).astype("float32")

    def inverse(self, z: np.ndarray) -> np.ndarray:
        y = z * self.std + self.mean
        return np.expm1(y) if self.log else y
