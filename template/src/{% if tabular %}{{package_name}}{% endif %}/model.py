"""The Keras network for tables: a learnt vector per category and per number (quantile-scaled), then an MLP.
Keras 3 only, so it runs on any backend (JAX on a CPU, TensorFlow on GPUs, JAX on TPUs).

The recipe follows what makes MLPs competitive on tables (Gorishniy et al. 2021, "Revisiting Deep Learning
Models for Tabular Data", and 2022, "On Embeddings for Numerical Features"; Holzmüller et al. 2024, "Better by
Default"): embeddings instead of wide one-hot columns, quantile-transformed numbers turned into vectors by
periodic embeddings, plain Dense + activation + Dropout blocks, AdamW with a warm-up then
cosine decay of the learning rate, and early stopping on a slice of the training fold that keeps the best epoch.
"""

from pathlib import Path

import joblib
import keras
import numpy as np

from .batches import ShuffledFullBatches, early_stopping_split, predict_rows, take, usable_batch_size, wrap_to_multiple
from .epochs import epoch_log
from .hardware import compile_for_training
from .preprocess import NeuralInputs
from .target import TargetScaler, multilabel

PREDICT_BATCH = 1024  # splits evenly over 1, 2, 4 or 8 devices
MIN_STEPS = 32  # small tables train in smaller batches, so that an epoch still takes this many steps


def embedding_size(categories: int) -> int:
    """fast.ai's rule of thumb: grows slowly with the number of categories, at most 16 numbers each."""
    return int(min(16, round(1.6 * categories**0.56)))


# Keras's default initialisers (Glorot-uniform kernels, uniform(-0.05, 0.05) embeddings), drawn by NumPy. On JAX,
# Keras draws them with JAX's generator, which XLA compiles once per weight shape (0.2 s each on a CPU): a second
# of every run's first fold went there. NumPy's generator is seeded by hardware.seed_everything like the rest.
def glorot_uniform(shape, dtype=None) -> np.ndarray:
    limit = np.sqrt(6 / (shape[0] + shape[-1]))  # fan in + fan out
    return np.random.uniform(-limit, limit, shape).astype("float32")


def small_uniform(shape, dtype=None) -> np.ndarray:
    return np.random.uniform(-0.05, 0.05, shape).astype("float32")


def loss_for(config: dict):
    """auto: cross-entropy for classes (binary cross-entropy per column for several 0/1 labels), else by metric
    (rmsle trains on log1p(target), so mse there too)."""
    loss = config["model"]["loss"]
    if loss == "auto":
        classes = {"binary-classification": "binary_crossentropy", "multiclass-classification": "crossentropy"}
        loss = classes.get(config["task"], "mae" if config["metric"] == "mae" else "mse")
    losses = {
        "mse": "mean_squared_error",
        "mae": "mean_absolute_error",
        "huber": keras.losses.Huber(),
        "binary_crossentropy": "binary_crossentropy",
        "crossentropy": "sparse_categorical_crossentropy",
    }
    return losses[loss]


def output_layer(config: dict, n_classes: int | None, class_shares: np.ndarray | None, n_targets: int = 1):
    """Sigmoid, softmax or linear (a linear output per target column, or a sigmoid per 0/1 label column for
    several). For classes and labels the bias starts at the log-odds of each one's share, so the first epoch does
    not spend itself learning the base rate. float32 keeps the loss stable under mixed precision."""
    if not n_classes and multilabel(n_classes, config["metric"]):
        shares = np.clip(np.full(n_targets, 0.5) if class_shares is None else class_shares, 1e-3, 1 - 1e-3)
        bias = keras.initializers.Constant(np.log(shares / (1 - shares)))
        return keras.layers.Dense(
            n_targets, "sigmoid", kernel_initializer=glorot_uniform, bias_initializer=bias, dtype="float32", name="p"
        )
    if not n_classes:
        return keras.layers.Dense(n_targets, kernel_initializer=glorot_uniform, dtype="float32", name="value")
    if class_shares is None:  # a network rebuilt to load trained weights
        class_shares = np.full(n_classes, 1 / n_classes)
    shares = np.clip(class_shares, 1e-3, 1 - 1e-3)
    if n_classes == 2:
        bias = keras.initializers.Constant(np.log(shares[1] / shares[0]))
        return keras.layers.Dense(
            1, "sigmoid", kernel_initializer=glorot_uniform, bias_initializer=bias, dtype="float32", name="p"
        )
    bias = keras.initializers.Constant(np.log(shares / shares.sum()))
    return keras.layers.Dense(
        n_classes, "softmax", kernel_initializer=glorot_uniform, bias_initializer=bias, dtype="float32", name="p"
    )


class PeriodicEmbedding(keras.layers.Layer):
    """Each number as a small learnt vector: the sines and cosines of it at learnt frequencies, through a ReLU
    layer of its own (PLR: Gorishniy et al. 2022, "On Embeddings for Numerical Features in Tabular Deep
    Learning"). An MLP given the bare number bends slowly around thresholds (carats, ages, prices) that trees
    split on; the waves let it bend sharply where the data asks."""

    def __init__(self, frequencies: int, scale: float, width: int, **kwargs):
        super().__init__(**kwargs)
        self.frequencies, self.scale, self.width = frequencies, scale, width

    def build(self, input_shape):
        columns = input_shape[-1]
        self.coefficients = self.add_weight((columns, self.frequencies), initializer=self.normal, name="frequencies")
        kernel = (columns, 2 * self.frequencies, self.width)
        self.kernel = self.add_weight(kernel, initializer=column_glorot_uniform, name="kernel")
        self.bias = self.add_weight((columns, self.width), initializer="zeros", name="bias")

    def normal(self, shape, dtype=None) -> np.ndarray:
        """Frequencies from N(0, scale): the inputs are roughly standard normal (NeuralInputs), so scale 1 gives
        waves of about one period over their range, and a few much shorter."""
        return np.random.normal(0, self.scale, shape).astype("float32")

    def call(self, numbers):
        angles = 2 * np.pi * keras.ops.expand_dims(numbers, -1) * self.coefficients  # (rows, columns, frequencies)
        waves = keras.ops.concatenate([keras.ops.cos(angles), keras.ops.sin(angles)], axis=-1)
        vectors = keras.ops.relu(keras.ops.einsum("rcf,cfw->rcw", waves, self.kernel) + self.bias)
        return keras.ops.reshape(vectors, (-1, numbers.shape[-1] * self.width))  # each column's vector in turn


def column_glorot_uniform(shape, dtype=None) -> np.ndarray:
    """Glorot-uniform for a stack of one kernel per column: (columns, inputs, outputs)."""
    return np.stack([glorot_uniform(shape[1:]) for _ in range(shape[0])])


def build_model(inputs: dict, cardinalities: list[int], config: dict, output) -> keras.Model:
    """Embeddings for the categorical codes, joined to the numbers, then Dense + SiLU + Dropout blocks.

    Every categorical column looks its codes up in one shared table, each column in its own block of rows
    (offsets, as rtdl's CategoricalFeatureTokenizer does): one variable instead of one per column, so XLA
    compiles a smaller training step. No BatchNorm: the inputs are already scaled, and without it each step
    is a quarter faster here at about the same score (bench/tabular.py)."""
    settings = config["model"]
    layers_in, parts = {}, []
    if "numeric" in inputs:
        layers_in["numeric"] = keras.Input((inputs["numeric"].shape[1],), name="numeric")
        numbers = layers_in["numeric"]
        if settings["numeric_embedding"]["frequencies"]:  # float32: float16 rounds an angle near 100 to a 16th
            numbers = PeriodicEmbedding(**settings["numeric_embedding"], dtype="float32")(numbers)
        parts.append(numbers)
    if "categorical" in inputs:
        layers_in["categorical"] = keras.Input((len(cardinalities),), dtype="int32", name="categorical")
        offsets = np.cumsum([0, *cardinalities[:-1]]).astype("int32")  # where each column's rows start
        width = embedding_size(max(cardinalities))
        table = keras.layers.Embedding(sum(cardinalities), width, embeddings_initializer=small_uniform)
        vectors = table(layers_in["categorical"] + offsets)
        parts.append(keras.layers.Flatten()(vectors))  # (rows, columns, width) -> (rows, columns * width)
    x = keras.layers.Concatenate()(parts) if len(parts) > 1 else parts[0]
    for units in settings["hidden_units"]:
        x = keras.layers.Dense(units, activation="silu", kernel_initializer=glorot_uniform)(x)
        x = keras.layers.Dropout(settings["dropout"])(x)
    return keras.Model(layers_in, output(x))


def learning_rate_schedule(peak: float, steps: int, config: dict):
    """A linear warm-up to the peak rate, then cosine decay to 1% of it by the last epoch."""
    warmup = int(steps * config["training"]["warmup_share"])
    return keras.optimizers.schedules.CosineDecay(
        peak / 100, decay_steps=steps - warmup, alpha=0.01, warmup_target=peak, warmup_steps=warmup
    )


class KerasNetwork:
    """The network, fit per fold on that fold's training rows; its files go into the fold's folder."""

    name = "keras"
    outputs = ["keras"]  # the predictions it returns

    def __init__(self, config: dict, roles: dict, setup, n_classes: int | None, n_targets: int = 1):
        self.config, self.roles, self.setup, self.n_classes = config, roles, setup, n_classes
        self.n_targets = n_targets  # without classes: how many target columns (values, or 0/1 labels)
        self.labels = multilabel(n_classes, config["metric"])  # several 0/1 label columns
        self.networks = {}  # fold folder -> its network built in this run, so prediction does not build it again

    def fit(self, rows, y: np.ndarray, fold_dir: Path) -> dict:
        """Train on the training fold; early stopping watches a 10% slice of it, never the validation fold."""
        config, setup, training = self.config, self.setup, self.config["training"]
        preprocessor = NeuralInputs(self.roles, config).fit(rows)
        inputs = preprocessor.transform(rows)
        classes = y if self.n_classes else None
        fit_rows, stop_rows = early_stopping_split(np.arange(len(y)), classes, config["cv"]["seed"])
        x_fit, x_stop = take(inputs, fit_rows), take(inputs, stop_rows)
        y_fit, y_stop = y[fit_rows].astype("float32"), y[stop_rows].astype("float32")
        scaler = None if self.n_classes or self.labels else TargetScaler(log=config["metric"] == "rmsle").fit(y_fit)
        if scaler:
            y_fit, y_stop = scaler.transform(y_fit), scaler.transform(y_stop)
        batch = min(setup.batch_size, max(len(y_fit) // MIN_STEPS, 16))
        batch = usable_batch_size(batch, len(y_fit), setup.replicas)
        stop_batch = usable_batch_size(setup.batch_size, len(y_stop), setup.replicas)
        batches = ShuffledFullBatches(x_fit, y_fit, batch, seed=config["cv"]["seed"], workers=setup.workers)
        epochs = max(training["epochs"], -(-training["min_steps"] // len(batches)))  # small tables: more epochs
        if self.n_classes:
            shares = np.bincount(y_fit.astype("int64"), minlength=self.n_classes) / len(y_fit)
        else:  # each label's share (values: unused)
            shares = y_fit.reshape(len(y_fit), -1).mean(axis=0) if self.labels else None
        with setup.scope():
            output = output_layer(config, self.n_classes, shares, self.n_targets)
            model = build_model(inputs, preprocessor.cardinalities, config, output)
            schedule = learning_rate_schedule(setup.learning_rate, epochs * len(batches), config)
            optimizer = keras.optimizers.AdamW(schedule, weight_decay=training["weight_decay"])
            compile_for_training(model, optimizer, loss_for(config))
        patience = training["early_stopping_patience"]
        stopping = keras.callbacks.EarlyStopping(patience=patience, restore_best_weights=True)
        history = model.fit(
            batches,
            validation_data=(wrap_to_multiple(x_stop, stop_batch), wrap_to_multiple(y_stop, stop_batch)),
            validation_batch_size=stop_batch,
            epochs=epochs,
            callbacks=[stopping, *epoch_log(self.name, epochs, training["verbose"])],
            verbose=training["verbose"],
        )
        # Weights only: prediction rebuilds the network from config.yaml and the fold's preprocessor. (Saving
        # a whole model makes Keras import TensorFlow, 2 s, even on JAX.) The weights load on any device count.
        model.save_weights(fold_dir / "keras.weights.h5")
        self.networks[fold_dir] = model
        joblib.dump({"preprocessor": preprocessor, "target_scaler": scaler}, fold_dir / "preprocess.joblib")
        return history.history

    def predict(self, rows, fold_dir: Path) -> dict[str, np.ndarray]:
        """Values for regression (a row of them for several target columns); the second class's probability, one
        probability per class, or one per 0/1 label column."""
        parts = joblib.load(fold_dir / "preprocess.joblib")
        inputs = parts["preprocessor"].transform(rows)
        if fold_dir not in self.networks:
            output = output_layer(self.config, self.n_classes, None, self.n_targets)
            self.networks[fold_dir] = build_model(inputs, parts["preprocessor"].cardinalities, self.config, output)
        model = self.networks[fold_dir]
        model.load_weights(fold_dir / "keras.weights.h5")  # always the saved weights, as a later predict reads them
        prediction = predict_rows(model, inputs, PREDICT_BATCH)
        if parts["target_scaler"]:
            prediction = parts["target_scaler"].inverse(prediction)
        if self.config["metric"] == "rmsle":  # log error is undefined below zero
            prediction = np.clip(prediction, 0, None)
        return {self.name: prediction}
