"""The Keras network for tables: Dense + BatchNorm + Dropout blocks. Keras 3 only, so it runs on any backend."""

from pathlib import Path

import joblib
import keras
import numpy as np
from sklearn.model_selection import train_test_split

from .batches import ShuffledFullBatches, predict_rows, usable_batch_size, wrap_to_multiple
from .preprocess import neural_preprocessor
from .target import TargetScaler

LOSSES = {"mse": "mean_squared_error", "mae": "mean_absolute_error", "binary_crossentropy": "binary_crossentropy"}
PREDICT_BATCH = 1024  # splits evenly over 1, 2, 4 or 8 devices


def loss_for(config: dict):
    loss = config["model"]["loss"]
    if loss == "auto":
        if config["task"] == "binary-classification":
            loss = "binary_crossentropy"
        else:  # rmsle trains on log1p(target), so mse there too
            loss = "mae" if config["metric"] == "mae" else "mse"
    return keras.losses.Huber() if loss == "huber" else LOSSES[loss]


def build_model(n_features: int, config: dict, learning_rate: float, positive_share: float | None = None):
    """A multilayer perceptron; for binary tasks the output bias starts at the base rate's log-odds."""
    inputs = keras.Input(shape=(n_features,))
    x = inputs
    for units in config["model"]["hidden_units"]:
        x = keras.layers.Dense(units, use_bias=False)(x)  # BatchNorm supplies the shift
        x = keras.layers.BatchNormalization()(x)
        x = keras.layers.Activation("relu")(x)
        x = keras.layers.Dropout(config["model"]["dropout"])(x)
    if config["task"] == "binary-classification":
        share = float(np.clip(positive_share, 1e-3, 1 - 1e-3))
        bias = keras.initializers.Constant(np.log(share / (1 - share)))
        # float32 output keeps the loss numerically stable under mixed precision.
        outputs = keras.layers.Dense(1, activation="sigmoid", bias_initializer=bias, dtype="float32")(x)
    else:
        outputs = keras.layers.Dense(1, dtype="float32")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=loss_for(config))
    return model


class KerasNetwork:
    """The network, fit per fold on that fold's training rows; its files go into the fold's folder."""

    name = "keras"
    outputs = ["keras"]  # the predictions it returns

    def __init__(self, config: dict, roles: dict, setup):
        self.config, self.roles, self.setup = config, roles, setup

    def fit(self, rows, y: np.ndarray, fold_dir: Path) -> dict:
        """Train on the training fold; early stopping watches a 10% slice of it, never the validation fold."""
        config, setup = self.config, self.setup
        preprocessor = neural_preprocessor(self.roles, config).fit(rows)
        features = preprocessor.transform(rows).astype("float32")
        binary = config["task"] == "binary-classification"
        y = y.astype("float32")
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
        model.save(fold_dir / "keras.keras")
        joblib.dump({"preprocessor": preprocessor, "target_scaler": scaler}, fold_dir / "preprocess.joblib")
        return history.history

    def predict(self, rows, fold_dir: Path) -> dict[str, np.ndarray]:
        """Values for regression, the second class's probability for binary tasks."""
        parts = joblib.load(fold_dir / "preprocess.joblib")
        features = parts["preprocessor"].transform(rows).astype("float32")
        model = keras.models.load_model(fold_dir / "keras.keras")
        prediction = predict_rows(model, features, PREDICT_BATCH)
        if parts["target_scaler"]:
            prediction = parts["target_scaler"].inverse(prediction)
        if self.config["metric"] == "rmsle":  # log error is undefined below zero
            prediction = np.clip(prediction, 0, None)
        return {self.name: prediction}
