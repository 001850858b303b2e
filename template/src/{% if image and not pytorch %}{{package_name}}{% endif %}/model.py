"""The image network: augmentation layers, a feature extractor, then pooling, dropout and the head (head.py: a
softmax over the classes, or one value). Extra columns beside the images (the metadata) pass through a small
dense layer and join the pooled image features before the head: a second input, in Keras's functional API.

The feature extractor is a keras.applications backbone (transfer learning in two phases: the head alone on a
frozen backbone, then everything at a lower learning rate, BatchNorm kept in inference mode), or a small CNN
trained from scratch, which is strong on small images and needs no weights.
"""

import logging
from pathlib import Path

import keras
import numpy as np

from .augment import augmentation, batch_mixing, compilable_on_jax, tta_views
from .batches import early_stopping_split, small_set_batch_size, usable_batch_size
from .config import ProjectError
from .epochs import epoch_log
from .extras import Extras
from .fold_network import FoldNetwork
from .hardware import compile_for_training
from .head import Head
from .pipeline import ImageSpec, padded_batches, predict_images, training_batches
from .target import target_names
from .weights import SMALL_CNN, starting_weights

log = logging.getLogger(__name__)
# name: (keras.applications constructor, input scaling it expects beyond its own, size it was trained at)
BACKBONES = {
    "efficientnetb0": ("EfficientNetB0", None, 224),  # these rescale [0, 255] inside
    "efficientnetb3": ("EfficientNetB3", None, 300),
    "efficientnetv2b0": ("EfficientNetV2B0", None, 224),
    "efficientnetv2s": ("EfficientNetV2S", None, 384),
    "convnexttiny": ("ConvNeXtTiny", None, 224),
    "mobilenetv3small": ("MobileNetV3Small", None, 224),
    "resnet50v2": ("ResNet50V2", "minus_one_to_one", 224),
}


def backbone_name(config: dict) -> str:
    """`auto`: an ImageNet backbone when pretrained weights are wanted, else the small CNN."""
    name = str(config["model"]["backbone"]).lower()
    if name == "auto":
        return SMALL_CNN if config["model"]["pretrained"] is False else "efficientnetb0"
    if name != SMALL_CNN and name not in BACKBONES:
        raise ProjectError(
            f"model.backbone '{name}' is unknown: use auto, {SMALL_CNN} or one of {', '.join(BACKBONES)}"
        )
    return name


def default_size(backbone: str) -> int:
    """The image side the backbone was trained at."""
    return BACKBONES[backbone][2]


def small_cnn(spec: ImageSpec, config: dict) -> keras.Model:
    """Residual blocks, each halving the image: two 3x3 conv + BatchNorm layers whose output is added to the
    block's input (a 1x1 conv matches its channels), so that gradients also flow around them. Enough for digits,
    letters and small photos (bench/images.py: 98.9% on 4,000 MNIST digits, in 7 minutes on 2 cores)."""
    inputs = keras.Input((*spec.size, spec.channels))
    x = keras.layers.Rescaling(1 / 255)(inputs)
    for filters in config["model"]["cnn_filters"]:
        shortcut = x if x.shape[-1] == filters else keras.layers.Conv2D(filters, 1, use_bias=False)(x)
        for step in range(2):
            x = keras.layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)  # BatchNorm supplies the shift
            # momentum 0.9: the statistics used in inference settle within tens of steps, not hundreds
            x = keras.layers.BatchNormalization(momentum=0.9)(x)
            if step == 0:
                x = keras.layers.Activation("relu")(x)
        x = keras.layers.Activation("relu")(keras.layers.Add()([x, shortcut]))
        x = keras.layers.MaxPooling2D(padding="same")(x)  # "same": odd and tiny sizes still halve
    return keras.Model(inputs, x, name="features")


def pretrained_features(backbone: str, spec: ImageSpec, weights: str | None) -> keras.Model:
    constructor, scaling, _ = BACKBONES[backbone]
    if spec.channels != 3:
        raise ProjectError(f"{backbone} needs 3 channels: set images.channels: 3 (or auto) in config.yaml")
    make = getattr(keras.applications, constructor)
    try:
        base = make(
            include_top=False, weights="imagenet" if weights == "imagenet" else None, input_shape=(*spec.size, 3)
        )
    except Exception as error:  # Keras raises a bare Exception("URL fetch failure ...") without internet
        if "fetch" not in str(error).lower():
            raise
        raise ProjectError(
            f"ImageNet weights for {backbone} could not be downloaded (no internet?): attach them to the kernel as a"
            " Kaggle dataset or model and set model.pretrained to the .h5 file's path, or set model.pretrained: false"
        ) from None
    if weights not in (None, "imagenet"):
        base.load_weights(weights)
        log.info("%s: weights loaded from %s", backbone, weights)
    inputs = keras.Input((*spec.size, 3))
    x = keras.layers.Rescaling(1 / 127.5, offset=-1)(inputs) if scaling == "minus_one_to_one" else inputs
    return keras.Model(inputs, base(x), name="features")


def build_network(spec: ImageSpec, head: Head, config: dict, n_extras: int = 0) -> tuple[keras.Model, keras.Model]:
    """(network, its feature extractor). The augmentation layers act only in training. With n_extras, the network
    takes {"image", "extras"}: the extra columns' dense layer joins the pooled image features before the head."""
    backbone = backbone_name(config)
    weights = starting_weights(config, backbone, "imagenet")
    inputs = keras.Input((*spec.size, spec.channels), name="image")
    x = augmentation(config)(inputs)
    if backbone == SMALL_CNN:
        features = small_cnn(spec, config)
        x = features(x)
    else:
        features = pretrained_features(backbone, spec, weights)
        x = features(x)
    x = keras.layers.GlobalAveragePooling2D(name="pool")(x)
    x = keras.layers.Dropout(config["model"]["dropout"], name="dropout")(x)
    if n_extras:
        extras = keras.Input((n_extras,), name="extras")
        metadata = keras.layers.Dense(config["model"]["metadata_units"], activation="relu", name="metadata")(extras)
        x = keras.layers.Concatenate(name="join")([x, metadata])
        inputs = {"image": inputs, "extras": extras}
    return keras.Model(inputs, head.layer()(x), name="network"), features


def one_cycle(learning_rate: float, total_steps: int, warmup_share: float):
    """A linear warm-up from a 25th of `learning_rate` to it over `warmup_share` of the steps, then a cosine decay
    to zero: one cycle, whose last epochs, at small rates, settle the weights."""
    warmup = min(int(warmup_share * total_steps), max(total_steps - 1, 0))
    return keras.optimizers.schedules.CosineDecay(
        learning_rate / 25,
        decay_steps=max(total_steps - warmup, 1),
        warmup_target=learning_rate,
        warmup_steps=warmup,
    )


def compile_network(network: keras.Model, learning_rate: float, epochs: int, steps: int, config: dict, loss) -> None:
    """AdamW (decoupled weight decay) on one learning-rate cycle over the epochs, on the head's loss."""
    training = config["training"]
    schedule = one_cycle(learning_rate, epochs * steps, training["warmup_share"])
    compile_for_training(network, keras.optimizers.AdamW(schedule, weight_decay=training["weight_decay"]), loss)


def batch_norms(model: keras.Model):
    """Every BatchNormalization layer of a model, those of the models nested in it included."""
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            yield layer
        elif isinstance(layer, keras.Model):
            yield from batch_norms(layer)


def train_head(network, features, batches, stop, epochs: int, steps: int, learning_rate: float, config: dict, loss):
    """Phase one of transfer learning: the backbone frozen, only the new head learns."""
    features.trainable = False
    compile_network(network, learning_rate, epochs, steps, config, loss)
    verbose = config["training"]["verbose"]
    progress = epoch_log(f"{network.name} (head only)", epochs, verbose)
    history = network.fit(
        batches, validation_data=stop, epochs=epochs, callbacks=progress, shuffle=False, verbose=verbose
    )
    return history.history


def fine_tune(network, features, batches, stop, epochs: int, steps: int, learning_rate: float, config: dict, loss):
    """Phase two of transfer learning: every layer learns; early stopping keeps the best epoch. The pretrained
    backbone's BatchNorm layers stay frozen, in inference mode: their statistics stay ImageNet's (the
    training=False of a call inside a functional model gives way to fit's training=True in Keras 3)."""
    features.trainable = True
    for layer in batch_norms(features):
        layer.trainable = False
    compile_network(network, learning_rate, epochs, steps, config, loss)
    return fit_with_early_stopping(network, batches, stop, epochs, config)


def fit_with_early_stopping(network, batches, stop, epochs: int, config: dict) -> dict:
    """Fit a compiled network; early stopping keeps the best epoch's weights."""
    patience = config["training"]["early_stopping_patience"]
    start = config["training"]["early_stopping_start"]
    stopping = keras.callbacks.EarlyStopping(patience=patience, restore_best_weights=True, start_from_epoch=start)
    verbose = config["training"]["verbose"]
    callbacks = [stopping, *epoch_log(network.name, epochs, verbose)]
    # The batches come shuffled: fit must not try.
    history = network.fit(
        batches, validation_data=stop, epochs=epochs, callbacks=callbacks, shuffle=False, verbose=verbose
    )
    return history.history


class CompiledNetwork:
    """One compiled network for every fold of a run that trains from scratch in one phase, on TensorFlow. There a
    network's training and validation steps are traced into graphs at its first fit: about 3 s of a small CNN's
    fold on a CPU, more for a larger network or several GPUs. A fold of the same length (its steps are in the
    learning-rate schedule) reuses the network compiled for an earlier one: it takes the fold's freshly built
    network's state (weights, BatchNorm statistics, the augmentation's random seeds) and the optimizer's starting
    state, so that it trains exactly as that fresh network would have: no fold starts from another's weights.
    On JAX each fold compiles its own: Keras on JAX gains little from this (about 0.5 s a fold here), and a reused
    network's random layers there do not repeat a fresh network's, though they start from the same state."""

    def __init__(self):
        self.steps, self.network, self.optimizer_start = None, None, None

    def for_fold(self, fresh: keras.Model, epochs: int, steps: int, learning_rate: float, config: dict, loss):
        reusable = self.network is not None and keras.backend.backend() == "tensorflow"
        if reusable and self.steps == (epochs, steps):
            for variable, value in zip(self.network.variables, fresh.variables, strict=True):
                variable.assign(value)
            for variable, value in zip(self.network.optimizer.variables, self.optimizer_start, strict=True):
                variable.assign(value)
            return self.network
        compile_network(fresh, learning_rate, epochs, steps, config, loss)
        self.steps, self.network = (epochs, steps), fresh
        self.optimizer_start = [keras.ops.convert_to_numpy(variable) for variable in fresh.optimizer.variables]
        return fresh


def cache_place(setting: str, images: int, spec: ImageSpec, fold_dir: Path) -> str | Path | None:
    """Where a fold keeps its decoded training images (images.cache): "memory", this fold's cache file on disk,
    or None; auto: memory when they take under 2 GB as float32 pixels, else None (read anew each epoch)."""
    if setting == "auto":
        setting = "memory" if images * spec.size[0] * spec.size[1] * spec.channels * 4 < 2**31 else "none"
    return {"memory": "memory", "disk": fold_dir / "cache", "none": None}[setting]


class ImageNetwork:
    """The network, fit per fold on that fold's training images; its file goes into the fold's folder."""

    def __init__(
        self, config: dict, images, setup, n_classes: int | None, spec: ImageSpec, columns=None, n_targets: int = 1
    ):
        self.config, self.images, self.setup, self.spec = config, images, setup, spec
        # n_targets: how many target columns or labels, without classes
        self.head = Head(n_classes, config["metric"], config["model"]["label_smoothing"], columns=n_targets)
        self.extras = Extras(columns) if columns is not None and columns.extras else None  # the metadata
        if self.extras and batch_mixing(config) is not None:
            raise ProjectError(
                "MixUp and CutMix mix images and targets but not the metadata beside them: set augment.mixup and"
                " augment.cutmix to 0, or columns.metadata: none in config.yaml"
            )
        self.name = backbone_name(config)
        self.views = tta_views(config)
        self.outputs = [self.name] + ([f"{self.name}_tta"] if self.views else [])  # the predictions it returns
        self.compiled = CompiledNetwork()

    def fit(self, rows, y: np.ndarray, fold_dir: Path) -> dict:
        """Train on the training fold; early stopping watches a 10% slice of it, never the validation fold."""
        config, setup, training = self.config, self.setup, self.config["training"]
        classes = y if self.head.n_classes else None  # stratified for classes
        fit_rows, stop_rows = early_stopping_split(np.arange(len(rows)), classes, config["cv"]["seed"])
        batch = small_set_batch_size(setup.batch_size, len(fit_rows))  # small sets: more, smaller steps
        batch = usable_batch_size(batch, len(fit_rows), setup.replicas)
        cache = cache_place(config["images"]["cache"], len(fit_rows), self.spec, fold_dir)
        targets, loss = self.head.targets(y, fold_dir), self.head.loss()  # a row per image: one-hot, or a value
        extras = self.extras.fit(rows, fold_dir) if self.extras else None  # encoded on the training fold alone
        fit_extras, stop_extras = (extras[fit_rows], extras[stop_rows]) if extras is not None else (None, None)
        batches = training_batches(
            rows.iloc[fit_rows],
            targets[fit_rows],
            self.images,
            self.spec,
            batch,
            config["cv"]["seed"],
            batch_mixing(config),
            cache,
            fit_extras,
        )
        stop = padded_batches(
            rows.iloc[stop_rows], self.images, self.spec, batch, "train", targets=targets[stop_rows], extras=stop_extras
        )
        steps = len(fit_rows) // batch
        epochs, history, rate = training["epochs"], {}, setup.learning_rate
        with setup.scope():  # variables, the optimizer's too, on every device
            network, features = build_network(self.spec, self.head, config, 0 if extras is None else extras.shape[1])
            if self.name != SMALL_CNN and starting_weights(config, self.name, "imagenet"):
                head = min(training["head_epochs"], epochs - 1)
                history = train_head(network, features, batches, stop, head, steps, rate, config, loss)
                rate *= training["fine_tune_factor"]
                tuned = fine_tune(network, features, batches, stop, epochs - head, steps, rate, config, loss)
            else:  # from scratch: one phase, every BatchNorm learning its statistics
                network = self.compiled.for_fold(network, epochs, steps, rate, config, loss)
                tuned = fit_with_early_stopping(network, batches, stop, epochs, config)
        network.save(fold_dir / "network.keras")
        for cached in fold_dir.glob("cache*"):  # decoded images are no part of the run: gone once the fold is saved
            cached.unlink()
        return {key: history.get(key, []) + tuned[key] for key in ("loss", "val_loss")}

    def predict(self, rows, fold_dir: Path) -> dict[str, np.ndarray]:
        """Class probabilities (the second class's alone for two classes) or values, plain and averaged over TTA
        views."""
        network = compilable_on_jax(keras.models.load_model(fold_dir / "network.keras", compile=False))
        # Test records have no label column; TFRecords keep test images in files of their own.
        split = "train" if target_names(self.config)[0] in rows else "test"
        batch = usable_batch_size(self.setup.batch_size, max(len(rows), self.setup.replicas), self.setup.replicas)
        extras = self.extras.transform(rows, fold_dir) if self.extras else None
        plain = predict_images(network, rows, self.images, self.spec, batch, split, extras=extras)
        outputs = {self.name: plain}
        if self.views:
            views = [
                predict_images(network, rows, self.images, self.spec, batch, split, view, extras)
                for view in self.views.values()
            ]
            # The mean over the views, for each image and output.
            outputs[f"{self.name}_tta"] = np.mean([plain, *views], axis=0)
        return {name: self.head.predictions(output, fold_dir) for name, output in outputs.items()}


def load_fold_network(config: dict, fold_dir: Path, spec: ImageSpec, outputs: int) -> FoldNetwork:
    """A fold's saved network (`outputs` wide: one per class, or one value, as saved); its own augmentation layer
    (which only scales pixels outside training) prepares a picture for its features."""
    network = keras.models.load_model(fold_dir / "network.keras")
    return FoldNetwork(network, lambda picture: network.get_layer("augmentation")(picture[None], training=False))


def grad_cam(loaded: FoldNetwork, picture: np.ndarray, class_index: int | None, extras=None) -> np.ndarray:
    """How much each place of the last feature map raised the class's probability (or with class_index None, the
    predicted value), in [0, 1] (Grad-CAM); `extras`: the picture's metadata row when the network takes one. Needs
    Keras on TensorFlow, whose GradientTape it uses: `explain` runs there whatever trained the network."""
    import tensorflow as tf

    network = loaded.network
    with tf.GradientTape() as tape:
        feature_map = network.get_layer("features")(loaded.prepare(picture), training=False)
        tape.watch(feature_map)
        pooled = network.get_layer("pool")(feature_map)
        if extras is not None:  # the metadata joins as in the network, dropout being off outside training
            pooled = network.get_layer("join")([pooled, network.get_layer("metadata")(np.asarray(extras)[None])])
        outputs = network.get_layer("head")(pooled)
        score = outputs[0, 0 if class_index is None else class_index]
    gradients = tape.gradient(score, feature_map)[0]
    weights = tf.reduce_mean(gradients, axis=(0, 1))  # one weight per feature channel
    heat = tf.nn.relu(tf.reduce_sum(feature_map[0] * weights, axis=-1)).numpy()
    return heat / heat.max() if heat.max() > 0 else heat
