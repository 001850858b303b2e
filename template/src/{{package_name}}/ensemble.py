"""`ensemble RUN RUN ... | --best K`: a blend of whole runs, climbed on their out-of-fold predictions by the same
rule as the blend inside one run (blend.py: greedy forward selection with replacement), then applied to the
same runs' test predictions. It becomes a run of its own: cv.json names the members, their weights and scores,
and, since each member alone is a candidate, its out-of-fold score is never below the best member's. Runs
trained on other folds, rows or metrics cannot be compared out of fold and are refused in one line."""

import json
import logging
from pathlib import Path

import numpy as np
import pandas as pd

from .blend import blend, choose
from .data import load_data
from .ledger import record_runs
from .metrics import to_labels
from .outputs import OutputsError, check_run, find_run, new_run, publish, read_manifest, runs_dir
from .predict import target_of, write_predictions
from .report import plot_confusion_matrix
from .runs import run_table
from .scores import log_scores, model_scores, submitted_score, write_oof

log = logging.getLogger(__name__)


def ensemble(config: dict, data_dir: Path, output_dir: Path, runs: list[str], best: int, name: str | None) -> Path:
    members = [find_run(output_dir, run) for run in runs] or best_runs(output_dir, best)
    if len({member.name for member in members}) < 2:
        raise OutputsError("an ensemble needs two runs or more: name them, or pass --best K with K >= 2")
    for member in members:
        check_run(member)
        if not (member / "test_predictions.csv").is_file():
            raise OutputsError(f"run {member.name} has no test_predictions.csv: run `predict --run {member.name}`")
    cv = json.loads((members[0] / "cv.json").read_text())
    id_col = config["columns"]["id"]
    folds = same_folds(members, id_col)
    for member in members[1:]:
        other = json.loads((member / "cv.json").read_text())
        predicted = ("metric", "classes", "targets")
        if [other.get(key) for key in predicted] != [cv.get(key) for key in predicted]:
            raise OutputsError(f"runs {members[0].name} and {member.name} predict different metrics or classes")

    target = target_of(cv)
    oof_table = pd.read_csv(members[0] / "oof.csv", dtype={id_col: str}).set_index(id_col).loc[folds.index]
    classes, targets = cv["classes"], cv.get("targets")
    if target.joined:  # one column of labels separated by spaces: a 0/1 row per label
        y = target.encode(oof_table["target"])
    elif targets:  # several target columns: a row of values (or 0/1 labels) each
        y = oof_table[[f"target_{name}" for name in cv["targets"]]].to_numpy("float64")
    else:
        y = encoded(oof_table["target"], classes)
    oof = {m.name: predictions(m / "oof.csv", id_col, folds.index, classes, targets=targets) for m in members}
    chosen, choices = choose(target.metric, y, oof)

    data = load_data(data_dir, config)
    test_ids = data.test[id_col].astype(str)
    tests = {
        m.name: predictions(m / "test_predictions.csv", id_col, test_ids, classes, targets=targets) for m in members
    }
    with new_run(output_dir) as stage:
        if targets and not target.joined:
            answers = {name: y[:, i] for i, name in enumerate(targets)}
        else:
            answers = {config["columns"]["target"]: oof_table["target"].to_numpy()}
        rows = pd.DataFrame({id_col: folds.index, **answers})
        submitted = blend(oof, chosen.weights)
        write_oof(rows, folds.to_numpy(), oof, submitted, cv["classes"] or targets, config, stage)
        report = {
            "metric": cv["metric"],
            "greater_is_better": cv["greater_is_better"],
            "folds": cv["folds"],
            "cv_scheme": cv.get("cv_scheme"),
            "rows": len(rows),
            "classes": cv["classes"],
            "targets": cv.get("targets"),
            "labels_joined": target.joined,
            "scores": model_scores(target, y, folds.to_numpy(), oof, choices),
            "submission_model": chosen.name,
            "blend_weights": chosen.weights,
            "threshold": chosen.threshold,
            "members": {member.name: submitted_score(member) for member in members},
        }
        if cv["classes"]:
            matrix = stage / "confusion_matrix.png"
            predicted = to_labels(submitted, chosen.threshold)
            report["per_class_accuracy"] = plot_confusion_matrix(y, predicted, cv["classes"], matrix)
        (stage / "cv.json").write_text(json.dumps(report, indent=2))
        log_scores(report)
        write_predictions(config, data, report, blend(tests, chosen.weights), stage, "the runs' test predictions")
        (stage / "config.yaml").write_text((members[0] / "config.yaml").read_text())
        run_dir = publish(stage, Path(output_dir), name or "ensemble", {"ensemble_of": [m.name for m in members]})
    record_runs(output_dir)
    log.info("run %s complete: an ensemble of %d runs", run_dir.name, len(members))
    return run_dir


def best_runs(output_dir: Path, k: int) -> list[Path]:
    """The k runs with the best out-of-fold score (within the metric of the best), ensembles left out."""
    table = run_table(output_dir)
    table = table[[is_model_run(runs_dir(output_dir) / run) for run in table["run"]]]
    table = table[table["metric"] == table["metric"].iloc[0]] if len(table) else table
    return [find_run(output_dir, run) for run in table["run"].head(k)]


def is_model_run(run_dir: Path) -> bool:
    """A run of models (pruned ones too: their oof.csv and test_predictions.csv stay), not an ensemble."""
    return run_dir.is_dir() and not read_manifest(run_dir).get("ensemble_of")


def same_folds(members: list[Path], id_col: str) -> pd.Series:
    """The fold of each training row, which every member must share: else their OOF predictions differ in what
    each row was held out from, and a blend of them would be scored on rows its members saw."""
    first = pd.read_csv(members[0] / "folds.csv", dtype={id_col: str}).set_index(id_col)["fold"].sort_index()
    for member in members[1:]:
        other = pd.read_csv(member / "folds.csv", dtype={id_col: str}).set_index(id_col)["fold"].sort_index()
        if not first.index.equals(other.index) or not first.equals(other):
            raise OutputsError(
                f"runs {members[0].name} and {member.name} were trained on different folds (their folds.csv differ):"
                " ensemble runs of the same data and cv settings"
            )
    return first


def predictions(path: Path, id_col: str, ids, classes: list | None, prefix: str = "prediction", targets=None):
    """A run's `prediction` column (or its column per class of three or more, or per target column when `targets`
    names several) from oof.csv or test_predictions.csv, in ids' order; another prefix picks one model's
    (`prediction_reference`)."""
    table = pd.read_csv(path, dtype={id_col: str}).set_index(id_col)
    labels = targets or (classes if classes and len(classes) > 2 else None)
    columns = [f"{prefix}_{label}" for label in labels] if labels else [prefix]
    if not pd.Index(ids).isin(table.index).all():
        raise OutputsError(f"{path} lacks some of the ids the other runs predict: ensemble runs of the same data")
    values = table.loc[list(ids), columns].to_numpy("float64")
    return values if labels else values[:, 0]


def encoded(targets: pd.Series, classes: list | None) -> np.ndarray:
    """oof.csv's target as the metric sees it: class indices, or the regression value."""
    if not classes:
        return targets.to_numpy("float64")
    return targets.astype(str).map({str(label): i for i, label in enumerate(classes)}).to_numpy("int64")
