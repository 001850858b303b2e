"""The competition metric: how a prediction is scored, which way is better, and what a submission holds."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
from sklearn import metrics

from .config import ProjectError


def to_labels(prediction: np.ndarray, threshold=0.5, multilabel: bool = False) -> np.ndarray:
    """Class indices: the most probable class, or with two classes 1 where p >= threshold; for several labels per
    row (multilabel), a 0/1 column per label, each at its own threshold (a list, one per label) or the one given."""
    if multilabel:
        return (prediction >= np.asarray(threshold)).astype("int64")
    if prediction.ndim == 2:
        return prediction.argmax(axis=1)
    return (prediction >= threshold).astype("int64")


def log_loss(y: np.ndarray, p: np.ndarray) -> float:
    # All classes named, so a fold that lacks one is still scored against every column; rows renormalised,
    # as Kaggle does, since float32 softmax sums miss 1 by a hair.
    if np.ndim(y) == 2:  # several 0/1 target columns (multi-label): the mean of the columns' log losses
        return float(np.mean([metrics.log_loss(y[:, j], p[:, j], labels=[0, 1]) for j in range(y.shape[1])]))
    if p.ndim == 2:
        return metrics.log_loss(y, p / p.sum(axis=1, keepdims=True), labels=np.arange(p.shape[1]))
    return metrics.log_loss(y, p, labels=[0, 1])


def auc(y: np.ndarray, p: np.ndarray) -> float:
    if np.ndim(y) == 2:  # several 0/1 target columns (multi-label, Jigsaw): the mean of the columns' AUCs
        return metrics.roc_auc_score(y, p, average="macro")
    if p.ndim == 2:  # several classes: the mean of one-vs-rest AUCs
        return metrics.roc_auc_score(y, p, multi_class="ovr", labels=np.arange(p.shape[1]))
    return metrics.roc_auc_score(y, p)


def top_classes(prediction: np.ndarray, k: int) -> np.ndarray:
    """The k most probable classes of each row, likeliest first."""
    return np.argsort(-prediction, axis=1, kind="stable")[:, :k]


def mean_average_precision(y: np.ndarray, p: np.ndarray, k: int) -> float:
    """MAP@k with one true class per row: 1 if it is ranked first, 1/2 if second, ... 0 if not in the top k."""
    hits = top_classes(p, k) == np.asarray(y)[:, None]
    return float((hits / np.arange(1, k + 1)).sum(axis=1).mean())


@dataclass(frozen=True)
class Metric:
    name: str
    function: Callable
    greater_is_better: bool
    # "value", "probability" (of the second class, or one per class), "label", or "ranked": the top_k likeliest
    # labels, separated by spaces
    submits: str
    classes: str = "any"  # "two" when the metric only scores two classes, "three+" when it needs 3 or more
    top_k: int = 1
    # "one": one label per row; "several": labels scored as sets (a 0/1 column per label, or one column of labels
    # separated by spaces, as Planet writes them); "both": either, as the answers say (macro F1, AUC, log loss)
    labels_per_row: str = "one"
    beta: float = 1.0  # F-scores: how much more recall counts than precision

    def score(self, y_true: np.ndarray, prediction: np.ndarray, threshold=0.5) -> float:
        """Score values (n,) or (n, targets: each column scored, then averaged), probabilities (n,) of the second
        class, probabilities (n, classes), or for several 0/1 label columns y_true (n, labels) and probabilities
        (n, labels), turned into labels at `threshold` (one per label, or one for all) for label metrics."""
        if self.submits == "label":
            prediction = to_labels(prediction, threshold, multilabel=np.ndim(y_true) == 2)
        return float(self.function(y_true, prediction))


METRICS = {
    "rmse": Metric("rmse", metrics.root_mean_squared_error, False, "value"),
    "rmsle": Metric("rmsle", metrics.root_mean_squared_log_error, False, "value"),
    "mae": Metric("mae", metrics.mean_absolute_error, False, "value"),
    # the mean over target columns of each column's RMSE (Feedback Prize); with one column, the RMSE
    "mcrmse": Metric("mcrmse", metrics.root_mean_squared_error, False, "value"),
    "auc": Metric("auc", auc, True, "probability", labels_per_row="both"),
    "logloss": Metric("logloss", log_loss, False, "probability", labels_per_row="both"),
    "accuracy": Metric("accuracy", metrics.accuracy_score, True, "label"),
    "f1": Metric("f1", metrics.f1_score, True, "label", classes="two"),  # the second class's F1
    # the mean of the classes' F1 (or of the labels' F1, with several labels per row)
    "macro_f1": Metric(
        "macro_f1", partial(metrics.f1_score, average="macro", zero_division=0), True, "label", labels_per_row="both"
    ),
    # several labels per row: F1 of every (row, label) decision pooled
    "micro_f1": Metric(
        "micro_f1", partial(metrics.f1_score, average="micro", zero_division=0), True, "label", labels_per_row="several"
    ),
    # several labels per row: each row's F2 (recall counts four times precision), averaged over rows (Planet); a
    # row with no label, none predicted, scores 1
    "mean_f2": Metric(
        "mean_f2",
        partial(metrics.fbeta_score, beta=2, average="samples", zero_division=1),
        True,
        "label",
        labels_per_row="several",
        beta=2.0,
    ),
    "qwk": Metric("qwk", partial(metrics.cohen_kappa_score, weights="quadratic"), True, "label"),
    "map@3": Metric("map@3", partial(mean_average_precision, k=3), True, "ranked", classes="three+", top_k=3),
}


def get_metric(name: str, n_classes: int | None = None) -> Metric:
    if name not in METRICS:
        raise ProjectError(f"metric '{name}' is unknown: set metric in config.yaml to one of {', '.join(METRICS)}")
    metric = METRICS[name]
    if metric.classes == "two" and n_classes is not None and n_classes != 2:
        raise ProjectError(f"metric {name} scores two classes, train.csv has {n_classes}: use macro_f1 in config.yaml")
    if metric.classes == "three+" and n_classes is not None and n_classes < 3:
        raise ProjectError(f"metric {name} ranks 3 or more classes, train.csv has {n_classes}: use auc or logloss")
    return metric


def tune_threshold(metric: Metric, y: np.ndarray, p: np.ndarray) -> float | list[float]:
    """The decision threshold that scores best out of fold (two classes, label metrics), a threshold per label
    (several labels per row, label metrics); else 0.5."""
    if metric.submits == "label" and np.ndim(y) == 2:
        return label_thresholds(metric, y, p)
    if metric.submits != "label" or p.ndim != 1:
        return 0.5
    candidates = np.unique(np.r_[0.5, np.quantile(p, np.linspace(0.01, 0.99, 99))])
    scores = np.array([metric.score(y, p, threshold) for threshold in candidates])
    best = scores.argmax() if metric.greater_is_better else scores.argmin()
    return float(candidates[best])


def label_thresholds(metric: Metric, y: np.ndarray, p: np.ndarray, rounds: int = 2) -> list[float]:
    """A threshold per label column that scores best out of fold: each label's in turn, the others held, over a
    grid and that label's own quantiles (a rare label's probabilities stay low), twice round, since under micro
    or per-row F-scores one label's best threshold moves with the others'. A threshold moves only if it scores
    strictly better."""
    thresholds, sign = np.full(p.shape[1], 0.5), 1 if metric.greater_is_better else -1
    best = sign * metric.score(y, p, thresholds)
    for _ in range(rounds):
        for j in range(p.shape[1]):
            for candidate in np.unique(np.r_[np.linspace(0.05, 0.95, 19), np.quantile(p[:, j], [0.5, 0.8, 0.9, 0.95])]):
                trial = thresholds.copy()
                trial[j] = candidate
                score = sign * metric.score(y, p, trial)
                if score > best:
                    best, thresholds = score, trial
    return [float(t) for t in thresholds]
