"""Writes submission.csv shaped exactly like sample_submission.csv, or refuses and says why.

Kaggle uses two shapes: an id and one column of predictions (values, probabilities or labels), or an id and
a column per class (probabilities, named after the classes) or per target column (values, named after them).
"""

import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from .config import ProjectError


class SubmissionError(ProjectError):
    """The predictions do not fit sample_submission.csv; nothing was written."""


def per_class(sample: pd.DataFrame) -> bool:
    """Whether the sample wants a column per class (or per target column) rather than one prediction column."""
    return len(sample.columns) > 2


def build_submission(sample: pd.DataFrame, ids: pd.Series, prediction: np.ndarray, classes=None) -> pd.DataFrame:
    """Each id's prediction in sample_submission.csv's row order: one column, or a column per class (or per target
    column: `classes` names the prediction's columns)."""
    id_col = sample.columns[0]
    if per_class(sample):
        index = {str(label): i for i, label in enumerate(classes)}  # the sample names classes as text
        columns = {column: prediction[:, index[column]] for column in sample.columns[1:]}
        values = pd.DataFrame(columns, index=ids.to_numpy())
    else:
        values = pd.DataFrame({sample.columns[1]: prediction}, index=ids.to_numpy())
    submission = values.reindex(sample[id_col].to_numpy())  # ids missing from the predictions become NaN
    return submission.rename_axis(id_col).reset_index()


def check_submission(
    submission: pd.DataFrame,
    sample: pd.DataFrame,
    labels: list | None = None,
    probabilities: bool = False,
    ranked: int = 0,
) -> None:
    """Raise SubmissionError naming the first way the submission differs from what Kaggle expects.

    labels: the values a label column may hold; probabilities: values must lie in [0, 1]; ranked: each value
    is that many different labels separated by spaces (MAP@3's "cat dog bird"), or with -1 one or more (Planet's
    "clear primary road").
    """
    if list(submission.columns) != list(sample.columns):
        raise SubmissionError(
            f"columns are {list(submission.columns)}, sample_submission.csv has {list(sample.columns)}"
        )
    id_col = sample.columns[0]
    if len(submission) != len(sample):
        raise SubmissionError(f"{len(submission)} rows, sample_submission.csv has {len(sample)}")
    differs = submission[id_col].to_numpy() != sample[id_col].to_numpy()
    if differs.any():
        row = int(np.argmax(differs))
        ours, theirs = submission[id_col].tolist()[row], sample[id_col].tolist()[row]
        raise SubmissionError(f"row {row} has id {ours!r}, sample_submission.csv has {theirs!r}")
    for column in sample.columns[1:]:
        check_column(submission[column], sample[column], submission[id_col], labels, probabilities, ranked)


def check_column(
    values: pd.Series, sample: pd.Series, ids: pd.Series, labels, probabilities: bool, ranked: int = 0
) -> None:
    name = values.name
    if values.isna().any():
        raise SubmissionError(
            f"'{name}' misses {values.isna().sum()} predictions, the first for id {ids[values.isna()].tolist()[0]!r}"
        )
    if pd.api.types.is_numeric_dtype(sample) != pd.api.types.is_numeric_dtype(values):
        raise SubmissionError(f"'{name}' holds {values.dtype} values, sample_submission.csv holds {sample.dtype}")
    if pd.api.types.is_numeric_dtype(values) and not np.isfinite(values.to_numpy(dtype=float)).all():
        raise SubmissionError(f"'{name}' holds infinite values")
    if probabilities:
        outside = ~values.between(0, 1)
        if outside.any():
            raise SubmissionError(
                f"'{name}' holds {outside.sum()} values outside [0, 1] (e.g. {values[outside].tolist()[0]}):"
                " the metric scores probabilities"
            )
    if ranked:
        known = {str(label) for label in labels}
        counts = (ranked,) if ranked > 0 else range(1, len(known) + 1)
        wrong = values.astype(str).str.split().map(lambda w: not (len(w) == len(set(w)) in counts and set(w) <= known))
        if wrong.any():
            many = ranked if ranked > 0 else "one or more"
            raise SubmissionError(
                f"'{name}' holds {values[wrong].tolist()[0]!r}: expected {many} different labels separated by"
                f" spaces, from {sorted(known)}"
            )
    elif labels is not None and not values.isin(labels).all():
        raise SubmissionError(f"'{name}' holds {values[~values.isin(labels)].tolist()[0]!r}, expected one of {labels}")


def write_submission(
    submission: pd.DataFrame,
    sample: pd.DataFrame,
    path: Path,
    labels: list | None = None,
    probabilities: bool = False,
    ranked: int = 0,
) -> Path:
    """Check, then write atomically: a crash never leaves a half-written submission.csv behind."""
    check_submission(submission, sample, labels, probabilities, ranked)
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
