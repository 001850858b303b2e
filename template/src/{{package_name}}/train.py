"""k-fold training of the task's models on the same folds, scored out of fold; the best of them, or a blend
weighted out of fold, is submitted. The models live in models.py, so this loop serves every task."""

import json
import logging
import time
from pathlib import Path

import numpy as np
import pandas as pd

from . import hardware
from .blend import blend, choose
from .cv import assign_folds
from .data import load_data
from .metrics import to_labels
from .models import build_models
from .outputs import RunLog, new_run, publish, stop_if_interrupted
from .predict import predict_test
from .report import log_class_counts, plot_confusion_matrix, plot_learning_curve
from .target import Target

log = logging.getLogger(__name__)


def train(config: dict, data_dir: Path, output_dir: Path, smoke: bool = False) -> dict:
    """Train, score out of fold and predict the test rows into a folder of the run's own; only a complete run
    replaces output_dir's models, cv.json, oof.csv, folds.csv, pictures, train.log and submission.csv
    (outputs.py)."""
    run_log = RunLog()
    try:
        log.info("train: %s from %s", "a smoke run" if smoke else "k-fold CV", Path(data_dir).resolve())
        data = load_data(data_dir, config)
        with new_run(output_dir) as run_dir:
            run_log.into(run_dir)
            report = train_folds(config, data, run_dir, smoke)
            run_log.close()  # train.log complete before it is published with the run
            publish(run_dir, Path(output_dir))
    finally:
        run_log.close()
    return report


def train_folds(config: dict, data, output_dir: Path, smoke: bool) -> dict:
    models_dir = output_dir / "models"
    columns, seed, n_folds = config["columns"], config["cv"]["seed"], config["cv"]["folds"]
    rows = data.train
    if smoke:
        rows = rows.sample(n=min(config["smoke"]["max_rows"], len(rows)), random_state=seed)
    rows = rows.reset_index(drop=True)

    target = Target.from_train(rows[columns["target"]], config)
    if target.classes:
        log_class_counts(rows[columns["target"]], "the training data")
    y = target.encode(rows[columns["target"]])
    folds = assign_folds(rows, y, config)
    setup = hardware.configure(config)
    models, facts = build_models(config, data, setup, target, report_dir=output_dir)

    oof, started = {}, time.perf_counter()
    for k in range(n_folds):
        hardware.seed_everything(seed + k)
        fit, valid = folds != k, folds == k
        fold_dir = models_dir / f"fold{k}"
        fold_dir.mkdir(parents=True, exist_ok=True)
        for model in models:
            history = model.fit(rows[fit].reset_index(drop=True), y[fit], fold_dir)
            stop_if_interrupted()
            # Out-of-fold predictions go through the same code as test predictions.
            for name, prediction in model.predict(rows[valid].reset_index(drop=True), fold_dir).items():
                oof.setdefault(name, np.zeros((len(rows), *prediction.shape[1:])))[valid] = prediction
            if history:
                curve = output_dir / f"learning_curve_{model.name}_fold{k}.png"
                plot_learning_curve(history, curve, f"{model.name}, fold {k}: {len(history['loss'])} epochs")
        left = (time.perf_counter() - started) / (k + 1) * (n_folds - k - 1)
        scores = "  ".join(f"{name} {target.metric.score(y[valid], p[valid]):.5f}" for name, p in oof.items())
        log.info("fold %d of %d  %s  %s  (%.0f s left)", k, n_folds, target.metric.name, scores, left)

    chosen, choices = choose(target.metric, y, oof)
    submitted = blend(oof, chosen.weights)
    report = {
        "metric": target.metric.name,
        "greater_is_better": target.metric.greater_is_better,
        "folds": n_folds,
        "cv_scheme": config["cv"]["scheme"],
        "rows": len(rows),
        "classes": target.classes,
        "scores": {name: fold_scores(target, y, folds, blend(oof, c.weights), c) for name, c in choices.items()},
        "submission_model": chosen.name,
        "blend_weights": chosen.weights,
        "threshold": chosen.threshold,
        **facts,
        "hardware": setup.describe(),
    }
    if target.classes:
        predicted = to_labels(submitted, chosen.threshold)
        matrix = output_dir / "confusion_matrix.png"
        report["per_class_accuracy"] = plot_confusion_matrix(y, predicted, target.classes, matrix)
    (output_dir / "cv.json").write_text(json.dumps(report, indent=2))
    write_oof(rows, folds, oof, submitted, target.classes, config, output_dir)
    log_scores(report)
    predict_test(config, data, output_dir, models)
    return report


def fold_scores(target: Target, y: np.ndarray, folds: np.ndarray, prediction: np.ndarray, choice) -> dict:
    per_fold = [
        target.metric.score(y[folds == k], prediction[folds == k], choice.threshold) for k in range(folds.max() + 1)
    ]
    scores = {"folds": per_fold, "mean": float(np.mean(per_fold)), "std": float(np.std(per_fold)), "oof": choice.score}
    return scores | {"threshold": choice.threshold, "weights": choice.weights}


def prediction_columns(prefix: str, prediction: np.ndarray, classes: list | None) -> dict:
    """One column (`prediction_reference`), or one per class (`prediction_reference_cat`, `..._dog`)."""
    if prediction.ndim == 1:
        return {prefix: prediction}
    return {f"{prefix}_{label}": prediction[:, c] for c, label in enumerate(classes)}


def write_oof(rows, folds, oof: dict, submitted: np.ndarray, classes, config: dict, output_dir: Path) -> None:
    """oof.csv (id, fold, target, what was submitted, every model's predictions) and folds.csv (id, fold)."""
    columns = config["columns"]
    table = pd.DataFrame({columns["id"]: rows[columns["id"]], "fold": folds, "target": rows[columns["target"]]})
    table = table.assign(**prediction_columns("prediction", submitted, classes))
    for name, prediction in oof.items():
        table = table.assign(**prediction_columns(f"prediction_{name}", prediction, classes))
    table.to_csv(output_dir / "oof.csv", index=False)
    table[[columns["id"], "fold"]].to_csv(output_dir / "folds.csv", index=False)


def log_scores(report: dict) -> None:
    direction = "higher" if report["greater_is_better"] else "lower"
    log.info("CV %s (%s is better), %d folds, out of fold:", report["metric"], direction, report["folds"])
    for name, s in report["scores"].items():
        mark = "  <- submitted" if name == report["submission_model"] else ""
        log.info("  %-12s %.5f  (folds %.5f ± %.5f)%s", name, s["oof"], s["mean"], s["std"], mark)
    if len([w for w in report["blend_weights"].values() if w]) > 1:
        weights = ", ".join(f"{name} {w:.2f}" for name, w in report["blend_weights"].items() if w)
        log.info("  blend weights, chosen out of fold: %s", weights)
    if report["threshold"] != 0.5:
        log.info("  decision threshold, tuned out of fold: %.4f", report["threshold"])
