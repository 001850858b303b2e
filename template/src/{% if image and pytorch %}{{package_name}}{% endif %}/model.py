"""The image network in PyTorch: a timm backbone with a new head (transfer learning in two phases: the head alone
on a frozen backbone, then everything at a lower learning rate), or a small CNN trained from scratch, which is
strong on small images and needs no weights. The head (head.py) outputs the classes or one value; extra columns
beside the images (the metadata) pass through a small dense layer and join the pooled image features before it
(WithMetadata). Training itself is in loop.py."""

import logging
from pathlib import Path

import numpy as np
import timm
import torch

from . import distributed, loop
from .augment import pipelines, tta_views
from .batches import early_stopping_split, small_set_batch_size, usable_batch_size
from .config import ProjectError
from .extras import Extras
from .fold_network import FoldNetwork
from .head import Head
from .pipeline import ImageSpec, kept_in_memory, padded_batches, training_batches
from .weights import SMALL_CNN, starting_weights

log = logging.getLogger(__name__)
DEFAULT_BACKBONE = "efficientnet_b0"
SMALL_CNN_SCALING = ((0.0,), (1.0,))  # mean and std: pixels in [0, 1], as the small CNN was made for


def backbone_name(config: dict) -> str:
    """`auto`: a timm ImageNet backbone when pretrained weights are wanted, else the small CNN."""
    name = str(config["model"]["backbone"])
    if name == "auto":
        return SMALL_CNN if config["model"]["pretrained"] is False else DEFAULT_BACKBONE
    if name != SMALL_CNN and not timm.is_model(name):
        raise ProjectError(
            f"model.backbone '{name}' is not a timm model: use auto, {SMALL_CNN} or a name timm.list_models() lists"
        )
    return name


def data_config(backbone: str) -> dict:
    """timm's input size, mean and std for the backbone, never numbers written by hand."""
    return timm.data.resolve_data_config({}, model=timm.create_model(backbone, pretrained=False))


def default_size(backbone: str) -> int:
    return data_config(backbone)["input_size"][-1]


def scaling(backbone: str, spec: ImageSpec) -> tuple:
    """The mean and standard deviation that images are normalised with: the backbone's, per channel."""
    if backbone == SMALL_CNN:
        return SMALL_CNN_SCALING
    mean, std = data_config(backbone)["mean"], data_config(backbone)["std"]
    if spec.channels == 1 and len(mean) == 3:  # a grayscale image seen by an RGB backbone's statistics
        return mean[:1], std[:1]
    return mean, std


class ResidualBlock(torch.nn.Module):
    """Two 3x3 conv + BatchNorm layers whose output is added to the block's input (a 1x1 conv matches its
    channels), so that gradients also flow around them; then max pooling halves the image."""

    def __init__(self, channels: int, filters: int):
        super().__init__()
        self.convs = torch.nn.Sequential(
            torch.nn.Conv2d(channels, filters, 3, padding=1, bias=False),  # BatchNorm supplies the shift
            torch.nn.BatchNorm2d(filters),
            torch.nn.ReLU(inplace=True),
            torch.nn.Conv2d(filters, filters, 3, padding=1, bias=False),
            torch.nn.BatchNorm2d(filters),
        )
        same = channels == filters
        self.shortcut = torch.nn.Identity() if same else torch.nn.Conv2d(channels, filters, 1, bias=False)
        self.pool = torch.nn.MaxPool2d(2, ceil_mode=True)  # ceil: odd and tiny sizes still halve

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pool(torch.relu(self.convs(x) + self.shortcut(x)))


def small_cnn(spec: ImageSpec, outputs: int, config: dict) -> torch.nn.Sequential:
    """Residual blocks, each halving the image, then pooling, dropout and the last layer (none with 0 outputs: the
    pooled features, as timm gives them with num_classes=0). Enough for digits, letters and small photos."""
    layers, channels = [], spec.channels
    for filters in config["model"]["cnn_filters"]:
        layers.append(ResidualBlock(channels, filters))
        channels = filters
    head = [torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Dropout(config["model"]["dropout"])]
    last = [torch.nn.Linear(channels, outputs)] if outputs else []
    return torch.nn.Sequential(*layers, *head, *last)


class WithMetadata(torch.nn.Module):
    """An image network without its last layer (image -> pooled features), whose features join the extra columns'
    dense layer before the head: network(images, extras)."""

    def __init__(self, image_features: torch.nn.Module, n_features: int, n_extras: int, outputs: int, config: dict):
        super().__init__()
        units = config["model"]["metadata_units"]
        self.image_features = image_features
        self.metadata = torch.nn.Sequential(torch.nn.Linear(n_extras, units), torch.nn.ReLU())
        self.head = torch.nn.Linear(n_features + units, outputs)

    def join(self, pooled: torch.Tensor, extras: torch.Tensor) -> torch.Tensor:
        """The head on pooled image features and the metadata."""
        return self.head(torch.cat([pooled, self.metadata(extras)], dim=1))

    def forward(self, images: torch.Tensor, extras: torch.Tensor) -> torch.Tensor:
        return self.join(self.image_features(images), extras)

    def get_classifier(self) -> torch.nn.Module:
        """What phase one of transfer learning trains: the metadata layer and the head."""
        return torch.nn.ModuleList([self.metadata, self.head])


def build_network(backbone: str, spec: ImageSpec, outputs: int, config: dict, weights: str | None, n_extras: int = 0):
    """The network with `outputs` outputs: one per class, or one value; with n_extras, it takes (images, extras)."""
    if n_extras:  # the image network ends at its pooled features, the head is WithMetadata's
        image_features = build_network(backbone, spec, 0, config, weights)
        n_features = image_features.num_features if backbone != SMALL_CNN else config["model"]["cnn_filters"][-1]
        return WithMetadata(image_features, n_features, n_extras, outputs, config)
    if backbone == SMALL_CNN:
        return small_cnn(spec, outputs, config)
    options = {"num_classes": outputs, "in_chans": spec.channels, "drop_rate": config["model"]["dropout"]}
    if weights not in (None, "hub"):  # a local file; timm drops its classifier when the class count differs
        options["pretrained_cfg_overlay"] = {"file": weights}
    try:
        network = timm.create_model(backbone, pretrained=weights is not None, **options)
    except (OSError, RuntimeError) as error:  # no internet for the hub, or a file of another model
        if weights == "hub":
            raise ProjectError(
                f"ImageNet weights for {backbone} could not be downloaded (no internet?): attach them to the kernel as"
                " a Kaggle dataset or model and set model.pretrained to the file's path, or set model.pretrained: false"
            ) from None
        raise ProjectError(f"{weights} does not hold {backbone} weights ({str(error)[:120]}): check the file") from None
    if weights not in (None, "hub"):
        log.info("%s: weights loaded from %s", backbone, weights)
    return network


class ImageNetwork:
    """The network, fit per fold on that fold's training images; its weights go into the fold's folder."""

    def __init__(
        self, config: dict, images, setup, n_classes: int | None, spec: ImageSpec, columns=None, n_targets: int = 1
    ):
        self.config, self.images, self.setup, self.spec = config, images, setup, spec
        # n_targets: how many target columns or labels, without classes
        self.head = Head(n_classes, config["metric"], config["model"]["label_smoothing"], columns=n_targets)
        self.extras = Extras(columns) if columns is not None and columns.extras else None  # the metadata
        self.name = backbone_name(config)
        self.views = tta_views(config)
        self.outputs = [self.name] + ([f"{self.name}_tta"] if self.views else [])  # the predictions it returns
        self.train_transform, self.predict_transform = pipelines(config, spec.size, *scaling(self.name, spec))

    def network(self, weights: str | None, extras: np.ndarray | None = None) -> torch.nn.Module:
        n_extras = 0 if extras is None else extras.shape[1]  # the fold's encoded metadata: its width
        network = build_network(self.name, self.spec, self.head.outputs, self.config, weights, n_extras)
        return network.to(self.setup.device_name, memory_format=torch.channels_last)

    def fit(self, rows, y: np.ndarray, fold_dir: Path) -> dict:
        """Train on the training fold; early stopping watches a 10% slice of it, never the validation fold. With
        several GPUs, one process per GPU trains (distributed.py)."""
        targets = self.head.targets(y, fold_dir)  # scaled values: the scaler is written here, once
        extras = self.extras.fit(rows, fold_dir) if self.extras else None  # encoded on the training fold alone
        if self.setup.replicas > 1:
            return distributed.train_in_processes(self, self.setup.replicas, rows, y, targets, extras, fold_dir)
        return self.train(rows, y, targets, extras, fold_dir)

    def train(self, rows, y: np.ndarray, targets: np.ndarray, extras, fold_dir: Path) -> dict:
        """The fold's training, in this process or in each of the GPUs' processes; rank 0 saves the weights."""
        config, setup, training = self.config, self.setup, self.config["training"]
        classes = y if self.head.n_classes else None  # stratified for classes
        fit_rows, stop_rows = early_stopping_split(np.arange(len(rows)), classes, config["cv"]["seed"])
        batch = small_set_batch_size(setup.batch_size, len(fit_rows))  # small sets: more, smaller steps
        # The global batch, a multiple of the GPUs, split between their processes
        batch = usable_batch_size(batch, len(fit_rows), setup.replicas) // distributed.processes()
        seed, loss_fn = config["cv"]["seed"], self.head.loss()
        fit_extras, stop_extras = (extras[fit_rows], extras[stop_rows]) if extras is not None else (None, None)
        batches = training_batches(
            rows.iloc[fit_rows],
            targets[fit_rows],
            self.images,
            self.spec,
            self.train_transform,
            batch,
            setup,
            seed,
            fit_extras,
            kept_in_memory(config["images"]["cache"], rows.iloc[fit_rows], self.images),
        )
        stop = padded_batches(
            rows.iloc[stop_rows],
            self.images,
            self.spec,
            self.predict_transform,
            batch,
            setup,
            targets=targets[stop_rows],
            extras=stop_extras,
        )
        weights = starting_weights(config, self.name, "hub")
        network, history, epochs = self.network(weights, extras), {}, training["epochs"]
        if weights is not None:  # phase one: only the new classifier learns
            head = min(training["head_epochs"], epochs - 1)
            for parameter in network.parameters():
                parameter.requires_grad = False
            for parameter in loop.head_of(network).parameters():
                parameter.requires_grad = True
            rate = setup.learning_rate
            history = loop.fit(network, batches, stop, head, rate, setup, config, loss_fn, head_only=True)
            epochs -= head
            for parameter in network.parameters():
                parameter.requires_grad = True
        learning_rate = setup.learning_rate * (training["fine_tune_factor"] if history else 1)
        tuned = loop.fit(network, batches, stop, epochs, learning_rate, setup, config, loss_fn)
        if distributed.is_writer():
            self.save(network, fold_dir)
        return {key: history.get(key, []) + tuned[key] for key in ("loss", "val_loss")}

    def save(self, network: torch.nn.Module, fold_dir: Path) -> None:
        torch.save(network.state_dict(), fold_dir / "network.pt")

    def predict(self, rows, fold_dir: Path) -> dict[str, np.ndarray]:
        """Class probabilities (the second class's alone for two classes) or values, plain and averaged over TTA
        views."""
        extras = self.extras.transform(rows, fold_dir) if self.extras else None
        network = self.network(None, extras)  # on one device: predicting is quick beside training
        network.load_state_dict(torch.load(fold_dir / "network.pt", map_location=self.setup.device_name))
        batch = usable_batch_size(self.setup.batch_size, max(len(rows), self.setup.replicas), self.setup.replicas)
        batches = padded_batches(rows, self.images, self.spec, self.predict_transform, batch, self.setup, extras=extras)
        activation = self.head.activation
        plain = loop.predict(network, batches, self.setup, activation)
        outputs = {self.name: plain}
        if self.views:
            views = [loop.predict(network, batches, self.setup, activation, view) for view in self.views.values()]
            outputs[f"{self.name}_tta"] = np.mean([plain, *views], axis=0)  # per image and output
        return {name: self.head.predictions(output, fold_dir) for name, output in outputs.items()}


def load_fold_network(config: dict, fold_dir: Path, spec: ImageSpec, outputs: int) -> FoldNetwork:
    """A fold's network (`outputs` wide: one per class, or one value; with a metadata layer if it was saved with
    one) on the CPU, in inference mode, with the transform its images need."""
    name = backbone_name(config)
    weights = torch.load(fold_dir / "network.pt", map_location="cpu")
    n_extras = weights["metadata.0.weight"].shape[1] if "metadata.0.weight" in weights else 0
    network = build_network(name, spec, outputs, config, None, n_extras)
    network.load_state_dict(weights)
    _, transform = pipelines(config, spec.size, *scaling(name, spec))
    return fold_network(network.eval(), transform)


def fold_network(network: torch.nn.Module, transform) -> FoldNetwork:
    """The network with what prepares a picture for it: the prediction transform, as a batch of one."""

    def prepare(picture: np.ndarray) -> torch.Tensor:
        return transform(image=np.clip(picture, 0, 255).astype(np.uint8))["image"][None]

    return FoldNetwork(network, prepare)


def grad_cam(loaded: FoldNetwork, picture: np.ndarray, class_index: int | None, extras=None) -> np.ndarray:
    """How much each place of the last feature map raised the class's probability (or with class_index None, the
    predicted value), in [0, 1] (Grad-CAM); `extras`: the picture's metadata row when the network takes one."""
    network = loaded.network
    image_network = network.image_features if isinstance(network, WithMetadata) else network
    if hasattr(image_network, "forward_features"):  # timm: the feature map, then pooling (and the classifier)
        features, head = image_network.forward_features, image_network.forward_head
    else:  # the small CNN: everything before its pooling layer, then the rest
        pool = next(i for i, layer in enumerate(image_network) if isinstance(layer, torch.nn.AdaptiveAvgPool2d))
        features, head = image_network[:pool], image_network[pool:]
    feature_map = features(loaded.prepare(picture)).detach().requires_grad_(True)
    outputs = head(feature_map)
    if isinstance(network, WithMetadata):  # pooled features so far: the metadata joins them before the head
        outputs = network.join(outputs, torch.as_tensor(np.asarray(extras, dtype=np.float32))[None])
    (outputs[0, 0] if class_index is None else torch.softmax(outputs, dim=1)[0, class_index]).backward()
    weights = feature_map.grad[0].mean(dim=(1, 2))  # one weight per feature channel
    heat = torch.relu((feature_map[0] * weights[:, None, None]).sum(0)).detach().numpy()
    return heat / heat.max() if heat.max() > 0 else heat
