"""The Keras baseline: Dense + BatchNorm + Dropout blocks. Keras 3 only, so it runs on any backend."""

import keras
import numpy as np

LOSSES = {"mse": "mean_squared_error", "mae": "mean_absolute_error", "binary_crossentropy": "binary_crossentropy"}


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
