"""The models this task trains, all on the same folds. train.py and predict.py use each of them through
FoldModel (fold_model.py), the interface every task's models share. Here the rows are train.csv's or test.csv's rows."""

from .encoder import SentenceEncoder, encoder_folder
from .fold_model import FoldModel
from .model import ScratchNetwork, scratch_kind
from .presets import preset_source
from .reference import TfidfReference
from .text import find_columns
from .transformer import Transformer


def build_models(config: dict, data, setup, target, report_dir=None) -> tuple[list[FoldModel], dict]:
    """TF-IDF + logistic regression, the from-scratch network (unless model.scratch comes to none), the frozen
    sentence encoder when model.encoder names one, and the transformer when weights are wanted; and the facts about
    their inputs that cv.json reports."""
    columns = find_columns(data.train, data.test, config)
    n_classes = len(target.classes) if target.classes else None  # None: values, or several labels per row
    n_targets = len(target.names) if target.names else 1  # target columns, or labels
    models = [TfidfReference(config, columns, n_classes)]
    if scratch_kind(config) != "none":
        models.insert(0, ScratchNetwork(config, columns, setup, n_classes, n_targets))
    folder = encoder_folder(config)
    if folder is not None:
        models.append(SentenceEncoder(config, columns, n_classes, folder))
    source = preset_source(config)
    if source is not None:
        models.insert(0, Transformer(config, columns, setup, n_classes, source, n_targets))
    facts = {
        "text": {
            "text_columns": columns.text,
            "categorical_columns": columns.categorical,
            "numeric_columns": columns.numeric,
            "transformer": source,
            "encoder": folder and str(folder),
            "scratch": scratch_kind(config),
        }
    }
    return models, facts
