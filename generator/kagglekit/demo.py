"""`kagglekit demo`: a real data set that ships with scikit-learn, laid out like a Kaggle competition,
rendered, trained and submitted, with no network and no Kaggle account."""

import os
import subprocess
import sys
from pathlib import Path

from .cli import UsageError, render

ANSWERS = {
    "competition": "breast-cancer-demo",
    "task": "binary-classification",
    "metric": "auc",
    "id_column": "id",
    "target": "diagnosis",
}
PACKAGE = "breast_cancer_demo"


def write_competition(data_dir: Path) -> Path:
    """train.csv, test.csv and sample_submission.csv as Kaggle ships them; the test labels go to solution.csv."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split

    frame = load_breast_cancer(as_frame=True).frame.rename(columns={"target": "diagnosis"})  # 1 = benign
    frame.insert(0, "id", range(1, len(frame) + 1))
    train, test = train_test_split(frame, test_size=0.25, stratify=frame["diagnosis"], random_state=0)
    data_dir.mkdir(parents=True, exist_ok=True)
    train.to_csv(data_dir / "train.csv", index=False)
    test.drop(columns="diagnosis").to_csv(data_dir / "test.csv", index=False)
    test[["id"]].assign(diagnosis=0.5).to_csv(data_dir / "sample_submission.csv", index=False)
    solution = data_dir.parent / "solution.csv"  # what Kaggle keeps hidden; only the demo's last line reads it
    test[["id", "diagnosis"]].to_csv(solution, index=False)
    return solution


def holdout_auc(submission: Path, solution: Path) -> float:
    import pandas as pd
    from sklearn.metrics import roc_auc_score

    merged = pd.read_csv(solution).merge(pd.read_csv(submission), on="id", suffixes=("", "_predicted"))
    return roc_auc_score(merged["diagnosis"], merged["diagnosis_predicted"])


def demo(dest: Path, force: bool) -> None:
    try:
        import keras  # noqa: F401
        import sklearn  # noqa: F401
    except ImportError:
        raise UsageError(
            "the demo trains models: install the training stack with pip install 'kagglekit[all]'"
        ) from None
    render(dest, ANSWERS, defaults=True, force=force)
    solution = write_competition(dest / "data")
    print(
        f"kagglekit demo: rendered {dest}, wrote breast-cancer data in Kaggle's layout to {dest / 'data'}", flush=True
    )
    env = os.environ | {"PYTHONPATH": str((dest / "src").resolve())}
    if subprocess.run([sys.executable, "-m", PACKAGE, "train"], cwd=dest, env=env).returncode != 0:
        raise UsageError(
            f"training failed (log above); rerun it with `cd {dest} && PYTHONPATH=src python -m {PACKAGE} train`"
        )
    submission = dest / "outputs" / "submission.csv"
    print(
        f"kagglekit demo: {submission} is ready; held-out test auc {holdout_auc(submission, solution):.4f}"
        " (the score Kaggle's hidden labels would give)"
    )
