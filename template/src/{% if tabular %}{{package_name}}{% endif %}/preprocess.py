"""Column roles and the scikit-learn transformers that turn a table into model inputs.

Every transformer here is fit on the training fold only, so validation scores stay honest.
"""

import logging

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OrdinalEncoder, QuantileTransformer

from .target import target_names

log = logging.getLogger(__name__)


def infer_roles(train: pd.DataFrame, test: pd.DataFrame, config: dict) -> dict:
    """Split the feature columns into numeric and categorical; record why the others were dropped."""
    columns = config["columns"]
    dropped = {columns["id"]: "id column"} | {name: "target" for name in target_names(config)}
    if columns["group"]:
        dropped[columns["group"]] = "group column (a new group in test would make it useless)"
    dropped |= {c: "listed in columns.drop" for c in columns["drop"]}
    dropped |= {c: "not in test.csv" for c in train.columns if c not in test.columns and c not in dropped}

    numeric, categorical = list(columns["numeric"]), list(columns["categorical"])
    for column in train.columns:
        if column in dropped or column in numeric or column in categorical:
            continue
        values = train[column]
        if values.notna().sum() == 0 or values.nunique() <= 1:
            dropped[column] = "constant or empty"
        elif pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            numeric.append(column)
        elif values.nunique() / values.notna().sum() > config["preprocess"]["max_unique_share"]:
            dropped[column] = "text that is almost unique per row (e.g. names, ticket numbers)"
        else:
            categorical.append(column)
    for column, reason in dropped.items():
        if column in train.columns:
            log.info("not a feature: %s (%s)", column, reason)
    return {"numeric": numeric, "categorical": categorical, "dropped": dropped}


def category_text(value) -> str:
    # 2.0 and 2 are one category: a NaN elsewhere turns a column's ints into floats in one file only.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def as_strings(frame) -> pd.DataFrame:
    # One type per categorical column (a column may mix numbers and text), missing as its own category.
    frame = pd.DataFrame(frame)
    return frame.astype("object").where(frame.notna(), "missing").map(category_text)


class NeuralInputs:
    """For the network: numbers quantile-transformed to a normal shape (missing -> the median, plus a flag per
    column that had gaps), categories as integer codes for embeddings (0: a category unseen in training).

    Quantiles make every number roughly standard normal, so skewed columns (incomes, counts) and outliers
    train as well as tidy ones; a wide one-hot layer gives way to a small learnt vector per category.
    """

    def __init__(self, roles: dict, config: dict):
        self.roles, self.config = roles, config

    def fit(self, rows: pd.DataFrame) -> "NeuralInputs":
        self.rows_seen = len(rows)  # the training fold's rows, never a validation row
        self.numeric = self.categorical = None
        self.cardinalities = []  # embedding rows per categorical column: every code, the unseen-category 0 too
        if self.roles["numeric"]:
            quantiles = QuantileTransformer(
                n_quantiles=min(1000, len(rows)), output_distribution="normal", random_state=self.config["cv"]["seed"]
            )
            # Missing values pass through the quantiles as NaN, then become 0: the median, flagged.
            missing = SimpleImputer(strategy="constant", fill_value=0.0, add_indicator=True, keep_empty_features=True)
            self.numeric = make_pipeline(quantiles, missing).fit(rows[self.roles["numeric"]].astype("float64"))
        if self.roles["categorical"]:
            encoder = OrdinalEncoder(
                handle_unknown="use_encoded_value",
                unknown_value=-1,
                min_frequency=self.config["preprocess"]["rare_category_share"],  # rare ones share one code
            )
            self.categorical = make_pipeline(FunctionTransformer(as_strings), encoder).fit(
                rows[self.roles["categorical"]]
            )
            encoder = self.categorical[-1]
            # Codes per column: its categories, the rare ones counted once (they share a code), and the unseen 0.
            codes = np.array(
                [
                    len(known) - (len(rare) - 1 if rare is not None else 0) + 1
                    for known, rare in zip(encoder.categories_, encoder.infrequent_categories_, strict=True)
                ]
            )
            # Rounded up to a multiple of 8 (spare embedding rows are never looked up): folds whose rare categories
            # differ by one then build the same network, and JAX reuses the first fold's compiled programs.
            self.cardinalities = (-(-codes // 8) * 8).tolist()
        return self

    def transform(self, rows: pd.DataFrame) -> dict:
        inputs = {}
        if self.numeric is not None:
            inputs["numeric"] = self.numeric.transform(rows[self.roles["numeric"]].astype("float64")).astype("float32")
        if self.categorical is not None:
            codes = self.categorical.transform(rows[self.roles["categorical"]]) + 1  # unseen: -1 -> 0
            inputs["categorical"] = codes.astype("int32")
        return inputs


def tree_preprocessor(roles: dict, config: dict) -> ColumnTransformer:
    """For gradient boosting: categories as integer codes (listed first), numbers as they are, NaN kept."""
    categorical = make_pipeline(
        FunctionTransformer(as_strings, feature_names_out="one-to-one"),
        OrdinalEncoder(
            handle_unknown="use_encoded_value",
            unknown_value=np.nan,
            min_frequency=config["preprocess"]["rare_category_share"],
            max_categories=255,  # HistGradientBoosting handles at most 255 categories per column
        ),
    )
    return ColumnTransformer(
        [("categorical", categorical, roles["categorical"]), ("numeric", "passthrough", roles["numeric"])],
        remainder="drop",
    )
