"""Scores a submission.csv read back from disk against the true answers of the test rows (solution.csv, written
beside the synthetic data), as Kaggle does: rows are matched by id, whatever their order in either file. The
synthetic competitions draw their ids with hostile_ids, so that a mix-up of ids and predictions shows."""

from pathlib import Path

import numpy as np
import pandas as pd

# How far a submission's error on the test rows may lie from the out-of-fold error, as a share of what the
# models learnt out of fold (the best trivial predictor's error on the training rows less the out-of-fold error):
# the test rows are fewer than the training rows and drawn with another class balance (the synthetic
# competitions shift them on purpose). Ids mixed up with predictions lose what was learnt: their error on the
# test rows is a trivial predictor's, which the second check catches. Measured on every rendered combination:
# 0% (images) to 15% (multiclass logloss); the tolerance is twice the largest.
TOLERANCE = 0.3


def hostile_ids(count: int, rng: np.random.Generator, text: bool) -> np.ndarray:
    """Ids as a real competition's may be: neither 0..n nor in order, and zero-padded text in one variant
    (read as numbers, "0042" would come back as 42)."""
    numbers = rng.choice(10**6, size=count, replace=False)
    return np.array([f"{n:07d}" for n in numbers]) if text else numbers


def read_answers(path: Path, id_col: str) -> pd.DataFrame:
    return pd.read_csv(path, dtype={id_col: str}, keep_default_na=False).set_index(id_col)


def error(score: float, metric) -> float:
    """What is left to learn: 1 - score for scores that top out at 1, the score itself for errors."""
    return 1 - score if metric.greater_is_better else score


def submission_predictions(submission: pd.DataFrame, target: str, metric, classes: list | None) -> np.ndarray:
    """The submission's values in the form metric.score takes: values, probabilities, or class indices."""
    if classes is None:
        return submission[target].to_numpy(float)
    index = {str(label): i for i, label in enumerate(classes)}
    if metric.submits == "probability":
        if len(submission.columns) > 1:  # one column per class
            return submission[[str(label) for label in classes]].to_numpy(float)
        return submission[target].to_numpy(float)
    if metric.submits == "ranked":  # "cat dog bird": the first label scores highest
        scores = np.zeros((len(submission), len(classes)))
        for row, labels in enumerate(submission[target].str.split()):
            for rank, label in enumerate(labels):
                scores[row, index[label]] = len(labels) - rank
        return scores
    # Labels: one-hot, so that any threshold decides them as the submission did.
    labels = submission[target].astype(str).map(index).to_numpy(int)
    return labels.astype(float) if len(classes) == 2 else np.eye(len(classes))[labels]


def encoded(values: pd.Series, classes: list | None) -> np.ndarray:
    """True answers as metric.score takes them: values, or class indices."""
    if classes is None:
        return values.to_numpy(float)
    return values.astype(str).map({str(label): i for i, label in enumerate(classes)}).to_numpy(int)


def score_submission(submission_path: Path, solution_path: Path, config: dict, metric, classes) -> tuple:
    """The submission's score on the test rows with the project's own metric, and the true answers encoded."""
    id_col, target = config["columns"]["id"], config["columns"]["target"]
    solution = read_answers(solution_path, id_col)
    submission = read_answers(submission_path, id_col)
    assert sorted(submission.index) == sorted(solution.index), "the submission's ids are not the test rows' ids"
    submission = submission.loc[solution.index]  # Kaggle matches by id
    y = encoded(solution[target], classes)
    return metric.score(y, submission_predictions(submission, target, metric, classes)), y


def trivial_errors(y: np.ndarray, metric, classes: list | None) -> dict:
    """The errors on the test rows of predictions that know nothing of a row but the answers' overall shape."""
    if classes is None:
        log = metric.name == "rmsle"
        z, back = (np.log1p(y), np.expm1) if log else (y, lambda v: v)
        guesses = {"mean": back(np.full(len(y), z.mean())), "median": back(np.full(len(y), np.median(z)))}
    elif len(classes) == 2:
        guesses = {"base rate": np.full(len(y), y.mean()), "majority": np.full(len(y), float(y.mean() >= 0.5))}
    else:
        shares = np.bincount(y, minlength=len(classes)) / len(y)
        majority = np.eye(len(classes))[np.full(len(y), shares.argmax())]
        guesses = {"shares": np.tile(shares, (len(y), 1)), "majority": majority}
    return {name: error(metric.score(y, guess), metric) for name, guess in guesses.items()}


def check_known_answers(data_dir: Path, output_dir: Path, config: dict, cv: dict, metric) -> dict:
    """submission.csv scores on the test rows within TOLERANCE of the out-of-fold score, and clearly beats every
    trivial predictor there (at least 15% of the error it leaves is gone). Returns the numbers, for messages."""
    classes = cv["classes"]
    score, y = score_submission(output_dir / "submission.csv", data_dir / "solution.csv", config, metric, classes)
    y_train = encoded(pd.read_csv(output_dir / "oof.csv", dtype={"target": str})["target"], classes)
    test_error, oof_error = error(score, metric), error(cv["scores"][cv["submission_model"]]["oof"], metric)
    trivial = trivial_errors(y, metric, classes)
    learnt = min(trivial_errors(y_train, metric, classes).values()) - oof_error
    facts = {"test error": test_error, "oof error": oof_error, "trivial errors": trivial}
    assert learnt > 0, f"out of fold, the models did no better than a constant: {facts}"
    facts["gap share"] = abs(test_error - oof_error) / learnt
    assert facts["gap share"] <= TOLERANCE, facts
    assert test_error <= 0.85 * min(trivial.values()), facts
    return facts


def fold_ensemble(models: list, test: pd.DataFrame, output_dir: Path, cv: dict) -> np.ndarray:
    """The test prediction recomputed without predict.py: each fold's models, loaded from their fold folder,
    predict the test rows; the folds are averaged and the models blended with cv.json's weights."""
    blended = 0
    for model in models:
        per_fold = [model.predict(test, output_dir / "models" / f"fold{k}") for k in range(cv["folds"])]
        for name in per_fold[0]:
            blended = blended + cv["blend_weights"].get(name, 0) * np.mean([fold[name] for fold in per_fold], axis=0)
    return blended


def check_submission_is(submission_path: Path, ids: pd.Series, blended: np.ndarray, cv: dict, config: dict, metric):
    """submission.csv holds, for each id, `blended` decided as cv.json says: the values or probabilities, the
    label at cv.json's threshold (two classes) or the likeliest one, or the top_k labels best first."""
    target, classes = config["columns"]["target"], cv["classes"]
    submission = read_answers(submission_path, config["columns"]["id"]).loc[ids.astype(str)]
    if classes is None or metric.submits == "probability":
        found = submission_predictions(submission, target, metric, classes)
        assert np.allclose(found, blended, rtol=1e-4, atol=1e-6), np.abs(found - blended).max()
        return
    names = np.array([str(label) for label in classes])
    if metric.submits == "ranked":
        best_first = np.argsort(-blended, axis=1, kind="stable")[:, : metric.top_k]
        expected = [" ".join(row) for row in names[best_first]]
    else:
        expected = names[blended.argmax(axis=1) if blended.ndim == 2 else (blended >= cv["threshold"]).astype(int)]
    found = submission[target].astype(str).to_numpy()
    assert (found == np.asarray(expected)).all(), f"{(found != np.asarray(expected)).sum()} rows differ"
