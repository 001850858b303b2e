"""Cross-validation folds: seeded, stratified for classes, grouped when rows share a group.

Each model trains k times, each time without one fold, and predicts the fold it did not see: out of fold, every
training row is scored by a model that never saw it, as Kaggle's test rows are never seen. The folds are seeded,
so every model and every run is scored on the same split and their scores compare. Stratified folds keep each
class's share in every fold, so that a rare class is scored in each. Rows that share a group (a patient, a user,
a house) stay in one fold: otherwise a model scores well by recognising a group it met in training, which rows
of groups it never met (the test set's, mostly) do not allow."""

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupKFold, KFold, StratifiedGroupKFold, StratifiedKFold

from .config import ProjectError

SMALL_TABLE_ROWS = 20_000  # cv.folds auto: 10 folds below this many training rows, 5 from it


def fold_count(config: dict, rows: int) -> int:
    """cv.folds, with auto resolved by the rows: on a small table 10 folds cost little, and each model learns from
    90% of the few rows instead of 80% (12,852 rows of happiness survey answers, held-out log loss: 5 folds 0.8754,
    10 folds 0.8745, in 44 s and 115 s); a larger table keeps the time of 5."""
    folds = config["cv"]["folds"]
    if folds != "auto":
        return folds
    return 10 if rows < SMALL_TABLE_ROWS else 5


def assign_folds(train: pd.DataFrame, y: np.ndarray, config: dict) -> np.ndarray:
    """Return the validation fold (0..k-1) of every training row."""
    scheme, k, seed = config["cv"]["scheme"], fold_count(config, len(train)), config["cv"]["seed"]
    group_column = config["columns"]["group"]
    groups = train[group_column].to_numpy() if group_column else None
    splitters = {
        "kfold": KFold,
        "stratified": StratifiedKFold,
        "group": GroupKFold,
        "stratified-group": StratifiedGroupKFold,
    }
    if scheme not in splitters:
        raise ProjectError(f"cv.scheme '{scheme}' is unknown: use one of {', '.join(splitters)} in config.yaml")
    if scheme.endswith("group") != (groups is not None):
        raise ProjectError(
            f"cv.scheme '{scheme}' and columns.group '{group_column}' disagree: a group column needs"
            " cv.scheme group or stratified-group, and those need a group column (config.yaml)"
        )
    unstratified = {"stratified": "kfold", "stratified-group": "group"}
    if scheme in unstratified and np.asarray(y).dtype.kind == "f":  # Target.encode: floats are values
        raise ProjectError(
            f"cv.scheme {scheme} keeps each class's share, but metric {config['metric']} scores values: set cv.scheme"
            f" to {unstratified[scheme]} in config.yaml"
        )
    if scheme in unstratified and np.ndim(y) == 2:  # several 0/1 target columns
        raise ProjectError(
            f"cv.scheme {scheme} keeps each class's share of one target column, but columns.target names several:"
            f" set cv.scheme to {unstratified[scheme]} in config.yaml"
        )
    units, unit = (len(set(groups)), "groups") if groups is not None else (len(train), "rows")
    if config["cv"]["folds"] == "auto":
        k = min(k, units)  # a fold per group at most
    if k > units:
        raise ProjectError(f"cv.folds is {k}, but the training data has {units} {unit}: lower cv.folds in config.yaml")
    splitter = splitters[scheme](k, shuffle=True, random_state=seed)
    folds = np.full(len(train), -1)
    try:
        for fold, (_, valid) in enumerate(splitter.split(train, y, groups)):
            folds[valid] = fold
    except ValueError as error:  # e.g. every class has fewer rows than folds
        raise ProjectError(f"cv.folds is {k} and the folds cannot be made ({error}): lower cv.folds") from None
    return folds
