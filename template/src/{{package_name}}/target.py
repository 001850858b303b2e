"""The target: class labels <-> class indices for classification, log1p and scaling for regression. The metric
decides which: rmse, rmsle and mae score values, every other metric scores classes."""

from pathlib import Path

import joblib
import numpy as np
import pandas as pd

from .config import ProjectError
from .metrics import Metric, get_metric, to_labels, top_classes


class LabelCodec:
    """Class labels (numbers, text or True/False) <-> indices 0..N-1, in sorted order.

    With two classes a model predicts the probability of the second one (index 1, the "positive" class);
    with more, one probability per class.
    """

    def __init__(self, classes: list):
        self.classes = list(classes)

    @classmethod
    def from_labels(cls, labels: pd.Series, task: str) -> "LabelCodec":
        classes = sorted(labels.unique().tolist())
        if task == "binary-classification" and len(classes) != 2:
            raise ProjectError(
                f"a binary task needs exactly 2 target values, train.csv has {len(classes)}:"
                " check columns.target, or choose multiclass-classification or tabular-regression"
            )
        if len(classes) < 2:
            raise ProjectError(f"train.csv holds a single class ({classes[0]!r}): there is nothing to learn")
        return cls(classes)

    def encode(self, labels: pd.Series) -> np.ndarray:
        index = {label: i for i, label in enumerate(self.classes)}
        return labels.map(index).to_numpy(dtype="int64")

    def decode(self, indices: np.ndarray) -> np.ndarray:
        return np.array(self.classes)[np.asarray(indices, dtype="int64")]


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


def scaled_values(y: np.ndarray, metric: str, fold_dir: Path) -> np.ndarray:
    """What a network learns for values: one column, standardised on these rows (log1p first for rmsle); the
    scaler goes into the fold's folder for unscaled_values."""
    scaler = TargetScaler(log=metric == "rmsle").fit(y)
    joblib.dump(scaler, Path(fold_dir) / "target_scaler.joblib")
    return scaler.transform(y)[:, None]


def unscaled_values(outputs: np.ndarray, metric: str, fold_dir: Path) -> np.ndarray:
    """A network's outputs (one column) back in the target's units, with the fold's scaler."""
    values = joblib.load(Path(fold_dir) / "target_scaler.joblib").inverse(np.asarray(outputs).reshape(len(outputs)))
    return np.clip(values, 0, None) if metric == "rmsle" else values  # log error is undefined below zero


def predicts_values(config: dict) -> bool:
    """Whether the metric scores values (regression) rather than classes."""
    return get_metric(config["metric"]).submits == "value"


class Target:
    """What is predicted: the metric that scores it, and for classes, the codec between labels and indices."""

    def __init__(self, metric: Metric, codec: LabelCodec | None):
        self.metric, self.codec = metric, codec

    @classmethod
    def from_train(cls, labels: pd.Series, config: dict) -> "Target":
        if predicts_values(config):
            return cls(get_metric(config["metric"]), None)
        codec = LabelCodec.from_labels(labels, config["task"])
        return cls(get_metric(config["metric"], len(codec.classes)), codec)

    @property
    def classes(self) -> list | None:
        return self.codec.classes if self.codec else None

    def encode(self, labels: pd.Series) -> np.ndarray:
        """Class indices, or regression values (float64: the values oof.csv keeps, so that its scores repeat)."""
        return self.codec.encode(labels) if self.codec else labels.to_numpy(dtype="float64")

    def decode(self, prediction: np.ndarray, threshold: float = 0.5) -> np.ndarray:
        """What the submission holds: labels for label metrics, the likeliest labels joined by spaces for ranked
        ones (MAP@3), else the probabilities or values themselves."""
        if self.metric.submits == "label":
            return self.codec.decode(to_labels(prediction, threshold))
        if self.metric.submits == "ranked":
            ranked = self.codec.decode(top_classes(prediction, self.metric.top_k).ravel()).reshape(len(prediction), -1)
            return np.array([" ".join(str(label) for label in row) for row in ranked], dtype=object)
        return prediction
