"""Loads train.csv, test.csv and sample_submission.csv and checks they fit config.yaml."""

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .config import ProjectError


class DataError(ProjectError):
    """The competition files are missing or do not match config.yaml."""


@dataclass
class CompetitionData:
    train: pd.DataFrame
    test: pd.DataFrame
    sample_submission: pd.DataFrame


def read_csv(path: Path, competition: str, id_col: str) -> pd.DataFrame:
    if not path.is_file():
        raise DataError(
            f"{path} not found: download the data with `kaggle competitions download -c {competition}`"
            f" and unzip it into {path.parent}/ (or pass --data-dir)"
        )
    # Ids stay text, so "00042" is written back as "00042", not 42.
    return pd.read_csv(path, dtype={id_col: str})


def sample_submission_path(data_dir: Path) -> Path:
    """sample_submission.csv, or the one file named like it (Titanic ships gender_submission.csv)."""
    path = data_dir / "sample_submission.csv"
    candidates = sorted(data_dir.glob("*submission*.csv"))
    return candidates[0] if not path.is_file() and len(candidates) == 1 else path


def load_data(data_dir: Path, config: dict) -> CompetitionData:
    competition = config["competition"]
    id_col, target = config["columns"]["id"], config["columns"]["target"]
    train = read_csv(Path(data_dir) / "train.csv", competition, id_col)
    test = read_csv(Path(data_dir) / "test.csv", competition, id_col)
    sample = read_csv(sample_submission_path(Path(data_dir)), competition, id_col)

    for name, frame in (("train.csv", train), ("test.csv", test), ("sample_submission.csv", sample)):
        if id_col not in frame.columns:
            raise DataError(f"{name} has no id column '{id_col}': set columns.id in config.yaml")
        if frame[id_col].duplicated().any():
            raise DataError(f"{name} repeats ids in '{id_col}': set columns.id to a column with unique values")
    if target not in train.columns:
        raise DataError(f"train.csv has no target column '{target}': set columns.target in config.yaml")
    if train[target].isna().any():
        raise DataError(f"train.csv has {train[target].isna().sum()} rows without a '{target}' value: drop them first")
    if config["task"] == "tabular-regression" and not pd.api.types.is_numeric_dtype(train[target]):
        raise DataError(f"'{target}' holds text, not numbers: choose task binary-classification or fix columns.target")
    if config["metric"] == "rmsle" and (train[target] < 0).any():
        raise DataError(
            f"train.csv has {(train[target] < 0).sum()} negative '{target}' values and rmsle is undefined below zero:"
            " set metric to rmse or mae in config.yaml"
        )
    check_sample_columns(sample, train, config)
    if set(test[id_col]) != set(sample[id_col]):
        raise DataError("test.csv and sample_submission.csv hold different ids: re-download the competition files")
    group = config["columns"]["group"]
    if group and group not in train.columns:
        raise DataError(f"train.csv has no group column '{group}': fix columns.group in config.yaml")
    if group and train[group].isna().any():
        raise DataError(f"group column '{group}' is empty in {train[group].isna().sum()} rows: fill them first")
    return CompetitionData(train, test, sample)


def check_sample_columns(sample: pd.DataFrame, train: pd.DataFrame, config: dict) -> None:
    """Kaggle's two shapes: [id, target], or for class probabilities [id, one column per class]."""
    id_col, target = config["columns"]["id"], config["columns"]["target"]
    if list(sample.columns) == [id_col, target]:
        return
    classes = {str(label) for label in train[target].unique()} if config["task"] != "tabular-regression" else set()
    if sample.columns[0] == id_col and len(sample.columns) > 2 and set(sample.columns[1:]) == classes:
        if config["metric"] not in ("logloss", "auc"):
            raise DataError(
                f"sample_submission.csv wants a probability per class, but {config['metric']} scores labels:"
                " set metric to logloss in config.yaml"
            )
        return
    raise DataError(
        f"sample_submission.csv has columns {list(sample.columns)}, expected ['{id_col}', '{target}'] or"
        f" '{id_col}' and one column per class: check columns.id and columns.target in config.yaml"
    )
