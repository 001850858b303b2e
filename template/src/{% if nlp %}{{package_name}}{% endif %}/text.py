"""Which columns hold text and which are extra features beside it; light cleaning; one text per row.

Column roles come from train.csv once (config.yaml's columns.text and columns.metadata override the guess);
the metadata's encoder (extras.py) is fit on each training fold only, like every other learned step.
"""

import html
import logging
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .config import ProjectError
from .extras import find_metadata
from .target import target_names

log = logging.getLogger(__name__)
URL = re.compile(r"(https?://|www\.)\S+")
MENTION = re.compile(r"@\w+")
SPACES = re.compile(r"\s+")


@dataclass
class Columns:
    text: list  # joined into one text per row
    categorical: list  # metadata: one-hot encoded
    numeric: list  # metadata: standardised

    @property
    def extras(self) -> list:
        return self.categorical + self.numeric


def mean_words(values: pd.Series) -> float:
    return float(values.dropna().astype(str).str.split().str.len().mean() or 0)


def find_columns(train: pd.DataFrame, test: pd.DataFrame, config: dict) -> Columns:
    """config.yaml's column lists, with `auto` guessed from train.csv: sentences are text, the others beside them
    metadata (extras.find_metadata)."""
    columns = config["columns"]
    skip = {columns["id"], *target_names(config), columns["group"], *columns["drop"]}
    candidates = [c for c in train.columns if c not in skip and c in test.columns]
    strings = [c for c in candidates if not pd.api.types.is_numeric_dtype(train[c])]
    text = columns["text"] if columns["text"] != "auto" else [c for c in strings if mean_words(train[c]) >= 3]
    if isinstance(text, str):
        text = [text]
    missing = [c for c in text if c not in train.columns or c not in test.columns]
    if missing:
        raise ProjectError(f"text column {missing[0]} is not in both train.csv and test.csv: fix columns.text")
    if not text:
        raise ProjectError("no column of train.csv holds sentences: name the text column in columns.text")
    # TF-IDF's words and the network's vocabulary need a word somewhere: fail here, not inside the first fold.
    wordless = [c for c in text if not train[c].fillna("").astype(str).str.contains(r"\w\w").any()]
    if wordless:
        raise ProjectError(
            f"text column {wordless[0]} holds no word in any row of train.csv (only punctuation, symbols or single"
            " letters): name the column with the texts in columns.text"
        )
    log.info("text: %s", ", ".join(text))
    metadata = find_metadata(train, test, config, skip=text, beside="the texts")
    return Columns(list(text), metadata.categorical, metadata.numeric)


def clean(texts: pd.Series, settings: dict) -> pd.Series:
    """The switches of text.clean in config.yaml; each is light and leaves the words alone."""
    if settings["html_entities"]:
        texts = texts.map(html.unescape)  # before the other steps: "&amp;" holds no word
    if settings["urls"]:
        texts = texts.str.replace(URL, " url ", regex=True)
    if settings["mentions"]:
        texts = texts.str.replace(MENTION, "@user", regex=True)
    if settings["whitespace"]:
        texts = texts.str.replace(SPACES, " ", regex=True).str.strip()
    return texts


def joined_texts(rows: pd.DataFrame, columns: Columns, config: dict, cleaned: bool = True) -> np.ndarray:
    """One string per row: the text columns (missing ones empty) joined with text.separator, then cleaned."""
    parts = [rows[c].fillna("").astype(str) for c in columns.text]
    texts = parts[0] if len(parts) == 1 else pd.concat(parts, axis=1).agg(config["text"]["separator"].join, axis=1)
    if cleaned:
        texts = clean(texts, config["text"]["clean"])
    return texts.to_numpy(dtype=object)
