"""The linear heads the references (and the text encoder) share: a logistic regression for classes (one per
label for several labels per row), a ridge regression for values, and the predictions in the shape the rest of
the project expects."""

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.compose import TransformedTargetRegressor
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from .target import multilabel


def linear_head(n_classes: int | None, C: float, metric: str):
    """A logistic regression for classes. For values, a ridge regression with the same penalty (alpha = 1 / 2C)
    on the target standardised on the training fold (log1p first for rmsle), so that C means the same for any
    target's scale."""
    if n_classes:
        return LogisticRegression(C=C, max_iter=2000)
    if multilabel(n_classes, metric):
        return EachLabel(C)
    scaling = make_pipeline(FunctionTransformer(np.log1p, np.expm1), StandardScaler()) if metric == "rmsle" else None
    return TransformedTargetRegressor(Ridge(alpha=1 / (2 * C)), transformer=scaling or StandardScaler())


def head_predictions(pipeline: Pipeline, inputs, n_classes: int | None, metric: str) -> np.ndarray:
    """The second class's probability for two classes, one per class for more, one per 0/1 target column, or
    values in the target's units."""
    if multilabel(n_classes, metric):
        return pipeline.predict_proba(inputs)
    if not n_classes:
        values = pipeline.predict(inputs)
        return np.clip(values, 0, None) if metric == "rmsle" else values  # log error is undefined below zero
    probabilities = np.zeros((len(inputs), n_classes))
    probabilities[:, pipeline.classes_] = pipeline.predict_proba(inputs)  # a fold may lack a class
    return probabilities[:, 1] if n_classes == 2 else probabilities


class EachLabel(ClassifierMixin, BaseEstimator):
    """A logistic regression per label (0/1 column), as scikit-learn's MultiOutputClassifier, except that a label
    with one value in the training rows (a rare one, absent from a fold) predicts its smoothed share there,
    (positives + 1) / (rows + 2), where a logistic regression would fail."""

    def __init__(self, C: float = 1.0):
        self.C = C

    def fit(self, X, Y):
        Y = np.asarray(Y)
        self.models_ = [
            LogisticRegression(C=self.C, max_iter=2000).fit(X, y)
            if len(np.unique(y)) > 1
            else (y.sum() + 1) / (len(y) + 2)
            for y in Y.T
        ]
        return self

    def predict_proba(self, X) -> np.ndarray:
        """A probability per label: (rows, labels)."""
        rows = X.shape[0]
        return np.column_stack(
            [m.predict_proba(X)[:, 1] if isinstance(m, LogisticRegression) else np.full(rows, m) for m in self.models_]
        )
