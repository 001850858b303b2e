"""The text network trained from scratch: words to ids (a vocabulary learnt on the training fold only), an
embedding, then a small convolutional network (n-gram detectors, strongest match anywhere in the text) or a
bidirectional GRU; the metadata columns, through a small dense layer, join before the head (a softmax over the
classes, a value or a sigmoid per target column). The vocabulary is applied outside the network, so the network
takes plain integer arrays and runs on every backend, TPUs included.

train_network is the Keras training both text networks share (transformer.py fine-tunes with it too).
"""

import json
import logging
from pathlib import Path

import keras
import numpy as np

from .batches import ShuffledFullBatches, early_stopping_split, predict_rows, take, usable_batch_size, wrap_to_multiple
from .config import ProjectError
from .epochs import epoch_log
from .extras import Extras
from .hardware import compile_for_training
from .head import Head
from .text import Columns, joined_texts

log = logging.getLogger(__name__)
ARCHITECTURES = ("cnn", "bigru")


def scratch_kind(config: dict) -> str:
    """model.scratch with auto resolved: none beside a sentence encoder (model.encoder), else cnn. On the critics'
    reviews the cnn beside MiniLM doubled the run (176 s -> 352 s) for 0.1 point of held-out accuracy, within its
    noise (0.8186 -> 0.8195)."""
    kind = config["model"]["scratch"]
    if kind == "auto":
        return "none" if config["model"]["encoder"] not in (None, "none") else "cnn"
    return kind


def vectorizer(config: dict, max_length: int, vocabulary: list | None = None) -> keras.layers.TextVectorization:
    """Text -> word ids, padded or cut to max_length; 0 pads, 1 is a word outside the vocabulary."""
    standardize = "lower_and_strip_punctuation" if config["text"]["lowercase"] else "strip_punctuation"
    return keras.layers.TextVectorization(
        max_tokens=config["model"]["max_tokens"] if vocabulary is None else None,
        standardize=standardize,
        output_sequence_length=max_length,
        vocabulary=vocabulary,
    )


def token_ids(layer: keras.layers.TextVectorization, texts: np.ndarray) -> np.ndarray:
    return np.asarray(keras.ops.convert_to_numpy(layer(texts)), dtype="int32")


def sequence_length(texts: np.ndarray, config: dict) -> int:
    """model.max_length, or with auto the 95th percentile of words per text (8 to 256): padding costs time."""
    setting = config["model"]["max_length"]
    if setting != "auto":
        return int(setting)
    words = [len(str(text).split()) for text in texts]
    return int(np.clip(np.percentile(words, 95), 8, 256))


def build_network(config: dict, vocabulary_size: int, max_length: int, n_extras: int, head: Head) -> keras.Model:
    settings = config["model"]
    kind = scratch_kind(config)
    tokens = keras.Input((max_length,), dtype="int32", name="tokens")
    x = keras.layers.Embedding(vocabulary_size, settings["embedding_dim"], mask_zero=kind == "bigru")(tokens)
    x = keras.layers.SpatialDropout1D(settings["dropout"])(x)  # drops whole embedding channels
    if kind == "cnn":
        # Detectors of 2, 3 and 4 word phrases; each keeps its strongest match anywhere in the text.
        x = keras.layers.Concatenate()(
            [
                keras.layers.GlobalMaxPooling1D()(keras.layers.Conv1D(128, width, activation="relu")(x))
                for width in (2, 3, 4)
            ]
        )
    else:
        x = keras.layers.Bidirectional(keras.layers.GRU(64))(x)  # padding masked out
    inputs = [tokens]
    if n_extras:  # the metadata through a small dense layer of its own, joined with the text's features
        extras = keras.Input((n_extras,), name="extras")
        metadata = keras.layers.Dense(settings["metadata_units"], activation="relu", name="metadata")(extras)
        x = keras.layers.Concatenate(name="join")([x, metadata])
        inputs.append(extras)
    x = keras.layers.Dropout(settings["dropout"])(x)
    return keras.Model(inputs, head.layer()(x), name=kind)


def train_network(network, x, y: np.ndarray, loss: str, setup, optimizer, settings: dict, seed: int, classes=None):
    """Fit on shuffled full batches of y (one-hot classes, scaled values or 0/1 labels, a row per text); early
    stopping watches a 10% slice of the training fold (never the validation fold; stratified by `classes`, the
    class indices, where there are classes) and keeps the best epoch's weights; a log line per epoch (epochs.py).
    Returns the loss history for the learning curve."""
    fit_rows, stop_rows = early_stopping_split(np.arange(len(y)), classes, seed)
    batch = usable_batch_size(setup.batch_size, len(fit_rows), setup.replicas)
    batches = ShuffledFullBatches(take(x, fit_rows), y[fit_rows], batch, seed, setup.workers)
    stop = (wrap_to_multiple(take(x, stop_rows), batch), wrap_to_multiple(y[stop_rows], batch))
    compile_for_training(network, optimizer, loss)
    callbacks = [keras.callbacks.EarlyStopping(patience=settings["early_stopping_patience"], restore_best_weights=True)]
    verbose = settings.get("verbose", 0)
    callbacks += epoch_log(network.name, settings["epochs"], verbose)
    history = network.fit(
        batches,
        validation_data=stop,
        validation_batch_size=batch,
        epochs=settings["epochs"],
        callbacks=callbacks,
        verbose=verbose,
    )
    return history.history


def with_extras(inputs: dict, extras: np.ndarray | None) -> dict:
    """The network's inputs by name, the extra columns among them when there are any."""
    return inputs | ({"extras": extras} if extras is not None else {})


class ScratchNetwork:
    """The from-scratch network, fit per fold; vocabulary, extras encoder and network go into the fold's folder."""

    def __init__(self, config: dict, columns: Columns, setup, n_classes: int | None, n_targets: int = 1):
        self.config, self.columns, self.setup = config, columns, setup
        self.head = Head(n_classes, config["metric"], columns=n_targets)  # n_targets: target columns or labels
        self.name = scratch_kind(config)
        if self.name not in ARCHITECTURES:
            raise ProjectError(f"model.scratch '{self.name}' is unknown: use auto, {', '.join(ARCHITECTURES)} or none")
        self.outputs = [self.name]
        self.extras = Extras(columns)

    def fit(self, rows, y: np.ndarray, fold_dir: Path) -> dict:
        config = self.config
        texts = joined_texts(rows, self.columns, config)
        max_length = sequence_length(texts, config)
        layer = vectorizer(config, max_length)
        layer.adapt(texts)  # the training fold's words only
        vocabulary = layer.get_vocabulary()
        (fold_dir / "vocabulary.json").write_text(json.dumps({"max_length": max_length, "words": vocabulary}))
        x = with_extras({"tokens": token_ids(layer, texts)}, self.extras.fit(rows, fold_dir))
        n_extras = x["extras"].shape[1] if "extras" in x else 0
        with self.setup.scope():  # variables, the optimizer's too, on every device
            network = build_network(config, len(vocabulary), max_length, n_extras, self.head)
            optimizer = keras.optimizers.Adam(self.setup.learning_rate)
            targets, loss, seed = self.head.targets(y, fold_dir), self.head.loss(), config["cv"]["seed"]
            classes = y if self.head.n_classes else None
            history = train_network(network, x, targets, loss, self.setup, optimizer, config["training"], seed, classes)
        network.save(fold_dir / f"{self.name}.keras")
        return history

    def predict(self, rows, fold_dir: Path) -> dict[str, np.ndarray]:
        """Class probabilities (the second class's alone for two classes), or values."""
        saved = json.loads((fold_dir / "vocabulary.json").read_text())
        layer = vectorizer(self.config, saved["max_length"], saved["words"])
        texts = joined_texts(rows, self.columns, self.config)
        x = with_extras({"tokens": token_ids(layer, texts)}, self.extras.transform(rows, fold_dir))
        network = keras.models.load_model(fold_dir / f"{self.name}.keras")
        batch = usable_batch_size(self.setup.batch_size, max(len(rows), self.setup.replicas), self.setup.replicas)
        return {self.name: self.head.predictions(predict_rows(network, x, batch), fold_dir)}
