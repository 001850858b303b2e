"""The strong simple reference for text: TF-IDF on word and character n-grams, plus the extra columns, into a
logistic regression. Every step is fit on the training fold only. A network that cannot beat it is not worth
its training time."""

from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from .text import Columns, extras_encoder, extras_frame, joined_texts


class TfidfReference:
    name = "reference"
    outputs = ["reference"]

    def __init__(self, config: dict, columns: Columns, n_classes: int):
        self.config, self.columns, self.n_classes = config, columns, n_classes

    def inputs(self, rows: pd.DataFrame) -> pd.DataFrame:
        return extras_frame(rows, self.columns).assign(__text__=joined_texts(rows, self.columns, self.config))

    def pipeline(self) -> Pipeline:
        settings, lowercase = self.config["reference"], self.config["text"]["lowercase"]
        common = {"sublinear_tf": True, "min_df": 2, "max_features": settings["max_features"], "lowercase": lowercase}
        parts = [
            ("words", TfidfVectorizer(ngram_range=tuple(settings["word_ngrams"]), **common), "__text__"),
            (
                "chars",
                TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(settings["char_ngrams"]), **common),
                "__text__",
            ),
        ]
        encoder = extras_encoder(self.columns)
        if encoder is not None:
            parts.append(("extras", encoder, self.columns.extras))
        # Sparse throughout: a million n-gram columns stay cheap.
        features = ColumnTransformer(parts, sparse_threshold=1.0)
        model = LogisticRegression(C=settings["C"], max_iter=2000)
        return Pipeline([("features", features), ("model", model)])

    def fit(self, rows: pd.DataFrame, y: np.ndarray, fold_dir: Path) -> None:
        pipeline = self.pipeline().fit(self.inputs(rows), y)
        joblib.dump(pipeline, fold_dir / "reference.joblib")

    def predict(self, rows: pd.DataFrame, fold_dir: Path) -> dict[str, np.ndarray]:
        """The second class's probability for two classes, else one probability per class."""
        pipeline = joblib.load(fold_dir / "reference.joblib")
        probabilities = np.zeros((len(rows), self.n_classes))
        probabilities[:, pipeline.classes_] = pipeline.predict_proba(self.inputs(rows))  # a fold may lack a class
        return {self.name: probabilities[:, 1] if self.n_classes == 2 else probabilities}


def telling_ngrams(fold_dir: Path, classes: list, top: int = 10) -> pd.DataFrame:
    """The word n-grams that weigh most towards each class in one fold's fitted logistic regression: what the
    reference learnt, and a quick look for leaks (an id, a signature or a template phrase that gives the answer)."""
    pipeline = joblib.load(Path(fold_dir) / "reference.joblib")
    names = pipeline["features"].get_feature_names_out()
    weights = pipeline["model"].coef_
    if len(weights) == 1:  # two classes: one row of weights, towards the second class
        weights = np.vstack([-weights[0], weights[0]])
    words = [i for i, name in enumerate(names) if name.startswith("words__")]
    table = {}
    for row, c in zip(weights, pipeline["model"].classes_, strict=True):
        best = sorted(words, key=lambda i: -row[i])[:top]
        table[str(classes[c])] = [names[i].removeprefix("words__") for i in best]
    return pd.DataFrame(table, index=range(1, top + 1)[: len(best)])
