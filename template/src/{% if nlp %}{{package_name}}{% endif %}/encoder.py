"""A frozen sentence encoder as one more model on the same folds (model.encoder: a sentence-transformers model
folder, e.g. all-MiniLM-L6-v2). Each text becomes one vector holding what the encoder learnt from a billion sentence
pairs: the mean of its token vectors in every layer, side by side. One linear model (the reference's: logistic or
ridge regression), fit on the training fold, predicts from the standardised vectors beside the reference's TF-IDF
n-grams (and the extra columns): it weighs what the encoder knows against the words of this competition, where two
separate models could only be averaged. The encoder itself never learns, so each text is encoded once per run
and its vector reused by every fold: minutes on a CPU where fine-tuning takes hours. Its weights come from the
folder alone (on Kaggle, attach it as a dataset or model and give its path): nothing is downloaded while a run
trains."""

import logging
import os
import time
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from .config import ProjectError
from .linear import head_predictions, linear_head
from .reference import text_inputs, text_parts
from .text import Columns, joined_texts

log = logging.getLogger(__name__)
MODEL_INPUTS = ("input_ids", "attention_mask", "token_type_ids")  # what a BERT-like model's forward takes
VECTORS: dict = {}  # (encoder folder, text) -> vector: a frozen encoder gives a text the same vector every time


def encoder_folder(config: dict) -> Path | None:
    """model.encoder's folder, or None for `none`; a folder that holds no sentence-transformers model is refused
    in one line before anything trains."""
    setting = config["model"]["encoder"]
    if setting in (None, "none"):
        return None
    folder = Path(setting)
    if not (folder / "modules.json").is_file():
        raise ProjectError(
            f"model.encoder '{setting}' holds no sentence-transformers model (no modules.json there): give the"
            " folder of one (e.g. all-MiniLM-L6-v2, attached as a Kaggle dataset), or none"
        )
    return folder


def offline() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the folder is all there is: never a download
    os.environ.setdefault("USE_HUB_KERNELS", "0")  # transformers 5 would ask the Hub for kernels


def load_torch_first(config: dict) -> None:
    """With an encoder, sentence-transformers (and PyTorch) load before TensorFlow does: PyTorch's compiler library
    (triton) crashes a process that loaded TensorFlow first (a segmentation fault, measured here)."""
    if encoder_folder(config) is not None:
        load_torch()


def load_torch() -> None:
    offline()
    import sentence_transformers  # noqa: F401


class SentenceEncoder:
    """Vectors of the frozen encoder, the TF-IDF n-grams (and the extra columns) into one linear model fit per fold:
    the reference's head (a logistic regression for classes, a ridge regression for values)."""

    name = "encoder"
    outputs = ["encoder"]

    def __init__(self, config: dict, columns: Columns, n_classes: int | None, folder: Path):
        self.config, self.columns, self.n_classes, self.folder = config, columns, n_classes, folder
        self.encoder = None  # loaded when the first text needs a vector

    def vectors(self, rows: pd.DataFrame) -> np.ndarray:
        """One vector per row's text, raw as the encoder's tokenizer knows it best (or cleaned, with
        text.clean_for_transformer); texts met before are not encoded again."""
        texts = joined_texts(rows, self.columns, self.config, cleaned=self.config["text"]["clean_for_transformer"])
        new = [text for text in dict.fromkeys(texts) if (self.folder, text) not in VECTORS]
        if new:
            started = time.perf_counter()
            encoded = self.layer_means(new)
            VECTORS.update({(self.folder, text): vector for text, vector in zip(new, encoded, strict=True)})
            seconds = time.perf_counter() - started
            log.info("encoder: %d texts encoded in %.0f s (%.0f a second)", len(new), seconds, len(new) / seconds)
        return np.stack([VECTORS[self.folder, text] for text in texts])

    def layer_means(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """Each text's token vectors averaged (padding left out) in every layer of the encoder, side by side: the
        lower layers keep the words and phrasing that the last one, trained for sentence similarity, blurs. On the
        critics' reviews a logistic regression on all six MiniLM layers scored 0.79, on its sentence vector 0.77."""
        import torch

        encoder = self.load()
        order = np.argsort([len(text) for text in texts])  # batches of texts of like length: little padding
        means = [None] * len(texts)
        with torch.inference_mode():
            for start in range(0, len(texts), batch_size):
                batch = order[start : start + batch_size]
                tokens = encoder.tokenize([texts[i] for i in batch])
                tokens = {k: v.to(encoder.device) for k, v in tokens.items() if k in MODEL_INPUTS}
                layers = encoder[0].auto_model(**tokens, output_hidden_states=True).hidden_states[1:]  # [0]: words
                mask = tokens["attention_mask"].unsqueeze(-1).to(layers[0].dtype)
                joined = torch.cat([(layer * mask).sum(1) / mask.sum(1) for layer in layers], dim=1)
                for i, vector in zip(batch, joined.float().cpu().numpy(), strict=True):
                    means[i] = vector
        return np.stack(means)

    def load(self):
        if self.encoder is None:
            offline()
            import transformers
            from sentence_transformers import SentenceTransformer

            transformers.utils.logging.disable_progress_bar()  # a bar per weight file floods a log
            self.encoder = SentenceTransformer(str(self.folder))  # on the GPU when there is one
        return self.encoder

    def inputs(self, rows: pd.DataFrame) -> pd.DataFrame:
        vectors = pd.DataFrame(self.vectors(rows), index=rows.index).add_prefix("vector_")
        return pd.concat([vectors, text_inputs(rows, self.columns, self.config)], axis=1)  # the reference's inputs

    def pipeline(self, width: int) -> Pipeline:
        """The vectors standardised (the layers' scales differ), then scaled by sqrt(encoder.C / reference.C): under
        one penalty, reference.C, that penalises them exactly as encoder.C would alone, and the n-grams as the
        reference does."""
        parts = [("vectors", StandardScaler(), [f"vector_{i}" for i in range(width)])]
        parts += text_parts(self.config, self.columns)
        penalty = self.config["reference"]["C"]
        scale = {"vectors": (self.config["encoder"]["C"] / penalty) ** 0.5}
        features = ColumnTransformer(parts, sparse_threshold=1.0, transformer_weights=scale)  # sparse: the n-grams
        model = linear_head(self.n_classes, penalty, self.config["metric"])
        return Pipeline([("features", features), ("model", model)])

    def fit(self, rows: pd.DataFrame, y: np.ndarray, fold_dir: Path) -> None:
        inputs = self.inputs(rows)
        width = inputs.columns.str.startswith("vector_").sum()
        joblib.dump(self.pipeline(width).fit(inputs, y), fold_dir / "encoder.joblib")

    def predict(self, rows: pd.DataFrame, fold_dir: Path) -> dict[str, np.ndarray]:
        pipeline = joblib.load(fold_dir / "encoder.joblib")
        return {self.name: head_predictions(pipeline, self.inputs(rows), self.n_classes, self.config["metric"])}
