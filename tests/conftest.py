import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml
from kagglekit.cli import main as kagglekit

REPO = Path(__file__).resolve().parents[1]


def render(dest: Path, *flags: str) -> Path:
    """Render a project with `kagglekit new DEST --defaults FLAGS` and return its folder."""
    kagglekit(["new", str(dest), "--defaults", *flags])
    return dest


def write_synthetic_data(project: Path, data_dir: Path, **options) -> Path:
    """Use the rendered project's own synthetic competition writer, with the project's config."""
    spec = importlib.util.spec_from_file_location("synthetic", project / "tests" / "synthetic.py")
    synthetic = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(project / "tests"))  # it imports its neighbours (known_answers.py, ...)
    try:
        spec.loader.exec_module(synthetic)
        config = yaml.safe_load((project / "config.yaml").read_text())
        return synthetic.write_competition(data_dir, config, **options)
    finally:
        sys.path.remove(str(project / "tests"))


# Re-reads the smoke run's submission.csv from disk and checks it with the project's own checker.
CHECK_SUBMISSION = """
import json
import pandas as pd
from {package}.config import load_config
from {package}.data import load_data
from {package}.outputs import find_run
from {package}.predict import submission_rules, target_of
from {package}.submission import check_submission

config = load_config("config.yaml")
sample = load_data("data", config).sample_submission
target = target_of(json.load(open(find_run("outputs/smoke") / "cv.json")))
submission = pd.read_csv("outputs/smoke/submission.csv", dtype={{config["columns"]["id"]: str}})
check_submission(submission, sample, **submission_rules(target))
"""


def smoke_train(project: Path, sample_name: str = "sample_submission.csv", **data_options) -> Path:
    """Synthetic data in project/data, `train --smoke`, and the written submission checked; returns the run's
    folder in outputs/smoke/runs/."""
    data = write_synthetic_data(project, project / "data", **data_options)
    (data / "sample_submission.csv").rename(data / sample_name)
    config = yaml.safe_load((project / "config.yaml").read_text())
    if config["model"].get("pretrained") is True:  # nothing here can download ImageNet weights
        config["model"]["pretrained"] = False
        (project / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    package = yaml.safe_load((project / ".copier-answers.yml").read_text())["package_name"]
    result = run_in(project, "-X", "importtime", "-m", package, "train", "--smoke")
    assert result.returncode == 0, result.stderr[-4000:]
    lines = result.stderr.splitlines()
    imported = {line.rsplit("|", 1)[1].strip() for line in lines if line.startswith("import time:")}
    log = "\n".join(line for line in lines if not line.startswith("import time:"))
    assert "<- submitted" in log
    # What a person sees while a network trains: one line per epoch, in a log as in a terminal, and no bar.
    assert re.search(r"epoch 1 of \d+: loss [\d.]+, val_loss [\d.]+ \(\d+ s; at most \d+ s more\)", log), log[-3000:]
    # (Keras's bar draws ━; tqdm's "40%|████" and its carriage returns come back as lines, text mode turns \r to \n)
    assert not re.search(r"━|\d%\|", log), "a progress bar in a log that is no terminal"
    # A plain run hides TensorFlow's and XLA's C++ start-up lines (oneDNN, cuInit): they look like errors.
    assert not re.search(r"^[IWE]\d{4} |^WARNING: All log messages|cuInit", log, re.MULTILINE), log[:3000]
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    if answers["framework"] == "pytorch":  # its pyproject.toml lists neither
        assert not {"keras", "tensorflow"} & imported, "a PyTorch project imported Keras or TensorFlow"
    elif "on Keras/jax" in log and answers["task"] not in ("nlp", "image-classification"):
        # Tables on JAX never use TensorFlow: importing it costs 2 s at every start (text and image projects
        # read their data with tf.data).
        assert "tensorflow" not in imported, "a JAX run imported TensorFlow"
    check = run_in(project, "-c", CHECK_SUBMISSION.format(package=package))
    assert check.returncode == 0, check.stderr[-2000:]
    return latest_run(project / "outputs" / "smoke")


def latest_run(outputs: Path) -> Path:
    """The newest run folder in outputs/runs/ (their names start with the time)."""
    return sorted(path for path in (outputs / "runs").iterdir() if not path.name.startswith("."))[-1]


def run_in(project: Path, *command: str, timeout: int = 900) -> subprocess.CompletedProcess:
    """Run a command in the project folder with this Python, its src/ importable."""
    return subprocess.run(
        [sys.executable, *command],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(project / "src")},
    )


def pytest_collection_modifyitems(items):
    """The rendered projects' own suites run first, the full ones first of all. With `--maxschedchunk=1`
    (pyproject.toml) xdist hands out tests a few at a time in this order, so the long suites spread over both workers
    and the short tests fill in at the end; by default it sends a worker up to half of what is left in one chunk,
    which could be a row of long suites while the other worker runs out of work."""
    from test_render import runs_every_test

    def order(item) -> int:
        if item.originalname != "test_rendered_project_passes_its_own_tests":
            return 2
        return 0 if runs_every_test(item.callspec.params["project"]) else 1

    items.sort(key=order)  # stable: within each group, the order pytest collected
