"""The competition metric, and what kind of prediction it scores (values, probabilities or labels)."""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn import metrics

from .config import ProjectError


@dataclass(frozen=True)
class Metric:
    name: str
    function: Callable
    greater_is_better: bool
    submits: str  # "value", "probability" or "label"

    def score(self, y_true: np.ndarray, prediction: np.ndarray) -> float:
        """Score a prediction: regression values, or the positive-class probability for binary tasks."""
        if self.submits == "label":
            prediction = (prediction >= 0.5).astype(int)
        return float(self.function(y_true, prediction))


METRICS = {
    "rmse": Metric("rmse", metrics.root_mean_squared_error, False, "value"),
    "rmsle": Metric("rmsle", metrics.root_mean_squared_log_error, False, "value"),
    "mae": Metric("mae", metrics.mean_absolute_error, False, "value"),
    "auc": Metric("auc", metrics.roc_auc_score, True, "probability"),
    "logloss": Metric("logloss", metrics.log_loss, False, "probability"),
    "accuracy": Metric("accuracy", metrics.accuracy_score, True, "label"),
    "f1": Metric("f1", metrics.f1_score, True, "label"),
}


def get_metric(name: str) -> Metric:
    if name not in METRICS:
        raise ProjectError(f"metric '{name}' is unknown: set metric in config.yaml to one of {', '.join(METRICS)}")
    return METRICS[name]
