"""CatBoost: a second kind of gradient-boosted trees beside the reference, on the same folds, for the blend.

Its trees are symmetric (one split a level), which makes it steady with default settings, and it encodes each
category itself by target statistics computed in a random order of the rows, so that no row's encoding has seen its
own label. The reference sees categories as integer codes instead: the two err differently, which is what a blend
needs. Kaggle's images have catboost; `catboost.enabled: auto` leaves it out where it is not installed.
"""

import importlib.util
from pathlib import Path

import joblib
import numpy as np
import pandas as pd

from .batches import early_stopping_split
from .config import ProjectError
from .preprocess import as_strings
from .reference import mean_curve, predict_columns, refit_trees, save_importance
from .target import multilabel


def catboost_wanted(config: dict) -> bool:
    """Whether the run trains CatBoost: `enabled` true or false, or auto (where catboost is installed)."""
    enabled = config["catboost"]["enabled"]
    installed = importlib.util.find_spec("catboost") is not None
    if enabled is True and not installed:
        raise ProjectError("catboost.enabled is true but catboost is not installed: pip install catboost, or set auto")
    return installed if enabled == "auto" else enabled


class CatBoostModel:
    """CatBoost, fit per fold on the same rows as the other models: a model per target column."""

    name = "catboost"
    outputs = ["catboost"]
    curve_unit = "boosting round"

    def __init__(self, config: dict, roles: dict, n_classes: int | None):
        self.config, self.roles, self.n_classes = config, roles, n_classes
        self.log_target = config["metric"] == "rmsle"  # rmsle is rmse on log1p(target)
        self.labels = multilabel(n_classes, config["metric"])  # several 0/1 label columns

    def features(self, rows: pd.DataFrame) -> pd.DataFrame:
        """Categories as text (missing as its own category: CatBoost refuses NaN there), then numbers."""
        categories = as_strings(rows[self.roles["categorical"]]) if self.roles["categorical"] else None
        numbers = rows[self.roles["numeric"]].astype("float64")
        return numbers if categories is None else pd.concat([categories, numbers], axis=1)

    def fit(self, rows: pd.DataFrame, y: np.ndarray, fold_dir: Path) -> dict | None:
        """Fit on the training fold's rows; returns the loss per boosting round on the fitted rows and on the
        early-stopping slice (the reference's slice: a part of the training fold, never the validation fold)."""
        features = self.features(rows)
        y = np.log1p(y) if self.log_target else y
        columns = [y] if y.ndim == 1 else list(y.T)
        models, curves = zip(*(self.fit_column(features, column) for column in columns), strict=True)
        joblib.dump(list(models), fold_dir / "catboost.joblib")
        trained = [model for model in models if hasattr(model, "get_feature_importance")]
        if trained:  # how much each feature moves the predictions (CatBoost's default importance), all columns' trees
            importance = np.sum([model.get_feature_importance() for model in trained], axis=0)
            save_importance(fold_dir, self.name, list(features.columns), importance)
        curves = [curve for curve in curves if curve]
        return mean_curve(curves) if curves else None

    def build(self, classify: bool):
        import catboost

        settings = self.config["catboost"]
        common = {
            "iterations": settings["max_iter"],
            "learning_rate": settings["learning_rate"],
            "depth": settings["depth"],
            "thread_count": settings["threads"],
            "random_seed": self.config["cv"]["seed"],
            "allow_writing_files": False,  # no catboost_info/ folder in the project
            "verbose": False,
        }
        if classify:
            return catboost.CatBoostClassifier(**common)
        return catboost.CatBoostRegressor(loss_function="MAE" if self.config["metric"] == "mae" else "RMSE", **common)

    def fit_column(self, features: pd.DataFrame, y: np.ndarray) -> tuple:
        """One target column's model and learning curve. A 0/1 label with one value in these rows gets its
        smoothed share, (positives + 1) / (rows + 2), as the reference does."""
        if self.labels and len(np.unique(y)) < 2:
            return (y.sum() + 1) / (len(y) + 2), None
        classify = bool(self.n_classes or self.labels)
        seed = self.config["cv"]["seed"]
        fit_rows, stop_rows = early_stopping_split(np.arange(len(y)), y if classify else None, seed)
        categories = list(range(len(self.roles["categorical"])))
        model = self.build(classify)
        model.fit(
            features.iloc[fit_rows],
            y[fit_rows],
            cat_features=categories,
            eval_set=[(features.iloc[stop_rows], y[stop_rows])],
            early_stopping_rounds=self.config["catboost"]["early_stopping_rounds"],
            use_best_model=True,  # the trees up to the slice's best round
        )
        history = model.get_evals_result()  # {"learn": {loss: [...]}, "validation": {loss: [...]}}
        curve = None
        if "learn" in history and "validation" in history:
            (fitted,), (stopping,) = history["learn"].values(), history["validation"].values()
            curve = {"loss": fitted, "val_loss": stopping}
        if self.config["catboost"]["refit"]:  # as the reference: the slice's rows too, now that it chose the trees
            trees = refit_trees(model.get_best_iteration() + 1, len(y), len(fit_rows))
            model = self.build(classify)
            model.set_params(iterations=trees).fit(features, y, cat_features=categories)
        return model, curve

    def predict(self, rows: pd.DataFrame, fold_dir: Path) -> dict[str, np.ndarray]:
        """Values (a row of them for several target columns); the second class's probability, one probability per
        class, or one per 0/1 label column."""
        models = joblib.load(fold_dir / "catboost.joblib")
        features = self.features(rows)
        return {self.name: predict_columns(models, features, self.n_classes, self.labels, self.log_target)}
