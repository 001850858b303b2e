"""Augmentation as Keras preprocessing layers inside the training model: they run on the GPU or TPU with the rest
of the network, and only while training (Keras switches them off when the model predicts). MixUp and CutMix
mix whole batches, labels too, so they run in the input pipeline instead. Test-time augmentation views last."""

import keras
import tensorflow as tf

FLIPS = {"horizontal": "horizontal", "vertical": "vertical", "both": "horizontal_and_vertical"}


def augmentation(config: dict) -> keras.Sequential:
    """The layers config.yaml's `augment` section asks for, in order; pixels stay in [0, 255]."""
    settings = config["augment"]
    layers = []
    if settings["flip"] != "none":
        layers.append(keras.layers.RandomFlip(FLIPS[settings["flip"]]))
    if settings["rotation"]:
        layers.append(keras.layers.RandomRotation(settings["rotation"], fill_mode="reflect"))
    if settings["zoom"]:
        layers.append(keras.layers.RandomZoom(settings["zoom"], fill_mode="reflect"))
    if settings["translation"]:
        layers.append(
            keras.layers.RandomTranslation(settings["translation"], settings["translation"], fill_mode="reflect")
        )
    if settings["contrast"]:
        layers.append(keras.layers.RandomContrast(settings["contrast"], value_range=(0, 255)))
    if settings["brightness"]:
        layers.append(keras.layers.RandomBrightness(settings["brightness"], value_range=(0, 255)))
    if settings["rand_augment"]:
        layers.append(keras.layers.RandAugment(value_range=(0, 255)))
    return compilable_on_jax(keras.Sequential(layers or [keras.layers.Identity()], name="augmentation"))


def compilable_on_jax(model):
    """The model, each of its layers allowed to compile on JAX. Keras marks its affine layers (rotation, zoom,
    translation, RandAugment's) unfit for XLA because TensorFlow's image transform does not compile; on JAX they
    do, and their seeds still advance each step. One such layer would keep the whole network from compiling
    (Keras checks every layer, as here): each step op by op, on a TPU too. A network loaded from its file needs
    this again, and its choice made again (loading settled it)."""
    if keras.backend.backend() == "jax":
        for layer in model._flatten_layers():
            layer.supports_jit = True
        model.jit_compile = True
    return model


def batch_mixing(config: dict):
    """MixUp or CutMix for the input pipeline, or None."""
    settings = config["augment"]
    if settings["mixup"]:
        return keras.layers.MixUp(alpha=settings["mixup"])
    if settings["cutmix"]:
        return keras.layers.CutMix(factor=settings["cutmix"])
    return None


# Test-time augmentation: each view is a deterministic transform of one image.
TTA_VIEWS = {"horizontal_flip": tf.image.flip_left_right, "vertical_flip": tf.image.flip_up_down}


def tta_views(config: dict) -> dict:
    unknown = set(config["tta"]) - set(TTA_VIEWS)
    if unknown:
        from .config import ProjectError

        raise ProjectError(f"tta lists {sorted(unknown)}: use {' and/or '.join(TTA_VIEWS)}, or [] for none")
    return {name: TTA_VIEWS[name] for name in config["tta"]}
