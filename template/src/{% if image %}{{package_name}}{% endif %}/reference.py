"""The reference model: an RBF-kernel logistic regression on small grayscale thumbnails, the simple baseline the
network must clearly beat. The kernel is approximated (Nystroem), so it costs what a linear model costs; a plain
linear model is too weak here, since a digit moved by two pixels is another vector. Thumbnails are made once per
image and kept in memory (a few hundred numbers each)."""

from pathlib import Path

import joblib
import numpy as np
from sklearn.kernel_approximation import Nystroem
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from .pipeline import ImageSpec, numpy_images


class PixelReference:
    name = "reference"
    outputs = ["reference"]  # the predictions it returns

    def __init__(self, config: dict, images, n_classes: int):
        self.config, self.images, self.n_classes = config, images, n_classes
        side = config["reference"]["pixels"]
        self.spec = ImageSpec((side, side), 1)
        self.thumbnails = {}  # (split, image) -> flattened thumbnail in [0, 1]

    def features(self, rows) -> np.ndarray:
        split = "train" if self.config["columns"]["target"] in rows else "test"
        missing = rows[[(split, key) not in self.thumbnails for key in rows["image"]]]
        if len(missing):
            for image, i in numpy_images(missing, self.images, self.spec, split):
                self.thumbnails[(split, missing["image"].iloc[i])] = image.ravel() / 255
        return np.stack([self.thumbnails[(split, key)] for key in rows["image"]])

    def fit(self, rows, y: np.ndarray, fold_dir: Path) -> None:
        settings = self.config["reference"]
        components = min(settings["kernel_components"], len(rows))
        kernel = Nystroem(n_components=components, random_state=self.config["cv"]["seed"])
        model = make_pipeline(StandardScaler(), kernel, LogisticRegression(C=settings["C"], max_iter=2000))
        joblib.dump(model.fit(self.features(rows), y), fold_dir / "reference.joblib")

    def predict(self, rows, fold_dir: Path) -> dict[str, np.ndarray]:
        model = joblib.load(fold_dir / "reference.joblib")
        probabilities = np.zeros((len(rows), self.n_classes))
        probabilities[:, model.classes_] = model.predict_proba(self.features(rows))  # a fold may lack a class
        return {self.name: probabilities[:, 1] if self.n_classes == 2 else probabilities}
