"""The linear heads the references (and the text encoder) share: a logistic regression for classes (one per
column for several 0/1 target columns), a ridge regression for values, and the predictions in the shape the rest
of the project expects."""

import numpy as np
from sklearn.compose import TransformedTargetRegressor
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.multioutput import MultiOutputClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from .metrics import get_metric


def linear_head(n_classes: int | None, C: float, metric: str):
    """A logistic regression for classes. For values, a ridge regression with the same penalty (alpha = 1 / 2C)
    on the target standardised on the training fold (log1p first for rmsle), so that C means the same for any
    target's scale."""
    if n_classes:
        return LogisticRegression(C=C, max_iter=2000)
    if multilabel(n_classes, metric):
        return MultiOutputClassifier(LogisticRegression(C=C, max_iter=2000))
    scaling = make_pipeline(FunctionTransformer(np.log1p, np.expm1), StandardScaler()) if metric == "rmsle" else None
    return TransformedTargetRegressor(Ridge(alpha=1 / (2 * C)), transformer=scaling or StandardScaler())


def head_predictions(pipeline: Pipeline, inputs, n_classes: int | None, metric: str) -> np.ndarray:
    """The second class's probability for two classes, one per class for more, one per 0/1 target column, or
    values in the target's units."""
    if multilabel(n_classes, metric):
        return np.stack([p[:, 1] for p in pipeline.predict_proba(inputs)], axis=1)
    if not n_classes:
        values = pipeline.predict(inputs)
        return np.clip(values, 0, None) if metric == "rmsle" else values  # log error is undefined below zero
    probabilities = np.zeros((len(inputs), n_classes))
    probabilities[:, pipeline.classes_] = pipeline.predict_proba(inputs)  # a fold may lack a class
    return probabilities[:, 1] if n_classes == 2 else probabilities


def multilabel(n_classes: int | None, metric: str) -> bool:
    """Several 0/1 target columns: no classes, and a metric that scores probabilities."""
    return n_classes is None and get_metric(metric).submits == "probability"
