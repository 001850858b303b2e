"""Every answer file in examples/ renders a project whose config.yaml says what the competition needs, and that
project trains on synthetic data shaped like the competition's and writes a submission its checker accepts."""

from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import REPO, render, smoke_train

EXAMPLES = sorted((REPO / "examples").glob("*.yml"))
# What the synthetic data copies of each competition beyond its answers: its labels, its sample file's name.
LABELS = {"spaceship-titanic": (False, True)}  # Transported is True/False
SAMPLE_NAMES = {"titanic": "gender_submission.csv"}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.stem)
def test_example_renders(tmp_path: Path, example: Path):
    answers = yaml.safe_load(example.read_text())
    flags = [item for name, value in answers.items() for item in ("--" + name.replace("_", "-"), str(value))]
    project = render(tmp_path / example.stem, *flags)
    config = yaml.safe_load((project / "config.yaml").read_text())
    assert config["competition"] == answers["competition"] and config["metric"] == answers["metric"]
    assert config["columns"]["id"] == answers["id_column"] and config["columns"]["target"] == answers["target"]
    assert config["columns"]["group"] == answers.get("group_column")
    assert config["hardware"]["target"] == answers["hardware"]
    recorded = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert {name: recorded[name] for name in answers} == answers

    quirks = {
        "labels": LABELS.get(example.stem, (0, 1)),
        "sample_name": SAMPLE_NAMES.get(example.stem, "sample_submission.csv"),
    }
    out = smoke_train(project, **quirks)
    written = pd.read_csv(out / "submission.csv", dtype=str)[answers["target"]]
    if answers["metric"] in ("accuracy", "f1"):  # labels, written as the competition writes them
        assert set(written) <= {str(label) for label in quirks["labels"]}
