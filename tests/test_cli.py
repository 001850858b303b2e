"""Bad input is refused in one line with exit code 2, and nothing is written."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import render, write_synthetic_data
from kagglekit.cli import main as kagglekit

BAD_ANSWERS = [
    (["--competition", "Titanic_2"], "is not a Kaggle slug"),
    (["--task", "regression"], "Invalid choice for 'task'"),
    (["--task", "nlp", "--metric", "mae", "--cv", "stratified"], "cv stratified needs class labels: use kfold or"),
    (["--task", "tabular-regression", "--metric", "auc"], "metric auc scores classes"),
    (["--task", "binary-classification", "--metric", "qwk"], "metric qwk (quadratic weighted kappa) scores ordered"),
    (["--task", "tabular-regression", "--metric", "macro_f1"], "takes rmse, rmsle or mae"),
    (["--task", "multiclass-classification", "--metric", "rmse"], "multiclass-classification takes class metrics"),
    (["--task", "image-classification", "--image-flips", "maybe"], "is not yes or no"),
    (["--metric", "rmsle"], "metric rmsle scores values, which tabular-regression, image-classification and nlp"),
    (["--metric", "map7"], "Invalid choice for 'metric'"),
    (["--metric", "map@3"], "metric map@3 ranks the 3 likeliest of 3 or more classes"),
    (["--task", "multiclass-classification", "--metric", "f1"], "multiclass-classification takes macro_f1"),
    (["--hardware", "tpu", "--framework", "pytorch"], "cannot run on tpu"),
    (["--framework", "pytorch"], "image-classification only"),
    (["--cv", "group"], "needs a group column"),
    (["--task", "tabular-regression", "--cv", "stratified"], "needs class labels"),
    (["--folds", "1"], "between 2 and 20"),
    (["--folds", "many"], "folds must be auto or a whole number"),
    (["--folds", "2.5"], "folds must be auto or a whole number"),
    (["--package-name", "keras"], "not usable"),
    (["--id-column", "y", "--target", "y"], "must differ"),
    (["--id-column", "y", "--target", "a,y", "--task", "nlp", "--metric", "mcrmse"], "must differ"),
    (["--task", "multiclass-classification", "--target", "a,b"], "take tabular-regression (values) or binary"),
    (["--task", "image-classification", "--target", "a,b"], "metric accuracy scores one label per row"),
    (["--task", "nlp", "--target", "a,b"], "metric f1 scores one label per row; several target columns take mcrmse"),
    (["--task", "nlp", "--target", "a,,b", "--metric", "mcrmse"], "names an empty column"),
    (["--task", "multiclass-classification", "--metric", "mean_f2"], "mean_f2 scores several labels per row, each"),
    (["--task", "image-classification", "--metric", "micro_f1", "--cv", "stratified"], "several target columns or"),
]


@pytest.mark.parametrize("flags, message", BAD_ANSWERS)
def test_bad_answers_are_refused_before_anything_is_written(tmp_path, capsys, flags, message):
    with pytest.raises(SystemExit) as exit:
        kagglekit(["new", str(tmp_path / "project"), "--defaults", *flags])
    assert exit.value.code == 2
    error = capsys.readouterr().err.strip()
    assert message in error and error.startswith("kagglekit: error:") and "\n" not in error
    assert not (tmp_path / "project").exists()


def test_a_folder_with_files_needs_force(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(SystemExit) as exit:
        kagglekit(["new", str(tmp_path), "--defaults"])
    assert exit.value.code == 2 and "not empty" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    render(tmp_path, "--force")
    assert (tmp_path / "notes.txt").read_text() == "mine" and (tmp_path / "config.yaml").is_file()


def test_an_unwritable_destination_is_refused(capsys):
    with pytest.raises(SystemExit) as exit:
        kagglekit(["new", "/proc/kagglekit-cannot-write-here", "--defaults"])
    assert exit.value.code == 2 and "cannot write to" in capsys.readouterr().err


def test_without_a_terminal_it_asks_for_defaults(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "kagglekit.cli", "new", str(tmp_path / "p")],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and "pass --defaults" in result.stderr
    assert not (tmp_path / "p").exists()


def test_rendering_imports_no_deep_learning_framework(tmp_path):
    code = (
        "import sys; from kagglekit.cli import main; "
        f"main(['new', {str(tmp_path / 'p')!r}, '--defaults']); "
        "heavy = sorted({'tensorflow', 'torch', 'keras', 'jax', 'sklearn'} & set(sys.modules)); "
        "assert not heavy, heavy"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "p" / "config.yaml").is_file()


def test_doctor_runs_the_projects_checks_and_fails_until_the_data_is_there(tmp_path, capfd, monkeypatch):
    monkeypatch.setenv("KAGGLE_USERNAME", "someone")
    monkeypatch.setenv("KAGGLE_KEY", "not-a-real-key")
    project = render(tmp_path / "p", "--task", "binary-classification", "--metric", "auc")
    capfd.readouterr()
    with pytest.raises(SystemExit) as exit:
        kagglekit(["doctor", str(project)])
    printed = capfd.readouterr().out
    assert exit.value.code == 1
    assert "FAIL  data" in printed and "ok    credentials" in printed and "not-a-real-key" not in printed
    write_synthetic_data(project, project / "data")
    with pytest.raises(SystemExit) as exit:
        kagglekit(["doctor", str(project)])
    assert "ok    data" in capfd.readouterr().out


def test_doctor_outside_a_project_says_where_to_run_it(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit:
        kagglekit(["doctor", str(tmp_path)])
    assert exit.value.code == 2 and "run doctor in a project made by kagglekit" in capsys.readouterr().err


def test_the_generator_has_no_import_circle():
    """Each generator module imports only modules below it (`cli` -> `demo` -> `template`), never back up."""
    import ast

    from conftest import REPO

    package = REPO / "generator" / "kagglekit"
    imports = {}
    for module in package.glob("*.py"):
        tree = ast.parse(module.read_text())
        found = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level == 1}
        imports[module.stem] = {name for name in found if name}

    def reaches(start: str, goal: str, seen: frozenset = frozenset()) -> bool:
        return any(name == goal or (name not in seen and reaches(name, goal, seen | {name})) for name in imports[start])

    circles = sorted(name for name in imports if reaches(name, name))
    assert not circles, f"modules that import themselves through others: {circles}"


def test_the_repository_and_the_templates_plain_python_pass_ruff():
    """ruff reads the template's plain .py files where they lie (the .jinja ones are linted once rendered, in
    test_render.py), with the rules a rendered project uses, and kagglekit's own code with the same."""
    from conftest import REPO

    for command in (["check"], ["format", "--check"]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *command, "--no-cache", str(REPO)], capture_output=True, text=True, cwd=REPO
        )
        assert result.returncode == 0, result.stdout[-3000:]

    def ruff_rules(pyproject: Path) -> list:
        return re.findall(r"^(line-length|select) = (.+)$", pyproject.read_text(), re.MULTILINE)

    assert ruff_rules(REPO / "template" / "pyproject.toml.jinja") == ruff_rules(REPO / "pyproject.toml")


def test_new_says_what_to_do_next(tmp_path, capsys):
    render(tmp_path / "titanic", "--competition", "titanic")
    out = capsys.readouterr().out
    assert f"cd {tmp_path / 'titanic'}" in out and 'pip install -e ".[dev]"' in out
    assert "python -m titanic download" in out and "python -m titanic train --smoke" in out


@pytest.mark.parametrize(
    ("flags", "folds"),
    [
        (["--task", "binary-classification"], "auto"),
        (["--task", "nlp"], 5),
        (["--task", "nlp", "--folds", "auto"], "auto"),
        (["--task", "tabular-regression", "--folds", "7"], 7),
    ],
)
def test_tables_default_to_folds_by_their_rows_other_tasks_to_5_and_a_number_given_wins(tmp_path, flags, folds):
    import yaml

    render(tmp_path / "p", "--competition", "demo-x", *flags)
    assert yaml.safe_load((tmp_path / "p" / "config.yaml").read_text())["cv"]["folds"] == folds


def test_a_bundled_examples_name_brings_its_answers_and_flags_still_win(tmp_path):
    import yaml

    render(tmp_path / "titanic", "--competition", "titanic", "--metric", "f1")
    answers = yaml.safe_load((tmp_path / "titanic" / ".copier-answers.yml").read_text())
    assert (answers["id_column"], answers["target"], answers["metric"]) == ("PassengerId", "Survived", "f1")
    render(tmp_path / "house", "--competition", "house-prices")  # the file's name: the competition's real slug
    answers = yaml.safe_load((tmp_path / "house" / ".copier-answers.yml").read_text())
    assert answers["competition"] == "house-prices-advanced-regression-techniques"
    assert (answers["task"], answers["target"]) == ("tabular-regression", "SalePrice")


def test_each_demo_renders_into_a_folder_of_its_own(tmp_path, monkeypatch):
    """The README's demos run one after another: each data set's default folder differs."""
    from kagglekit import demo as demo_module

    folders = []
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(demo_module, "demo", lambda dest, *args: folders.append(dest))
    for flags in ([], ["--task", "nlp"], ["--task", "image-classification"]):
        kagglekit(["demo", *flags])
    assert [str(folder) for folder in folders] == [
        "kagglekit-demo-breast-cancer",
        "kagglekit-demo-reviews",
        "kagglekit-demo-digits",
    ]


@pytest.mark.parametrize(
    "flags, absent, extra",
    [
        ([], "jax", "tabular"),
        (["--task", "nlp"], "tensorflow", "nlp"),
        (["--task", "image-classification"], "keras", "image"),
    ],
)
def test_a_demo_without_its_tasks_libraries_names_the_extra_to_install(
    tmp_path, capsys, monkeypatch, flags, absent, extra
):
    """A light install (`.[tabular]`) runs the default demo; another task's demo says in one line which extra of
    kagglekit installs what it lacks, before anything is written."""
    import importlib.util

    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *args: None if name == absent else find_spec(name))
    with pytest.raises(SystemExit) as exit:
        kagglekit(["demo", str(tmp_path / "demo"), *flags])
    error = capsys.readouterr().err.strip()
    assert exit.value.code == 2 and "\n" not in error, error
    assert f"with {absent}, not installed here" in error and f"-e '.[{extra}]'" in error, error
    assert not (tmp_path / "demo").exists()  # nothing written


def test_a_demo_with_too_few_folds_is_refused_before_anything_is_written(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit:
        kagglekit(["demo", str(tmp_path / "demo"), "--folds", "1"])
    error = capsys.readouterr().err.strip()
    assert exit.value.code == 2 and "\n" not in error and "between 2 and 20" in error, error
    assert not (tmp_path / "demo").exists()
