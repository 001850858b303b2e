"""The strong simple reference for text: TF-IDF on word and character n-grams, plus the extra columns, into a
logistic regression (for classes) or a ridge regression (for values). Every step is fit on the training fold only.
A network that cannot beat it is not worth its training time."""

from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline

from .extras import extras_encoder, extras_frame
from .linear import head_predictions, linear_head
from .text import Columns, joined_texts


def text_inputs(rows: pd.DataFrame, columns: Columns, config: dict) -> pd.DataFrame:
    """The extra columns and the joined text (`__text__`): what text_parts reads."""
    return extras_frame(rows, columns).assign(__text__=joined_texts(rows, columns, config))


def text_parts(config: dict, columns: Columns) -> list:
    """TF-IDF on word and on character n-grams of the joined text, and the extra columns encoded, as
    ColumnTransformer parts, each fit on the training fold only: the reference's features, and the sentence
    encoder's beside its vectors."""
    settings, lowercase = config["reference"], config["text"]["lowercase"]
    common = {"sublinear_tf": True, "min_df": 2, "max_features": settings["max_features"], "lowercase": lowercase}
    parts = [
        ("words", TfidfVectorizer(ngram_range=tuple(settings["word_ngrams"]), **common), "__text__"),
        (
            "chars",
            TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(settings["char_ngrams"]), **common),
            "__text__",
        ),
    ]
    extras = extras_encoder(columns)
    if extras is not None:
        parts.append(("extras", extras, columns.extras))
    return parts


class TfidfReference:
    name = "reference"
    outputs = ["reference"]

    def __init__(self, config: dict, columns: Columns, n_classes: int | None):
        self.config, self.columns, self.n_classes = config, columns, n_classes

    def inputs(self, rows: pd.DataFrame) -> pd.DataFrame:
        return text_inputs(rows, self.columns, self.config)

    def pipeline(self) -> Pipeline:
        # Sparse throughout: a million n-gram columns stay cheap.
        features = ColumnTransformer(text_parts(self.config, self.columns), sparse_threshold=1.0)
        model = linear_head(self.n_classes, self.config["reference"]["C"], self.config["metric"])
        return Pipeline([("features", features), ("model", model)])

    def fit(self, rows: pd.DataFrame, y: np.ndarray, fold_dir: Path) -> None:
        pipeline = self.pipeline().fit(self.inputs(rows), y)
        joblib.dump(pipeline, fold_dir / "reference.joblib")

    def predict(self, rows: pd.DataFrame, fold_dir: Path) -> dict[str, np.ndarray]:
        pipeline = joblib.load(fold_dir / "reference.joblib")
        return {self.name: head_predictions(pipeline, self.inputs(rows), self.n_classes, self.config["metric"])}


def telling_ngrams(fold_dir: Path, classes: list | None, top: int = 10) -> pd.DataFrame:
    """The word n-grams that weigh most towards each class (or towards higher and lower values) in one fold's
    fitted reference: what it learnt, and a quick look for leaks (an id, a signature or a template phrase that
    gives the answer)."""
    pipeline = joblib.load(Path(fold_dir) / "reference.joblib")
    names = pipeline["features"].get_feature_names_out()
    model = pipeline["model"]
    if classes is None:  # values: one row of weights, towards higher values
        weights, columns = np.vstack([model.regressor_.coef_, -model.regressor_.coef_]), ["higher", "lower"]
    else:
        weights, columns = model.coef_, [str(classes[c]) for c in model.classes_]
        if len(weights) == 1:  # two classes: one row of weights, towards the second class
            weights = np.vstack([-weights[0], weights[0]])
    words = [i for i, name in enumerate(names) if name.startswith("words__")]
    table = {}
    for row, column in zip(weights, columns, strict=True):
        best = sorted(words, key=lambda i: -row[i])[:top]
        table[column] = [names[i].removeprefix("words__") for i in best]
    return pd.DataFrame(table, index=range(1, top + 1)[: len(best)])
