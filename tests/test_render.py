"""Render every task's combinations and run what it renders: its own tests and a smoke training."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jinja2
import pandas as pd
import pytest
import yaml
from conftest import REPO, render, run_in, smoke_train

# Every task on the 3 hardware answers (PyTorch images: cpu and gpu; the three table tasks, one template, on them
# together: each task on a CPU), every metric and CV scheme at least once.
COMBINATIONS = [
    ("image-classification", "cpu", "accuracy", []),
    ("image-classification", "gpu", "rmse", []),  # values
    ("image-classification", "tpu", "macro_f1", ["--image-flips", "no"]),
    ("image-classification", "cpu", "f1", ["--framework", "pytorch"]),
    ("image-classification", "gpu", "mae", ["--framework", "pytorch", "--image-flips", "no"]),  # values
    ("nlp", "cpu", "f1", []),
    ("nlp", "gpu", "logloss", []),
    ("nlp", "tpu", "mae", []),  # values (macro_f1: the cpu render's three classes)
    ("tabular-regression", "cpu", "rmse", []),
    ("tabular-regression", "gpu", "rmsle", []),
    ("tabular-regression", "tpu", "mae", ["--group-column", "household"]),
    ("binary-classification", "cpu", "auc", []),
    ("binary-classification", "tpu", "f1", ["--cv", "kfold", "--folds", "3"]),  # labels (accuracy: image cpu)
    ("multiclass-classification", "cpu", "map@3", []),
    ("multiclass-classification", "tpu", "logloss", ["--group-column", "household"]),  # stratified-group
]


def ids(combination):
    task, hardware, metric, extra = combination
    framework = "-pytorch" if "pytorch" in extra else ""
    return f"{task}{framework}-{hardware}-{metric}" + ("-grouped" if "household" in extra else "")


@pytest.fixture(scope="session")
def rendered(tmp_path_factory):
    """One render per combination for all of a test process's tests (about 2.5 s each); see `project`."""
    renders = {}

    def rendered_once(combination) -> Path:
        if combination not in renders:
            task, hardware, metric, extra = combination
            flags = ["--task", task, "--hardware", hardware, "--metric", metric, *extra]
            folder = tmp_path_factory.mktemp("render") / "project"
            renders[combination] = render(folder, "--competition", "playground-s9e1", *flags)
        return renders[combination]

    return rendered_once


@pytest.fixture(params=COMBINATIONS, ids=ids)
def project(request, rendered, tmp_path):
    """A copy of the combination's render, the test's own: a suite or a training writes into it."""
    combination = tuple(request.param[:3]) + (tuple(request.param[3]),)
    folder = shutil.copytree(rendered(combination), tmp_path / "project", symlinks=True)
    return folder, request.param


def test_rendered_project_is_clean_and_records_its_answers(project):
    folder, (task, hardware, metric, extra) = project
    for path in folder.rglob("*"):
        if path.is_file():
            text = path.read_text()
            assert not re.search(r"\{\{-? ?\w|\{%-? ", text), f"unrendered Jinja in {path.relative_to(folder)}"
    answers = yaml.safe_load((folder / ".copier-answers.yml").read_text())
    assert answers["package_name"] == "playground_s9e1"
    assert (answers["task"], answers["hardware"], answers["metric"]) == (task, hardware, metric)
    assert {"competition", "framework", "id_column", "target", "cv", "folds", "group_column"} <= set(answers)
    config = yaml.safe_load((folder / "config.yaml").read_text())
    assert config["hardware"]["target"] == hardware and config["metric"] == metric
    if not is_pytorch((task, hardware, metric, extra)):  # the backend its tests train on, as backend() says
        choice = "import os, yaml; os.environ.pop('KERAS_BACKEND', None); from playground_s9e1.hardware import "
        choice += "keras_backend as pick; print(pick(yaml.safe_load(open('config.yaml'))['hardware']))"
        chosen = run_in(folder, "-c", choice)
        assert chosen.stdout.strip() == backend((task, hardware, metric, extra)), chosen.stderr[-2000:]
    lint = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", str(folder)], capture_output=True, text=True
    )
    assert lint.returncode == 0, lint.stdout
    # Formatted as `ruff format` leaves it, so a user's first format run changes nothing they did not write.
    formatting = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "--diff", "--no-cache", str(folder)],
        capture_output=True,
        text=True,
    )
    assert formatting.returncode == 0, formatting.stdout[-3000:]
    readme = (folder / "README.md").read_text().splitlines()
    for number, line in enumerate(readme[1:], start=1):  # a heading glued to a paragraph renders as text
        assert not line.startswith("#") or readme[number - 1] == "", f"README.md line {number + 1}: {line}"
    ignored = (folder / ".gitignore").read_text().split()
    assert {"data/", "outputs/", "kaggle.json", ".env"} <= set(ignored)


def where_template_files_land(answers: dict) -> dict[Path, list[Path]]:
    """Each rendered path and the template files that land on it, by copier's documented rules: every part of a
    path is rendered with the answers, a file with a part that renders empty is left out, `.jinja` is dropped.
    So variant folders such as `src/{% if tabular %}{{package_name}}{% endif %}/` merge into `src/<package>/`."""
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined)
    context = {**answers, "_copier_conf": {"answers_file": ".copier-answers.yml"}}
    for name, question in yaml.safe_load((REPO / "copier.yml").read_text()).items():
        if isinstance(question, dict) and question.get("when") is False:  # computed: tabular, image, nlp, pytorch
            context[name] = environment.from_string(question["default"]).render(context) == "True"
    landing = {}
    for source in sorted((REPO / "template").rglob("*")):
        if source.is_file() and "__pycache__" not in source.parts:  # copier leaves out compiled Python
            parts = [
                environment.from_string(part).render(context) for part in source.relative_to(REPO / "template").parts
            ]
            if all(parts):
                rendered = Path(*parts)
                rendered = rendered.with_name(rendered.name.removesuffix(".jinja"))
                landing.setdefault(rendered, []).append(source)
    return landing


def test_variant_folders_merge_into_one_project_tree(project):
    """The template keeps each task's and framework's files in folders of their own; copier renders a folder whose
    name is empty for these answers to nothing and merges the rest, so the project holds exactly the files its
    variant's folders hold, each from one template file, the plain .py files byte for byte."""
    folder, _ = project
    answers = yaml.safe_load((folder / ".copier-answers.yml").read_text())
    landing = where_template_files_land(answers)
    twice = {
        str(path): [str(s.relative_to(REPO)) for s in sources] for path, sources in landing.items() if len(sources) > 1
    }
    assert not twice, f"template files that would overwrite each other: {twice}"
    rendered = {path.relative_to(folder) for path in folder.rglob("*") if path.is_file()}
    assert rendered == set(landing), rendered ^ set(landing)
    for path, (source,) in landing.items():
        if source.suffix != ".jinja":
            assert (folder / path).read_bytes() == source.read_bytes(), path
    modules = {path.name for path in (folder / "src" / answers["package_name"]).iterdir()}
    task_module = {"image-classification": "images.py", "nlp": "text.py"}.get(answers["task"], "preprocess.py")
    assert {"images.py", "text.py", "preprocess.py"} & modules == {task_module}  # no other task's modules


# Words only one variant's files use: a project of another variant holding one carries a leftover of it.
VARIANT_WORDS = {
    "image": r"imagenet|grad-cam|\bpixels?\b|tfrecords?|mixup|cutmix|\baugment",
    "nlp": r"tf-idf|\btokeni[sz]ers?\b|vocabular|keras.hub|\bn-grams?\b",
    "tabular": r"lightgbm|\bpreprocess\b|catboost",
    "pytorch": r"\btorch\b|\btimm\b|albumentations|dataloader",
    "keras": r"\bkeras\b|\bjax\b|tf\.data|import tensorflow",
}


def test_a_project_holds_no_word_of_another_variant(project):
    """No comment, key, branch or test of a task or framework the project is not (a PyTorch project may say
    `--framework keras` where it sends the user to the Keras project for TPUs and TFRecords; a text project's
    frozen sentence encoder, encoder.py, runs on PyTorch, as sentence-transformers does)."""
    folder, (task, hardware, metric, extra) = project
    own = {"image-classification": "image", "nlp": "nlp"}.get(task, "tabular")
    others = [name for name in ("image", "nlp", "tabular") if name != own]
    others.append("keras" if "pytorch" in extra else "pytorch")
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".md", ".yaml", ".toml"):
            checked = [name for name in others if not (name == "pytorch" and path.name == "encoder.py")]
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                line = line.replace("--framework keras", "")
                found += [
                    f"{path.relative_to(folder)}:{number}: {line.strip()}"
                    for name in checked
                    if re.search(VARIANT_WORDS[name], line, re.IGNORECASE)
                ]
    assert not found, "\n".join(found[:20])


def first_of_each(key, combinations) -> dict:
    """The first of the combinations, in their order, for each value of key(combination)."""
    firsts = {}
    for combination in combinations:
        firsts.setdefault(key(combination), combination)
    return firsts


def is_pytorch(combination) -> bool:
    return "pytorch" in combination[3]


def task_and_framework(combination) -> tuple:
    return combination[0], is_pytorch(combination)


def runs_every_test(combination) -> bool:
    """Whether the combination is the first cpu render of its task and framework (see the test below)."""
    cpu_renders = [c for c in COMBINATIONS if c[1] == "cpu"]
    return first_of_each(task_and_framework, cpu_renders).get(task_and_framework(combination)) == combination


TABLE_TASKS = ("tabular-regression", "binary-classification", "multiclass-classification")


def sharded_path(combination) -> tuple:
    """The template family (the table tasks share one), framework and hardware answer of a combination."""
    task, hardware = combination[:2]
    return ("tables" if task in TABLE_TASKS else task, is_pytorch(combination), hardware)


def trains_sharded(combination) -> bool:
    """Whether a gpu or tpu render runs test_sharded_training.py (two trainings, one of them on simulated devices:
    about 40 s): the first render of each sharded path. The table tasks share one template and one sharded path
    (the network differs only in its last layer), so their other renders leave it out."""
    return (
        combination[1] != "cpu" and first_of_each(sharded_path, COMBINATIONS)[sharded_path(combination)] == combination
    )


def test_each_task_trains_sharded_once_on_each_accelerator_answer():
    """The gpu and tpu paths' sharded training is held by one render per task (the tables: one for the three)."""
    chosen = [sharded_path(c) for c in COMBINATIONS if trains_sharded(c)]
    assert sorted(chosen) == sorted({sharded_path(c) for c in COMBINATIONS if c[1] != "cpu"})


# Tests of code every project of a framework shares (the run's log, Ctrl-C, a failing fold, the time budget, the
# tuning loop, the notebook kernel and walkthrough wrappers, run folders and their settings, ensembles of runs, seed
# averaging, Kaggle's wait loop, the offline wheels: outputs.py, predict.py, ensemble.py, seeds.py, tune.py,
# kaggle_api.py and offline.py are one file for every task): whatever the task, they drive the same modules, so
# each framework's first render that runs every test runs them (`tests/file::name`, or a whole file; deselected
# elsewhere). A renamed test here is simply run everywhere again: this list can only cost time, never coverage.
SHARED_CODE_TESTS = [
    "tests/test_ensemble.py",  # its three tests share three smoke runs
    "tests/test_seeds.py::test_every_fold_trains_each_seed_and_the_submission_averages_them",
    "tests/test_outputs.py::test_each_run_keeps_its_settings_and_commit_and_predict_acts_on_the_run_named",
    "tests/test_outputs.py::test_a_run_writes_its_whole_log_beside_its_outputs",
    "tests/test_outputs.py::test_a_run_that_fails_in_its_last_fold_leaves_the_previous_run_whole",
    "tests/test_outputs.py::test_ctrl_c_stops_training_in_one_line_and_keeps_the_previous_run",
    "tests/test_outputs.py::test_a_time_budget_ends_the_run_in_time_with_the_folds_that_fit",
    "tests/test_tune.py::test_each_trial_is_a_run_on_the_same_folds_and_a_stopped_search_resumes",
    "tests/test_tune.py::test_a_trial_the_pruner_stops_leaves_no_run",
    "tests/test_push.py::test_kernel_bundle_runs_like_on_kaggle[notebook]",
    "tests/test_notebook.py::test_a_step_that_fails_is_named_and_the_last_walkthrough_kept",
    "tests/test_outputs.py::test_predict_waits_for_a_run_being_published",  # a second's wait
    "tests/test_kaggle_round_trip.py::test_a_long_wait_outlasts_dropped_connections_and_busy_answers",
    "tests/test_kaggle_round_trip.py::test_offline_packs_wheels_that_install_without_an_index",  # pip: seconds
    "tests/test_kaggle_round_trip.py::test_offline_wheels_are_for_kaggles_python",
    "tests/test_kaggle_round_trip.py::test_offline_refuses_what_it_cannot_pack",
    "tests/test_kaggle_round_trip.py::test_offline_upload_creates_the_dataset_then_new_versions",
]


# Tests of a task's networks and trees on their own (test_model.py, test_images.py, test_text.py,
# test_transformer.py, the tables' model tests in test_train.py, PyTorch's multi-process training): the fitting,
# early stopping, schedules, seeds, fallbacks and process groups they hold are the same whatever the hardware answer
# and metric (the metric's loss and scores are held by the tests kept everywhere), and change with the library the
# networks run on. A gpu or tpu render on its task's full render's library (image and text gpu renders on
# TensorFlow, table tpu renders on JAX, PyTorch gpu renders) would repeat them, so it leaves them out. Like
# SHARED_CODE_TESTS, this list can only cost time, never coverage.
NETWORK_TESTS = [
    "tests/test_model.py",
    "tests/test_images.py",
    "tests/test_text.py",
    "tests/test_transformer.py",
    "tests/test_train.py::test_a_network_still_in_memory_predicts_with_the_weights_saved_in_its_fold",
    "tests/test_train.py::test_the_models_train_and_stop_early_on_their_training_fold_only",
    "tests/test_train.py::test_early_stopping_keeps_the_best_epochs_weights",
    "tests/test_train.py::test_the_network_warms_up_decays_to_a_hundredth_and_takes_min_steps",
    "tests/test_train.py::test_a_seeded_fit_repeats_exactly_and_the_trees_use_their_threads",
    "tests/test_train.py::test_without_lightgbm_the_reference_is_scikit_learns",
    "tests/test_train.py::test_catboost_trains_where_installed_unless_turned_off",
    # PyTorch's DistributedDataParallel over 2 CPU processes (gloo), whatever the hardware answer: ~65 s a render
    "tests/test_hardware.py::test_several_gpus_train_a_fold_in_a_process_each_and_rank_0_alone_writes",
    "tests/test_hardware.py::test_two_processes_learn_what_one_learns_with_twice_the_batch",
    "tests/test_hardware.py::test_the_processes_share_one_early_stopping_loss",
    "tests/test_hardware.py::test_each_process_trains_on_its_own_shard_in_a_new_order_every_epoch",
]


def backend(combination) -> str:
    """What a render's networks run on in its tests: PyTorch, or the Keras backend hardware.py's keras_backend picks
    (TensorFlow for gpu, JAX for tpu, on a CPU the cpu section's: JAX for tables, TensorFlow for images and text).
    test_rendered_project_is_clean_and_records_its_answers holds this to the rendered project's own choice."""
    task, hardware = combination[:2]
    if is_pytorch(combination):
        return "torch"
    cpu = "jax" if task in TABLE_TASKS else "tensorflow"
    return {"gpu": "tensorflow", "tpu": "jax"}.get(hardware, cpu)


def repeats_its_full_renders_network_tests(combination) -> bool:
    """Whether a render that does not run every test trains on the library of its task's full render."""
    full = first_of_each(task_and_framework, [c for c in COMBINATIONS if runs_every_test(c)])
    return not runs_every_test(combination) and backend(combination) == backend(full[task_and_framework(combination)])


def test_network_tests_run_on_every_library_each_task_trains_on():
    """Each task and framework tests its networks on every library one of its renders trains on."""
    for task_and_kind in {task_and_framework(c) for c in COMBINATIONS}:
        renders = [c for c in COMBINATIONS if task_and_framework(c) == task_and_kind]
        tested = {backend(c) for c in renders if not repeats_its_full_renders_network_tests(c)}
        assert tested == {backend(c) for c in renders}, task_and_kind


# The three table tasks share one template: its slow tests of how a run is driven (the walkthrough notebook, the
# kernel bundle run as on Kaggle, a resumed run, a smoke run's own folder) would repeat in each task's full render on
# the same code; they run in the first (the tasks differ in their target and head, held by the tests kept).
TABLE_TEMPLATE_TESTS = [
    "tests/test_notebook.py::test_the_walkthrough_runs_every_step_in_order_from_a_fresh_kernel",
    "tests/test_push.py::test_kernel_bundle_runs_like_on_kaggle[script]",
    "tests/test_outputs.py::test_a_resumed_run_equals_one_that_never_stopped",
    "tests/test_outputs.py::test_a_smoke_run_writes_outputs_smoke_from_at_most_max_rows_and_leaves_the_real_run",
]


def repeats_the_table_templates_tests(combination) -> bool:
    """Whether a table task's full render is not the first of the three (regression's)."""
    full_tables = [c for c in COMBINATIONS if runs_every_test(c) and c[0] in TABLE_TASKS]
    return combination in full_tables[1:]


def runs_shared_code_tests(combination) -> bool:
    """Whether the combination is the first render of its framework that runs every test, the cheapest first (the
    tables, then text, then images): there the tests of SHARED_CODE_TESTS run."""
    cheapest_first = sorted(COMBINATIONS, key=lambda c: (c[0] not in TABLE_TASKS, c[0] != "nlp"))
    full_renders = [c for c in cheapest_first if runs_every_test(c)]
    return first_of_each(is_pytorch, full_renders)[is_pytorch(combination)] == combination


def test_shared_code_tests_run_once_per_framework_in_a_full_render():
    chosen = [c for c in COMBINATIONS if runs_shared_code_tests(c)]
    assert sorted(is_pytorch(c) for c in chosen) == [False, True]
    assert all(runs_every_test(c) for c in chosen)
    assert [c[0] for c in chosen if not is_pytorch(c)][0] in TABLE_TASKS  # the cheapest full render


def left_out(combination) -> list[str]:
    """The tests (`tests/file::name`, or a whole file) a render's suite leaves out because another render runs them."""
    return (
        (SHARED_CODE_TESTS if not runs_shared_code_tests(combination) else [])
        + (NETWORK_TESTS if repeats_its_full_renders_network_tests(combination) else [])
        + (TABLE_TEMPLATE_TESTS if repeats_the_table_templates_tests(combination) else [])
    )


def test_each_planted_fault_is_caught_by_tests_ci_runs_in_a_render_like_its_own():
    """tests/plant_faults.py renders a project from its answers and runs the named tests there; CI must run those
    tests in a render of the same task, framework and hardware, or a fault it found caught would go uncaught in CI
    (the lists above moved tests between renders). The slow tests are not checked here: which are slow is known only
    to a rendered project."""
    import plant_faults

    def flag(answers, name, default):
        return answers[answers.index(name) + 1] if name in answers else default

    missed = []
    for fault in plant_faults.FAULTS:
        if not fault.answers:  # a fault in kagglekit itself: its own tests, all run by CI
            continue
        task, hardware = (
            flag(fault.answers, "--task", "binary-classification"),
            flag(fault.answers, "--hardware", "cpu"),
        )
        renders = [
            c for c in COMBINATIONS if c[:2] == (task, hardware) and is_pytorch(c) == ("pytorch" in fault.answers)
        ]
        runs = [
            c
            for c in renders
            if not any(
                test == out or test.startswith((f"{out}::", f"{out}[")) for test in fault.tests for out in left_out(c)
            )
        ]
        if not runs:
            missed.append(fault.name)
    assert not missed, missed


def test_rendered_project_passes_its_own_tests(project):
    """The first cpu render of each task and framework runs every test; the others (gpu, tpu, another metric or CV
    scheme) leave out the slow ones (15 s or more each: full trainings, image layouts, the kernel bundle). Without
    accelerators those renders run on their cpu settings, so a slow test there would repeat the first render's on the
    same code; what their answers change (the metric, the CV scheme, the hardware's files) is held by their fast
    tests and by the smoke training below. The table tasks' sharded training runs in one gpu and one tpu render; the
    tests of code a framework's projects share (SHARED_CODE_TESTS) in one render per framework; a task's network tests
    (NETWORK_TESTS) once per library it trains on; the table template's run-driving tests (TABLE_TEMPLATE_TESTS) in
    regression's full render alone."""
    folder, (task, hardware, metric, extra) = project
    chosen = [] if runs_every_test((task, hardware, metric, extra)) else ["-m", "not slow"]
    if (folder / "tests" / "test_sharded_training.py").exists() and not trains_sharded((task, hardware, metric, extra)):
        chosen += ["--ignore", "tests/test_sharded_training.py"]
    chosen += [f"--deselect={test}" for test in left_out((task, hardware, metric, extra))]
    # The Keras image cpu suite, the longest, takes about 12 minutes of a CI machine running two renders at once.
    result = run_in(folder, "-m", "pytest", "-q", "-p", "no:cacheprovider", *chosen, timeout=1500)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    summary = result.stdout.strip().splitlines()[-1]
    # Every test ran and passed: a skipped or expected-to-fail test counts as a failure here, and only the slow
    # tests of a gpu or tpu render may be deselected.
    deselected = r", \d+ deselected" if chosen else ""
    assert re.fullmatch(rf"\d+ passed{deselected}(, \d+ warnings?)? in [\d.]+s( \([\d:]+\))?", summary), summary


# The renders that run every test train from the command line in their own suite (the kernel bundle, predict in a
# fresh process) and read their submission back against known answers; the others are held here.
@pytest.mark.parametrize("project", [c for c in COMBINATIONS if not runs_every_test(c)], ids=ids, indirect=True)
def test_smoke_training_from_the_command_line(project):
    folder, (task, hardware, metric, extra) = project
    out = smoke_train(folder)
    cv = json.loads((out / "cv.json").read_text())
    assert cv["metric"] == metric
    submission = pd.read_csv(out / "submission.csv")
    target = "label" if task == "image-classification" else "target"
    if metric in ("accuracy", "f1", "macro_f1"):
        assert set(submission[target]) <= {0, 1}
    if metric == "rmsle":
        assert (submission[target] >= 0).all()
    if "household" in extra:  # grouped CV: no group in two folds
        folds = pd.read_csv(out / "folds.csv").merge(pd.read_csv(folder / "data" / "train.csv"), on="id")
        assert (folds.groupby("household")["fold"].nunique() == 1).all()
        assert cv["cv_scheme"] in ("group", "stratified-group")


def test_copier_alone_renders_the_template(tmp_path):
    """`copier copy <repo> DEST` works without kagglekit (here from a clean clone, as users get it)."""
    clone = tmp_path / "kagglekit"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "checkout", "-q", "-B", "probe"], check=True)
    subprocess.run(["git", "-C", str(clone), "add", "-A"], check=True)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "copier",
            "copy",
            "--defaults",
            "--vcs-ref",
            "HEAD",
            "-d",
            "competition=house-prices",
            "-d",
            "task=tabular-regression",
            "-d",
            "metric=rmsle",
            str(clone),
            str(tmp_path / "house"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "house" / "src" / "house_prices" / "train.py").is_file()
    assert "metric: rmsle" in (tmp_path / "house" / "config.yaml").read_text()
