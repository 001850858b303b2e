"""The reference model: gradient boosting, the strong simple baseline the neural net must beat."""

from pathlib import Path

import joblib
import numpy as np
from sklearn.compose import TransformedTargetRegressor
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.pipeline import Pipeline

from .preprocess import tree_preprocessor


def build_reference(roles: dict, config: dict) -> Pipeline:
    boosting = (
        HistGradientBoostingClassifier if config["task"] == "binary-classification" else HistGradientBoostingRegressor
    )
    settings = config["reference"]
    model = boosting(
        max_iter=settings["max_iter"],
        learning_rate=settings["learning_rate"],
        early_stopping=settings["early_stopping"],
        validation_fraction=0.1,  # a slice of the training fold, never the validation fold
        categorical_features=[True] * len(roles["categorical"]) + [False] * len(roles["numeric"]),
        random_state=config["cv"]["seed"],
    )
    if config["metric"] == "mae":
        model.set_params(loss="absolute_error")
    if config["metric"] == "rmsle":  # rmsle is rmse on log1p(target)
        model = TransformedTargetRegressor(model, func=np.log1p, inverse_func=np.expm1, check_inverse=False)
    return Pipeline([("preprocess", tree_preprocessor(roles, config)), ("model", model)])


class Reference:
    """The reference, fit per fold on the same rows as the network."""

    name = "reference"
    outputs = ["reference"]  # the predictions it returns

    def __init__(self, config: dict, roles: dict):
        self.config, self.roles = config, roles

    def fit(self, rows, y: np.ndarray, fold_dir: Path) -> None:
        joblib.dump(build_reference(self.roles, self.config).fit(rows, y), fold_dir / "reference.joblib")

    def predict(self, rows, fold_dir: Path) -> dict[str, np.ndarray]:
        model = joblib.load(fold_dir / "reference.joblib")
        if self.config["task"] == "binary-classification":
            return {self.name: model.predict_proba(rows)[:, 1]}
        prediction = model.predict(rows)
        if self.config["metric"] == "rmsle":
            prediction = np.clip(prediction, 0, None)
        return {self.name: prediction}
