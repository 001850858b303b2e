"""What train.py and predict.py need of a model, whatever the task: the one interface every task's models have.

A typing.Protocol: a model need not inherit from it, only have these members. Every fold's model lives in that
fold's folder, so the same object trains fold after fold and predicts from any fold's saved files."""

from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
import pandas as pd


@runtime_checkable
class FoldModel(Protocol):
    name: str  # names the learning curves and, in cv.json, the model
    outputs: list[str]  # the names of the predictions predict returns; oof.csv's columns and the blend use them

    def fit(self, rows: pd.DataFrame, y: np.ndarray, fold_dir: Path) -> dict | None:
        """Fit on one fold's training rows and save the fold's model into fold_dir; return the training history
        ({"loss": [...], "val_loss": [...]}) for the learning curve, or None for a model without epochs."""
        ...

    def predict(self, rows: pd.DataFrame, fold_dir: Path) -> dict[str, np.ndarray]:
        """Predict rows with the model saved in fold_dir: one array per name in `outputs`, holding values, the
        second class's probability, or one probability per class."""
        ...
