"""The extra columns beside the images or texts (the metadata: an age, a body site, a keyword), as numbers a
network or a linear model takes: categories one-hot, numbers standardised, the encoder fit on each training fold
only and saved beside that fold's model."""

import logging
from dataclasses import dataclass
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from .config import ProjectError
from .target import target_names

log = logging.getLogger(__name__)
MAX_UNIQUE_SHARE = 0.5  # string columns more unique than this (names, file paths) are no categories


@dataclass
class ExtraColumns:
    categorical: list  # one-hot encoded
    numeric: list  # standardised

    @property
    def extras(self) -> list:
        return self.categorical + self.numeric


def is_number(values: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)


def find_metadata(
    train: pd.DataFrame, test: pd.DataFrame, config: dict, skip: list = (), beside: str = "the images"
) -> ExtraColumns:
    """The extra columns beside the images or texts, from config.yaml's columns.metadata: `auto` takes each column
    of train.csv that test.csv has too (but the id, target, group, path, drop and `skip`: the texts), numbers as
    numbers and strings of few distinct values as categories; `none` takes none; a list names them."""
    columns, setting = config["columns"], config["columns"]["metadata"]
    skip = {columns["id"], *target_names(config), columns["group"], columns.get("path"), *skip}
    skip |= {*columns.get("drop", []), "image", "order"}  # the image records' own columns
    if setting == "none":
        return ExtraColumns([], [])
    if setting == "auto":
        candidates = [c for c in train.columns if c not in skip and c in test.columns]
        names = [c for c in candidates if train[c].nunique() > 1]
        names = [c for c in names if is_number(train[c]) or train[c].nunique() <= MAX_UNIQUE_SHARE * train[c].count()]
    else:
        names = [setting] if isinstance(setting, str) else list(setting)
        missing = [c for c in names if c not in train.columns or c not in test.columns]
        if missing:
            raise ProjectError(
                f"metadata column {missing[0]} is not in both train.csv and test.csv: fix columns.metadata"
            )
        candidates = names
    found = ExtraColumns([c for c in names if not is_number(train[c])], [c for c in names if is_number(train[c])])
    unused = [c for c in candidates if c not in names]
    log.info(
        "metadata beside %s: %s%s",
        beside,
        ", ".join(found.extras) or "none",
        f"; not used: {', '.join(unused)} (almost unique per row, or constant)" if unused else "",
    )
    return found


def extras_encoder(columns) -> ColumnTransformer | None:
    """The extra columns as numbers: categories one-hot (those of fewer than 5 training rows pooled in one column,
    where unseen ones go too; all zeros when nothing was rare), numbers median-imputed and standardised. None
    when there are no extra columns. `columns` names them: .categorical and .numeric."""
    if not columns.extras:
        return None
    categories = make_pipeline(
        SimpleImputer(strategy="constant", fill_value="missing"),
        OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=5, sparse_output=False),
    )
    numbers = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
    return ColumnTransformer(
        [("categorical", categories, columns.categorical), ("numeric", numbers, columns.numeric)],
        sparse_threshold=0,
    )


def category_text(value):
    """Categories as text, missing ones NaN; 2.0 and 2 are one category (a NaN turns a file's ints into floats)."""
    if pd.isna(value):
        return np.nan
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def extras_frame(rows: pd.DataFrame, columns) -> pd.DataFrame:
    """The extra columns as the encoder takes them: categories as text, numbers as they are."""
    frame = rows[columns.extras].copy()
    for c in columns.categorical:
        frame[c] = frame[c].astype("object").map(category_text)
    return frame


class Extras:
    """The extra columns as a dense float array, the encoder fit on the training fold and saved beside the model."""

    def __init__(self, columns):
        self.columns = columns

    def fit(self, rows, fold_dir: Path) -> np.ndarray | None:
        encoder = extras_encoder(self.columns)
        if encoder is None:
            return None
        values = encoder.fit_transform(extras_frame(rows, self.columns)).astype("float32")
        joblib.dump(encoder, Path(fold_dir) / "extras.joblib")
        return values

    def transform(self, rows, fold_dir: Path) -> np.ndarray | None:
        if not self.columns.extras:
            return None
        encoder = joblib.load(Path(fold_dir) / "extras.joblib")
        return encoder.transform(extras_frame(rows, self.columns)).astype("float32")
