"""k-fold training of the Keras baseline and the reference model, scored out of fold, then the submission."""

import json
import logging
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from . import hardware
from .batches import ShuffledFullBatches, usable_batch_size, wrap_to_multiple
from .cv import assign_folds
from .data import load_data
from .metrics import Metric, get_metric
from .model import build_model
from .predict import predict_fold, predict_test
from .preprocess import infer_roles, neural_preprocessor
from .reference import build_reference
from .target import LabelCodec, TargetScaler

log = logging.getLogger(__name__)
MODELS = ("keras", "reference", "blend")


def fit_keras(features: np.ndarray, y: np.ndarray, config: dict, setup: hardware.Setup):
    """Train on the training fold; early stopping watches a 10% slice of it, never the validation fold."""
    import keras

    binary = config["task"] == "binary-classification"
    x_fit, x_stop, y_fit, y_stop = train_test_split(
        features, y, test_size=0.1, random_state=config["cv"]["seed"], stratify=y if binary else None
    )
    scaler = None if binary else TargetScaler(log=config["metric"] == "rmsle").fit(y_fit)
    if scaler:
        y_fit, y_stop = scaler.transform(y_fit), scaler.transform(y_stop)
    training = config["training"]
    batch = usable_batch_size(setup.batch_size, len(x_fit), setup.replicas)
    stop_batch = usable_batch_size(setup.batch_size, len(x_stop), setup.replicas)
    with setup.scope():
        model = build_model(features.shape[1], config, setup.learning_rate, y_fit.mean() if binary else None)
    callbacks = [
        keras.callbacks.EarlyStopping(patience=training["early_stopping_patience"], restore_best_weights=True),
        keras.callbacks.ReduceLROnPlateau(factor=0.5, patience=training["reduce_lr_patience"], min_lr=1e-5),
    ]
    history = model.fit(
        ShuffledFullBatches(x_fit, y_fit, batch, seed=config["cv"]["seed"], workers=setup.workers),
        validation_data=(wrap_to_multiple(x_stop, stop_batch), wrap_to_multiple(y_stop, stop_batch)),
        validation_batch_size=stop_batch,
        epochs=training["epochs"],
        callbacks=callbacks,
        verbose=training["verbose"],
    )
    return model, scaler, history.history


def plot_learning_curve(history: dict, path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")  # no display on Kaggle or in CI
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(history["loss"], label="loss (training)")
    ax.plot(history["val_loss"], label="val_loss (early-stopping slice)")
    ax.set(xlabel="epoch", ylabel="loss", title=title)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def summarise(metric: Metric, y: np.ndarray, folds: np.ndarray, oof: dict) -> dict:
    scores = {}
    for name, prediction in oof.items():
        per_fold = [metric.score(y[folds == k], prediction[folds == k]) for k in range(folds.max() + 1)]
        scores[name] = {
            "folds": per_fold,
            "mean": float(np.mean(per_fold)),
            "std": float(np.std(per_fold)),
            "oof": metric.score(y, prediction),
        }
    return scores


def train(config: dict, data_dir: Path, output_dir: Path, smoke: bool = False) -> dict:
    output_dir, models_dir = Path(output_dir), Path(output_dir) / "models"
    # A run that dies half-way must not leave an old report beside new fold models.
    (output_dir / "cv.json").unlink(missing_ok=True)
    columns, seed = config["columns"], config["cv"]["seed"]
    data = load_data(data_dir, config)
    train_rows = data.train
    if smoke:
        train_rows = train_rows.sample(n=min(config["smoke"]["max_rows"], len(train_rows)), random_state=seed)
    train_rows = train_rows.reset_index(drop=True)

    binary = config["task"] == "binary-classification"
    codec = LabelCodec.from_labels(train_rows[columns["target"]]) if binary else None
    y = codec.encode(train_rows[columns["target"]]) if binary else train_rows[columns["target"]].to_numpy("float32")
    roles = infer_roles(train_rows, data.test, config)
    folds = assign_folds(train_rows, y, config)
    metric = get_metric(config["metric"])
    setup = hardware.configure(config)

    import keras

    oof = {name: np.zeros(len(train_rows)) for name in MODELS}
    for k in range(config["cv"]["folds"]):
        keras.utils.set_random_seed(seed + k)
        fit_rows, valid = train_rows[folds != k], folds == k
        fold_dir = models_dir / f"fold{k}"
        fold_dir.mkdir(parents=True, exist_ok=True)

        preprocessor = neural_preprocessor(roles, config).fit(fit_rows)
        features = preprocessor.transform(fit_rows).astype("float32")
        model, scaler, history = fit_keras(features, y[folds != k], config, setup)
        model.save(fold_dir / "keras.keras")
        joblib.dump({"preprocessor": preprocessor, "target_scaler": scaler}, fold_dir / "preprocess.joblib")
        reference = build_reference(roles, config).fit(fit_rows, y[folds != k])
        joblib.dump(reference, fold_dir / "reference.joblib")

        # Out-of-fold predictions go through the same code as test predictions.
        for name, prediction in predict_fold(fold_dir, train_rows[valid], config).items():
            oof[name][valid] = prediction
        plot_learning_curve(
            history, output_dir / f"learning_curve_fold{k}.png", f"fold {k}: {len(history['loss'])} epochs"
        )
        log.info(
            "fold %d of %d  %s  keras %.5f  reference %.5f  blend %.5f",
            k,
            config["cv"]["folds"],
            metric.name,
            *(metric.score(y[valid], oof[name][valid]) for name in MODELS),
        )

    scores = summarise(metric, y, folds, oof)
    best = min(MODELS, key=lambda name: scores[name]["oof"] * (-1 if metric.greater_is_better else 1))
    report = {
        "metric": metric.name,
        "greater_is_better": metric.greater_is_better,
        "folds": config["cv"]["folds"],
        "cv_scheme": config["cv"]["scheme"],
        "rows": len(train_rows),
        "scores": scores,
        "submission_model": best,
        "classes": codec.classes if binary else None,
        "features": {"numeric": roles["numeric"], "categorical": roles["categorical"]},
        "dropped_columns": {c: reason for c, reason in roles["dropped"].items() if c in train_rows.columns},
        "hardware": {
            "settings": setup.hardware,
            "device": setup.device,
            "replicas": setup.replicas,
            "precision": setup.precision,
            "global_batch_size": setup.batch_size,
        },
    }
    (output_dir / "cv.json").write_text(json.dumps(report, indent=2))
    target_values = train_rows[columns["target"]]
    oof_table = pd.DataFrame(
        {
            columns["id"]: train_rows[columns["id"]],
            "fold": folds,
            "target": target_values,
            "prediction": oof[best],
            **{f"prediction_{name}": oof[name] for name in MODELS},
        }
    )
    oof_table.to_csv(output_dir / "oof.csv", index=False)
    oof_table[[columns["id"], "fold"]].to_csv(output_dir / "folds.csv", index=False)

    direction = "higher" if metric.greater_is_better else "lower"
    log.info("CV %s (%s is better), %d folds, out of fold:", metric.name, direction, config["cv"]["folds"])
    for name in MODELS:
        s = scores[name]
        log.info(
            "  %-9s %.5f  (folds %.5f ± %.5f)%s",
            name,
            s["oof"],
            s["mean"],
            s["std"],
            "  <- submitted" if name == best else "",
        )
    predict_test(config, data, output_dir)
    return report
