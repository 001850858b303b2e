"""Every answer file in examples/ renders a project whose config.yaml says what the competition needs, and that
project trains on synthetic data shaped like the competition's and writes a submission its checker accepts."""

from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import REPO, render, smoke_train

EXAMPLES = sorted((REPO / "examples").glob("*.yml"))
# What the synthetic data copies of each competition beyond its answers: labels, file names, layouts.
QUIRKS = {
    "spaceship-titanic": {"labels": (False, True)},  # Transported is True/False
    "titanic": {"sample_name": "gender_submission.csv"},
    "digit-recognizer": {"layout": "pixels", "classes": tuple(range(10)), "rows": 60},
    "tpu-getting-started": {"layout": "tfrecords", "classes": tuple(range(5))},
    "cassava-leaf-disease-classification": {"classes": tuple(range(5))},
    "commonlitreadabilityprize": {"text_column": "excerpt", "train_only": ("standard_error",)},
    "feedback-prize-english-language-learning": {"text_column": "full_text"},
    "jigsaw-toxic-comment-classification-challenge": {"text_column": "comment_text"},
    "petfinder-pawpularity-score": {"metadata": True},  # a site and an age beside the images (see synthetic.py)
    "siim-isic-melanoma-classification": {"metadata": True},
    # Planet's file names (train_v2.csv, train-jpg/, test-jpg/ and test-jpg-additional/), labels in one column
    "planet-understanding-the-amazon-from-space": {"planet": True, "sample_name": "sample_submission_v2.csv"},
    "playground-series-s5e6": {"labels": ("10-26-26", "14-35-14", "17-17-17", "20-20", "28-28", "DAP", "Urea")},
}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.stem)
def test_example_renders(tmp_path: Path, example: Path):
    answers = yaml.safe_load(example.read_text())
    flags = [item for name, value in answers.items() for item in ("--" + name.replace("_", "-"), str(value))]
    project = render(tmp_path / example.stem, *flags)
    config = yaml.safe_load((project / "config.yaml").read_text())
    assert config["competition"] == answers["competition"] and config["metric"] == answers["metric"]
    targets = answers["target"].split(",")  # several target columns: a list in config.yaml
    assert config["columns"]["id"] == answers["id_column"]
    assert config["columns"]["target"] == (targets if len(targets) > 1 else answers["target"])
    assert config["columns"]["group"] == answers.get("group_column")
    assert config["hardware"]["target"] == answers["hardware"]
    recorded = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert {name: recorded[name] for name in answers} == answers
    if answers.get("image_flips") is False:  # digits: no mirror images, in training or at test time
        assert config["augment"]["flip"] == "none" and config["tta"] == []
    if answers["task"] == "nlp":  # the transformer unless told otherwise; the columns found in the data
        assert config["model"]["pretrained"] is True and config["columns"]["text"] == "auto"

    quirks = QUIRKS.get(example.stem, {})
    out = smoke_train(project, **quirks)
    cv = yaml.safe_load((out / "cv.json").read_text())
    if answers["task"] == "nlp":  # the texts found, the keyword beside them; location and train-only columns left out
        assert cv["text"]["text_columns"] == [quirks.get("text_column", "text")]
        assert cv["text"]["categorical_columns"] == ["keyword"] and cv["text"]["numeric_columns"] == []
    if quirks.get("metadata"):  # the columns beside the images found: not the id, target, group or unique notes
        assert cv["images"]["metadata"] == {"categorical": ["site"], "numeric": ["age"]}
    submission = pd.read_csv(out / "submission.csv", dtype=str)
    if len(targets) > 1:  # a column per target, in the sample's order: values, or a probability per label
        assert list(submission.columns[1:]) == targets and cv["targets"] == targets
        assert all(submission[name].astype(float).nunique() > 10 for name in targets)
        if answers["metric"] == "auc":
            assert all(submission[name].astype(float).between(0, 1).all() for name in targets)
        return
    written = submission[answers["target"]]
    if answers["metric"] in ("rmse", "rmsle", "mae"):  # a number per row, not classes
        assert cv["classes"] is None and written.astype(float).nunique() > 10
    if answers["metric"] in ("accuracy", "f1", "macro_f1"):  # labels, written as the competition writes them
        labels = quirks.get("labels") or quirks.get("classes") or (0, 1)
        assert set(written) <= {str(label) for label in labels}
    if answers["metric"] == "mean_f2":  # each image's labels found in train_v2.csv, separated by spaces
        assert cv["labels_joined"] and cv["targets"] == ["bright", "clear", "dark", "extreme", "glare"]
        assert written.str.split().map(lambda labels: 0 < len(labels) == len(set(labels) & set(cv["targets"]))).all()
    if answers["metric"] == "map@3":  # the three likeliest fertilizers, separated by spaces
        labels = {str(label) for label in quirks["labels"]}
        assert written.str.split().map(lambda guesses: len(set(guesses)) == 3 and set(guesses) <= labels).all()
