"""A stand-in model that proves fit and predict feed a model the same inputs.

Memoriser remembers every input row it is fit on, with its target, and for a row it is asked about answers the
target of the identical training row (NaN where it saw none). Put in place of a project's estimator or network,
it turns `model.fit(rows)` then `model.predict(rows)` into a check of every step between a raw row and the model,
on the training path and on the prediction path: cleaning, encoding, scaling, decoding and normalisation, and
the target's transform and its inverse.
A step that differs between the two paths leaves the rows unrecognised, or comes back as another target.
"""

import zlib

import numpy as np
import pandas as pd
import scipy.sparse
from sklearn.base import BaseEstimator
from sklearn.neighbors import NearestNeighbors

SAME = 1e-5  # inputs this close (relative to the row's size) are one input: float32 rounding, nothing more


def as_rows(x):
    """Model inputs as one row per example: an array, a sparse matrix, or a dict of arrays (several inputs)."""
    if scipy.sparse.issparse(x):
        return scipy.sparse.csr_matrix(x, dtype="float64")
    if isinstance(x, dict):
        return np.concatenate([as_rows(x[name]) for name in sorted(x)], axis=1)
    if isinstance(x, pd.DataFrame):  # categories given as text: a number in [0, 1) for each text
        x = x.apply(lambda column: column if pd.api.types.is_numeric_dtype(column) else column.map(text_number))
    x = np.asarray(x, dtype="float64").reshape(len(x), -1)
    return np.hstack([np.nan_to_num(x), np.isnan(x)])  # a missing value is an input too


def text_number(text: str) -> float:
    return zlib.crc32(str(text).encode()) / 2**32


class Memoriser(BaseEstimator):
    """Fit: remember the rows; predict / predict_proba: each row's remembered target (scikit-learn's interface)."""

    def __init__(self, *args, **kwargs):
        self.inputs, self.targets = [], []

    def __sklearn_clone__(self) -> "Memoriser":
        """An empty memory: scikit-learn clones an estimator it wraps before fitting it (TransformedTargetRegressor)."""
        return Memoriser()

    best_iteration_ = 1  # as a booster after early stopping, for a refit to read

    def get_best_iteration(self) -> int:  # the same, under another booster's name (counted from 0)
        return 0

    def set_params(self, **params) -> "Memoriser":
        return self  # a booster's settings (a refit's number of trees) mean nothing to a memory

    def fit(self, x, y, *args, eval_set=(), eval_X=(), eval_y=(), **kwargs):
        """Remember the training rows, and the early-stopping rows a booster gets (either argument name)."""
        for inputs, targets in [(x, y), *eval_set, *zip(eval_X, eval_y, strict=True)]:
            self.remember(inputs, targets)
        return self

    def remember(self, x, y) -> None:
        self.inputs.append(as_rows(x))
        self.targets.append(np.asarray(y))
        self.classes_ = np.unique(np.concatenate(self.targets))

    def recall(self, x) -> np.ndarray:
        """The remembered target of each row's identical training input; NaN where there is none."""
        stack = scipy.sparse.vstack if scipy.sparse.issparse(self.inputs[0]) else np.concatenate
        memory, targets, x = stack(self.inputs), np.concatenate(self.targets), as_rows(x)
        assert x.shape[1] == memory.shape[1], f"fit on {memory.shape[1]} numbers per row, asked about {x.shape[1]}"
        distance, nearest = NearestNeighbors(n_neighbors=1).fit(memory).kneighbors(x)
        size = np.sqrt(x.multiply(x).sum(axis=1)).A1 if scipy.sparse.issparse(x) else np.linalg.norm(x, axis=1)
        same = distance[:, 0] <= SAME * (1 + size)
        recalled = targets[nearest[:, 0]].astype("float64")
        recalled[~same] = np.nan
        return recalled

    def predict(self, x) -> np.ndarray:
        return self.recall(x)

    def get_evals_result(self) -> dict:
        """The learning curve a boosted model reports: none here."""
        return {}

    def predict_proba(self, x) -> np.ndarray:
        """One-hot over classes_ for a remembered row, NaN for the rest."""
        recalled = self.recall(x)
        probabilities = (recalled[:, None] == self.classes_[None, :]).astype("float64")
        probabilities[np.isnan(recalled)] = np.nan
        return probabilities

    def outputs(self, x, units: int) -> np.ndarray:
        """What a network with `units` outputs answers: sparse class targets become one-hot rows."""
        recalled = self.recall(x)
        if recalled.ndim == 1 and units > 1:
            one_hot = np.eye(units)[np.nan_to_num(recalled).astype(int)]
            one_hot[np.isnan(recalled)] = np.nan
            return one_hot
        return recalled.reshape(len(recalled), units)


def check_predict_meets_rows_as_fit_did(model, rows, y, classes, fold_dir, strangers=None, target_column=None):
    """Fit `model` (its network or estimator memorising) on 80% of the rows, then ask predict about every row, the
    strangers among them and in another order, without the target column when one is named (as test.csv comes):
    each row it learnt must come back as its own target. rows are indexed 0..n-1, as y is."""
    learnt = rows.sample(frac=0.8, random_state=0).index
    model.fit(rows.loc[learnt].reset_index(drop=True), y[learnt], fold_dir)
    if strangers is not None:
        strangers = strangers.set_axis(-1 - np.arange(len(strangers)))  # the training rows keep their index
        rows = pd.concat([rows, strangers])
    asked = (rows.drop(columns=target_column) if target_column else rows).sample(frac=1, random_state=1)
    predicted = model.predict(asked.reset_index(drop=True), fold_dir)[model.outputs[0]]
    share = recalled_share(predicted[asked.index.get_indexer(learnt)], y[learnt], classes)
    assert share > 0.95, f"{model.outputs[0]}: {share:.0%} of its training rows reach it through predict unchanged"


def recalled_share(prediction: np.ndarray, y: np.ndarray, classes: bool) -> float:
    """The share of rows whose prediction is their own target: the class with probability one (the second class's
    probability for two classes), or the value itself for regression."""
    if not classes:
        return float(np.mean(np.isclose(prediction, y, rtol=1e-4, atol=1e-6)))
    if prediction.ndim == 1:
        return float(np.mean(prediction == y))
    return float(np.mean((prediction == np.eye(prediction.shape[1])[y]).all(axis=1)))
