"""Every answer file in examples/ renders a project whose config.yaml says what the competition needs."""

from pathlib import Path

import pytest
import yaml
from conftest import REPO, render

EXAMPLES = sorted((REPO / "examples").glob("*.yml"))


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
