"""Fold-ensemble inference on test.csv: every fold's saved models predict, the folds are averaged, and the
models are blended with the weights chosen out of fold. `train` ends here; `predict` starts here."""

import json
import logging
from pathlib import Path

import numpy as np

from . import hardware
from .blend import blend
from .config import ProjectError
from .data import CompetitionData, load_data
from .metrics import get_metric
from .outputs import check_run, publishing, record
from .submission import build_submission, write_submission
from .target import LabelCodec, Target

log = logging.getLogger(__name__)


def predict(config: dict, data_dir: Path, output_dir: Path) -> Path:
    """`predict`: submission.csv again from a complete run's fold models, once run.json vouches for them; a run
    being published meanwhile waits, so the file and run.json stay one run's."""
    with publishing(output_dir):
        check_run(output_dir, skip=("submission.csv",))
        path = predict_test(config, load_data(data_dir, config), output_dir)
        record(output_dir)
    return path


def predict_test(config: dict, data: CompetitionData, output_dir: Path, models: list | None = None) -> Path:
    """Write submission.csv from the fold models in output_dir, as cv.json says to combine them."""
    output_dir = Path(output_dir)
    cv_path = output_dir / "cv.json"
    if not cv_path.is_file():
        raise ProjectError(f"{cv_path} not found: run `train` first (or pass the --output-dir train used)")
    cv = json.loads(cv_path.read_text())
    classes = cv["classes"]
    codec = LabelCodec(classes) if classes else None
    target = Target(get_metric(config["metric"], len(classes) if classes else None), codec)
    if models is None:
        from .models import build_models

        models, _ = build_models(config, data, hardware.configure(config), target)

    weights = {name: weight for name, weight in cv["blend_weights"].items() if weight}
    averaged = {}
    for model in models:
        if not weights.keys() & set(model.outputs):
            continue  # not part of the submission
        per_fold = [model.predict(data.test, output_dir / "models" / f"fold{k}") for k in range(cv["folds"])]
        averaged |= {name: np.mean([fold[name] for fold in per_fold], axis=0) for name in model.outputs}
    values = target.decode(blend(averaged, weights), cv["threshold"])

    submission = build_submission(data.sample_submission, data.test[config["columns"]["id"]], values, classes)
    path = write_submission(
        submission,
        data.sample_submission,
        output_dir / "submission.csv",
        labels=classes if target.metric.submits in ("label", "ranked") else None,
        probabilities=target.metric.submits == "probability",
        ranked=target.metric.top_k if target.metric.submits == "ranked" else 0,
    )
    used = " + ".join(f"{weight:.2f} {name}" for name, weight in weights.items())
    log.info("wrote %s (%d rows) from %s, averaged over %d folds", path, len(submission), used, cv["folds"])
    return path
