"""Column roles and the scikit-learn transformers that turn a table into model inputs.

Every transformer here is fit on the training fold only, so validation scores stay honest.
"""

import logging

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, OrdinalEncoder, StandardScaler

log = logging.getLogger(__name__)


def infer_roles(train: pd.DataFrame, test: pd.DataFrame, config: dict) -> dict:
    """Split the feature columns into numeric and categorical; record why the others were dropped."""
    columns = config["columns"]
    dropped = {columns["id"]: "id column", columns["target"]: "target"}
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


def neural_preprocessor(roles: dict, config: dict) -> ColumnTransformer:
    """For the neural net: numbers median-imputed (plus missing flags) and standardised; categories one-hot."""
    numeric = make_pipeline(SimpleImputer(strategy="median", add_indicator=True), StandardScaler())
    categorical = make_pipeline(
        FunctionTransformer(as_strings, feature_names_out="one-to-one"),
        OneHotEncoder(
            handle_unknown="infrequent_if_exist",  # unseen categories in test become all-zero rows
            min_frequency=config["preprocess"]["rare_category_share"],
            sparse_output=False,
        ),
    )
    return ColumnTransformer(
        [("numeric", numeric, roles["numeric"]), ("categorical", categorical, roles["categorical"])],
        remainder="drop",
    )


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
