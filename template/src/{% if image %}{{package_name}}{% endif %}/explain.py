"""`explain`: Grad-CAM heat maps of the worst out-of-fold mistakes, the images the network was most sure about
and got wrong (for values: the largest errors), with where it looked (Selvaraju et al., 2017). Reads a run's
oof.csv, cv.json and fold networks; writes explain/gradcam.png into the run's folder, which run.json then lists
as part of the run it explains. The heat maps themselves come from model.py's grad_cam."""

import json
import logging
from pathlib import Path

import numpy as np
import pandas as pd

from .config import ProjectError, run_config
from .data import load_data
from .extras import ExtraColumns, Extras
from .model import grad_cam, load_fold_network
from .outputs import check_run, find_run, publishing, record
from .pipeline import ImageSpec, numpy_images
from .report import plot_images

log = logging.getLogger(__name__)


def worst_mistakes(oof: pd.DataFrame, classes: list | None, count: int) -> pd.DataFrame:
    """The wrongly predicted rows, most confident first, with the predicted class and its probability; for values
    (classes None), the largest errors first, with the error."""
    if classes is None:
        rows = oof.assign(error=(oof["prediction"] - oof["target"]).abs())
        return rows[rows["error"] > 0].nlargest(count, "error")
    if len(classes) == 2:
        positive = oof["prediction"].to_numpy()
        probabilities = np.stack([1 - positive, positive], axis=1)
    else:
        probabilities = oof[[f"prediction_{c}" for c in classes]].to_numpy()
    predicted = probabilities.argmax(axis=1)
    truth = oof["target"].astype(str).map({str(c): i for i, c in enumerate(classes)}).to_numpy()
    rows = oof.assign(predicted=predicted, confidence=probabilities.max(axis=1), truth=truth)
    return rows[rows["predicted"] != rows["truth"]].nlargest(count, "confidence")


def explain(config: dict, data_dir: Path, output_dir: Path, run: str | None = None) -> Path | None:
    """Grad-CAM of the latest run's (or `run`'s) worst mistakes, into its explain/gradcam.png; None, and a line
    that says so, when every training image was predicted right out of fold."""
    with publishing(output_dir):  # a run being published meanwhile waits: the picture explains the run it joins
        run_dir = find_run(output_dir, run)
        check_run(run_dir, skip=("submission.csv",), models=True)  # oof.csv, cv.json and the fold models of one run
        config = run_config(run_dir, config)
        path = draw_mistakes(config, data_dir, run_dir)
        if path is not None:
            record(run_dir, path.relative_to(run_dir).as_posix())
    return path


def draw_mistakes(config: dict, data_dir: Path, output_dir: Path) -> Path | None:
    cv = json.loads((output_dir / "cv.json").read_text())
    if cv.get("targets"):
        raise ProjectError(
            f"explain draws the mistakes of one target column, and this run predicts {len(cv['targets'])} columns or"
            " labels: not built for several target columns or labels per image yet"
        )
    id_col, classes = config["columns"]["id"], cv["classes"]
    oof = pd.read_csv(output_dir / "oof.csv", dtype={id_col: str})
    mistakes = worst_mistakes(oof, classes, config["explain"]["count"])
    if mistakes.empty:
        log.warning("no out-of-fold mistakes to explain: every training image was predicted right")
        return None
    spec = ImageSpec(tuple(cv["images"]["size"]), cv["images"]["channels"])
    data = load_data(data_dir, config)
    records = data.train.set_index(id_col).loc[mistakes[id_col]].reset_index()
    pictures = [image for image, _ in numpy_images(records, data.images, spec)]
    metadata = Extras(ExtraColumns(**cv["images"].get("metadata", {"categorical": [], "numeric": []})))
    networks, heat, titles = {}, [], []
    for position, (picture, (_, row)) in enumerate(zip(pictures, mistakes.iterrows(), strict=True)):
        fold, fold_dir = int(row["fold"]), output_dir / "models" / f"fold{int(row['fold'])}"
        if fold not in networks:
            networks[fold] = load_fold_network(config, fold_dir, spec, len(classes) if classes else 1)
        extras = metadata.transform(records.iloc[[position]], fold_dir)  # None without metadata
        extras = None if extras is None else extras[0]
        if classes is None:  # where the network looked for the value it predicted
            heat.append(grad_cam(networks[fold], picture, None, extras))
            titles.append(f"{row[id_col]}: {row['target']:.4g} predicted {row['prediction']:.4g}")
            continue
        heat.append(grad_cam(networks[fold], picture, int(row["predicted"]), extras))
        titles.append(
            f"{row[id_col]}: {row['target']} taken for {classes[int(row['predicted'])]} ({row['confidence']:.2f})"
        )
    path = output_dir / "explain" / "gradcam.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    worst = "largest out-of-fold errors" if classes is None else "most confident out-of-fold mistakes"
    plot_images(pictures, titles, path, f"the {worst}: where the network looked", heat)
    log.info("wrote %s: Grad-CAM of the %d %s", path, len(mistakes), worst)
    return path
