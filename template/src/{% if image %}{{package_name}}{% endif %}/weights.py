"""Where an image network's first weights come from (model.pretrained): none for a network trained from scratch,
the ImageNet weights the framework downloads, or a weights file attached to the kernel."""

from pathlib import Path

from .config import ProjectError
from .paths import pretrained_path

SMALL_CNN = "small_cnn"  # the network trained from scratch, whatever model.pretrained says


def starting_weights(config: dict, backbone: str, download: str) -> str | None:
    """None (random weights: the small CNN, or model.pretrained: false), `download` (model.pretrained: true, the
    framework's own name for downloading the ImageNet weights), or the path of a weights file."""
    pretrained = config["model"]["pretrained"]
    if backbone == SMALL_CNN or pretrained is False:
        if backbone == SMALL_CNN and pretrained not in (False, True):
            raise ProjectError(f"{SMALL_CNN} trains from scratch: set model.pretrained: false, or choose a backbone")
        return None
    if pretrained is True:
        return download
    path = pretrained_path(config)
    if not Path(path).is_file():
        raise ProjectError(
            f"model.pretrained points at {path}, which does not exist: attach the weights to the kernel (a Kaggle"
            " dataset or model, listed in kaggle.dataset_sources or model_sources) and give their path"
        )
    return str(path)
