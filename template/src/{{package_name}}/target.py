"""The target: class labels <-> class indices for classification, log1p and scaling for regression. The metric
decides which: rmse, rmsle, mae and mcrmse score values, every other metric scores classes. Values may come in
several columns (columns.target: [a, b, c], Feedback Prize's six scores): then every model predicts a value per
column and the metric takes each column's mean. Several 0/1 columns with auc, logloss, macro_f1, micro_f1 or mean_f2
are labels (multi-label, Jigsaw's six kinds of toxicity): a probability per column. So is one column of labels
separated by spaces with micro_f1 or mean_f2, metrics of several labels per row (Planet's "clear primary road"):
its labels become 0/1 columns, and the submission joins the predicted ones by spaces again. Label metrics decide
each label at its own threshold, tuned out of fold."""

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


def target_names(config: dict) -> list[str]:
    """The target column, or the several target columns, of train.csv, as a list."""
    target = config["columns"]["target"]
    return [target] if isinstance(target, str) else list(target)


def target_column(rows: pd.DataFrame, config: dict) -> pd.Series | pd.DataFrame:
    """The answers in rows: a column, or a table of the several target columns."""
    names = target_names(config)
    return rows[names[0]] if len(names) == 1 else rows[names]


class TargetScaler:
    """Regression targets: log1p for rmsle, then standardised (each column on its own), fit on the training fold
    only."""

    def __init__(self, log: bool):
        self.log = log

    def fit(self, y: np.ndarray) -> "TargetScaler":
        z = np.log1p(y) if self.log else y
        self.mean, std = z.mean(axis=0), z.std(axis=0)
        self.std = np.where(std > 0, std, 1.0)  # a constant column keeps its values
        return self

    def transform(self, y: np.ndarray) -> np.ndarray:
        z = np.log1p(y) if self.log else y
        return ((z - self.mean) / self.std).astype("float32")

    def inverse(self, z: np.ndarray) -> np.ndarray:
        y = z * self.std + self.mean
        return np.expm1(y) if self.log else y


def scaled_values(y: np.ndarray, metric: str, fold_dir: Path) -> np.ndarray:
    """What a network learns for values: a column per target, standardised on these rows (log1p first for rmsle);
    the scaler goes into the fold's folder for unscaled_values."""
    scaler = TargetScaler(log=metric == "rmsle").fit(y)
    joblib.dump(scaler, Path(fold_dir) / "target_scaler.joblib")
    scaled = scaler.transform(y)
    return scaled[:, None] if scaled.ndim == 1 else scaled


def unscaled_values(outputs: np.ndarray, metric: str, fold_dir: Path) -> np.ndarray:
    """A network's outputs (a column per target) back in the targets' units, with the fold's scaler: one value
    per row for one target, a row of values for several."""
    scaler = joblib.load(Path(fold_dir) / "target_scaler.joblib")
    outputs = np.asarray(outputs)
    values = scaler.inverse(outputs.reshape(len(outputs)) if np.ndim(scaler.mean) == 0 else outputs)
    return np.clip(values, 0, None) if metric == "rmsle" else values  # log error is undefined below zero


def predicts_values(config: dict) -> bool:
    """Whether the metric scores values (regression) rather than classes."""
    return get_metric(config["metric"]).submits == "value"


def multilabel(n_classes: int | None, metric: str) -> bool:
    """Several labels per row (0/1 columns, or labels in one column): no classes, and a metric of classes."""
    return n_classes is None and get_metric(metric).submits != "value"


class Target:
    """What is predicted: the metric that scores it; for classes, the codec between labels and indices; for
    several target columns or labels, their names; joined: the labels come in one column, separated by spaces."""

    def __init__(self, metric: Metric, codec: LabelCodec | None, names: list | None = None, joined: bool = False):
        self.metric, self.codec, self.joined = metric, codec, joined
        self.names = names if names and (len(names) > 1 or joined) else None  # None: one target column

    @classmethod
    def from_train(cls, labels: pd.Series | pd.DataFrame, config: dict) -> "Target":
        names = target_names(config)
        metric = get_metric(config["metric"])
        if predicts_values(config):
            return cls(metric, None, names)
        if len(names) > 1:
            if metric.labels_per_row == "one":
                raise ProjectError(
                    f"columns.target names {len(names)} columns and metric {config['metric']} scores one label per"
                    " row: several target columns take mcrmse, rmse, mae or rmsle (values) or auc, logloss,"
                    " macro_f1, micro_f1 or mean_f2 (0/1 labels) in config.yaml"
                )
            return cls(metric, None, names)  # several 0/1 labels per row
        if metric.labels_per_row == "several":  # one column, its labels separated by spaces
            return cls(metric, None, label_set(labels), joined=True)
        codec = LabelCodec.from_labels(labels, config["task"])
        return cls(get_metric(config["metric"], len(codec.classes)), codec)

    @property
    def multilabel(self) -> bool:
        """Several 0/1 target columns (or labels in one column), a probability each."""
        return self.names is not None and self.metric.submits != "value"

    @property
    def classes(self) -> list | None:
        return self.codec.classes if self.codec else None

    def encode(self, labels: pd.Series) -> np.ndarray:
        """Class indices, or regression values (float64: the values oof.csv keeps, so that its scores repeat), a
        row of them for several target columns, or a 0/1 row per label."""
        if self.codec:
            return self.codec.encode(labels)
        if self.joined:
            present = labels.astype(str).str.split()
            return np.array([[name in row for name in self.names] for row in present], dtype="int64")
        return labels.to_numpy(dtype="int64" if self.multilabel else "float64")

    def decode(self, prediction: np.ndarray, threshold=0.5) -> np.ndarray:
        """What the submission holds: labels for label metrics (0/1 per label column, or the labels over their
        thresholds joined by spaces), the likeliest labels joined by spaces for ranked ones (MAP@3), else the
        probabilities or values themselves."""
        if self.metric.submits == "label" and self.multilabel:
            chosen = to_labels(prediction, threshold, multilabel=True)
            if not self.joined:
                return chosen
            # A row with no label over its threshold gets its likeliest: an empty cell reads back as missing.
            chosen[np.arange(len(chosen)), prediction.argmax(axis=1)] |= chosen.sum(axis=1) == 0
            return np.array([" ".join(np.array(self.names)[row == 1]) for row in chosen], dtype=object)
        if self.metric.submits == "label":
            return self.codec.decode(to_labels(prediction, threshold))
        if self.metric.submits == "ranked":
            ranked = self.codec.decode(top_classes(prediction, self.metric.top_k).ravel()).reshape(len(prediction), -1)
            return np.array([" ".join(str(label) for label in row) for row in ranked], dtype=object)
        return prediction


def label_set(labels: pd.Series) -> list[str]:
    """The labels that a column of labels separated by spaces holds, sorted."""
    found = sorted({label for row in labels.astype(str) for label in row.split()})
    if len(found) < 2:
        raise ProjectError(
            f"column {labels.name} holds {len(found)} distinct label(s) separated by spaces: the metric scores several"
            " labels per row (micro_f1, mean_f2); for one label per row take macro_f1 or accuracy in config.yaml"
        )
    return found
