"""k-fold training of the task's models on the same folds, scored out of fold; the best of them, or a blend
weighted out of fold when clearly better, is submitted. The models live in models.py, so this loop serves every task."""

import json
import logging
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from . import hardware, progress
from .blend import blend, choose
from .cv import assign_folds
from .data import load_data
from .ledger import record_runs
from .metrics import to_labels
from .outputs import RunLog, check_name, git_state, new_run, publish, stop_if_interrupted
from .predict import predict_test
from .report import (
    log_class_counts,
    plot_confusion_matrix,
    plot_feature_importance,
    plot_fold_scores,
    plot_learning_curves,
    plot_out_of_fold,
)
from .scores import log_scores, model_scores, per_target_scores, write_oof
from .seeds import build_seeded_models, seed_gains
from .target import Target, target_column

log = logging.getLogger(__name__)


def train(
    config: dict,
    data_dir: Path,
    output_dir: Path,
    smoke: bool = False,
    name: str | None = None,
    project: Path = Path(),
    on_fold=None,
    resume: Path | None = None,
    keep_partial: bool = True,
) -> Path:
    """Train, score out of fold and predict the test rows into a run folder of its own, outputs/runs/<run-id>/,
    which appears only once the run is complete (outputs.py); returns it. The run keeps the settings it ran with
    (config.yaml) and the project's git commit (run.json). on_fold(k, score) hears, after each fold, the best
    model's mean score on the folds so far (`tune` stops hopeless trials with it). resume: the hidden folder of
    a run that stopped part-way, continued from its last complete fold (progress.py); such a folder is kept
    for it unless keep_partial is false."""
    check_name(name)
    run_log = RunLog()
    try:
        log.info("train: %s from %s", "a smoke run" if smoke else "k-fold CV", Path(data_dir).resolve())
        data = load_data(data_dir, config)
        with new_run(output_dir, resume, keep_partial) as stage:
            run_log.into(stage)
            (stage / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
            train_folds(config, data, stage, smoke, on_fold, {"name": name, "smoke": smoke})
            progress.clear(stage)
            run_log.close()  # train.log complete before it is published with the run
            run_dir = publish(stage, Path(output_dir), name, {"smoke": smoke, "git": git_state(project)})
    finally:
        run_log.close()
    record_runs(output_dir)
    log.info("run %s complete: %s; %s is its submission", run_dir.name, run_dir, Path(output_dir) / "submission.csv")
    return run_dir


def train_folds(config: dict, data, output_dir: Path, smoke: bool, on_fold=None, about: dict | None = None) -> dict:
    seed, rows = config["cv"]["seed"], training_rows(data, config, smoke)

    answers = target_column(rows, config)  # a column, or the several target columns
    target = Target.from_train(answers, config)
    if target.classes:
        log_class_counts(answers, "the training data")
    y = target.encode(answers)
    folds = assign_folds(rows, y, config)
    n_folds = int(folds.max()) + 1  # cv.folds, or what auto came to (cv.fold_count)
    setup = hardware.configure(config)
    models, facts = build_seeded_models(config, data, setup, target, report_dir=output_dir)

    units = {model.name: getattr(model, "curve_unit", "epoch") for model in models}  # trees count boosting rounds
    start, oof, first_seed, per_fold = progress.load(output_dir)
    curves_path = output_dir / "learning_curves.json"  # every model's loss per epoch, by fold (kept on resume)
    curves = json.loads(curves_path.read_text()) if start and curves_path.is_file() else {}
    if start:
        log.info("resuming at fold %d of %d: folds before it come from the run that stopped", start, n_folds)
    budget, planned, started = progress.budget_seconds(config), n_folds, time.perf_counter()
    k = start
    while k < n_folds:  # n_folds may shrink after a fold: the time budget
        hardware.seed_everything(seed + k)
        valid = folds == k
        for name, history in train_fold(models, rows, y, folds, k, output_dir, oof, first_seed).items():
            curves.setdefault(name, {})[str(k)] = history
            plot_learning_curves(curves[name], output_dir / f"learning_curves_{name}.png", name, units[name])
        curves_path.write_text(json.dumps(curves))
        per_fold.append({name: target.metric.score(y[valid], p[valid]) for name, p in oof.items()})
        progress.save(output_dir, k + 1, oof, first_seed, per_fold, about or {})
        elapsed = time.perf_counter() - started
        n_folds = progress.folds_in_budget(budget, elapsed, elapsed / (k + 1 - start), k + 1, n_folds)
        left = elapsed / (k + 1 - start) * (n_folds - k - 1)
        scores = "  ".join(f"{name} {score:.5f}" for name, score in per_fold[-1].items())
        log.info("fold %d of %d  %s  %s  (%.0f s left)", k, n_folds, target.metric.name, scores, left)
        if on_fold:
            means = [np.mean([fold[name] for fold in per_fold]) for name in oof]
            on_fold(k, float(max(means) if target.metric.greater_is_better else min(means)))
        k += 1

    cut = None
    if n_folds < planned:  # the time budget: only the folds trained count, out of fold and on the test rows
        cut = {"folds_planned": planned, "folds_trained": n_folds, "budget_minutes": budget / 60}
        log.warning("time budget: %d of %d folds fit in %g minutes; scored on them", n_folds, planned, budget / 60)
        trained = folds < n_folds
        rows, y, folds = rows[trained].reset_index(drop=True), y[trained], folds[trained]
        oof = {name: prediction[trained] for name, prediction in oof.items()}
        first_seed = {name: prediction[trained] for name, prediction in first_seed.items()}

    chosen, choices = choose(target.metric, y, oof)
    submitted = blend(oof, chosen.weights)
    report = {
        "metric": target.metric.name,
        "greater_is_better": target.metric.greater_is_better,
        "folds": n_folds,
        "cv_scheme": config["cv"]["scheme"],
        "rows": len(rows),
        "classes": target.classes,
        "targets": target.names,
        "labels_joined": target.joined,
        "scores": model_scores(target, y, folds, oof, choices),
        "submission_model": chosen.name,
        "blend_weights": chosen.weights,
        "threshold": chosen.threshold,
        **facts,
        "hardware": setup.describe(),
    }
    if cut:
        report["cut"] = cut
    if first_seed:
        gains, count = seed_gains(target.metric, y, oof, first_seed), config["cv"]["seeds"]
        report["seeds"] = {"count": count, "models": gains}
        for name, gain in gains.items():
            log.info("cv.seeds: %s %.5f averaged, %.5f with one seed", name, gain["averaged"], gain["first_seed"])
    if target.names:  # several target columns or labels: each one's score, of what was submitted
        report["per_target"] = per_target_scores(target, y, submitted, chosen.threshold)
    if target.classes:
        predicted = to_labels(submitted, chosen.threshold)
        matrix = output_dir / "confusion_matrix.png"
        report["per_class_accuracy"] = plot_confusion_matrix(y, predicted, target.classes, matrix)
    plot_out_of_fold(y, submitted, target.classes, output_dir)
    plot_fold_scores(report["scores"], target.metric.name, output_dir / "fold_scores.png")
    importance = plot_feature_importance(output_dir / "models", output_dir / "feature_importance.png")
    if importance:  # the 20 largest shares of each model that saved its importance
        report["feature_importance"] = {model: dict(list(shares.items())[:20]) for model, shares in importance.items()}
    (output_dir / "cv.json").write_text(json.dumps(report, indent=2))
    write_oof(rows, folds, oof, submitted, target.classes or target.names, config, output_dir)
    log_scores(report)
    predict_test(config, data, output_dir, models)
    return report


def training_rows(data, config: dict, smoke: bool = False) -> pd.DataFrame:
    """The rows a run trains on: all of train.csv, or for a smoke run a seeded sample of smoke.max_rows."""
    rows = data.train
    if smoke:
        rows = rows.sample(n=min(config["smoke"]["max_rows"], len(rows)), random_state=config["cv"]["seed"])
    return rows.reset_index(drop=True)


def train_fold(
    models, rows, y: np.ndarray, folds: np.ndarray, k: int, output_dir: Path, oof: dict, first_seed: dict
) -> dict:
    """Every model fit on the rows outside fold k and saved in models/fold<k>/; their predictions for fold k's
    rows go into oof (and, with cv.seeds > 1, seed 0's alone into first_seed). Returns each network's loss per
    epoch, or a tree model's per boosting round ({"loss": [...], "val_loss": [...]})."""
    histories = {}
    fit, valid = folds != k, folds == k
    fold_dir = output_dir / "models" / f"fold{k}"
    fold_dir.mkdir(parents=True, exist_ok=True)
    for model in models:
        history = model.fit(rows[fit].reset_index(drop=True), y[fit], fold_dir)
        stop_if_interrupted()
        # Out-of-fold predictions go through the same code as test predictions.
        for name, prediction in model.predict(rows[valid].reset_index(drop=True), fold_dir).items():
            oof.setdefault(name, np.zeros((len(rows), *prediction.shape[1:])))[valid] = prediction
        for name, prediction in getattr(model, "first_seed", {}).items():
            first_seed.setdefault(name, np.zeros((len(rows), *prediction.shape[1:])))[valid] = prediction
        if history:
            histories[model.name] = {key: [float(value) for value in history[key]] for key in ("loss", "val_loss")}
    return histories
