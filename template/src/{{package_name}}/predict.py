"""Fold-ensemble inference on test.csv: every fold's saved models predict, the folds are averaged, and the
models are blended with the weights chosen out of fold. `train` ends here; `predict` starts here."""

import json
import logging
from pathlib import Path

import numpy as np
import pandas as pd

from . import hardware
from .blend import blend
from .config import ProjectError, run_config
from .data import CompetitionData, load_data
from .metrics import get_metric
from .outputs import check_run, copy_submission, find_run, latest, publishing, record
from .scores import prediction_columns
from .submission import build_submission, write_submission
from .target import LabelCodec, Target

log = logging.getLogger(__name__)


def predict(config: dict, data_dir: Path, output_dir: Path, run: str | None = None) -> Path:
    """`predict`: a run's submission.csv again from its fold models (the latest run, or `run`), with the settings
    it was trained with, once run.json vouches for them; outputs/submission.csv follows if it is the latest run.
    A run being published meanwhile waits, so each file and its run.json stay one run's."""
    with publishing(output_dir):
        run_dir = find_run(output_dir, run)
        check_run(run_dir, skip=("submission.csv", "test_predictions.csv"), models=True)
        config = run_config(run_dir, config)
        path = predict_test(config, load_data(data_dir, config), run_dir)
        record(run_dir, "test_predictions.csv")
        record(run_dir)
        if latest(run_dir):
            copy_submission(run_dir, output_dir)
    return path


def predict_test(config: dict, data: CompetitionData, output_dir: Path, models: list | None = None) -> Path:
    """Write submission.csv from the fold models in output_dir, as cv.json says to combine them."""
    output_dir = Path(output_dir)
    cv_path = output_dir / "cv.json"
    if not cv_path.is_file():
        raise ProjectError(f"{cv_path} not found: run `train` first (or pass the --output-dir train used)")
    cv = json.loads(cv_path.read_text())
    if models is None:
        from .seeds import build_seeded_models

        models, _ = build_seeded_models(config, data, hardware.configure(config), target_of(cv))

    weights = {name: weight for name, weight in cv["blend_weights"].items() if weight}
    averaged = {}
    for model in models:
        if not weights.keys() & set(model.outputs):
            continue  # not part of the submission
        per_fold = [model.predict(data.test, output_dir / "models" / f"fold{k}") for k in range(cv["folds"])]
        averaged |= {name: np.mean([fold[name] for fold in per_fold], axis=0) for name in model.outputs}
    used = " + ".join(f"{weight:.2f} {name}" for name, weight in weights.items())
    return write_predictions(config, data, cv, blend(averaged, weights), output_dir, f"{used}, averaged over folds")


def target_of(cv: dict) -> Target:
    """The target a run predicted, as its cv.json describes it: the metric, the classes, the target columns (or
    the labels of one column of labels separated by spaces)."""
    classes, metric = cv["classes"], get_metric(cv["metric"], len(cv["classes"]) if cv["classes"] else None)
    return Target(metric, LabelCodec(classes) if classes else None, cv.get("targets"), cv.get("labels_joined", False))


def write_predictions(config: dict, data: CompetitionData, cv: dict, prediction, output_dir: Path, source: str) -> Path:
    """test_predictions.csv, the blended test prediction before any threshold (what `ensemble` blends across runs),
    and submission.csv, decided from it with cv.json's threshold, in the sample's shape."""
    classes, target, id_col = cv["classes"], target_of(cv), config["columns"]["id"]
    labels = classes or target.names  # what names the columns of a two-dimensional prediction
    table = pd.DataFrame({id_col: data.test[id_col].to_numpy()})
    table.assign(**prediction_columns("prediction", prediction, labels)).to_csv(
        output_dir / "test_predictions.csv", index=False
    )
    values = target.decode(prediction, cv["threshold"])
    submission = build_submission(data.sample_submission, data.test[id_col], values, labels)
    path = write_submission(
        submission, data.sample_submission, output_dir / "submission.csv", **submission_rules(target)
    )
    log.info("wrote %s (%d rows) from %s", path.name, len(submission), source)
    return path


def submission_rules(target: Target) -> dict:
    """What each submitted value must be (submission.check_column): one of the labels; a probability; the
    top_k likeliest labels separated by spaces (ranked), or with ranked -1 one or more of them (labels in one
    column); 0 or 1 for each of several label columns."""
    submits = target.metric.submits
    if target.joined:
        return {"labels": target.names, "probabilities": False, "ranked": -1}
    if target.multilabel and submits == "label":
        return {"labels": [0, 1], "probabilities": False, "ranked": 0}
    labels = target.classes if submits in ("label", "ranked") else None
    return {
        "labels": labels,
        "probabilities": submits == "probability",
        "ranked": target.metric.top_k * (submits == "ranked"),
    }
