"""A small made-up competition in Kaggle's layout, shaped by config.yaml, for tests and smoke runs."""

from pathlib import Path

import numpy as np
import pandas as pd


def make_features(rows: int, rng: np.random.Generator, start_id: int, config: dict) -> pd.DataFrame:
    colour = rng.choice(["red", "green", "blue", "violet"], size=rows, p=[0.4, 0.35, 0.245, 0.005])
    frame = pd.DataFrame(
        {
            config["columns"]["id"]: np.arange(start_id, start_id + rows),
            "size": rng.normal(size=rows),
            "weight": np.where(rng.random(rows) < 0.1, np.nan, rng.normal(size=rows)),
            "colour": np.where(rng.random(rows) < 0.05, None, colour),
            "name": [f"passenger {start_id + i}" for i in range(rows)],  # unique per row: should be dropped
        }
    )
    if config["columns"]["group"]:
        frame[config["columns"]["group"]] = rng.integers(0, max(rows // 8, 4), size=rows)
    return frame


def signal(frame: pd.DataFrame) -> np.ndarray:
    return 1.5 * frame["size"] - frame["weight"].fillna(0) + (frame["colour"] == "red") * 1.0


def write_competition(
    folder: Path,
    config: dict,
    rows: int = 240,
    labels=(0, 1),
    seed: int = 0,
    noise_columns: int = 0,
    shuffle_labels: bool = False,
) -> Path:
    """Write train.csv, test.csv and sample_submission.csv; `labels` are the binary target's two values.

    noise_columns adds columns of pure noise; shuffle_labels permutes the target, so no column predicts it.
    """
    rng = np.random.default_rng(seed)
    id_col, target = config["columns"]["id"], config["columns"]["target"]
    train = make_features(rows, rng, 1, config)
    test = make_features(rows // 2, rng, rows + 1, config)
    for i in range(noise_columns):
        train[f"noise{i}"], test[f"noise{i}"] = rng.normal(size=len(train)), rng.normal(size=len(test))
    test.loc[test.index[:3], "colour"] = "purple"  # a category never seen in training
    noise = rng.normal(scale=0.5, size=rows)
    if config["task"] == "binary-classification":
        train[target] = np.where(signal(train) + noise > 0.3, labels[1], labels[0])
        # Kaggle's sample holds a label where labels are scored, a probability where auc or logloss is.
        default = labels[0] if config["metric"] in ("accuracy", "f1") else 0.5
    else:
        train[target] = np.round(100 * np.exp(0.5 * (signal(train) + noise)), 2)  # positive, skewed like prices
        default = 0.0
    if shuffle_labels:
        train[target] = rng.permutation(train[target].to_numpy())
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    train.to_csv(folder / "train.csv", index=False)
    test.to_csv(folder / "test.csv", index=False)
    pd.DataFrame({id_col: test[id_col], target: default}).to_csv(folder / "sample_submission.csv", index=False)
    return folder
