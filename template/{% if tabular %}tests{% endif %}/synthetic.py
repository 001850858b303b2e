"""A small made-up competition in Kaggle's layout, shaped by config.yaml, for tests and smoke runs."""

from pathlib import Path

import numpy as np
import pandas as pd
from known_answers import hostile_ids


def make_features(rows: int, rng: np.random.Generator, config: dict, ids=None, shift: float = 0.0) -> pd.DataFrame:
    """Feature columns; `shift` moves `size` (and so the signal and the class balance) away from train's."""
    ids = np.arange(1, rows + 1) if ids is None else ids
    colour = rng.choice(["red", "green", "blue", "violet"], size=rows, p=[0.4, 0.35, 0.245, 0.005])
    frame = pd.DataFrame(
        {
            config["columns"]["id"]: ids,
            "size": rng.normal(loc=shift, size=rows),
            "weight": np.where(rng.random(rows) < 0.1, np.nan, rng.normal(size=rows)),
            "colour": np.where(rng.random(rows) < 0.05, None, colour),
            "name": [f"passenger {i}" for i in ids],  # unique per row: should be dropped
        }
    )
    if config["columns"]["group"]:
        frame[config["columns"]["group"]] = rng.integers(0, max(rows // 8, 4), size=rows)
    return frame


def signal(frame: pd.DataFrame) -> np.ndarray:
    return 1.5 * frame["size"] - frame["weight"].fillna(0) + (frame["colour"] == "red") * 1.0


def column_signals(frame: pd.DataFrame) -> list[np.ndarray]:
    """For several target columns: each follows a feature of its own (size, weight, red), then again."""
    return [1.5 * frame["size"], -1.5 * frame["weight"].fillna(0), 2.0 * (frame["colour"] == "red") - 0.5]


def write_competition(
    folder: Path,
    config: dict,
    rows: int = 240,
    labels=None,
    seed: int = 0,
    noise_columns: int = 0,
    shuffle_labels: bool = False,
) -> Path:
    """Write train.csv, test.csv, sample_submission.csv and solution.csv (the test rows' answers). `labels`: the
    classes, from lowest signal to highest (default 0/1 for a binary task, four names for a multiclass one).
    Several target columns (columns.target a list): a value each (regression) or a 0/1 label each (binary), every
    column following a feature of its own (column_signals).

    noise_columns adds columns of pure noise; shuffle_labels permutes the target, so no column predicts it.
    """
    rng = np.random.default_rng(seed)
    id_col, target, metric = config["columns"]["id"], config["columns"]["target"], config["metric"]
    ids = hostile_ids(rows + rows // 2, rng, text=config["task"] == "multiclass-classification")
    train = make_features(rows, rng, config, ids[:rows])
    # Classes: the test rows in another balance than train's. Values: the same spread, or rmse and mae, which grow
    # with the values, would differ between the test rows and the training rows for that reason alone.
    shift = 0.0 if config["task"] == "tabular-regression" else 0.5
    test = make_features(rows // 2, rng, config, ids[rows:], shift=shift)
    for i in range(noise_columns):
        train[f"noise{i}"], test[f"noise{i}"] = rng.normal(size=len(train)), rng.normal(size=len(test))
    test.loc[test.index[:3], "colour"] = "purple"  # a category never seen in training
    score = signal(train) + rng.normal(scale=0.5, size=rows)
    test_score = signal(test) + rng.normal(scale=0.5, size=len(test))
    sample = pd.DataFrame({id_col: np.sort(test[id_col].to_numpy())})  # not test.csv's row order
    solution = pd.DataFrame({id_col: test[id_col]})
    if not isinstance(target, str):  # several columns: values (regression) or 0/1 labels, each its own feature's
        for frame, answers in ((train, train), (test, solution)):
            signals = column_signals(frame)
            for j, name in enumerate(target):
                noisy = signals[j % 3] + rng.normal(scale=0.5, size=len(frame))
                if config["task"] == "tabular-regression":
                    answers[name] = np.round(100 * np.exp(0.3 * noisy), 2)
                else:
                    answers[name] = (noisy > 0.3).astype(int)
        blank = 0.0 if config["task"] == "tabular-regression" else 0.5 if metric in ("auc", "logloss") else 0
        sample = sample.assign(**{name: blank for name in target})  # a value, a probability or a label
    elif config["task"] == "tabular-regression":
        train[target] = np.round(100 * np.exp(0.5 * score), 2)  # positive, skewed like prices
        solution[target] = np.round(100 * np.exp(0.5 * test_score), 2)
        sample[target] = 0.0
    else:
        if labels is None:
            labels = (0, 1) if config["task"] == "binary-classification" else ("low", "mid", "high", "top")
        # Two classes split at 0.3; more split the signal into equal shares.
        cuts = [0.3] if len(labels) == 2 else np.quantile(score, np.linspace(0, 1, len(labels) + 1)[1:-1])
        train[target] = np.asarray(labels)[np.searchsorted(cuts, score)]
        solution[target] = np.asarray(labels)[np.searchsorted(cuts, test_score)]
        # Kaggle's sample holds a label where labels are scored, the top three for map@3, and probabilities
        # (of the second class, or one column per class) where auc or logloss is.
        if metric in ("auc", "logloss") and len(labels) > 2:
            sample = sample.assign(**{str(label): 1 / len(labels) for label in labels})
        elif metric in ("auc", "logloss"):
            sample[target] = 0.5
        elif metric == "map@3":
            sample[target] = " ".join(str(label) for label in labels[:3])
        else:
            sample[target] = labels[0]
    if shuffle_labels:
        for name in [target] if isinstance(target, str) else target:
            train[name] = rng.permutation(train[name].to_numpy())
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    train.to_csv(folder / "train.csv", index=False)
    test.to_csv(folder / "test.csv", index=False)
    sample.to_csv(folder / "sample_submission.csv", index=False)
    solution.to_csv(folder / "solution.csv", index=False)  # the test rows' true answers, which Kaggle keeps
    return folder
