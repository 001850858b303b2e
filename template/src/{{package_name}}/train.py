"""k-fold training of the task's models on the same folds, scored out of fold; the best of them, or a blend
weighted out of fold, is submitted. The models live in models.py, so this loop serves every task."""

import json
import logging
import time
from pathlib import Path

import numpy as np
import yaml

from . import hardware
from .blend import blend, choose
from .cv import assign_folds
from .data import load_data
from .ledger import record_runs
from .metrics import to_labels
from .models import build_models
from .outputs import RunLog, check_name, git_state, new_run, publish, stop_if_interrupted
from .predict import predict_test
from .report import log_class_counts, plot_confusion_matrix, plot_learning_curve
from .scores import fold_scores, log_scores, write_oof
from .target import Target

log = logging.getLogger(__name__)


def train(
    config: dict,
    data_dir: Path,
    output_dir: Path,
    smoke: bool = False,
    name: str | None = None,
    project: Path = Path(),
    on_fold=None,
) -> Path:
    """Train, score out of fold and predict the test rows into a run folder of its own, outputs/runs/<run-id>/,
    which appears only once the run is complete (outputs.py); returns it. The run keeps the settings it ran with
    (config.yaml) and the project's git commit (run.json). on_fold(k, score) hears, after each fold, the best
    model's mean score on the folds so far (`tune` stops hopeless trials with it)."""
    check_name(name)
    run_log = RunLog()
    try:
        log.info("train: %s from %s", "a smoke run" if smoke else "k-fold CV", Path(data_dir).resolve())
        data = load_data(data_dir, config)
        with new_run(output_dir) as stage:
            run_log.into(stage)
            train_folds(config, data, stage, smoke, on_fold)
            (stage / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
            run_log.close()  # train.log complete before it is published with the run
            run_dir = publish(stage, Path(output_dir), name, {"smoke": smoke, "git": git_state(project)})
    finally:
        run_log.close()
    record_runs(output_dir)
    log.info("run %s complete: %s; %s is its submission", run_dir.name, run_dir, Path(output_dir) / "submission.csv")
    return run_dir


def train_folds(config: dict, data, output_dir: Path, smoke: bool, on_fold=None) -> dict:
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

    oof, per_fold, started = {}, [], time.perf_counter()
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
        per_fold.append({name: target.metric.score(y[valid], p[valid]) for name, p in oof.items()})
        scores = "  ".join(f"{name} {score:.5f}" for name, score in per_fold[-1].items())
        log.info("fold %d of %d  %s  %s  (%.0f s left)", k, n_folds, target.metric.name, scores, left)
        if on_fold:
            means = [np.mean([fold[name] for fold in per_fold]) for name in oof]
            on_fold(k, float(max(means) if target.metric.greater_is_better else min(means)))

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
