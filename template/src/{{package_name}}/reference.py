"""The reference model: gradient boosting, the strong simple baseline the neural net must beat."""

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
        model = TransformedTargetRegressor(model, func=np.log1p, inverse_func=np.expm1)
    return Pipeline([("preprocess", tree_preprocessor(roles, config)), ("model", model)])
