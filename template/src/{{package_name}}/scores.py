"""What a run reports out of fold, whatever made its predictions (`train`'s models, `ensemble`'s runs): the score
per fold, oof.csv and folds.csv, and the CV lines of the log."""

import json
import logging
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn import metrics

from .blend import blend
from .metrics import tune_threshold
from .target import Target, target_names

log = logging.getLogger(__name__)


def model_scores(target: Target, y: np.ndarray, folds: np.ndarray, oof: dict, choices: dict) -> dict:
    """cv.json's scores: each candidate (a model, or the blend) per fold and out of fold, as blend.py chose it."""
    return {name: fold_scores(target, y, folds, blend(oof, c.weights), c) for name, c in choices.items()}


def submitted_score(run_dir: Path) -> float:
    """A run's out-of-fold score: that of what it submitted."""
    cv = json.loads((Path(run_dir) / "cv.json").read_text())
    return cv["scores"][cv["submission_model"]]["oof"]


def fold_scores(target: Target, y: np.ndarray, folds: np.ndarray, prediction: np.ndarray, choice) -> dict:
    """Out of fold: the score at the submission's threshold (tuned on every out-of-fold row, these included). Per
    fold: the score at a threshold tuned on the other folds' rows alone, so the folds' mean carries no optimism of
    a threshold fit to the rows it scores. Where the metric tunes no threshold, all are at the same one."""
    per_fold = []
    for k in range(folds.max() + 1):
        fold, others = folds == k, folds != k
        threshold = tune_threshold(target.metric, y[others], prediction[others]) if others.any() else choice.threshold
        per_fold.append(target.metric.score(y[fold], prediction[fold], threshold))
    scores = {"folds": per_fold, "mean": float(np.mean(per_fold)), "std": float(np.std(per_fold)), "oof": choice.score}
    return scores | {"threshold": choice.threshold, "weights": choice.weights}


def write_oof(rows, folds, oof: dict, submitted: np.ndarray, labels, config: dict, output_dir: Path) -> None:
    """oof.csv (id, fold, target, what was submitted, every model's predictions) and folds.csv (id, fold). Several
    target columns each get theirs: target_<name>, prediction_<name>, prediction_<model>_<name>. labels name the
    columns of a two-dimensional prediction: the classes, the target columns, or the labels of one column."""
    columns, names = config["columns"], target_names(config)
    table = pd.DataFrame({columns["id"]: rows[columns["id"]], "fold": folds})
    if len(names) == 1:
        table["target"] = rows[names[0]].to_numpy()
    else:
        table = table.assign(**{f"target_{name}": rows[name].to_numpy() for name in names})
    table = table.assign(**prediction_columns("prediction", submitted, labels))
    for name, prediction in oof.items():
        table = table.assign(**prediction_columns(f"prediction_{name}", prediction, labels))
    table.to_csv(output_dir / "oof.csv", index=False)
    table[[columns["id"], "fold"]].to_csv(output_dir / "folds.csv", index=False)


def per_target_scores(target: Target, y: np.ndarray, submitted: np.ndarray, threshold) -> dict:
    """Each target column's or label's score, of what was submitted, logged: the metric on that column alone, or
    for label metrics the label's F-score (the metric's beta) at its own threshold."""
    thresholds = np.broadcast_to(np.asarray(threshold, dtype=float), (y.shape[1],))
    scores = {}
    for i, name in enumerate(target.names):
        if target.metric.submits == "label":
            decided = (submitted[:, i] >= thresholds[i]).astype("int64")
            scores[name] = float(metrics.fbeta_score(y[:, i], decided, beta=target.metric.beta, zero_division=0))
        else:
            scores[name] = target.metric.score(y[:, i], submitted[:, i])
    kind = f"F{target.metric.beta:g} at its threshold" if target.metric.submits == "label" else target.metric.name
    log.info("per target column (%s): %s", kind, ", ".join(f"{name} {score:.5f}" for name, score in scores.items()))
    return scores


def log_scores(report: dict) -> None:
    direction = "higher" if report["greater_is_better"] else "lower"
    log.info("CV %s (%s is better), %d folds, out of fold:", report["metric"], direction, report["folds"])
    for name, s in report["scores"].items():
        mark = "  <- submitted" if name == report["submission_model"] else ""
        log.info("  %-12s %.5f  (folds %.5f ± %.5f)%s", name, s["oof"], s["mean"], s["std"], mark)
    if len([w for w in report["blend_weights"].values() if w]) > 1:
        weights = ", ".join(f"{name} {w:.2f}" for name, w in report["blend_weights"].items() if w)
        log.info("  blend weights, chosen out of fold: %s", weights)
    threshold = report["threshold"]
    if isinstance(threshold, list):  # one per label
        log.info("  decision thresholds per label, tuned out of fold: %s", " ".join(f"{t:.2f}" for t in threshold))
    elif threshold != 0.5:
        log.info("  decision threshold, tuned out of fold: %.4f", threshold)
    if threshold != 0.5:  # the out-of-fold score's threshold saw its rows' labels; each fold's did not
        log.info("  (each fold scored at a threshold tuned on the other folds alone: their mean is the fairer guess)")


def score_table(cv: dict) -> pd.DataFrame:
    """cv.json's scores as a table: a row per model (and the blend), out of fold, the folds' mean and spread, each
    fold's score and the blend weights; the submitted row is marked."""
    rows = {}
    for name, s in cv["scores"].items():
        folds = {f"fold {k}": score for k, score in enumerate(s["folds"])}
        weights = ", ".join(f"{model} {w:.2f}" for model, w in s["weights"].items() if w)
        submitted = "yes" if name == cv["submission_model"] else ""
        rows[name] = {"out of fold": s["oof"], "mean": s["mean"], "std": s["std"], **folds, "weights": weights}
        rows[name]["submitted"] = submitted
    return pd.DataFrame.from_dict(rows, orient="index")


def prediction_columns(prefix: str, prediction: np.ndarray, classes: list | None) -> dict:
    """One column (`prediction_reference`), or one per class or target column (`prediction_reference_cat`)."""
    if prediction.ndim == 1:
        return {prefix: prediction}
    return {f"{prefix}_{label}": prediction[:, c] for c, label in enumerate(classes)}
