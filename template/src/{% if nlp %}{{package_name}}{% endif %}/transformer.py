"""A pretrained transformer from keras-hub, fine-tuned per fold: its own tokenizer, its backbone, the first
token's vector (plus the extra columns) into the head (head.py: classes or a value). AdamW with a small
learning rate, a linear warm-up and cosine decay, as transformers are fine-tuned.

A run whose weights cannot be had stops, never falling back to random weights: `model.pretrained: true` reads the
preset from its Kaggle Model (attached to the kernel, or downloaded where there is internet), a path reads a
preset folder saved by keras-hub (`save_to_preset`), and `false` trains no transformer.
"""

import logging
from pathlib import Path

import keras
import numpy as np

from .batches import fitted_rows, predict_rows, usable_batch_size
from .config import ProjectError
from .extras import Extras
from .head import Head
from .model import train_network, with_extras
from .presets import kaggle_handle
from .text import Columns, joined_texts

log = logging.getLogger(__name__)


def from_preset(kind: str, source: str, **options):
    """keras_hub.models.<kind>.from_preset, with one line on what to do when the weights cannot be read."""
    import keras_hub

    try:
        return getattr(keras_hub.models, kind).from_preset(source, **options)
    except Exception as error:  # no internet: requests' ConnectionError (an OSError), or kagglehub's own errors
        if not isinstance(error, OSError) and "kagglehub" not in type(error).__module__:
            raise
        handle = kaggle_handle(source) or f"the Kaggle Model of {source}"
        raise ProjectError(
            f"{source} could not be read ({type(error).__name__}): attach the Kaggle Model {handle} to the kernel"
            " (kaggle.model_sources in config.yaml; `push` adds it), or set model.pretrained to a local preset"
            " folder, or model.pretrained: false"
        ) from None


def build_network(backbone, head: Head, n_extras: int, dropout: float, metadata_units: int = 32) -> keras.Model:
    inputs = {name: keras.Input((None,), dtype="int32", name=name) for name in backbone.input}
    sequence = backbone(inputs)
    if isinstance(sequence, dict):  # BERT-style backbones also return a pooled output
        sequence = sequence["sequence_output"]
    x = keras.layers.Dropout(dropout)(sequence[:, 0, :])  # the first token ([CLS]) sums up the text
    if n_extras:  # the metadata through a small dense layer of its own, joined with the [CLS] features
        extras = keras.Input((n_extras,), name="extras")
        inputs["extras"] = extras
        metadata = keras.layers.Dense(metadata_units, activation="relu", name="metadata")(extras)
        x = keras.layers.Concatenate(name="join")([x, metadata])
    return keras.Model(inputs, head.layer()(x), name="transformer")


def optimizer(settings: dict, learning_rate: float, steps: int) -> keras.optimizers.Optimizer:
    """AdamW: linear warm-up from 0 over warmup_share of the steps, then cosine decay; no decay of biases and
    LayerNorm scales."""
    warmup = int(settings["warmup_share"] * steps)
    schedule = keras.optimizers.schedules.CosineDecay(
        0.0, decay_steps=max(steps - warmup, 1), warmup_target=learning_rate, warmup_steps=warmup
    )
    adamw = keras.optimizers.AdamW(schedule, weight_decay=settings["weight_decay"])
    adamw.exclude_from_weight_decay(var_names=["bias", "gamma", "beta"])
    return adamw


class Transformer:
    """The fine-tuned transformer; each fold's network is saved whole (backbone included) in the fold's folder."""

    name = "transformer"
    outputs = ["transformer"]

    def __init__(self, config: dict, columns: Columns, setup, n_classes: int | None, source: str, n_targets: int = 1):
        self.config, self.columns, self.setup, self.source = config, columns, setup, source
        self.head = Head(n_classes, config["metric"], columns=n_targets)  # n_targets: target columns or labels
        self.extras = Extras(columns)
        self.max_length = config["transformer"]["max_length"]
        if setup is not None and setup.device == "cpu":
            log.warning(
                "transformer: fine-tuning %s on a CPU is slow (DistilBERT-base: a few texts a second); the hardware"
                " answer gpu or tpu, or model.pretrained: false for the fast models",
                source,
            )
        # The tokenizer now: weights that cannot be read stop the run before any training.
        self.preprocessor = from_preset("TextClassifierPreprocessor", source)
        # transformer.max_length, but never longer than the preset's own (its position embeddings end there)
        self.preprocessor.sequence_length = min(self.max_length, self.preprocessor.sequence_length)

    def token_inputs(self, rows) -> dict:
        """The preset's tokenizer on the raw (or, with text.clean_for_transformer, cleaned) texts."""
        texts = joined_texts(rows, self.columns, self.config, cleaned=self.config["text"]["clean_for_transformer"])
        # int32 throughout: the padding mask comes as booleans, which MirroredStrategy cannot split
        return {name: np.asarray(values, dtype="int32") for name, values in self.preprocessor(texts).items()}

    def fit(self, rows, y: np.ndarray, fold_dir: Path) -> dict:
        settings, setup = self.config["transformer"], self.setup
        x = with_extras(self.token_inputs(rows), self.extras.fit(rows, fold_dir))
        batch = usable_batch_size(setup.batch_size, fitted_rows(len(rows)), setup.replicas)  # as train_network's
        steps = fitted_rows(len(rows)) // batch * settings["epochs"]  # so the cosine ends with the last epoch
        learning_rate = settings["learning_rate"] * setup.replicas  # scaled with the global batch, as for the others
        with setup.scope():
            backbone = from_preset("Backbone", self.source)
            n_extras, units = x["extras"].shape[1] if "extras" in x else 0, self.config["model"]["metadata_units"]
            network = build_network(backbone, self.head, n_extras, 0.1, units)
            tuned = optimizer(settings, learning_rate, steps)
            targets, seed = self.head.targets(y, fold_dir), self.config["cv"]["seed"]
            classes = y if self.head.n_classes else None
            history = train_network(network, x, targets, self.head.loss(), setup, tuned, settings, seed, classes)
        network.save(fold_dir / "transformer.keras")
        return history

    def predict(self, rows, fold_dir: Path) -> dict[str, np.ndarray]:
        import keras_hub  # noqa: F401  registers the backbone classes the saved network names

        x = with_extras(self.token_inputs(rows), self.extras.transform(rows, fold_dir))
        network = keras.models.load_model(fold_dir / "transformer.keras")
        batch = usable_batch_size(self.setup.batch_size, max(len(rows), self.setup.replicas), self.setup.replicas)
        return {self.name: self.head.predictions(predict_rows(network, x, batch), fold_dir)}
