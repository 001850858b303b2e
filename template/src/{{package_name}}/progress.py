"""What a run has done so far, saved after each fold in its hidden folder, so that a run stopped part-way
(Kaggle's time limit, Ctrl-C, a crash) continues with `train --resume` from its last complete fold, with the
out-of-fold predictions it had; and the time budget that makes a run end in time."""

import json
import math
import os
from pathlib import Path

import numpy as np

from .outputs import PROGRESS
from .paths import on_kaggle

ARRAYS = "progress.npz"
# Kaggle ends a session after 12 hours (9 on a TPU); `auto` leaves 45 minutes for set-up and the submission.
SESSION_MINUTES = {"cpu": 720, "gpu": 720, "tpu": 540}


def save(stage: Path, folds_done: int, oof: dict, first_seed: dict, per_fold: list, facts: dict) -> None:
    """The predictions and scores of the folds done, written aside and then renamed: never half a record."""
    arrays = {f"oof__{name}": value for name, value in oof.items()}
    arrays |= {f"first__{name}": value for name, value in first_seed.items()}
    with open(stage / f".{ARRAYS}.tmp", "wb") as file:
        np.savez(file, **arrays)
    os.replace(stage / f".{ARRAYS}.tmp", stage / ARRAYS)
    record = {"folds_done": folds_done, "per_fold": per_fold, **facts}
    (stage / f".{PROGRESS}.tmp").write_text(json.dumps(record, indent=2))
    os.replace(stage / f".{PROGRESS}.tmp", stage / PROGRESS)


def load(stage: Path) -> tuple[int, dict, dict, list]:
    """Folds done, out-of-fold predictions (by model, and seed 0 alone), per-fold scores; none for a new run."""
    if not (stage / PROGRESS).is_file():
        return 0, {}, {}, []
    record = json.loads((stage / PROGRESS).read_text())
    with np.load(stage / ARRAYS) as arrays:
        oof = {key.split("__", 1)[1]: arrays[key] for key in arrays.files if key.startswith("oof__")}
        first = {key.split("__", 1)[1]: arrays[key] for key in arrays.files if key.startswith("first__")}
    return record["folds_done"], oof, first, record["per_fold"]


def facts(stage: Path) -> dict:
    """What the stopped run was: its name and whether it was a smoke run."""
    return json.loads((stage / PROGRESS).read_text())


def clear(stage: Path) -> None:
    """Once every fold is done: the run is about to be published, and these are not part of it."""
    for name in (ARRAYS, PROGRESS):
        (stage / name).unlink(missing_ok=True)


def budget_seconds(config: dict) -> float | None:
    """training.time_budget_minutes in seconds: a number; null for none; auto, on Kaggle, the session's limit
    less 45 minutes, and none elsewhere."""
    minutes = config["training"]["time_budget_minutes"]
    if minutes == "auto":
        minutes = SESSION_MINUTES[config["hardware"]["target"]] - 45 if on_kaggle() else None
    return None if minutes is None else 60 * float(minutes)


def folds_in_budget(budget: float | None, elapsed: float, per_fold: float, folds_done: int, planned: int) -> int:
    """How many folds the run can complete: all planned, or as many more as the time left holds (the next
    fold's time estimated from those done, 20% spare for predicting the test rows), at least those done."""
    if budget is None:
        return planned
    more = math.floor((budget - elapsed) / (1.2 * per_fold)) if per_fold > 0 else planned
    return max(folds_done, min(planned, folds_done + max(more, 0)))
