"""Which keras-hub preset a run loads, and the Kaggle Model behind it. Apart from transformer.py so that `push`,
which attaches that model to the kernel, imports Keras (seconds) only to look a named preset up in keras-hub's
table: not for a preset folder, nor without a transformer."""

from pathlib import Path

from .config import ProjectError
from .paths import pretrained_path

DEFAULT_PRESET = "distil_bert_base_en_uncased"


def preset_source(config: dict) -> str | None:
    """What keras-hub loads: a preset name, a preset folder, or None for no transformer."""
    pretrained, backbone = config["model"]["pretrained"], str(config["model"]["backbone"])
    if pretrained is False:
        return None
    if pretrained is not True:
        pretrained = pretrained_path(config)
        if not (Path(pretrained) / "config.json").is_file():
            raise ProjectError(
                f"model.pretrained points at {pretrained}, which holds no keras-hub preset (config.json): attach the"
                " model to the kernel (kaggle.model_sources) and give its folder, or set model.pretrained: false"
            )
        return str(pretrained)
    if backbone == "auto":
        return DEFAULT_PRESET
    import keras_hub

    if "://" not in backbone and backbone not in keras_hub.models.TextClassifier.presets:  # handles pass through
        raise ProjectError(
            f"model.backbone '{backbone}' is not a keras-hub text preset: use auto, or e.g."
            f" deberta_v3_extra_small_en (keras_hub.models.TextClassifier.presets lists them all)"
        )
    return backbone


def kaggle_handle(preset: str) -> str | None:
    """The Kaggle Model behind a keras-hub preset name (owner/model/framework/variation/version), or None."""
    import keras_hub

    presets = keras_hub.models.Backbone.presets
    if preset not in presets:
        return None
    return presets[preset]["kaggle_handle"].removeprefix("kaggle://")
