"""Cross-validation folds: seeded, stratified for classes, grouped when rows share a group."""

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupKFold, KFold, StratifiedGroupKFold, StratifiedKFold

from .config import ProjectError


def assign_folds(train: pd.DataFrame, y: np.ndarray, config: dict) -> np.ndarray:
    """Return the validation fold (0..k-1) of every training row."""
    scheme, k, seed = config["cv"]["scheme"], config["cv"]["folds"], config["cv"]["seed"]
    group_column = config["columns"]["group"]
    groups = train[group_column].to_numpy() if group_column else None
    splitters = {
        "kfold": KFold(k, shuffle=True, random_state=seed),
        "stratified": StratifiedKFold(k, shuffle=True, random_state=seed),
        "group": GroupKFold(k, shuffle=True, random_state=seed),
        "stratified-group": StratifiedGroupKFold(k, shuffle=True, random_state=seed),
    }
    if scheme not in splitters:
        raise ProjectError(f"cv.scheme '{scheme}' is unknown: use one of {', '.join(splitters)} in config.yaml")
    if scheme.endswith("group") and groups is None:
        raise ProjectError(f"cv.scheme '{scheme}' needs columns.group in config.yaml")
    folds = np.full(len(train), -1)
    for fold, (_, valid) in enumerate(splitters[scheme].split(train, y, groups)):
        folds[valid] = fold
    return folds
