"""Fold-ensemble inference: every saved fold model predicts, the predictions are averaged."""

import json
import logging
from pathlib import Path

import joblib
import numpy as np
import pandas as pd

from .batches import predict_rows
from .config import ProjectError
from .data import CompetitionData
from .metrics import get_metric
from .submission import build_submission, write_submission
from .target import LabelCodec

log = logging.getLogger(__name__)
PREDICT_BATCH = 1024  # splits evenly over 1, 2, 4 or 8 devices


def predict_fold(fold_dir: Path, frame: pd.DataFrame, config: dict) -> dict[str, np.ndarray]:
    """Predictions of one fold's saved models: values for regression, positive-class probabilities for binary."""
    import keras

    parts = joblib.load(fold_dir / "preprocess.joblib")
    features = parts["preprocessor"].transform(frame).astype("float32")
    model = keras.models.load_model(fold_dir / "keras.keras")
    neural = predict_rows(model, features, PREDICT_BATCH)
    reference = joblib.load(fold_dir / "reference.joblib")
    if config["task"] == "binary-classification":
        boosted = reference.predict_proba(frame)[:, 1]
    else:
        neural = parts["target_scaler"].inverse(neural)
        boosted = reference.predict(frame)
    predictions = {"keras": neural, "reference": boosted, "blend": (neural + boosted) / 2}
    if config["metric"] == "rmsle":  # log error is undefined below zero
        predictions = {name: np.clip(p, 0, None) for name, p in predictions.items()}
    return predictions


def predict_test(config: dict, data: CompetitionData, output_dir: Path) -> Path:
    """Average the chosen model over all folds on test.csv and write submission.csv."""
    cv_path = Path(output_dir) / "cv.json"
    if not cv_path.is_file():
        raise ProjectError(f"{cv_path} not found: run `train` first (or pass the --output-dir train used)")
    cv = json.loads(cv_path.read_text())
    chosen = cv["submission_model"]
    per_fold = [
        predict_fold(Path(output_dir) / "models" / f"fold{k}", data.test, config)[chosen] for k in range(cv["folds"])
    ]
    prediction = np.mean(per_fold, axis=0)

    labels, submits = None, get_metric(config["metric"]).submits
    if submits == "label":
        labels = cv["classes"]
        prediction = LabelCodec(labels).decode(prediction >= 0.5)
    submission = build_submission(data.sample_submission, data.test[config["columns"]["id"]], prediction, config)
    path = write_submission(
        submission, data.sample_submission, Path(output_dir) / "submission.csv", labels, submits == "probability"
    )
    log.info("wrote %s (%d rows) from the %s model averaged over %d folds", path, len(submission), chosen, cv["folds"])
    return path
