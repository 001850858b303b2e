"""The reference model: gradient-boosted trees, the strong simple baseline the network must beat or complement.

LightGBM when it is installed (Kaggle's images have it), else scikit-learn's HistGradientBoosting: the same
idea, slower. Both see categories as categories (integer codes, listed first), not one-hot columns.
"""

import inspect
import json
import logging
from pathlib import Path

import joblib
import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

from .batches import early_stopping_split
from .cv import SMALL_TABLE_ROWS
from .preprocess import tree_preprocessor
from .target import multilabel

log = logging.getLogger(__name__)


def lightgbm_installed() -> bool:
    try:
        import lightgbm  # noqa: F401
    except ImportError:
        return False
    return True


def renamed_eval_set(model) -> bool:
    """lightgbm 4.7 renamed fit's eval_set to eval_X/eval_y (and warns on the old name); 4.6 knows only eval_set."""
    return "eval_X" in inspect.signature(model.fit).parameters


def leaves(settings: dict, rows: int) -> int:
    """reference.num_leaves, with auto resolved by the rows a tree learns from: from 20,000 of them, 127 leaves
    (diamonds, 30,000 a fold: held-out RMSLE 0.08496 -> 0.08441; flights: AUC 0.75538 -> 0.75830), else 31 (on
    the 11,567 of happiness's folds 127 overfit: log loss 0.87451 -> 0.87511)."""
    if settings["num_leaves"] != "auto":
        return settings["num_leaves"]
    return 127 if rows >= SMALL_TABLE_ROWS else 31


def build_boosting(config: dict, n_categorical: int, library: str, rows: int):
    """An unfitted LightGBM or HistGradientBoosting model for `rows` training rows, its loss chosen by the task
    and metric."""
    settings, seed = config["reference"], config["cv"]["seed"]
    classify = config["task"] != "tabular-regression"
    if library == "lightgbm":
        import lightgbm

        boosting = lightgbm.LGBMClassifier if classify else lightgbm.LGBMRegressor
        return boosting(
            objective=None if classify else ("l1" if config["metric"] == "mae" else "l2"),
            n_estimators=settings["max_iter"],
            learning_rate=settings["learning_rate"],
            num_leaves=leaves(settings, rows),
            min_child_samples=settings["min_child_samples"],
            colsample_bytree=settings["colsample_bytree"],
            n_jobs=settings["threads"],
            random_state=seed,
            verbose=-1,
        )
    boosting = HistGradientBoostingClassifier if classify else HistGradientBoostingRegressor
    model = boosting(
        max_iter=settings["max_iter"],
        learning_rate=settings["learning_rate"],
        max_leaf_nodes=leaves(settings, rows),
        min_samples_leaf=settings["min_child_samples"],
        early_stopping=settings["early_stopping"],
        validation_fraction=0.1,  # a slice of the training fold, never the validation fold
        n_iter_no_change=settings["early_stopping_rounds"],
        categorical_features=np.arange(n_categorical) if n_categorical else None,
        random_state=seed,
    )
    if config["metric"] == "mae":
        model.set_params(loss="absolute_error")
    return model


class Reference:
    """The reference, fit per fold on the same rows as the network."""

    name = "reference"
    outputs = ["reference"]  # the predictions it returns
    curve_unit = "boosting round"  # its learning curve's steps

    def __init__(self, config: dict, roles: dict, n_classes: int | None):
        self.config, self.roles, self.n_classes = config, roles, n_classes
        self.library = "lightgbm" if lightgbm_installed() else "sklearn"
        self.log_target = config["metric"] == "rmsle"  # rmsle is rmse on log1p(target)
        self.labels = multilabel(n_classes, config["metric"])  # several 0/1 label columns

    def describe(self) -> str:
        if self.library == "lightgbm":
            return "LightGBM"
        return "scikit-learn HistGradientBoosting (lightgbm is not installed: `pip install lightgbm` is faster)"

    def fit(self, rows, y: np.ndarray, fold_dir: Path) -> dict | None:
        """Fit on the training fold's rows, a boosting model per target column; with early stopping, returns
        LightGBM's loss per boosting round on the rows it fits and on the early-stopping slice (the learning
        curve; for several columns their mean, round by round, over the columns still boosting)."""
        preprocessor = tree_preprocessor(self.roles, self.config).fit(rows)
        features = preprocessor.transform(rows)
        y = np.log1p(y) if self.log_target else y
        columns = [y] if y.ndim == 1 else list(y.T)
        models, curves = zip(*(self.fit_column(features, column) for column in columns), strict=True)
        joblib.dump({"preprocessor": preprocessor, "models": list(models)}, fold_dir / "reference.joblib")
        gains = [
            model.booster_.feature_importance(importance_type="gain") for model in models if hasattr(model, "booster_")
        ]
        if gains:  # LightGBM: each feature's gain (all columns' trees)
            names = self.roles["categorical"] + self.roles["numeric"]  # tree_preprocessor's column order
            save_importance(fold_dir, self.name, names, np.sum(gains, axis=0))
        curves = [curve for curve in curves if curve]
        return mean_curve(curves) if curves else None

    def fit_column(self, features: np.ndarray, y: np.ndarray) -> tuple:
        """One target column's boosting model and its learning curve (or None). A 0/1 label with one value in
        these rows (a rare one, absent from a fold) gets its smoothed share, (positives + 1) / (rows + 2), instead."""
        if self.labels and len(np.unique(y)) < 2:
            return (y.sum() + 1) / (len(y) + 2), None
        model = build_boosting(self.config, len(self.roles["categorical"]), self.library, len(y))
        settings = self.config["reference"]
        if self.library != "lightgbm":
            return model.fit(features, y), None  # its own early stopping, on a slice it sets aside itself
        if not settings["early_stopping"]:
            return self.fit_lightgbm(model, features, y), None
        model, curve, fitted_rows = self.fit_early_stopped(model, features, y)
        if settings["refit"]:  # the slice's rows are worth learning from too, now that it chose the trees
            trees = refit_trees(model.best_iteration_, len(y), fitted_rows)
            model = build_boosting(self.config, len(self.roles["categorical"]), self.library, len(y))
            model = self.fit_lightgbm(model.set_params(n_estimators=trees), features, y)
        return model, curve

    def fit_lightgbm(self, model, features: np.ndarray, y: np.ndarray, **options):
        return model.fit(features, y, categorical_feature=list(range(len(self.roles["categorical"]))), **options)

    def fit_early_stopped(self, model, features: np.ndarray, y: np.ndarray) -> tuple:
        """LightGBM fit on the training fold but a slice, where it stops growing trees when the slice stops
        improving (never the validation fold): the model, its learning curve (or None) and the rows it fit."""
        import lightgbm

        # The network's slice (stratified where every class can be split): small folds of many classes too.
        classes = y if self.n_classes or self.labels else None
        fit_rows, stop_rows = early_stopping_split(np.arange(len(y)), classes, self.config["cv"]["seed"])
        x_fit, x_stop, y_fit, y_stop = features[fit_rows], features[stop_rows], y[fit_rows], y[stop_rows]
        # The fitted rows are scored too, for the learning curve; named "training", early stopping ignores them.
        stop = {"eval_set": [(x_fit, y_fit), (x_stop, y_stop)], "eval_names": ["training", "early_stopping"]}
        if renamed_eval_set(model):
            stop = {"eval_X": (x_fit, x_stop), "eval_y": (y_fit, y_stop), "eval_names": stop["eval_names"]}
        rounds = self.config["reference"]["early_stopping_rounds"]
        model = self.fit_lightgbm(
            model, x_fit, y_fit, callbacks=[lightgbm.early_stopping(rounds, verbose=False)], **stop
        )
        curve = None
        if getattr(model, "evals_result_", None):  # {"training": {loss: [...]}, "early_stopping": {loss: [...]}}
            fitted, stopping = (list(model.evals_result_[name].values())[0] for name in stop["eval_names"])
            curve = {"loss": fitted, "val_loss": stopping}
        return model, curve, len(fit_rows)

    def predict(self, rows, fold_dir: Path) -> dict[str, np.ndarray]:
        """Values for regression (a row of them for several target columns); the second class's probability, one
        probability per class, or one per 0/1 label column."""
        parts = joblib.load(fold_dir / "reference.joblib")
        features = parts["preprocessor"].transform(rows)
        return {self.name: predict_columns(parts["models"], features, self.n_classes, self.labels, self.log_target)}


def predict_columns(models: list, features, n_classes: int | None, labels: bool, log_target: bool) -> np.ndarray:
    """What a model per target column (the reference's, CatBoost's) predicts, side by side: values, the second
    class's probability, one probability per class, or one per 0/1 label column; rmsle's log1p undone."""
    columns = [predict_column(model, features, n_classes, labels) for model in models]
    prediction = columns[0] if len(columns) == 1 else np.column_stack(columns)
    return np.clip(np.expm1(prediction), 0, None) if log_target else prediction  # log error is undefined below 0


def predict_column(model, features, n_classes: int | None, labels: bool) -> np.ndarray:
    if not hasattr(model, "predict"):  # a label's share in the training rows
        return np.full(len(features), model)
    if n_classes:
        probabilities = np.zeros((len(features), n_classes))
        probabilities[:, np.asarray(model.classes_, int)] = model.predict_proba(features)  # a fold may lack a class
        return probabilities[:, 1] if n_classes == 2 else probabilities
    return model.predict_proba(features)[:, 1] if labels else model.predict(features)


def refit_trees(stopped_at: int, rows: int, fitted_rows: int) -> int:
    """How many trees to grow on a whole training fold, where early stopping on its slice chose `stopped_at` for
    the rows left: as many again in proportion to the rows, since more rows take more trees to overfit."""
    return max(1, round(stopped_at * rows / fitted_rows))


def save_importance(fold_dir: Path, model: str, names: list[str], importance: np.ndarray) -> None:
    """Each feature's share of a fitted model's importance, into fold_dir/importance_<model>.json: what
    report.plot_feature_importance averages over the folds into feature_importance.png."""
    shares = {name: float(value / max(importance.sum(), 1e-12)) for name, value in zip(names, importance, strict=True)}
    (fold_dir / f"importance_{model}.json").write_text(json.dumps({model: shares}))


def mean_curve(curves: list[dict]) -> dict:
    """Several target columns' learning curves as one: round by round, the mean over the columns still boosting."""
    mean = {}
    for key in ("loss", "val_loss"):
        padded = np.full((len(curves), max(len(curve[key]) for curve in curves)), np.nan)
        for row, curve in zip(padded, curves, strict=True):
            row[: len(curve[key])] = curve[key]
        mean[key] = np.nanmean(padded, axis=0).tolist()
    return mean
