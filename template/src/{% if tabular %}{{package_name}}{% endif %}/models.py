"""The models this task trains, all on the same folds. train.py and predict.py use each of them through
FoldModel (fold_model.py), the interface every task's models share. Here the rows are train.csv's or test.csv's rows."""

import logging

from .catboost_model import CatBoostModel, catboost_wanted
from .fold_model import FoldModel
from .model import KerasNetwork
from .preprocess import infer_roles
from .reference import Reference

log = logging.getLogger(__name__)


def build_models(config: dict, data, setup, target, report_dir=None) -> tuple[list[FoldModel], dict]:
    """The network, the reference and CatBoost (where wanted), and the facts about their inputs that cv.json
    reports."""
    roles = infer_roles(data.train, data.test, config)
    n_classes = len(target.classes) if target.classes else None  # None: values, or several 0/1 label columns
    n_targets = len(target.names) if target.names else 1  # target columns
    reference = Reference(config, roles, n_classes)
    log.info("reference: %s", reference.describe())
    facts = {
        "reference": reference.library,
        "features": {"numeric": roles["numeric"], "categorical": roles["categorical"]},
        "dropped_columns": {c: reason for c, reason in roles["dropped"].items() if c in data.train.columns},
    }
    models = [KerasNetwork(config, roles, setup, n_classes, n_targets), reference]
    if catboost_wanted(config):
        models.append(CatBoostModel(config, roles, n_classes))
    else:
        log.info("catboost: not trained (catboost.enabled %s)", config["catboost"]["enabled"])
    return models, facts
