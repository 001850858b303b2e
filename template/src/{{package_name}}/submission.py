"""Writes submission.csv shaped exactly like sample_submission.csv, or refuses and says why."""

import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from .config import ProjectError


class SubmissionError(ProjectError):
    """The predictions do not fit sample_submission.csv; nothing was written."""


def build_submission(sample: pd.DataFrame, ids: pd.Series, values: np.ndarray, config: dict) -> pd.DataFrame:
    """Put each prediction next to its id, in sample_submission.csv's row order."""
    id_col, target = config["columns"]["id"], config["columns"]["target"]
    predicted = pd.Series(values, index=ids.to_numpy())
    submission = sample[[id_col]].copy()
    submission[target] = submission[id_col].map(predicted)
    return submission


def check_submission(
    submission: pd.DataFrame, sample: pd.DataFrame, labels: list | None = None, probabilities: bool = False
) -> None:
    """Raise SubmissionError naming the first way the submission differs from what Kaggle expects.

    labels: the values a label column may hold; probabilities: values must lie in [0, 1].
    """
    if list(submission.columns) != list(sample.columns):
        raise SubmissionError(
            f"columns are {list(submission.columns)}, sample_submission.csv has {list(sample.columns)}"
        )
    id_col, target = sample.columns
    if len(submission) != len(sample):
        raise SubmissionError(f"{len(submission)} rows, sample_submission.csv has {len(sample)}")
    differs = submission[id_col].to_numpy() != sample[id_col].to_numpy()
    if differs.any():
        row = int(np.argmax(differs))
        ours, theirs = submission[id_col].tolist()[row], sample[id_col].tolist()[row]
        raise SubmissionError(f"row {row} has id {ours!r}, sample_submission.csv has {theirs!r}")
    values = submission[target]
    if values.isna().any():
        first = submission[id_col][values.isna()].tolist()[0]
        raise SubmissionError(f"{values.isna().sum()} predictions are missing, the first for id {first!r}")
    if pd.api.types.is_numeric_dtype(sample[target]) != pd.api.types.is_numeric_dtype(values):
        raise SubmissionError(
            f"'{target}' holds {values.dtype} values, sample_submission.csv holds {sample[target].dtype}"
        )
    if pd.api.types.is_numeric_dtype(values) and not np.isfinite(values.to_numpy(dtype=float)).all():
        raise SubmissionError(f"'{target}' holds infinite values")
    if probabilities:
        outside = ~values.between(0, 1)
        if outside.any():
            raise SubmissionError(
                f"'{target}' holds {outside.sum()} values outside [0, 1] (e.g. {values[outside].tolist()[0]}):"
                " the metric scores probabilities"
            )
    if labels is not None and not values.isin(labels).all():
        raise SubmissionError(
            f"'{target}' holds {values[~values.isin(labels)].tolist()[0]!r}, expected one of {labels}"
        )


def write_submission(
    submission: pd.DataFrame,
    sample: pd.DataFrame,
    path: Path,
    labels: list | None = None,
    probabilities: bool = False,
) -> Path:
    """Check, then write atomically: a crash never leaves a half-written submission.csv behind."""
    check_submission(submission, sample, labels, probabilities)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", newline="") as file:
            submission.to_csv(file, index=False)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temp, 0o644)  # mkstemp makes it private; a submission is an ordinary file
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path
