"""Plant plausible faults and check that the tests catch each one.

    python tests/plant_faults.py [NAME ...]     # all faults, or those whose name contains NAME

Each fault is a text change to one file of a copy of this repository. For a fault in a rendered project's
code, a project is rendered from the changed copy and the named tests of that project must fail; for a
fault in kagglekit itself, the named tests of the changed copy must fail. Without the fault the same tests
pass (CI runs them). Prints one line per fault and exits 1 if a fault went unnoticed.
Not collected by pytest: it takes about ten minutes.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SRC = "template/src/{{package_name}}/"
BINARY_AUC = ["--task", "binary-classification", "--metric", "auc"]


@dataclass
class Fault:
    name: str
    file: str  # path in the repository
    old: str  # text that must occur exactly once in the file
    new: str
    tests: list[str]  # pytest node ids that must each fail: the project's when `answers` is given, else kagglekit's
    answers: list[str] | None = field(default=None)  # `kagglekit new` flags of the project to render


def variant(condition: str) -> str:
    """The template folder of one variant's source files: copier merges it into src/<package>/ when it applies."""
    return "template/src/{% if " + condition + " %}{{package_name}}{% endif %}/"


TABULAR, IMAGE, NLP = variant("tabular"), variant("image"), variant("nlp")  # task files: e.g. TABULAR + "model.py"
KERAS_IMAGE, TORCH_IMAGE = variant("image and not pytorch"), variant("image and pytorch")
KERAS_PROJECT, TORCH_PROJECT = variant("not pytorch"), variant("pytorch")  # framework files: e.g. hardware.py
KERAS_HEAD = variant("not tabular and not pytorch") + "head.py"  # the image and text networks' head
EXTRAS = variant("not tabular") + "extras.py"  # the columns beside images and texts
IMAGES_3 = ["--task", "image-classification"]
TORCH = ["--task", "image-classification", "--framework", "pytorch", "--hardware", "gpu"]
TEXT = ["--task", "nlp"]
TEXT_VALUES = ["--task", "nlp", "--metric", "rmse"]
TORCH_VALUES = ["--task", "image-classification", "--framework", "pytorch", "--metric", "rmse"]
IMAGE_VALUES = ["--task", "image-classification", "--metric", "rmse"]
TORCH_CPU = ["--task", "image-classification", "--framework", "pytorch"]
SEVERAL_TARGETS_TEST = (
    "tests/test_train.py::test_several_target_columns_are_each_predicted_scored_and_submitted_in_their_own_column"
)
SEVERAL_VALUES_TEST, SEVERAL_LABELS_TEST = SEVERAL_TARGETS_TEST + "[mcrmse]", SEVERAL_TARGETS_TEST + "[auc]"
SEVERAL_IMAGE_TEST = (
    "tests/test_train.py::test_several_target_columns_are_each_predicted_and_submitted_in_their_own_column"
)
METADATA_TEST = "tests/test_train.py::test_metadata_reaches_both_models_and_is_encoded_on_the_training_fold"
TABLE_SEVERAL_TEST = (
    "tests/test_train.py::test_several_target_columns_are_each_predicted_scored_and_submitted_in_their_own_column"
)
LABEL_SET_TEST = (
    "tests/test_train.py::test_labels_in_one_column_each_get_a_threshold_and_are_submitted_joined_by_spaces"
)
LABEL_THRESHOLDS_TEST = (
    "tests/test_parts.py::test_several_labels_are_each_decided_at_the_threshold_that_scores_best_out_of_fold"
)
JOINED_LABELS_TEST = (
    "tests/test_parts.py::test_labels_in_one_column_become_a_column_each_and_are_joined_again_for_the_submission"
)

FAULTS = [
    Fault(
        "test predictions written against the sample's ids, in test.csv's row order (tabular, map@3)",
        SRC + "predict.py",
        "data.sample_submission, data.test[id_col], values, labels)",
        "data.sample_submission, data.sample_submission[id_col], values, labels)",
        [
            "tests/test_train.py::test_full_training_clearly_beats_trivial_predictors",
            "tests/test_train.py::test_the_submission_is_the_fold_ensemble_cv_json_describes",
        ],
        ["--task", "multiclass-classification", "--metric", "map@3"],
    ),
    Fault(
        "test predictions written against the sample's ids (text)",
        SRC + "predict.py",
        "data.sample_submission, data.test[id_col], values, labels)",
        "data.sample_submission, data.sample_submission[id_col], values, labels)",
        ["tests/test_train.py::test_full_training_clearly_beats_the_majority_class"],
        TEXT,
    ),
    Fault(
        "test predictions written against the sample's ids (PyTorch images)",
        SRC + "predict.py",
        "data.sample_submission, data.test[id_col], values, labels)",
        "data.sample_submission, data.sample_submission[id_col], values, labels)",
        ["tests/test_train.py::test_full_training_clearly_beats_the_majority_class"],
        TORCH,
    ),
    Fault(
        "ids read as numbers, so zero-padded ids lose their zeros",
        SRC + "data.py.jinja",
        "frame = pd.read_csv(path, dtype={id_col: str})",
        "frame = pd.read_csv(path)",
        ["tests/test_train.py::test_full_training_clearly_beats_trivial_predictors"],
        ["--task", "multiclass-classification", "--metric", "accuracy"],
    ),
    Fault(
        "train writes straight into outputs/: a failed run leaves half a run",
        SRC + "train.py",
        "train_folds(config, data, stage, smoke,",
        "train_folds(config, data, Path(output_dir), smoke,",
        [
            "tests/test_outputs.py::test_a_run_that_fails_in_its_last_fold_leaves_the_previous_run_whole",
            "tests/test_outputs.py::test_ctrl_c_stops_training_in_one_line_and_keeps_the_previous_run",
        ],
        TEXT,
    ),
    Fault(
        "a run published in the same second as the one before overwrites it, or sorts before it",
        SRC + "outputs.py",
        "    while newest.startswith(stamp) and run_id <= newest:",
        "    while False:",
        ["tests/test_outputs.py::test_a_new_run_leaves_every_run_before_it_as_it_was"],
        BINARY_AUC,
    ),
    Fault(
        "a run interrupted as it is published leaves its hidden folder behind",
        SRC + "outputs.py",
        "        shutil.rmtree(stage, ignore_errors=True)  # gone once published",
        "        pass",
        ["tests/test_outputs.py::test_a_run_interrupted_as_it_is_published_appears_whole_or_not_at_all"],
        BINARY_AUC,
    ),
    Fault(
        "Ctrl-C ends in a traceback",
        SRC + "__main__.py.jinja",
        "    except KeyboardInterrupt:\n",
        "    except SystemError:\n",
        ["tests/test_outputs.py::test_ctrl_c_stops_training_in_one_line_and_keeps_the_previous_run"],
        IMAGES_3,
    ),
    Fault(
        "predict trusts outputs that run.json does not vouch for",
        SRC + "predict.py",
        '        check_run(run_dir, skip=("submission.csv", "test_predictions.csv"), models=True)\n',
        "",
        ["tests/test_outputs.py::test_outputs_that_are_not_one_run_are_refused_in_one_line"],
        BINARY_AUC,
    ),
    Fault(
        "two trainings write into one output folder at once",
        SRC + "outputs.py",
        "        lock.acquire(timeout=0)\n",
        "",
        ["tests/test_outputs.py::test_a_second_train_into_the_same_folder_is_refused_in_one_line"],
        BINARY_AUC,
    ),
    Fault(
        "infinite numbers reach the models",
        SRC + "data.py.jinja",
        "    if len(infinite):\n",
        "    if False:\n",
        ["tests/test_bad_input.py::test_unreadable_or_impossible_files_are_refused_in_one_line"],
        TORCH,
    ),
    Fault(
        "texts without a word reach TF-IDF and the vocabulary",
        NLP + "text.py",
        "    if wordless:\n",
        "    if False:\n",
        ["tests/test_bad_input.py::test_texts_without_a_single_word_are_refused_before_training"],
        TEXT,
    ),
    Fault(
        "images checked by their header only: a truncated file crashes inside tf.data",
        IMAGE + "images.py",
        "                image.load()  # a truncated file passes the header check and fails here\n",
        "",
        [
            "tests/test_images.py::test_bad_input_is_refused_in_one_line[truncate_a_training_jpeg]",
            "tests/test_images.py::test_bad_training_images_can_be_skipped_and_counted",
        ],
        IMAGES_3,
    ),
    Fault(
        "misspelt keys in config.yaml pass unnoticed",
        SRC + "config_schema.py.jinja",
        '"additionalProperties": False}',
        '"additionalProperties": True}',
        ["tests/test_parts.py::test_config_yaml_is_checked_against_its_schema_and_the_key_named"],
        TEXT,
    ),
    Fault(
        "cv.folds above the rows reaches scikit-learn",
        SRC + "cv.py",
        "    if k > units:\n",
        "    if False:\n",
        ["tests/test_parts.py::test_more_folds_than_rows_or_groups_is_refused_in_one_line"],
        TORCH,
    ),
    Fault(
        "one dropped connection ends a 12-hour wait",
        SRC + "kaggle_api.py",
        "    if isinstance(error, (requests.ConnectionError, requests.Timeout)):\n",
        "    if False:\n",
        ["tests/test_kaggle_round_trip.py::test_a_long_wait_outlasts_dropped_connections_and_busy_answers"],
        BINARY_AUC,
    ),
    Fault(
        "a cancelled kernel reported as finished",
        SRC + "kaggle_api.py",
        "    if state in (KernelWorkerStatus.CANCEL_REQUESTED, KernelWorkerStatus.CANCEL_ACKNOWLEDGED):\n",
        "    if False:\n",
        ["tests/test_kaggle_round_trip.py::test_waiting_for_a_kernel_ends_on_every_state_it_can_end_in"],
        BINARY_AUC,
    ),
    Fault(
        "the test prediction of the last fold alone, not the folds' average",
        SRC + "predict.py",
        "averaged |= {name: np.mean([fold[name] for fold in per_fold], axis=0) for name in model.outputs}",
        "averaged |= {name: per_fold[-1][name] for name in model.outputs}",
        ["tests/test_train.py::test_the_submission_is_the_fold_ensemble_cv_json_describes"],
        BINARY_AUC,
    ),
    Fault(
        "every model fit on every training row (tabular)",
        SRC + "train.py",
        "history = model.fit(rows[fit].reset_index(drop=True), y[fit], fold_dir)",
        "history = model.fit(rows, y, fold_dir)",
        [
            "tests/test_train.py::test_no_model_sees_the_rows_it_is_scored_on",
            "tests/test_train.py::test_folds_csv_is_the_split_every_score_came_from",
            "tests/test_train.py::test_the_models_train_and_stop_early_on_their_training_fold_only",
        ],
        ["--task", "binary-classification", "--metric", "f1"],
    ),
    Fault(
        "a fold's images in its own training set",
        SRC + "train.py",
        "history = model.fit(rows[fit].reset_index(drop=True), y[fit], fold_dir)",
        "history = model.fit(rows, y, fold_dir)",
        ["tests/test_train.py::test_no_model_trains_or_stops_early_on_the_fold_it_is_scored_on"],
        IMAGES_3,
    ),
    Fault(
        "the worst candidate out of fold submitted",
        SRC + "blend.py",
        "    best = max(choices.values(), key=lambda choice: sign * choice.score)",
        "    best = min(choices.values(), key=lambda choice: sign * choice.score)",
        ["tests/test_train.py::test_the_best_model_out_of_fold_is_the_one_submitted"],
        BINARY_AUC,
    ),
    Fault(
        "logloss taken for a score where higher is better",
        SRC + "metrics.py",
        '"logloss": Metric("logloss", log_loss, False, "probability", labels_per_row="both"),',
        '"logloss": Metric("logloss", log_loss, True, "probability", labels_per_row="both"),',
        ["tests/test_train.py::test_the_best_model_out_of_fold_is_the_one_submitted"],
        ["--task", "binary-classification", "--metric", "logloss"],
    ),
    Fault(
        "a fixed 50/50 blend instead of weights chosen out of fold",
        SRC + "blend.py",
        "    weights = greedy_weights(metric, y, oof)\n",
        "    weights = {name: 1 / len(oof) for name in oof}\n",
        ["tests/test_parts.py::test_the_blend_is_weighted_out_of_fold_and_never_loses_to_the_best_model"],
        BINARY_AUC,
    ),
    Fault(
        "predict ignores the threshold tuned out of fold",
        SRC + "predict.py",
        'values = target.decode(prediction, cv["threshold"])',
        "values = target.decode(prediction)",
        ["tests/test_train.py::test_predict_uses_the_threshold_tuned_out_of_fold"],
        ["--task", "binary-classification", "--metric", "accuracy"],
    ),
    Fault(
        "folds.csv written in another row order than the split",
        SRC + "scores.py",
        'table[[columns["id"], "fold"]].to_csv(output_dir / "folds.csv", index=False)',
        'table[[columns["id"]]].assign(fold=np.roll(folds, 1)).to_csv(output_dir / "folds.csv", index=False)',
        ["tests/test_train.py::test_folds_csv_is_the_split_every_score_came_from"],
        BINARY_AUC,
    ),
    Fault(
        "a reference model that predicts all positives",
        TABULAR + "reference.py",
        "return probabilities[:, 1] if self.n_classes == 2 else probabilities",
        "return np.ones(len(features)) if self.n_classes == 2 else probabilities",
        ["tests/test_train.py::test_full_training_clearly_beats_trivial_predictors"],
        ["--task", "binary-classification", "--metric", "f1"],
    ),
    Fault(
        "submission.csv written in place, not atomically",
        SRC + "submission.py",
        "    path = Path(path)\n    path.parent.mkdir(parents=True, exist_ok=True)\n",
        "    path = Path(path)\n    submission.to_csv(path, index=False)\n    return path\n",
        ["tests/test_parts.py::test_a_write_that_fails_half_way_keeps_the_old_submission"],
        BINARY_AUC,
    ),
    Fault(
        "probabilities outside [0, 1] accepted",
        SRC + "submission.py",
        "    if probabilities:\n",
        "    if False:\n",
        [
            "tests/test_parts.py::test_probabilities_outside_0_and_1_are_refused",
            "tests/test_parts.py::test_one_probability_column_per_class_follows_the_sample",
        ],
        BINARY_AUC,
    ),
    Fault(
        "negative targets accepted for rmsle",
        SRC + "data.py.jinja",
        'if config["metric"] == "rmsle" and (train[target] < 0).any():',
        "if False:",
        ["tests/test_data.py::test_bad_competition_files_are_refused_in_one_line"],
        BINARY_AUC,
    ),
    Fault(
        "repeated ids accepted",
        SRC + "data.py.jinja",
        "if frame[id_col].duplicated().any():",
        "if False:",
        ["tests/test_data.py::test_bad_competition_files_are_refused_in_one_line"],
        BINARY_AUC,
    ),
    Fault(
        "test ids that differ from the sample's accepted",
        SRC + "data.py.jinja",
        "if set(test[id_col]) != set(sample[id_col]):",
        "if False:",
        [
            "tests/test_data.py::test_bad_competition_files_are_refused_in_one_line",
        ],
        BINARY_AUC,
    ),
    Fault(
        "sample ids that match no test image accepted",
        SRC + "data.py.jinja",
        "if set(test[id_col]) != set(sample[id_col]):",
        "if False:",
        ["tests/test_images.py::test_bad_input_is_refused_in_one_line"],
        IMAGES_3,
    ),
    Fault(
        "empty group values accepted",
        SRC + "data.py.jinja",
        "if group and train[group].isna().any():",
        "if False:",
        ["tests/test_data.py::test_bad_competition_files_are_refused_in_one_line"],
        BINARY_AUC,
    ),
    Fault(
        "an unreadable training image accepted",
        IMAGE + "images.py",
        "        except Exception as error:  # empty, or not an image at all\n",
        "        except ValueError as error:  # empty, or not an image at all\n",
        ["tests/test_images.py::test_bad_input_is_refused_in_one_line"],
        IMAGES_3,
    ),
    Fault(
        "the network predicting in training mode: augmentation and dropout on",
        KERAS_IMAGE + "pipeline.py",
        "raw = model.predict(batches, verbose=0)[: len(records)]",
        "raw = np.concatenate([model(x, training=True) for x in batches])[: len(records)]",
        ["tests/test_model.py::test_test_time_augmentation_averages_each_image_with_its_mirror"],
        IMAGES_3,
    ),
    Fault(
        "test-time augmentation averaged over the wrong axis",
        KERAS_IMAGE + "model.py",
        "np.mean([plain, *views], axis=0)",
        "np.mean([plain, *views], axis=-1)",
        ["tests/test_model.py::test_test_time_augmentation_averages_each_image_with_its_mirror"],
        IMAGES_3,
    ),
    Fault(
        "the backbone not frozen while the head learns",
        KERAS_IMAGE + "model.py",
        "    features.trainable = False\n",
        "    features.trainable = True\n",
        ["tests/test_model.py::test_transfer_learning_loads_the_weights_then_fine_tunes_in_two_phases"],
        IMAGES_3,
    ),
    Fault(
        "a weights file silently replaced by random weights",
        KERAS_IMAGE + "model.py",
        "        base.load_weights(weights)\n",
        "        pass\n",
        ["tests/test_model.py::test_transfer_learning_loads_the_weights_then_fine_tunes_in_two_phases"],
        IMAGES_3,
    ),
    Fault(
        "no DataParallel on the tpu path",
        KERAS_PROJECT + "hardware.py",
        "keras.distribution.set_distribution(keras.distribution.DataParallel(devices=devices))",
        "pass",
        ["tests/test_accelerator_path.py::test_the_tpu_path_uses_its_settings_and_every_device"],
        ["--hardware", "tpu", *BINARY_AUC],
    ),
    Fault(
        "the simulated gpu path runs with the CPU's settings",
        KERAS_PROJECT + "hardware.py",
        'settings = config["hardware"][hardware]\n    keras.mixed_precision',
        'settings = config["hardware"][device]\n    keras.mixed_precision',
        ["tests/test_accelerator_path.py::test_the_gpu_path_uses_its_settings_and_every_device"],
        ["--hardware", "gpu", *BINARY_AUC],
    ),
    Fault(
        "the kaggle package's SystemExit not caught",
        SRC + "kaggle_api.py",
        "    except SystemExit:  # what the package does when it finds no credentials\n        raise",
        "    except KeyError:\n        raise",
        ["tests/test_push.py::test_push_without_credentials_says_what_to_set"],
        BINARY_AUC,
    ),
    Fault(
        "an error in Kaggle's push answer ignored",
        SRC + "push.py.jinja",
        "if answer.error:",
        "if False:",
        ["tests/test_push.py::test_push_reports_the_error_in_kaggles_answer"],
        BINARY_AUC,
    ),
    Fault(
        "Kaggle's list of sources it does not know ignored",
        SRC + "push.py.jinja",
        "    if refused:",
        "    if False:",
        ["tests/test_kaggle_round_trip.py::test_push_refuses_to_hide_sources_kaggle_does_not_know"],
        BINARY_AUC,
    ),
    Fault(
        "a failed submission upload taken for a success",
        SRC + "kaggle_api.py",
        "if answer.message == api.COMPETITION_SUBMIT_UPLOAD_FAILED_MESSAGE:",
        "if False:",
        ["tests/test_kaggle_round_trip.py::test_a_failed_upload_is_a_failure"],
        BINARY_AUC,
    ),
    Fault(
        "the old data deleted before the new download is complete",
        SRC + "kaggle_api.py",
        "    data_dir.parent.mkdir(parents=True, exist_ok=True)\n",
        "    shutil.rmtree(data_dir, ignore_errors=True)\n    data_dir.parent.mkdir(parents=True, exist_ok=True)\n",
        ["tests/test_kaggle_round_trip.py::test_a_broken_download_leaves_the_old_data_in_place"],
        BINARY_AUC,
    ),
    Fault(
        "status --wait polls without a bound",
        SRC + "kaggle_api.py",
        'stop=tenacity.stop_before_delay(60 * config["kaggle"]["wait_minutes"]),',
        "stop=tenacity.stop_never,",
        ["tests/test_kaggle_round_trip.py::test_waiting_on_answers_without_a_status_ends"],
        BINARY_AUC,
    ),
    Fault(
        "the kernel's failure message dropped",
        SRC + "kaggle_api.py",
        "    if state == KernelWorkerStatus.ERROR:",
        "    if False:",
        ["tests/test_kaggle_round_trip.py::test_status_says_why_the_kernel_failed"],
        BINARY_AUC,
    ),
    Fault(
        "the key written into kaggle/pushed.json",
        SRC + "push.py.jinja",
        '"url": answer.url,\n    }',
        '"url": answer.url,\n        "key": __import__("os").environ.get("KAGGLE_KEY"),\n    }',
        ["tests/test_kaggle_round_trip.py::test_no_credential_reaches_a_file_or_the_log"],
        BINARY_AUC,
    ),
    Fault(
        "a code competition submits no kernel version",
        SRC + "kaggle_api.py",
        "answer = api.competition_submit_code(file.name, message, competition, kernel, version, quiet=True)",
        "answer = api.competition_submit_code(file.name, message, competition, kernel, None, quiet=True)",
        ["tests/test_kaggle_round_trip.py::test_a_code_competition_submits_the_pushed_kernel_version"],
        BINARY_AUC,
    ),
    Fault(
        "the offline dataset not attached to the kernel",
        SRC + "push.py.jinja",
        'return [f"{username}/{offline[\'dataset\']}"] if offline["packages"] else []',
        "return []",
        ["tests/test_kaggle_round_trip.py::test_push_sends_sources_and_switches_and_records_the_version"],
        BINARY_AUC,
    ),
    Fault(
        "the kernel looks for the offline wheels in the wrong place",
        SRC + "push.py.jinja",
        'input_root = Path(os.environ.get("KAGGLE_INPUT_ROOT") or Path.cwd().parent / "input")\n    wheels',
        'input_root = Path("/kaggle/input")\n    wheels',
        ["tests/test_push.py::test_kernel_bundle_runs_like_on_kaggle"],
        BINARY_AUC,
    ),
    Fault(
        "offline wheels for this machine's Python instead of Kaggle's",
        SRC + "offline.py",
        '            "--python-version",\n            str(offline["python"]),\n'
        '            "--platform",\n            offline["platform"],\n',
        "",
        ["tests/test_kaggle_round_trip.py::test_offline_wheels_are_for_kaggles_python"],
        BINARY_AUC,
    ),
    Fault(
        "a kaggle.json readable by others not warned about",
        SRC + "kaggle_api.py",
        "    warn_if_readable_by_others(credentials_file())\n",
        "",
        ["tests/test_kaggle_round_trip.py::test_a_kaggle_json_readable_by_others_gets_the_chmod_fix"],
        BINARY_AUC,
    ),
    Fault(
        "the backbone learns in PyTorch's phase one",
        TORCH_IMAGE + "model.py",
        "            for parameter in network.parameters():\n                parameter.requires_grad = False\n",
        "",
        ["tests/test_model.py::test_transfer_learning_loads_the_weights_then_fine_tunes_in_two_phases"],
        TORCH,
    ),
    Fault(
        "the frozen backbone's BatchNorm statistics drift in phase one",
        TORCH_IMAGE + "loop.py",
        "            model.eval()\n            head_of(model).train()\n",
        "            pass\n",
        ["tests/test_model.py::test_transfer_learning_loads_the_weights_then_fine_tunes_in_two_phases"],
        TORCH,
    ),
    Fault(
        "a PyTorch weights file ignored",
        TORCH_IMAGE + "model.py",
        '        options["pretrained_cfg_overlay"] = {"file": weights}\n',
        '        options["pretrained_cfg_overlay"] = {}\n',
        ["tests/test_model.py::test_transfer_learning_loads_the_weights_then_fine_tunes_in_two_phases"],
        TORCH,
    ),
    Fault(
        "PyTorch's last epoch kept instead of the best",
        TORCH_IMAGE + "loop.py",
        "        model.load_state_dict(best)  # the best epoch's weights, not the last one's\n",
        "        pass\n",
        ["tests/test_model.py::test_early_stopping_keeps_the_best_epoch"],
        TORCH,
    ),
    Fault(
        "PyTorch's augmentation at prediction time",
        TORCH_IMAGE + "augment.py",
        "    return A.Compose([resize, *training, *finish]), A.Compose([resize, *finish])",
        "    return A.Compose([resize, *training, *finish]), A.Compose([resize, *training, *finish])",
        ["tests/test_model.py::test_augmentation_acts_in_training_only"],
        TORCH,
    ),
    Fault(
        "PyTorch's test-time view not mirrored",
        TORCH_IMAGE + "augment.py",
        '"horizontal_flip": lambda x: torch.flip(x, dims=[3])',
        '"horizontal_flip": lambda x: torch.flip(x, dims=[2])',
        ["tests/test_model.py::test_test_time_augmentation_averages_each_image_with_its_mirror"],
        TORCH,
    ),
    Fault(
        "a PyTorch fold trained on its own images",
        SRC + "train.py",
        "history = model.fit(rows[fit].reset_index(drop=True), y[fit], fold_dir)",
        "history = model.fit(rows, y, fold_dir)",
        ["tests/test_train.py::test_no_model_trains_or_stops_early_on_the_fold_it_is_scored_on"],
        TORCH,
    ),
    Fault(
        "every DataLoader worker draws the same augmentations",
        TORCH_IMAGE + "pipeline.py",
        "    info.dataset.transform.set_random_seed(info.seed % 2**32)\n",
        "    pass\n",
        ["tests/test_model.py::test_each_loader_worker_draws_its_own_augmentations"],
        TORCH,
    ),
    Fault(
        "folds drawn without the seed",
        SRC + "cv.py",
        "splitters[scheme](k, shuffle=True, random_state=seed)",
        "splitters[scheme](k, shuffle=True, random_state=None)",
        ["tests/test_parts.py::test_folds_are_seeded"],
        BINARY_AUC,
    ),
    Fault(
        "a skipped project test taken for a pass",
        "template/tests/test_parts.py.jinja",
        "def test_batch_sizes_fit_the_devices_and_the_data():\n",
        "def test_batch_sizes_fit_the_devices_and_the_data():\n    pytest.skip('planted')\n",
        ["tests/test_render.py::test_rendered_project_passes_its_own_tests[binary-classification-cpu-auc]"],
    ),
    Fault(
        "the text network's vocabulary learnt from every row, the validation fold's too",
        NLP + "models.py",
        "    columns = find_columns(data.train, data.test, config)\n",
        "    columns = find_columns(data.train, data.test, config)\n"
        "    import keras\n"
        "    from .text import joined_texts\n"
        "    everything = joined_texts(data.train, columns, config)\n"
        "    keras.layers.TextVectorization.adapt = (lambda adapt: lambda self, texts: adapt(self, everything))(\n"
        "        keras.layers.TextVectorization.adapt)\n",
        ["tests/test_train.py::test_no_model_trains_or_learns_words_from_the_fold_it_is_scored_on"],
        TEXT,
    ),
    Fault(
        "TF-IDF reference fit on the whole training set",
        NLP + "models.py",
        "    source = preset_source(config)\n",
        "    source = preset_source(config)\n"
        "    fit, everything = TfidfReference.fit, data.train\n"
        "    TfidfReference.fit = lambda self, rows, y, fold_dir: fit(\n"
        "        self, everything, target.encode(everything[config['columns']['target']]), fold_dir)\n",
        ["tests/test_train.py::test_shuffled_labels_leave_nothing_to_learn"],
        TEXT,
    ),
    Fault(
        "missing transformer weights replaced by random ones",
        NLP + "transformer.py",
        '        if not isinstance(error, OSError) and "kagglehub" not in type(error).__module__:\n            raise\n',
        "        if isinstance(error, OSError):\n"
        "            return getattr(keras_hub.models, kind).from_preset(source, load_weights=False, **options)\n",
        ["tests/test_transformer.py::test_weights_that_cannot_be_read_stop_the_run_with_how_to_attach_them"],
        TEXT,
    ),
    Fault(
        "the transformer's fine-tuned weights thrown away (the preset's head predicts)",
        NLP + "transformer.py",
        '        network.save(fold_dir / "transformer.keras")\n',
        '        extras = x["extras"].shape[1] if "extras" in x else 0\n'
        '        untrained = build_classifier(from_preset("Backbone", self.source), self.n_classes, extras, 0.1)\n'
        '        untrained.save(fold_dir / "transformer.keras")\n',
        ["tests/test_transformer.py::test_a_local_preset_is_fine_tuned_in_every_fold_and_predicts"],
        TEXT,
    ),
    Fault(
        "LightGBM learns from the rows its early stopping watches",
        TABULAR + "reference.py",
        "            model.fit(\n                x_fit,\n                y_fit,\n",
        "            model.fit(\n                features,\n                y,\n",
        ["tests/test_train.py::test_the_models_train_and_stop_early_on_their_training_fold_only"],
        ["--task", "multiclass-classification", "--metric", "map@3"],
    ),
    Fault(
        "a network kept in memory predicts with its own weights, not the fold's saved file",
        TABULAR + "model.py",
        "        model = self.networks[fold_dir]\n        model.load_weights(",
        "        model = self.networks[fold_dir]\n        if not model.compiled:  # a trained one has its weights\n"
        "            model.load_weights(",
        ["tests/test_train.py::test_a_network_still_in_memory_predicts_with_the_weights_saved_in_its_fold"],
        ["--task", "multiclass-classification", "--metric", "logloss"],
    ),
    Fault(
        "categorical columns share the embedding table's first rows (no offsets)",
        TABULAR + "model.py",
        '(layers_in["categorical"] + offsets)',
        '(layers_in["categorical"])',
        ["tests/test_parts.py::test_each_categorical_column_looks_up_rows_of_its_own_in_the_shared_table"],
        BINARY_AUC,
    ),
    Fault(
        "the network's initial weights drawn unseeded",
        TABULAR + "model.py",
        "    return np.random.uniform(-limit, limit, shape)",
        "    return np.random.default_rng().uniform(-limit, limit, shape)",
        ["tests/test_parts.py::test_a_seeded_network_starts_from_the_same_glorot_uniform_weights"],
        ["--task", "tabular-regression", "--metric", "rmsle"],
    ),
    Fault(
        "Glorot's limit from the fan-in alone",
        TABULAR + "model.py",
        "limit = np.sqrt(6 / (shape[0] + shape[-1]))",
        "limit = np.sqrt(6 / shape[0])",
        ["tests/test_parts.py::test_a_seeded_network_starts_from_the_same_glorot_uniform_weights"],
        BINARY_AUC,
    ),
    Fault(
        "no fall-back reference where lightgbm is missing",
        TABULAR + "reference.py",
        "    except ImportError:\n        return False\n",
        "    except ImportError:\n        return True\n",
        ["tests/test_train.py::test_without_lightgbm_the_reference_is_scikit_learns"],
        ["--task", "tabular-regression", "--metric", "rmsle"],
    ),
    Fault(
        "numbers reach the network on a 0..1 scale, not a standard one",
        TABULAR + "preprocess.py",
        'output_distribution="normal"',
        'output_distribution="uniform"',
        ["tests/test_parts.py::test_numbers_reach_the_network_on_one_scale_with_gaps_flagged"],
        BINARY_AUC,
    ),
    Fault(
        "MAP@3 ranks the least likely classes first",
        SRC + "metrics.py",
        'np.argsort(-prediction, axis=1, kind="stable")',
        'np.argsort(prediction, axis=1, kind="stable")',
        [
            "tests/test_parts.py::test_map_at_3_rewards_the_true_class_by_its_rank",
            "tests/test_train.py::test_full_training_clearly_beats_trivial_predictors",
        ],
        ["--task", "multiclass-classification", "--metric", "map@3"],
    ),
    Fault(
        "a ranked submission may repeat a label",
        SRC + "submission.py",
        "not (len(w) == len(set(w)) in counts and set(w) <= known)",
        "not (len(w) in counts and set(w) <= known)",
        ["tests/test_parts.py::test_a_ranked_submission_holds_three_different_known_labels"],
        BINARY_AUC,
    ),
    Fault(
        "a whole float and its integer are two categories",
        TABULAR + "preprocess.py",
        "if isinstance(value, float) and value.is_integer():",
        "if False:",
        ["tests/test_data.py::test_a_category_reads_the_same_whatever_type_its_file_gave_it"],
        BINARY_AUC,
    ),
    Fault(
        "a JAX run seeds through TensorFlow, importing it",
        KERAS_PROJECT + "hardware.py",
        'if keras.backend.backend() == "jax" and "tensorflow" not in sys.modules:',
        "if False:",
        ["tests/test_render.py::test_smoke_training_from_the_command_line[binary-classification-cpu-auc]"],
    ),
    Fault(
        "the PyTorch project imports Keras",
        SRC + "batches.py.jinja",
        "{% if not pytorch %}\nimport keras\n{%- endif %}",
        "\nimport keras",
        ["tests/test_render.py::test_smoke_training_from_the_command_line[image-classification-pytorch-cpu-f1]"],
    ),
    Fault(
        "TensorFlow's C++ start-up lines shown",
        KERAS_PROJECT + "hardware.py",
        "with contextlib.nullcontext() if verbose else stderr_captured() as captured:",
        "with contextlib.nullcontext() as captured:",
        ["tests/test_render.py::test_smoke_training_from_the_command_line[nlp-cpu-f1]"],
    ),
    Fault(
        "the demo's models see one raw column",
        TABULAR + "preprocess.py",
        "            numeric.append(column)\n",
        "            numeric[:] = numeric or [column]\n",
        ["tests/test_lifecycle.py::test_demo_trains_and_submits_on_bundled_data"],
    ),
    Fault(
        "predict leaves the network's regression values standardised (target transform not undone)",
        TABULAR + "model.py",
        '            prediction = parts["target_scaler"].inverse(prediction)',
        "            pass",
        ["tests/test_train.py::test_a_row_reaches_each_model_through_predict_as_in_training[keras]"],
        ["--task", "tabular-regression", "--metric", "rmsle"],
    ),
    Fault(
        "predict refits the network's encoders and scalers on the rows it predicts",
        TABULAR + "model.py",
        '        inputs = parts["preprocessor"].transform(rows)',
        "        inputs = NeuralInputs(self.roles, self.config).fit(rows).transform(rows)",
        ["tests/test_train.py::test_a_row_reaches_each_model_through_predict_as_in_training[keras]"],
        BINARY_AUC,
    ),
    Fault(
        "predict refits the trees' category codes on the rows it predicts",
        TABULAR + "reference.py",
        'features = parts["preprocessor"].transform(rows)',
        "features = tree_preprocessor(self.roles, self.config).fit(rows).transform(rows)",
        ["tests/test_train.py::test_a_row_reaches_each_model_through_predict_as_in_training[reference]"],
        BINARY_AUC,
    ),
    Fault(
        "the trees' rmsle predictions stay on the log scale",
        TABULAR + "reference.py",
        "prediction = np.clip(np.expm1(prediction), 0, None)",
        "prediction = np.clip(prediction, 0, None)",
        ["tests/test_train.py::test_a_row_reaches_each_model_through_predict_as_in_training[reference]"],
        ["--task", "tabular-regression", "--metric", "rmsle"],
    ),
    Fault(
        "the text network predicts on uncleaned texts",
        NLP + "model.py",
        "        texts = joined_texts(rows, self.columns, self.config)\n        x = with_extras(",
        "        texts = joined_texts(rows, self.columns, self.config, cleaned=False)\n        x = with_extras(",
        ["tests/test_text.py::test_a_text_reaches_each_model_through_predict_as_it_did_in_training[scratch]"],
        TEXT,
    ),
    Fault(
        "the text network's vocabulary is learnt again from the texts it predicts",
        NLP + "model.py",
        '        layer = vectorizer(self.config, saved["max_length"], saved["words"])\n',
        '        layer = vectorizer(self.config, saved["max_length"])\n'
        "        layer.adapt(joined_texts(rows, self.columns, self.config))\n",
        ["tests/test_text.py::test_a_text_reaches_each_model_through_predict_as_it_did_in_training[scratch]"],
        TEXT,
    ),
    Fault(
        "the extra columns' encoder is fit again on the rows predicted",
        EXTRAS,
        'encoder = joblib.load(Path(fold_dir) / "extras.joblib")',
        "encoder = extras_encoder(self.columns).fit(extras_frame(rows, self.columns))",
        ["tests/test_text.py::test_a_text_reaches_each_model_through_predict_as_it_did_in_training[scratch]"],
        TEXT,
    ),
    Fault(
        "TF-IDF predicts on uncleaned texts",
        NLP + "reference.py",
        'return {self.name: head_predictions(pipeline, self.inputs(rows), self.n_classes, self.config["metric"])}',
        'inputs = self.inputs(rows).assign(__text__=rows["text"].fillna(""))\n'
        '        return {self.name: head_predictions(pipeline, inputs, self.n_classes, self.config["metric"])}',
        ["tests/test_text.py::test_a_text_reaches_each_model_through_predict_as_it_did_in_training[tfidf]"],
        TEXT,
    ),
    Fault(
        "the transformer predicts on texts cut shorter than it was tuned on",
        NLP + "transformer.py",
        "        x = with_extras(self.token_inputs(rows), self.extras.transform(rows, fold_dir))\n",
        "        self.preprocessor.sequence_length = 8\n"
        "        x = with_extras(self.token_inputs(rows), self.extras.transform(rows, fold_dir))\n",
        ["tests/test_text.py::test_a_text_reaches_each_model_through_predict_as_it_did_in_training[transformer]"],
        TEXT,
    ),
    Fault(
        "TFRecord predictions are kept in the files' order, not the records'",
        KERAS_IMAGE + "pipeline.py",
        "prediction[stream_order(records, images)] = raw",
        "prediction[np.arange(len(records))] = raw",
        [
            "tests/test_model.py::test_an_image_reaches_each_model_through_predict_as_it_did_in_training[network-tfrecords-accuracy]"
        ],
        IMAGES_3,
    ),
    Fault(
        "training images are rounded to whole pixel values, predicted ones are not",
        KERAS_IMAGE + "pipeline.py",
        "dataset = source(records, images, spec).map(lambda image, i: (inputs(image, i), tf.gather(rows, i)))",
        "dataset = source(records, images, spec).map(lambda image, i: (inputs(tf.round(image), i),"
        " tf.gather(rows, i)))",
        [
            "tests/test_model.py::test_an_image_reaches_each_model_through_predict_as_it_did_in_training[network-csv-accuracy]"
        ],
        IMAGES_3,
    ),
    Fault(
        "the image reference scales test thumbnails otherwise",
        IMAGE + "reference.py",
        "= image.ravel() / 255",
        '= image.ravel() / (255 if split == "train" else 256)',
        [
            "tests/test_model.py::test_an_image_reaches_each_model_through_predict_as_it_did_in_training[reference-csv-accuracy]"
        ],
        IMAGES_3,
    ),
    Fault(
        "PyTorch inference normalises pixels otherwise than training",
        TORCH_IMAGE + "augment.py",
        "A.Compose([resize, *finish])",
        "A.Compose([resize, A.Normalize(mean=mean, std=std, max_pixel_value=256.0), ToTensorV2()])",
        [
            "tests/test_model.py::test_an_image_reaches_each_model_through_predict_as_it_did_in_training[network-csv-accuracy]"
        ],
        TORCH,
    ),
    Fault(
        "a full disk ends train in a traceback",
        SRC + "__main__.py.jinja",
        "    except OSError as error:\n",
        "    except ProcessLookupError as error:\n",
        ["tests/test_outputs.py::test_a_full_disk_stops_train_in_one_line_and_keeps_the_previous_run"],
        BINARY_AUC,
    ),
    Fault(
        "explain's picture is not part of the run it explains",
        IMAGE + "explain.py",
        "        record(run_dir, path.relative_to(run_dir).as_posix())\n",
        "",
        ["tests/test_model.py::test_explain_draws_grad_cam_of_the_worst_mistakes"],
        TORCH,
    ),
    Fault(
        "a Ctrl-C that a library swallowed lets the run publish",
        SRC + "outputs.py",
        'copy of this run\'s."""\n    stop_if_interrupted()\n',
        'copy of this run\'s."""\n',
        ["tests/test_outputs.py::test_a_ctrl_c_a_library_swallowed_still_stops_the_publish"],
        BINARY_AUC,
    ),
    Fault(
        "train --smoke replaces the real run",
        SRC + "__main__.py.jinja",
        'default_output_dir() / ("smoke" if getattr(args, "smoke", False) else "")',
        "default_output_dir()",
        ["tests/test_outputs.py::test_a_smoke_run_writes_outputs_smoke_from_at_most_max_rows_and_leaves_the_real_run"],
        BINARY_AUC,
    ),
    Fault(
        "smoke.max_rows is ignored",
        SRC + "train.py",
        'rows = rows.sample(n=min(config["smoke"]["max_rows"], len(rows)), random_state=config["cv"]["seed"])',
        'rows = rows.sample(frac=1, random_state=config["cv"]["seed"])',
        ["tests/test_outputs.py::test_a_smoke_run_writes_outputs_smoke_from_at_most_max_rows_and_leaves_the_real_run"],
        TEXT,
    ),
    Fault(
        "the decision threshold is never tuned",
        SRC + "metrics.py",
        "    best = scores.argmax() if metric.greater_is_better else scores.argmin()\n"
        "    return float(candidates[best])",
        "    return 0.5",
        ["tests/test_parts.py::test_two_classes_are_decided_at_the_threshold_that_scores_best_out_of_fold"],
        TEXT,
    ),
    Fault(
        "the trees minimise squared error for mae",
        TABULAR + "reference.py",
        'objective=None if classify else ("l1" if config["metric"] == "mae" else "l2"),',
        'objective=None if classify else "l2",',
        ["tests/test_train.py::test_loss_auto_follows_the_metric[mae-mean_absolute_error-l1]"],
        ["--task", "tabular-regression", "--metric", "mae"],
    ),
    Fault(
        "the network minimises absolute error for rmse",
        TABULAR + "model.py",
        'loss = classes.get(config["task"], "mae" if config["metric"] == "mae" else "mse")',
        'loss = classes.get(config["task"], "mae")',
        ["tests/test_train.py::test_loss_auto_follows_the_metric[rmse-mean_squared_error-l2]"],
        ["--task", "tabular-regression", "--metric", "rmse"],
    ),
    Fault(
        "explain reads outputs run.json does not vouch for",
        IMAGE + "explain.py",
        '        check_run(run_dir, skip=("submission.csv",), models=True)  # oof.csv',
        "        pass  # oof.csv",
        ["tests/test_outputs.py::test_outputs_that_are_not_one_run_are_refused_in_one_line[explain-no run.json]"],
        TORCH,
    ),
    Fault(
        "backbone auto trains from random weights when ImageNet weights are wanted",
        KERAS_IMAGE + "model.py",
        'return SMALL_CNN if config["model"]["pretrained"] is False else "efficientnetb0"',
        "return SMALL_CNN",
        ["tests/test_model.py::test_backbone_auto_is_an_imagenet_network_whenever_weights_are_wanted[imagenet]"],
        IMAGES_3,
    ),
    Fault(
        "the transformer's cosine decay outlasts its training",
        NLP + "transformer.py",
        'steps = fitted_rows(len(rows)) // batch * settings["epochs"]',
        'steps = len(rows) // setup.batch_size * settings["epochs"]',
        ["tests/test_transformer.py::test_the_learning_rate_warms_up_and_decays_to_its_end_by_the_last_step"],
        TEXT,
    ),
    Fault(
        "the Keras image network keeps its last epoch",
        KERAS_IMAGE + "model.py",
        "restore_best_weights=True, start_from_epoch=start)",
        "restore_best_weights=False, start_from_epoch=start)",
        ["tests/test_model.py::test_early_stopping_keeps_the_best_epochs_weights"],
        IMAGES_3,
    ),
    Fault(
        "the tabular network keeps its last epoch",
        TABULAR + "model.py",
        "stopping = keras.callbacks.EarlyStopping(patience=patience, restore_best_weights=True)",
        "stopping = keras.callbacks.EarlyStopping(patience=patience, restore_best_weights=False)",
        ["tests/test_train.py::test_early_stopping_keeps_the_best_epochs_weights"],
        BINARY_AUC,
    ),
    Fault(
        "the text network keeps its last epoch",
        NLP + "model.py",
        'EarlyStopping(patience=settings["early_stopping_patience"], restore_best_weights=True)',
        'EarlyStopping(patience=settings["early_stopping_patience"], restore_best_weights=False)',
        ["tests/test_train.py::test_early_stopping_keeps_the_best_epochs_weights"],
        TEXT,
    ),
    Fault(
        "the last incomplete batch's rows are left out for good",
        SRC + "batches.py.jinja",
        "    def on_epoch_end(self) -> None:\n        self.order = self.rng.permutation(row_count(self.x))\n",
        "    def on_epoch_end(self) -> None:\n        pass\n",
        ["tests/test_parts.py::test_training_batches_have_one_shape_and_a_new_order_every_epoch"],
        TEXT,
    ),
    Fault(
        "the image cache is published with the run",
        KERAS_IMAGE + "model.py",
        "            cached.unlink()\n",
        "            pass\n",
        ["tests/test_images.py::test_mixup_randaugment_and_the_disk_cache_train"],
        IMAGES_3,
    ),
    Fault(
        "the trees give every rare category a code of its own",
        TABULAR + "preprocess.py",
        '            min_frequency=config["preprocess"]["rare_category_share"],\n',
        "            min_frequency=None,\n",
        ["tests/test_data.py::test_rare_categories_share_one_code_and_listed_columns_override_the_guess"],
        BINARY_AUC,
    ),
    Fault(
        "the tabular network's learning rate decays to nothing",
        TABULAR + "model.py",
        "alpha=0.01, warmup_target=peak",
        "alpha=0.0, warmup_target=peak",
        ["tests/test_train.py::test_the_network_warms_up_decays_to_a_hundredth_and_takes_min_steps"],
        BINARY_AUC,
    ),
    Fault(
        "small tables train for training.epochs only, whatever min_steps says",
        TABULAR + "model.py",
        'epochs = max(training["epochs"], -(-training["min_steps"] // len(batches)))',
        'epochs = training["epochs"]',
        ["tests/test_train.py::test_the_network_warms_up_decays_to_a_hundredth_and_takes_min_steps"],
        BINARY_AUC,
    ),
    Fault(
        "polls pause up to ten minutes",
        SRC + "kaggle_api.py",
        'wait_exponential(multiplier=config["kaggle"]["poll_seconds"], max=60)',
        'wait_exponential(multiplier=config["kaggle"]["poll_seconds"], max=600)',
        ["tests/test_kaggle_round_trip.py::test_polls_pause_poll_seconds_at_first_then_twice_as_long_up_to_a_minute"],
        BINARY_AUC,
    ),
    Fault(
        "a score still pending when the wait ends passes for success",
        SRC + "kaggle_api.py",
        '        raise ProjectError(f"submission {ref} is still pending after',
        '        log.info(f"submission {ref} is still pending after',
        ["tests/test_kaggle_round_trip.py::test_a_score_still_pending_when_the_wait_ends_is_a_failure"],
        BINARY_AUC,
    ),
    Fault(
        "training batches are shuffled by an unseeded generator",
        SRC + "batches.py.jinja",
        "        self.rng = np.random.default_rng(seed)\n",
        "        self.rng = np.random.default_rng()\n",
        ["tests/test_train.py::test_a_seeded_fit_repeats_exactly_and_the_trees_use_their_threads"],
        BINARY_AUC,
    ),
    Fault(
        "the Keras backend ignores the hardware answer",
        KERAS_PROJECT + "hardware.py",
        'backend = {"tpu": "jax", "gpu": "tensorflow"}.get(hardware["target"], '
        'hardware["cpu"].get("backend", "tensorflow"))',
        'backend = hardware["cpu"].get("backend", "tensorflow")',
        ["tests/test_hardware.py::test_the_backend_follows_the_hardware_and_keras_backend_wins[tpu-tensorflow-jax]"],
        BINARY_AUC,
    ),
    Fault(
        "offline leaves the weights out of the dataset",
        SRC + "offline.py",
        '        copy(weights, folder / "weights" / Path(weights).name)\n',
        "",
        ["tests/test_kaggle_round_trip.py::test_offline_packs_the_weights_model_pretrained_points_at[file]"],
        TEXT,
    ),
    Fault(
        "the bigru branch raises",
        NLP + "model.py",
        "x = keras.layers.Bidirectional(keras.layers.GRU(64))(x)  # padding masked out",
        "raise ValueError(kind)",
        ["tests/test_text.py::test_each_scratch_network_trains_and_predicts_probabilities[bigru]"],
        TEXT,
    ),
    Fault(
        "model.scratch bigru builds the cnn",
        NLP + "model.py",
        'if kind == "cnn":',
        "if kind in ARCHITECTURES:",
        ["tests/test_text.py::test_each_scratch_network_trains_and_predicts_probabilities[bigru]"],
        TEXT,
    ),
    Fault(
        "transformer.max_length ignored: the preset's length always",
        NLP + "transformer.py",
        "min(self.max_length, self.preprocessor.sequence_length)",
        "self.preprocessor.sequence_length",
        ["tests/test_transformer.py::test_transformer_max_length_below_the_presets_cuts_texts_to_it"],
        TEXT,
    ),
    Fault(
        "the transformer's tokenizer always sees cleaned text",
        NLP + "transformer.py",
        'cleaned=self.config["text"]["clean_for_transformer"]',
        "cleaned=True",
        ["tests/test_transformer.py::test_the_tokenizer_sees_raw_text_unless_clean_for_transformer[raw]"],
        TEXT,
    ),
    Fault(
        "the network's vocabulary always lowercased",
        NLP + "model.py",
        'standardize = "lower_and_strip_punctuation" if config["text"]["lowercase"] else "strip_punctuation"',
        'standardize = "lower_and_strip_punctuation"',
        ["tests/test_text.py::test_text_lowercase_decides_whether_the_vocabulary_and_tf_idf_keep_case[case-kept]"],
        TEXT,
    ),
    Fault(
        "TF-IDF always lowercases",
        NLP + "reference.py",
        '"lowercase": lowercase}',
        '"lowercase": True}',
        ["tests/test_text.py::test_text_lowercase_decides_whether_the_vocabulary_and_tf_idf_keep_case[case-kept]"],
        TEXT,
    ),
    Fault(
        "model.max_tokens ignored: the vocabulary unbounded",
        NLP + "model.py",
        'max_tokens=config["model"]["max_tokens"] if vocabulary is None else None,',
        "max_tokens=None,",
        ["tests/test_text.py::test_model_max_tokens_bounds_the_vocabulary"],
        TEXT,
    ),
    Fault(
        "model.max_length auto takes the median words per text, uncapped",
        NLP + "model.py",
        "np.clip(np.percentile(words, 95), 8, 256)",
        "max(np.percentile(words, 50), 8)",
        [
            "tests/test_text.py::test_model_max_length_auto_is_the_95th_percentile_of_words_between_8_and_256"
            "[95th-percentile]",
            "tests/test_text.py::test_model_max_length_auto_is_the_95th_percentile_of_words_between_8_and_256"
            "[at-most-256]",
        ],
        TEXT,
    ),
    Fault(
        "rare extra categories are not pooled",
        EXTRAS,
        "min_frequency=5, ",
        "",
        ["tests/test_text.py::test_rare_categories_share_one_column_and_unseen_ones_join_them"],
        TEXT,
    ),
    Fault(
        "fine-tuning updates the backbone's BatchNorm statistics",
        KERAS_IMAGE + "model.py",
        "        for layer in batch_norms(features):\n            layer.trainable = False\n",
        "        pass\n",
        ["tests/test_model.py::test_fine_tuning_keeps_the_backbones_batch_norm_in_inference_mode"],
        IMAGES_3,
    ),
    Fault(
        "phase two learns at the full learning rate (Keras)",
        KERAS_IMAGE + "model.py",
        'learning_rate = rate * (training["fine_tune_factor"] if history else 1)',
        "learning_rate = rate",
        ["tests/test_model.py::test_phase_two_learns_at_fine_tune_factor_times_the_learning_rate"],
        IMAGES_3,
    ),
    Fault(
        "early_stopping_start ignored (Keras)",
        KERAS_IMAGE + "model.py",
        "restore_best_weights=True, start_from_epoch=start)",
        "restore_best_weights=True)",
        ["tests/test_model.py::test_early_stopping_waits_for_early_stopping_start"],
        IMAGES_3,
    ),
    Fault(
        "MixUp and CutMix mix the images but not the labels",
        KERAS_IMAGE + "pipeline.py",
        'lambda x, y: tuple(mix({"images": x, "labels": y}).values())',
        'lambda x, y: (mix({"images": x, "labels": y})["images"], y)',
        [
            "tests/test_model.py::test_mixup_and_cutmix_mix_the_labels_as_the_images[mixup]",
            "tests/test_model.py::test_mixup_and_cutmix_mix_the_labels_as_the_images[cutmix]",
        ],
        IMAGES_3,
    ),
    Fault(
        "CutMix chosen although mixup is set",
        KERAS_IMAGE + "augment.py",
        '    if settings["mixup"]:\n',
        '    if settings["mixup"] and not settings["cutmix"]:\n',
        ["tests/test_model.py::test_mixup_and_cutmix_mix_the_labels_as_the_images[mixup and cutmix]"],
        IMAGES_3,
    ),
    Fault(
        "auto size not capped at 128 for the small CNN",
        IMAGE + "models.py",
        "min(max(height, width), 128)",
        "max(height, width)",
        ["tests/test_images.py::test_auto_size_and_channels_suit_the_network[small cnn, large images]"],
        IMAGES_3,
    ),
    Fault(
        "on_bad_image: skip also skips bad test images",
        IMAGE + "images.py",
        'if bad and (split == "test" or config["images"]["on_bad_image"] != "skip"):',
        'if bad and config["images"]["on_bad_image"] != "skip":',
        ["tests/test_images.py::test_skip_leaves_out_bad_training_images_but_a_bad_test_image_still_stops_the_run"],
        IMAGES_3,
    ),
    Fault(
        "train_dir auto looks only in train/",
        IMAGE + "images.py",
        'TRAIN_DIRS = ("train", "train_images", "train-jpg", "images")',
        'TRAIN_DIRS = ("train",)',
        ["tests/test_images.py::test_train_dir_auto_finds_the_other_usual_folder_names[train_images]"],
        IMAGES_3,
    ),
    Fault(
        "TFRecords under val/ dropped from training",
        KERAS_IMAGE + "tfrecords.py",
        'if f.parent.name in ("train", "val")]',
        'if f.parent.name == "train"]',
        ["tests/test_images.py::test_tfrecords_under_val_are_training_records_too"],
        IMAGES_3,
    ),
    Fault(
        "phase two learns at the full learning rate (PyTorch)",
        TORCH_IMAGE + "model.py",
        'learning_rate = setup.learning_rate * (training["fine_tune_factor"] if history else 1)',
        "learning_rate = setup.learning_rate",
        ["tests/test_model.py::test_phase_two_learns_at_fine_tune_factor_times_the_learning_rate"],
        TORCH,
    ),
    Fault(
        "images normalised with hand-written 0.5 mean and std",
        TORCH_IMAGE + "model.py",
        'mean, std = data_config(backbone)["mean"], data_config(backbone)["std"]',
        "mean, std = (0.5, 0.5, 0.5), (0.5, 0.5, 0.5)",
        ["tests/test_model.py::test_images_are_normalised_with_the_backbones_own_mean_and_std"],
        TORCH,
    ),
    Fault(
        "early stopping keeps an epoch before early_stopping_start (PyTorch)",
        TORCH_IMAGE + "loop.py",
        '        if head_only or epoch < training["early_stopping_start"]:\n',
        "        if head_only:\n",
        ["tests/test_model.py::test_early_stopping_waits_for_early_stopping_start"],
        TORCH,
    ),
    Fault(
        "gradients clipped while still scaled by AMP",
        TORCH_IMAGE + "loop.py",
        "            scaler.unscale_(optimizer)  # clip the true gradients, not the scaled ones\n",
        "",
        ["tests/test_model.py::test_gradient_clipping_bounds_the_true_gradients_under_mixed_precision"],
        TORCH,
    ),
    Fault(
        "the incomplete last training batch kept",
        TORCH_IMAGE + "pipeline.py",
        "        drop_last=True,\n",
        "        drop_last=False,\n",
        ["tests/test_model.py::test_training_batches_have_one_size_and_a_new_order_every_epoch"],
        TORCH,
    ),
    Fault(
        "training batches not shuffled",
        TORCH_IMAGE + "pipeline.py",
        "        shuffle=True,\n",
        "        shuffle=False,\n",
        ["tests/test_model.py::test_training_batches_have_one_size_and_a_new_order_every_epoch"],
        TORCH,
    ),
    Fault(
        "explain shows the least confident mistakes",
        IMAGE + "explain.py",
        '.nlargest(count, "confidence")',
        '.nsmallest(count, "confidence")',
        [
            "tests/test_images.py::"
            "test_explain_picks_the_most_confident_mistakes_first_and_no_more_than_asked[three classes]"
        ],
        IMAGES_3,
    ),
    Fault(
        "predict reads the outputs while a run is being published",
        SRC + "predict.py",
        "    with publishing(output_dir):\n        run_dir = find_run(output_dir, run)\n        check_run(run_dir",
        "    if True:\n        run_dir = find_run(output_dir, run)\n        check_run(run_dir",
        ["tests/test_outputs.py::test_predict_waits_for_a_run_being_published"],
        BINARY_AUC,
    ),
    Fault(
        "the learning rate stays put when the global batch grows over devices (Keras)",
        KERAS_PROJECT + "hardware.py",
        'learning_rate=config["training"]["learning_rate"] * replicas,',
        'learning_rate=config["training"]["learning_rate"],',
        ["tests/test_accelerator_path.py::test_the_gpu_path_uses_its_settings_and_every_device"],
        [*BINARY_AUC, "--hardware", "gpu"],
    ),
    Fault(
        "the transformer decays biases and LayerNorm scales too",
        NLP + "transformer.py",
        '    adamw.exclude_from_weight_decay(var_names=["bias", "gamma", "beta"])\n',
        "",
        ["tests/test_transformer.py::test_adamw_decays_the_weights_but_not_biases_or_layer_norm_scales"],
        TEXT,
    ),
    Fault(
        "PyTorch's AdamW ignores training.weight_decay",
        TORCH_IMAGE + "loop.py",
        'optimizer = torch.optim.AdamW(trainable, lr=learning_rate, weight_decay=training["weight_decay"])',
        "optimizer = torch.optim.AdamW(trainable, lr=learning_rate)",
        ["tests/test_model.py::test_adamw_decays_the_weights_by_training_weight_decay"],
        TORCH,
    ),
    Fault(
        "the tables' reference names its predictions otherwise than FoldModel says",
        TABULAR + "reference.py",
        '    outputs = ["reference"]  # the predictions it returns',
        '    output_names = ["reference"]',
        ["tests/test_fold_model.py::test_every_model_is_a_fold_model"],
        BINARY_AUC,
    ),
    Fault(
        "the transformer's predict takes other arguments than FoldModel's",
        NLP + "transformer.py",
        "    def predict(self, rows, fold_dir: Path) -> dict[str, np.ndarray]:",
        "    def predict(self, texts, fold_dir: Path) -> dict[str, np.ndarray]:",
        ["tests/test_fold_model.py::test_every_model_is_a_fold_model"],
        TEXT,
    ),
    Fault(
        "demo imports cli, which imports demo",
        "generator/kagglekit/demo.py",
        "from .template import UsageError, render",
        "from .cli import UsageError, render",
        ["tests/test_cli.py::test_the_generator_has_no_import_circle"],
    ),
    Fault(
        "a PyTorch example left in every project's Kaggle tests",
        "template/tests/test_kaggle_round_trip.py.jinja",
        '"kaggle.offline.packages": ["polars"]',
        '"kaggle.offline.packages": ["timm"]',
        ["tests/test_render.py::test_a_project_holds_no_word_of_another_variant[binary-classification-cpu-auc]"],
    ),
    Fault(
        "the text network's output computes in half precision",
        KERAS_HEAD,
        'return keras.layers.Dense(self.n_classes, activation="softmax", dtype="float32", name="head")',
        'return keras.layers.Dense(self.n_classes, activation="softmax", name="head")',
        ["tests/test_hardware.py::test_the_model_trains_in_mixed_precision[mixed_float16-float16]"],
        TEXT,
    ),
    Fault(
        "sharding ignored on the tpu path: one device trains",
        KERAS_PROJECT + "hardware.py",
        'if devices[0].platform == "tpu" or len(devices) > 1:',
        'if devices[0].platform == "tpu":',
        ["tests/test_sharded_training.py::test_sharded_training_matches_one_device"],
        ["--hardware", "tpu", *BINARY_AUC],
    ),
    Fault(
        "doctor checks whatever package of the project's name is installed",
        SRC + "doctor.py",
        "    if tomllib is not None and PYPROJECT.is_file():",
        "    if False:",
        ["tests/test_kaggle_round_trip.py::test_doctor_checks_the_projects_own_pyproject_not_a_namesake_installed"],
        BINARY_AUC,
    ),
    Fault(
        "every demo renders into the same folder",
        "generator/kagglekit/cli.py",
        'dest = args.dest or Path(f"kagglekit-demo-{dataset}")',
        'dest = args.dest or Path("kagglekit-demo")',
        ["tests/test_cli.py::test_each_demo_renders_into_a_folder_of_its_own"],
    ),
    Fault(
        "a bundled example's name brings none of its answers",
        "generator/kagglekit/cli.py",
        "render(args.dest, answers, args.defaults, args.force, suggested=defaults)",
        "render(args.dest, answers, args.defaults, args.force)",
        ["tests/test_cli.py::test_a_bundled_examples_name_brings_its_answers_and_flags_still_win"],
    ),
    Fault(
        "new says nothing of what to do next",
        "generator/kagglekit/cli.py",
        "            print(next_steps(args.dest))",
        "            pass",
        ["tests/test_cli.py::test_new_says_what_to_do_next"],
    ),
    Fault(
        "learning curves count epochs from 0",
        SRC + "report.py.jinja",
        '        epochs = np.arange(1, len(history["loss"]) + 1)',
        '        epochs = np.arange(len(history["loss"]))',
        ["tests/test_parts.py::test_learning_curves_show_every_fold_on_one_figure_and_count_whole_epochs_from_one"],
        BINARY_AUC,
    ),
    Fault(
        "the confusion matrix shows counts without their row shares",
        SRC + "report.py.jinja",
        '            text.set_text(f"{matrix[i, j]}\\n{shares[i, j]:.0%}")',
        '            text.set_text(f"{matrix[i, j]}")',
        ["tests/test_parts.py::test_the_confusion_matrix_shows_counts_and_row_shares"],
        BINARY_AUC,
    ),
    Fault(
        "train.log leaves out what was logged before the run's folder existed",
        SRC + "outputs.py",
        "        self.handler.flush()\n",
        "        self.handler.buffer.clear()\n",
        ["tests/test_outputs.py::test_a_run_writes_its_whole_log_beside_its_outputs"],
        BINARY_AUC,
    ),
    Fault(
        "predict rebuilds an older run's models with today's config.yaml, not the settings it trained with",
        SRC + "predict.py",
        "        config = run_config(run_dir, config)\n",
        "",
        ["tests/test_outputs.py::test_each_run_keeps_its_settings_and_commit_and_predict_acts_on_the_run_named"],
        BINARY_AUC,
    ),
    Fault(
        "predict --run of an older run makes outputs/submission.csv that run's",
        SRC + "predict.py",
        "        if latest(run_dir):",
        "        if True:",
        ["tests/test_outputs.py::test_each_run_keeps_its_settings_and_commit_and_predict_acts_on_the_run_named"],
        BINARY_AUC,
    ),
    Fault(
        "a run records the commit but not that the tree held uncommitted changes",
        SRC + "outputs.py",
        '"dirty": bool(git("status", "--porcelain")) if commit else None',
        '"dirty": False if commit else None',
        ["tests/test_outputs.py::test_each_run_keeps_its_settings_and_commit_and_predict_acts_on_the_run_named"],
        BINARY_AUC,
    ),
    Fault(
        "--run NAME picks the oldest run of that name",
        SRC + "outputs.py",
        "    return named[-1]",
        "    return named[0]",
        ["tests/test_outputs.py::test_a_new_run_leaves_every_run_before_it_as_it_was"],
        BINARY_AUC,
    ),
    Fault(
        "a --name that cannot name a folder goes through",
        SRC + "train.py",
        "    check_name(name)\n",
        "",
        ["tests/test_outputs.py::test_a_run_name_that_cannot_name_a_folder_is_refused_in_one_line"],
        BINARY_AUC,
    ),
    Fault(
        "runs prune deletes the models but run.json does not say so",
        SRC + "runs.py",
        'manifest | {"files": files, "pruned": time.strftime("%Y-%m-%d %H:%M:%S")}',
        'manifest | {"files": files}',
        ["tests/test_outputs.py::test_runs_prune_keeps_the_newest_runs_models_and_every_runs_record"],
        BINARY_AUC,
    ),
    Fault(
        "the runs table puts the lowest score first for a metric where higher is better",
        SRC + "runs.py",
        "ascending=[True, False]",
        "ascending=[True, True]",
        ["tests/test_outputs.py::test_runs_prune_keeps_the_newest_runs_models_and_every_runs_record"],
        BINARY_AUC,
    ),
    Fault(
        "output takes a kernel's run into outputs/runs/ without checking its files against its run.json",
        SRC + "outputs.py",
        "            check_run(run_dir)\n",
        "            pass\n",
        ["tests/test_kaggle_round_trip.py::test_output_brings_the_kernels_complete_runs_beside_the_local_ones"],
        BINARY_AUC,
    ),
    Fault(
        "the ledger compares each run's settings with the first run's, not the run's before it",
        SRC + "ledger.py",
        "        previous = run_dir\n",
        "        previous = previous or run_dir\n",
        ["tests/test_kaggle_round_trip.py::test_the_ledger_keeps_each_submission_beside_its_run_and_its_scores"],
        BINARY_AUC,
    ),
    Fault(
        "submit records no run beside the submission",
        SRC + "__main__.py.jinja",
        "    return file, file.parent.name if in_a_run else None",
        "    return file, None",
        ["tests/test_kaggle_round_trip.py::test_the_ledger_keeps_each_submission_beside_its_run_and_its_scores"],
        BINARY_AUC,
    ),
    Fault(
        "submit --wait prints the score but the ledger keeps it pending",
        SRC + "kaggle_api.py",
        "        record_answer(ledger_dir, ref, submission)\n",
        "        pass\n",
        ["tests/test_kaggle_round_trip.py::test_the_ledger_keeps_each_submission_beside_its_run_and_its_scores"],
        BINARY_AUC,
    ),
    Fault(
        "ensemble blends runs trained on other folds",
        SRC + "ensemble.py",
        "        if not first.index.equals(other.index) or not first.equals(other):",
        "        if not first.index.equals(other.index):",
        ["tests/test_ensemble.py::test_runs_on_other_folds_are_refused_in_one_line"],
        BINARY_AUC,
    ),
    Fault(
        "ensemble blends the runs' test predictions equally, not with the weights chosen out of fold",
        SRC + "ensemble.py",
        "blend(tests, chosen.weights), stage,",
        "blend(tests, {name: 1 / len(tests) for name in tests}), stage,",
        ["tests/test_ensemble.py::test_an_ensemble_of_runs_is_a_run_never_below_its_best_member"],
        ["--task", "multiclass-classification", "--metric", "logloss"],
    ),
    Fault(
        "ensemble --best K takes the K worst runs",
        SRC + "ensemble.py",
        'table["run"].head(k)',
        'table["run"].tail(k)',
        ["tests/test_ensemble.py::test_best_k_takes_the_runs_with_the_best_scores"],
        BINARY_AUC,
    ),
    Fault(
        "predict goes ahead on an ensemble's run, which has no models",
        SRC + "outputs.py",
        '    if models and manifest.get("ensemble_of"):',
        "    if False:",
        ["tests/test_ensemble.py::test_an_ensemble_of_runs_is_a_run_never_below_its_best_member"],
        BINARY_AUC,
    ),
    Fault(
        "test_predictions.csv keeps another prediction than the one submitted",
        SRC + "predict.py",
        'table.assign(**prediction_columns("prediction", prediction, labels))',
        'table.assign(**prediction_columns("prediction", prediction * 0.9, labels))',
        ["tests/test_train.py::test_the_submission_is_the_fold_ensemble_cv_json_describes"],
        BINARY_AUC,
    ),
    Fault(
        "a setting given on the command line is silently ignored when its key is misspelt",
        SRC + "config.py.jinja",
        "        if key not in known:",
        "        if key not in known and False:",
        [
            "tests/test_outputs.py::test_a_setting_on_the_command_line_that_config_yaml_cannot_take_is_refused_in_one_line"
        ],
        BINARY_AUC,
    ),
    Fault(
        "train key=value settings are read but not applied",
        SRC + "__main__.py.jinja",
        '    apply_overrides(config, getattr(args, "settings", []), args.config)\n',
        "",
        ["tests/test_outputs.py::test_each_run_keeps_its_settings_and_commit_and_predict_acts_on_the_run_named"],
        BINARY_AUC,
    ),
    Fault(
        "tune's trials all try the settings config.yaml holds, not the ones Optuna suggests",
        SRC + "tune.py",
        "            set_setting(trial_config, key, value)\n",
        "            pass\n",
        ["tests/test_tune.py::test_each_trial_is_a_run_on_the_same_folds_and_a_stopped_search_resumes"],
        BINARY_AUC,
    ),
    Fault(
        "a trial the pruner would stop runs to its end",
        SRC + "tune.py",
        "            if trial.should_prune():",
        "            if False:",
        ["tests/test_tune.py::test_a_trial_the_pruner_stops_leaves_no_run"],
        BINARY_AUC,
    ),
    Fault(
        "tune's study is kept in memory, so a stopped search starts again from nothing",
        SRC + "tune.py",
        '        storage=f"sqlite:///{(output_dir / LEDGER).resolve()}",\n',
        "",
        ["tests/test_tune.py::test_each_trial_is_a_run_on_the_same_folds_and_a_stopped_search_resumes"],
        BINARY_AUC,
    ),
    Fault(
        "train --resume starts the stopped run again from its first fold",
        SRC + "train.py",
        "    start, oof, first_seed, per_fold = progress.load(output_dir)",
        "    start, oof, first_seed, per_fold = 0, {}, {}, []",
        ["tests/test_outputs.py::test_a_resumed_run_equals_one_that_never_stopped"],
        BINARY_AUC,
    ),
    Fault(
        "a run that crashed after completing a fold leaves nothing to resume",
        SRC + "outputs.py",
        "        if not keep_partial or not (stage / PROGRESS).is_file():",
        "        if True:",
        ["tests/test_outputs.py::test_a_resumed_run_equals_one_that_never_stopped"],
        TEXT,
    ),
    Fault(
        "the time budget is measured but no fold is dropped",
        SRC + "train.py",
        "        n_folds = progress.folds_in_budget(budget, elapsed, elapsed / (k + 1 - start), k + 1, n_folds)\n",
        "",
        ["tests/test_outputs.py::test_a_time_budget_ends_the_run_in_time_with_the_folds_that_fit"],
        BINARY_AUC,
    ),
    Fault(
        "a run cut by its time budget scores rows no model predicted",
        SRC + "train.py",
        "        trained = folds < n_folds",
        "        trained = folds >= 0",
        ["tests/test_outputs.py::test_a_time_budget_ends_the_run_in_time_with_the_folds_that_fit"],
        ["--task", "image-classification"],
    ),
    Fault(
        "cv.seeds trains every seed but predicts with the first alone",
        SRC + "seeds.py",
        "        return {name: np.mean([prediction[name] for prediction in per_seed], axis=0) for name in per_seed[0]}",
        "        return per_seed[0]",
        ["tests/test_seeds.py::test_every_fold_trains_each_seed_and_the_submission_averages_them"],
        TEXT,
    ),
    Fault(
        "the seeds' gain is reported with the wrong sign for an error metric",
        SRC + "seeds.py",
        '"gain": sign * (averaged - alone)',
        '"gain": averaged - alone',
        ["tests/test_seeds.py::test_every_fold_trains_each_seed_and_the_submission_averages_them"],
        ["--task", "tabular-regression", "--metric", "rmse"],
    ),
    Fault(
        "the learning-curve figure draws the first fold alone",
        SRC + "report.py.jinja",
        "    for k, history in sorted(curves.items(), key=lambda item: int(item[0])):",
        "    for k, history in sorted(curves.items(), key=lambda item: int(item[0]))[:1]:",
        ["tests/test_parts.py::test_learning_curves_show_every_fold_on_one_figure_and_count_whole_epochs_from_one"],
        BINARY_AUC,
    ),
    Fault(
        "the calibration curve of several classes uses the first class's probability",
        SRC + "report.py.jinja",
        "        confidence, right = probabilities.max(axis=1), (probabilities.argmax(axis=1) == y).astype(int)",
        "        confidence, right = probabilities[:, 0], (y == 0).astype(int)",
        ["tests/test_parts.py::test_the_calibration_curve_puts_how_often_right_against_how_sure"],
        TEXT,
    ),
    Fault(
        "the residuals are drawn as predicted minus true",
        SRC + "report.py.jinja",
        "    right.scatter(predicted, y - predicted, s=4, alpha=0.4)",
        "    right.scatter(predicted, predicted - y, s=4, alpha=0.4)",
        ["tests/test_parts.py::test_the_residual_plot_puts_predicted_against_true_and_the_residuals"],
        ["--task", "tabular-regression", "--metric", "rmse"],
    ),
    Fault(
        "LightGBM's importance is written against the wrong feature names",
        TABULAR + "reference.py",
        '            names = self.roles["categorical"] + self.roles["numeric"]  # tree_preprocessor\'s column order',
        '            names = self.roles["numeric"] + self.roles["categorical"]',
        ["tests/test_train.py::test_the_reference_s_importance_names_the_column_that_carries_the_signal"],
        BINARY_AUC,
    ),
    Fault(
        "the walkthrough leaves out a step (the models)",
        SRC + "walkthrough.py.jinja",
        "    for step in STEPS:",
        "    for step in STEPS[:4] + STEPS[5:]:",
        ["tests/test_notebook.py::test_the_walkthrough_runs_every_step_in_order_from_a_fresh_kernel"],
        BINARY_AUC,
    ),
    Fault(
        "the walkthrough shows the first learning curve only",
        SRC + "walkthrough.py.jinja",
        'for picture in sorted(run_dir.glob("learning_curves_*.png")):',
        'for picture in sorted(run_dir.glob("learning_curves_*.png"))[:1]:',
        ["tests/test_notebook.py::test_the_walkthrough_shows_the_runs_own_pictures_and_scores"],
        BINARY_AUC,
    ),
    Fault(
        "LightGBM's learning curve is not kept",
        TABULAR + "reference.py",
        '            return model, {"loss": fitted, "val_loss": stopping}',
        "            return model, None",
        ["tests/test_notebook.py::test_the_walkthrough_shows_the_runs_own_pictures_and_scores"],
        BINARY_AUC,
    ),
    Fault(
        "a failing notebook cell is ignored and the walkthrough written anyway",
        SRC + "walkthrough.py.jinja",
        "        timeout=None,  # a real run trains for hours",
        "        allow_errors=True,\n        timeout=None,",
        ["tests/test_notebook.py::test_a_step_that_fails_is_named_and_the_last_walkthrough_kept"],
        BINARY_AUC,
    ),
    Fault(
        "notebook replaces a walkthrough that holds the user's edits",
        SRC + "walkthrough.py.jinja",
        "    if force or not path.exists():",
        "    if True:",
        ["tests/test_notebook.py::test_a_walkthrough_with_edits_of_yours_is_replaced_only_with_force"],
        BINARY_AUC,
    ),
    Fault(
        "push --notebook sends the notebook as a script kernel",
        SRC + "push.py.jinja",
        '        "kernel_type": kind,',
        '        "kernel_type": "script",',
        [
            "tests/test_push.py::test_a_notebook_kernel_holds_the_walkthroughs_steps_after_the_bundle[--notebook]",
            "tests/test_kaggle_round_trip.py::test_a_notebook_kernel_goes_to_kaggle_as_a_notebook_and_comes_back_like_a_script",
        ],
        BINARY_AUC,
    ),
    Fault(
        "the nlp walkthrough's n-grams come from the character features",
        NLP + "reference.py",
        'words = [i for i, name in enumerate(names) if name.startswith("words__")]',
        'words = [i for i, name in enumerate(names) if name.startswith("chars__")]',
        ["tests/test_notebook.py::test_the_walkthrough_shows_the_runs_own_pictures_and_scores"],
        TEXT,
    ),
    Fault(
        "a Keras fit reports no epochs while it trains",
        variant("not pytorch") + "epochs.py",
        "    return [] if verbose else [EpochLog(name, epochs)]",
        "    return []",
        ["tests/test_parts.py::test_a_fit_logs_one_line_per_epoch_with_the_time_left"],
        BINARY_AUC,
    ),
    Fault(
        "a blend is submitted however thin its edge over the best model alone",
        SRC + "blend.py",
        "        if not blend_is_clearly_better(metric, y, oof, best, alone):",
        "        if False:",
        ["tests/test_parts.py::test_a_blend_with_a_thin_edge_gives_way_to_the_best_model_alone"],
        BINARY_AUC,
    ),
    Fault(
        "the blend's edge is weighed against the spread of the scores, not of the edges",
        SRC + "blend.py",
        "            edges.append(edge - metric.score(y[rows], single[rows], alone.threshold))",
        "            edges.append(edge)",
        [
            "tests/test_parts.py::test_a_blend_is_submitted_only_when_its_edge_exceeds_the_noise_of_the_out_of_fold_rows"
            "[5-0-True]"
        ],
        BINARY_AUC,
    ),
    Fault(
        "a blend never gives way, whatever its edge",
        SRC + "blend.py",
        "    return bool(sign * (blended.score - alone.score) > np.std(edges))",
        "    return True",
        [
            "tests/test_parts.py::test_a_blend_is_submitted_only_when_its_edge_exceeds_the_noise_of_the_out_of_fold_rows"
            "[2-1-False]"
        ],
        BINARY_AUC,
    ),
    Fault(
        "the sentence encoder's vectors come back in another order than the rows",
        NLP + "encoder.py",
        "return np.stack([VECTORS[self.folder, text] for text in texts])",
        "return np.stack([VECTORS[self.folder, text] for text in sorted(texts)])",
        ["tests/test_text.py::test_a_text_reaches_each_model_through_predict_as_it_did_in_training[encoder]"],
        TEXT,
    ),
    Fault(
        "the frozen encoder encodes every text again for each fold",
        NLP + "encoder.py",
        "new = [text for text in dict.fromkeys(texts) if (self.folder, text) not in VECTORS]",
        "new = list(dict.fromkeys(texts))",
        ["tests/test_encoder.py::test_the_encoder_joins_the_blend_and_predict_writes_the_same_submission"],
        TEXT,
    ),
    Fault(
        "the encoder's layer means count the padding tokens",
        NLP + "encoder.py",
        "joined = torch.cat([(layer * mask).sum(1) / mask.sum(1) for layer in layers], dim=1)",
        "joined = torch.cat([layer.mean(1) for layer in layers], dim=1)",
        ["tests/test_encoder.py::test_each_layer_gives_the_mean_of_its_token_vectors_whatever_the_batch"],
        TEXT,
    ),
    Fault(
        "the encoder's vectors are the last layer's alone",
        NLP + "encoder.py",
        "output_hidden_states=True).hidden_states[1:]",
        "output_hidden_states=True).hidden_states[-1:]",
        ["tests/test_encoder.py::test_each_layer_gives_the_mean_of_its_token_vectors_whatever_the_batch"],
        TEXT,
    ),
    Fault(
        "model.encoder accepts a folder that holds no model",
        NLP + "encoder.py",
        '    if not (folder / "modules.json").is_file():',
        "    if False:",
        ["tests/test_encoder.py::test_a_folder_without_an_encoder_is_refused_in_one_line_before_training"],
        TEXT,
    ),
    Fault(
        "the text network's values are left standardised (the target scaler not inverted)",
        SRC + "target.py",
        "values = scaler.inverse(outputs.reshape(len(outputs)) if np.ndim(scaler.mean) == 0 else outputs)",
        "values = outputs.reshape(len(outputs)) if np.ndim(scaler.mean) == 0 else outputs",
        [
            "tests/test_text.py::test_a_text_reaches_each_model_through_predict_as_it_did_in_training[scratch]",
            "tests/test_train.py::test_full_training_on_values_clearly_beats_the_mean",
        ],
        TEXT_VALUES,
    ),
    Fault(
        "a text network for values learns classes' one-hot rows of the rounded target",
        SRC + "target.py",
        "    scaled = scaler.transform(y)\n",
        '    scaled = np.eye(4, dtype="float32")[np.clip(y.astype(int), 0, 3)][:, 0]\n',
        ["tests/test_train.py::test_full_training_on_values_clearly_beats_the_mean"],
        TEXT_VALUES,
    ),
    Fault(
        "a binary table accepts a metric of values",
        SRC + "data.py.jinja",
        '    if predicts_values(config) != (config["task"] == "tabular-regression"):',
        '    if not predicts_values(config) and config["task"] == "tabular-regression":',
        [
            "tests/test_data.py::test_bad_competition_files_are_refused_in_one_line"
            "[set metric to auc, logloss, accuracy]"
        ],
        BINARY_AUC,
    ),
    Fault(
        "the walkthrough tells each step in its modules' first lines only",
        SRC + "walkthrough.py.jinja",
        '        text = "\\n\\n".join(words(source) for source in step.words)',
        '        text = "\\n\\n".join(words(source).split("\\n")[0] for source in step.words)',
        ["tests/test_notebook.py::test_each_step_is_told_in_its_modules_own_words"],
        BINARY_AUC,
    ),
    Fault(
        "the notebook kernel reads config.yaml from the working folder, not from the unpacked bundle",
        SRC + "push.py.jinja",
        'NOTEBOOK = """CONFIG = source / "config.yaml"',
        'NOTEBOOK = """CONFIG = Path("config.yaml")',
        ["tests/test_push.py::test_kernel_bundle_runs_like_on_kaggle[notebook]"],
        BINARY_AUC,
    ),
    Fault(
        "the PyTorch loop draws its progress bar into a log that is no terminal",
        TORCH_IMAGE + "loop.py",
        '    return sys.stderr.isatty() if progress == "auto" else bool(progress)',
        "    return True",
        ["tests/test_render.py::test_smoke_training_from_the_command_line[image-classification-pytorch-cpu-f1]"],
    ),
    Fault(
        "a text project on values keeps stratified folds (sklearn's error, not one line)",
        SRC + "cv.py",
        '    if scheme in unstratified and np.asarray(y).dtype.kind == "f":',
        "    if False:",
        [
            "tests/test_train.py::test_bad_text_settings_are_refused_in_one_line"
            "[changes5-cv.scheme stratified keeps each class's share]"
        ],
        TEXT,
    ),
    Fault(
        "the default demo's check asks for nothing (a missing library fails deep inside the project)",
        "generator/kagglekit/demo.py",
        'TABLES = ("tabular", ("keras", "sklearn", "jax"))',
        'TABLES = ("tabular", ())',
        ["tests/test_cli.py::test_a_demo_without_its_tasks_libraries_names_the_extra_to_install[flags0-jax-tabular]"],
    ),
    Fault(
        "a PyTorch image network's values are left standardised (the target scaler not inverted)",
        TORCH_IMAGE + "head.py",
        "return unscaled_values(outputs, self.metric, fold_dir)",
        "return outputs[:, 0]",
        [
            "tests/test_model.py::test_an_image_reaches_each_model_through_predict_as_it_did_in_training"
            "[network-csv-rmse]",
            "tests/test_train.py::test_full_training_on_values_clearly_beats_the_mean",
        ],
        TORCH_VALUES,
    ),
    Fault(
        "a PyTorch image network learns the raw values, then inverts a scaling it never applied",
        TORCH_IMAGE + "head.py",
        "return scaled_values(y, self.metric, fold_dir)",
        'return y.astype("float32")[:, None]',
        [
            "tests/test_model.py::test_an_image_reaches_each_model_through_predict_as_it_did_in_training[network-csv-rmse]"
        ],
        TORCH_VALUES,
    ),
    Fault(
        "explain shows the smallest errors of values, not the largest",
        IMAGE + "explain.py",
        'return rows[rows["error"] > 0].nlargest(count, "error")',
        'return rows[rows["error"] > 0].nsmallest(count, "error")',
        ["tests/test_images.py::test_explain_picks_the_largest_errors_of_values_first_and_no_more_than_asked"],
        TORCH_VALUES,
    ),
    Fault(
        "Grad-CAM of a value follows what lowers it",
        TORCH_IMAGE + "model.py",
        "(outputs[0, 0] if class_index is None",
        "(-outputs[0, 0] if class_index is None",
        ["tests/test_model.py::test_grad_cam_of_a_value_points_at_what_raises_it"],
        TORCH_VALUES,
    ),
    Fault(
        "a Keras network for values learns the raw values, then inverts a scaling it never applied",
        KERAS_HEAD,
        "return scaled_values(y, self.metric, fold_dir)",
        'return y.astype("float32")[:, None]',
        [
            "tests/test_model.py::test_an_image_reaches_each_model_through_predict_as_it_did_in_training"
            "[network-csv-rmse]"
        ],
        IMAGE_VALUES,
    ),
    Fault(
        "a folders layout trains on its class names as values",
        IMAGE + "images.py",
        'if layout in ("folders", "tfrecords") and predicts_values(config):',
        'if layout == "tfrecords" and predicts_values(config):',
        ["tests/test_images.py::test_a_layout_of_classes_with_a_metric_of_values_is_refused_in_one_line"],
        TORCH_VALUES,
    ),
    Fault(
        "a column only train.csv has (CommonLit's standard_error) becomes a text project's input",
        NLP + "text.py",
        "candidates = [c for c in train.columns if c not in skip and c in test.columns]",
        "candidates = [c for c in train.columns if c not in skip]",
        ["tests/test_examples.py::test_example_renders[commonlitreadabilityprize]"],
    ),
    Fault(
        "the telling n-grams of values name higher and lower the wrong way round",
        NLP + "reference.py",
        '-model.regressor_.coef_]), ["higher", "lower"]',
        '-model.regressor_.coef_]), ["lower", "higher"]',
        ["tests/test_notebook.py::test_the_walkthrough_shows_the_runs_own_pictures_and_scores"],
        TEXT_VALUES,
    ),
    Fault(
        "the metadata beside the images never reaches the network",
        IMAGE + "models.py",
        "    network = ImageNetwork(config, data.images, setup, n_classes, spec, metadata, n_targets)\n",
        "    network = ImageNetwork(config, data.images, setup, n_classes, spec, None, n_targets)\n",
        [METADATA_TEST],
        IMAGES_3,
    ),
    Fault(
        "the image reference never sees the metadata",
        IMAGE + "models.py",
        "PixelReference(config, data.images, n_classes, metadata)",
        "PixelReference(config, data.images, n_classes)",
        [METADATA_TEST],
        TORCH_CPU,
    ),
    Fault(
        "each image's metadata row taken from another image (Keras input pipeline)",
        KERAS_IMAGE + "pipeline.py",
        "    table = tf.constant(extras, dtype=tf.float32)\n",
        "    table = tf.constant(extras[::-1], dtype=tf.float32)\n",
        [METADATA_TEST],
        IMAGE_VALUES,
    ),
    Fault(
        "each image's metadata row taken from another image (PyTorch dataset)",
        TORCH_IMAGE + "pipeline.py",
        "        inputs = image if self.extras is None else (image, self.extras[i])\n",
        "        inputs = image if self.extras is None else (image, self.extras[-1 - i])\n",
        [METADATA_TEST],
        TORCH_CPU,
    ),
    Fault(
        "Grad-CAM of a Keras network with metadata leaves the metadata out",
        KERAS_IMAGE + "model.py",
        "        if extras is not None:  # the metadata joins as in the network, dropout being off outside training\n",
        "        if False:\n",
        [METADATA_TEST],
        IMAGES_3,
    ),
    Fault(
        "several target columns submitted under each other's names",
        SRC + "predict.py",
        "    labels = classes or target.names  # what names the columns of a two-dimensional prediction\n",
        "    labels = classes or (target.names and target.names[::-1])\n",
        [SEVERAL_VALUES_TEST],
        TEXT,
    ),
    Fault(
        "each target column's score is that of the first column's predictions",
        SRC + "scores.py",
        "            scores[name] = target.metric.score(y[:, i], submitted[:, i])\n",
        "            scores[name] = target.metric.score(y[:, i], submitted[:, 0])\n",
        [SEVERAL_VALUES_TEST],
        TEXT,
    ),
    Fault(
        "oof.csv keeps the first target column's answers under every target column's name",
        SRC + "scores.py",
        '        table = table.assign(**{f"target_{name}": rows[name].to_numpy() for name in names})\n',
        '        table = table.assign(**{f"target_{name}": rows[names[0]].to_numpy() for name in names})\n',
        [SEVERAL_VALUES_TEST],
        TEXT,
    ),
    Fault(
        "several 0/1 target columns scored by the first column's AUC alone",
        SRC + "metrics.py",
        '        return metrics.roc_auc_score(y, p, average="macro")\n',
        "        return metrics.roc_auc_score(y[:, 0], p[:, 0])\n",
        [SEVERAL_LABELS_TEST],
        TEXT,
    ),
    Fault(
        "the text networks' outputs for several 0/1 target columns are no probabilities (no sigmoid)",
        KERAS_HEAD,
        '            activation = "sigmoid" if self.multilabel else None\n',
        "            activation = None\n",
        [SEVERAL_LABELS_TEST],
        TEXT,
    ),
    Fault(
        "the PyTorch image head one output wide for several target columns",
        TORCH_IMAGE + "head.py",
        "        self.outputs = n_classes or columns  # the network's last layer's width: classes, or target columns\n",
        "        self.outputs = n_classes or 1\n",
        [SEVERAL_IMAGE_TEST + "[mcrmse]"],
        TORCH_CPU,
    ),
    Fault(
        "PyTorch image label columns predicted as raw scores, not probabilities",
        TORCH_IMAGE + "head.py",
        "            return torch.sigmoid(outputs)\n",
        "            return outputs\n",
        [SEVERAL_IMAGE_TEST + "[auc]"],
        TORCH_CPU,
    ),
    Fault(
        "several labels per row all decided at 0.5",
        SRC + "metrics.py",
        "        return label_thresholds(metric, y, p)\n",
        "        return [0.5] * p.shape[1]\n",
        [LABEL_THRESHOLDS_TEST],
        BINARY_AUC,
    ),
    Fault(
        "each label's tuned threshold ignored when deciding it",
        SRC + "metrics.py",
        '        return (prediction >= np.asarray(threshold)).astype("int64")\n',
        '        return (prediction >= 0.5).astype("int64")\n',
        [LABEL_THRESHOLDS_TEST, JOINED_LABELS_TEST],
        BINARY_AUC,
    ),
    Fault(
        "an image with no label over its threshold submitted with an empty cell",
        SRC + "target.py",
        "            chosen[np.arange(len(chosen)), prediction.argmax(axis=1)] |= chosen.sum(axis=1) == 0\n",
        "",
        [JOINED_LABELS_TEST],
        BINARY_AUC,
    ),
    Fault(
        "a submission of labels in one column may leave a row empty",
        SRC + "submission.py",
        "        counts = (ranked,) if ranked > 0 else range(1, len(known) + 1)\n",
        "        counts = (ranked,) if ranked > 0 else range(0, len(known) + 1)\n",
        [JOINED_LABELS_TEST],
        BINARY_AUC,
    ),
    Fault(
        "a label with one value in a fold's training rows stops the linear reference",
        variant("not tabular") + "linear.py",
        "            if len(np.unique(y)) > 1\n",
        "            if True\n",
        ["tests/test_parts.py::test_a_label_with_one_value_in_the_training_rows_predicts_its_smoothed_share"],
        IMAGES_3,
    ),
    Fault(
        "label metrics of several labels per row treated as values by the networks",
        SRC + "target.py",
        '    return n_classes is None and get_metric(metric).submits != "value"\n',
        '    return n_classes is None and get_metric(metric).submits == "probability"\n',
        [LABEL_SET_TEST],
        IMAGES_3,
    ),
    Fault(
        "the image network one output wide for several labels per image",
        IMAGE + "models.py",
        "    n_targets = len(target.names) if target.names else 1  # target columns, or labels\n",
        "    n_targets = 1\n",
        [LABEL_SET_TEST],
        IMAGES_3,
    ),
    Fault(
        "mean F2 scored as mean F1",
        SRC + "metrics.py",
        '        partial(metrics.fbeta_score, beta=2, average="samples", zero_division=1),\n',
        '        partial(metrics.fbeta_score, beta=1, average="samples", zero_division=1),\n',
        [LABEL_SET_TEST],
        IMAGES_3,
    ),
    Fault(
        "each label's own score taken at 0.5, not at its tuned threshold",
        SRC + "scores.py",
        '            decided = (submitted[:, i] >= thresholds[i]).astype("int64")\n',
        '            decided = (submitted[:, i] >= 0.5).astype("int64")\n',
        [SEVERAL_TARGETS_TEST + "[micro_f1]"],
        TEXT,
    ),
    Fault(
        "Planet's second test folder (test-jpg-additional) never searched",
        IMAGE + "images.py",
        '        folders = find_dirs(data_dir, setting, candidates, every=split == "test")\n',
        "        folders = find_dirs(data_dir, setting, candidates)\n",
        ["tests/test_examples.py::test_example_renders[planet-understanding-the-amazon-from-space]"],
    ),
    Fault(
        "train_v2.csv not taken for train.csv",
        SRC + "paths.py",
        "    return candidates[0] if not path.is_file() and len(candidates) == 1 else path\n",
        "    return path\n",
        ["tests/test_examples.py::test_example_renders[planet-understanding-the-amazon-from-space]"],
    ),
    Fault(
        "the trees of a table fit the first target column for every column",
        TABULAR + "reference.py",
        "        columns = [y] if y.ndim == 1 else list(y.T)\n",
        "        columns = [y] if y.ndim == 1 else [y[:, 0]] * y.shape[1]\n",
        [TABLE_SEVERAL_TEST],
        ["--task", "tabular-regression", "--metric", "rmse"],
    ),
    Fault(
        "the table network one output wide for several target columns",
        TABULAR + "models.py",
        "    n_targets = len(target.names) if target.names else 1  # target columns\n",
        "    n_targets = 1\n",
        [TABLE_SEVERAL_TEST],
        ["--task", "tabular-regression", "--metric", "rmse"],
    ),
    Fault(
        "the table network's 0/1 label columns come out as raw scores, not probabilities",
        TABULAR + "model.py",
        '    if not n_classes and multilabel(n_classes, config["metric"]):\n',
        "    if False:\n",
        [TABLE_SEVERAL_TEST],
        BINARY_AUC,
    ),
    Fault(
        "a table's label column with one value in a fold stops the trees",
        TABULAR + "reference.py",
        "        if self.labels and len(np.unique(y)) < 2:\n",
        "        if False:\n",
        ["tests/test_train.py::test_a_label_column_with_one_value_in_the_training_rows_predicts_its_smoothed_share"],
        BINARY_AUC,
    ),
    Fault(
        "the text network's metadata layer joins as zeros",
        NLP + "model.py",
        '        x = keras.layers.Concatenate(name="join")([x, metadata])\n',
        '        x = keras.layers.Concatenate(name="join")([x, metadata * 0])\n',
        ["tests/test_train.py::test_metadata_reaches_the_models_and_is_encoded_on_the_training_fold"],
        TEXT,
    ),
    Fault(
        "columns.metadata none still hands the texts' metadata to the models",
        variant("not tabular") + "extras.py",
        '    if setting == "none":\n        return ExtraColumns([], [])\n',
        '    if setting == "none":\n        setting = "auto"\n',
        ["tests/test_train.py::test_metadata_reaches_the_models_and_is_encoded_on_the_training_fold"],
        TEXT,
    ),
]


def copy_of_repository(folder: Path) -> Path:
    copy = folder / "kagglekit"
    ignore = shutil.ignore_patterns(".git", ".venv", "__pycache__", "*.egg-info", ".pytest_cache", "kagglekit-demo*")
    shutil.copytree(REPO, copy, ignore=ignore)
    return copy


def plant(copy: Path, fault: Fault) -> None:
    path = copy / fault.file
    text = path.read_text()
    if text.count(fault.old) != 1:
        raise SystemExit(
            f"plant_faults: {fault.name}: the text to change occurs {text.count(fault.old)} times in "
            f"{fault.file}; update FAULTS to the current code"
        )
    path.write_text(text.replace(fault.old, fault.new))


def tests_fail(copy: Path, fault: Fault, scratch: Path) -> bool:
    env = {**os.environ, "PYTHONPATH": str(copy / "generator")}  # kagglekit imported from the changed copy
    if fault.answers is None:
        command, cwd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *fault.tests], copy
    else:
        project = scratch / "project"
        render = [sys.executable, "-m", "kagglekit.cli", "new", str(project), "--defaults", "--competition", "planted"]
        subprocess.run([*render, *fault.answers], env=env, check=True, capture_output=True)
        env["PYTHONPATH"] = str(project / "src")
        command, cwd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *fault.tests], project
    command.append("-rf")  # list each failed test as "FAILED <node id>"
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=1800)
    return all(f"FAILED {test}" in result.stdout for test in fault.tests)


def main() -> None:
    chosen = [f for f in FAULTS if not sys.argv[1:] or any(name in f.name for name in sys.argv[1:])]
    missed = []
    for fault in chosen:
        with tempfile.TemporaryDirectory() as scratch:
            copy = copy_of_repository(Path(scratch))
            plant(copy, fault)
            start = time.perf_counter()
            caught = tests_fail(copy, fault, Path(scratch))
        print(f"{'caught' if caught else 'MISSED'}  {fault.name}  ({time.perf_counter() - start:.0f} s)", flush=True)
        if not caught:
            missed.append(fault.name)
    if missed:
        raise SystemExit(f"{len(missed)} of {len(chosen)} faults went unnoticed: {', '.join(missed)}")


if __name__ == "__main__":
    main()
