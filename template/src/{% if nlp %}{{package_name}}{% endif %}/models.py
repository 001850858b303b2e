"""The models this task trains, all on the same folds. train.py and predict.py use every task's models through
the same small interface: a `name`, the names of the predictions it returns (`outputs`), `fit(rows, y,
fold_dir)` that saves the fold's model into fold_dir (and returns its Keras history, if any, for the learning
curve), and `predict(rows, fold_dir)` that returns those predictions: the second class's probability, or one
probability per class. Here the rows are train.csv's or test.csv's rows."""

from .model import ScratchNetwork
from .reference import TfidfReference
from .text import find_columns
from .transformer import Transformer, preset_source


def build_models(config: dict, data, setup, target, report_dir=None) -> tuple[list, dict]:
    """TF-IDF + logistic regression, the from-scratch network, and the transformer when weights are wanted;
    and the facts about their inputs that cv.json reports."""
    columns = find_columns(data.train, data.test, config)
    n_classes = len(target.classes)
    models = [ScratchNetwork(config, columns, setup, n_classes), TfidfReference(config, columns, n_classes)]
    source = preset_source(config)
    if source is not None:
        models.insert(0, Transformer(config, columns, setup, n_classes, source))
    facts = {
        "text": {
            "text_columns": columns.text,
            "categorical_columns": columns.categorical,
            "numeric_columns": columns.numeric,
            "transformer": source,
            "scratch": config["model"]["scratch"],
        }
    }
    return models, facts
