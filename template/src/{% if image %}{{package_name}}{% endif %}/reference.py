"""The reference model: an RBF-kernel logistic regression (for classes) or ridge regression (for values) on small
grayscale thumbnails, the simple baseline the network must clearly beat. The kernel is approximated (Nystroem), so
it costs what a linear model costs; a plain linear model is too weak here, since a digit moved by two pixels is
another vector. Extra columns beside the images (the metadata) join the kernel features, encoded as the network's
are. Thumbnails are made once per image and kept in memory (a few hundred numbers each)."""

from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.kernel_approximation import Nystroem
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from .extras import ExtraColumns, extras_encoder, extras_frame
from .linear import head_predictions, linear_head
from .pipeline import ImageSpec, numpy_images
from .target import target_names


class PixelReference:
    name = "reference"
    outputs = ["reference"]  # the predictions it returns

    def __init__(self, config: dict, images, n_classes: int | None, columns: ExtraColumns | None = None):
        self.config, self.images, self.n_classes = config, images, n_classes
        self.columns = columns or ExtraColumns([], [])  # the metadata, if any
        side = config["reference"]["pixels"]
        self.spec = ImageSpec((side, side), 1)
        self.pixel_columns = [f"__pixel{i}" for i in range(side * side)]
        self.thumbnails = {}  # (split, image) -> flattened thumbnail in [0, 1]

    def thumbnails_of(self, rows) -> np.ndarray:
        split = "train" if target_names(self.config)[0] in rows else "test"
        missing = rows[[(split, key) not in self.thumbnails for key in rows["image"]]]
        if len(missing):
            for image, i in numpy_images(missing, self.images, self.spec, split):
                self.thumbnails[(split, missing["image"].iloc[i])] = image.ravel() / 255
        return np.stack([self.thumbnails[(split, key)] for key in rows["image"]])

    def features(self, rows) -> pd.DataFrame:
        """A thumbnail's pixels and the metadata columns, a row per record."""
        pixels = pd.DataFrame(self.thumbnails_of(rows), columns=self.pixel_columns)
        return pd.concat([pixels, extras_frame(rows, self.columns).reset_index(drop=True)], axis=1)

    def fit(self, rows, y: np.ndarray, fold_dir: Path) -> None:
        settings = self.config["reference"]
        components = min(settings["kernel_components"], len(rows))
        kernel = Nystroem(n_components=components, random_state=self.config["cv"]["seed"])
        parts = [("pixels", make_pipeline(StandardScaler(), kernel), self.pixel_columns)]
        if self.columns.extras:  # encoded on the training fold alone, beside the kernel features
            parts.append(("extras", extras_encoder(self.columns), self.columns.extras))
        head = linear_head(self.n_classes, settings["C"], self.config["metric"])
        model = Pipeline([("features", ColumnTransformer(parts)), ("model", head)])
        joblib.dump(model.fit(self.features(rows), y), fold_dir / "reference.joblib")

    def predict(self, rows, fold_dir: Path) -> dict[str, np.ndarray]:
        model = joblib.load(fold_dir / "reference.joblib")
        features = self.features(rows)
        return {self.name: head_predictions(model, features, self.n_classes, self.config["metric"])}
