"""Seed averaging (`cv.seeds: N`): each fold's models trained N times, each time with other random choices
(initial weights, shuffling, the early-stopping slice, the trees' sampling), and their predictions averaged.
The folds stay those of cv.seed; only the models' own randomness changes. With N = 1 the models are as
models.py builds them."""

import copy
import logging
from pathlib import Path

import numpy as np

from . import hardware
from .models import build_models

log = logging.getLogger(__name__)


class SeedAveraged:
    """One FoldModel made of N copies that differ only in their seed: copy s trains into fold_dir/seed<s>, and
    predict averages the copies. first_seed keeps what copy 0 alone predicted last, so that train can report
    what the other seeds added."""

    def __init__(self, copies: list):
        self.copies, self.name, self.outputs = copies, copies[0].name, copies[0].outputs
        self.curve_unit = getattr(copies[0], "curve_unit", "epoch")
        self.first_seed: dict = {}

    def fit(self, rows, y, fold_dir: Path):
        offset = int(np.random.randint(1 << 30))  # drawn after train seeded the fold: repeatable, new per fold
        histories = []
        for s, model in enumerate(self.copies):
            if s:
                hardware.seed_everything(offset + s)
            (Path(fold_dir) / f"seed{s}").mkdir(parents=True, exist_ok=True)
            histories.append(model.fit(rows, y, Path(fold_dir) / f"seed{s}"))
        return histories[0]

    def predict(self, rows, fold_dir: Path) -> dict[str, np.ndarray]:
        per_seed = [model.predict(rows, Path(fold_dir) / f"seed{s}") for s, model in enumerate(self.copies)]
        self.first_seed = per_seed[0]
        return {name: np.mean([prediction[name] for prediction in per_seed], axis=0) for name in per_seed[0]}


def build_seeded_models(config: dict, data, setup, target, report_dir=None) -> tuple[list, dict]:
    """models.py's models, each averaged over cv.seeds seeds when that is more than one."""
    models, facts = build_models(config, data, setup, target, report_dir=report_dir)
    seeds = config["cv"]["seeds"]
    if seeds == 1:
        return models, facts
    quiet = logging.getLogger(__package__)
    level = quiet.level
    quiet.setLevel(logging.WARNING)  # the copies' set-up lines would repeat the first's
    try:
        configs = [with_seed(config, config["cv"]["seed"] + 1000 * s) for s in range(1, seeds)]
        copies = [build_models(changed, data, setup, target)[0] for changed in configs]
    finally:
        quiet.setLevel(level)
    log.info("cv.seeds: every model trained with %d seeds on each fold, averaged", seeds)
    return [SeedAveraged([model, *[more[i] for more in copies]]) for i, model in enumerate(models)], facts


def seed_gains(metric, y: np.ndarray, oof: dict, first_seed: dict) -> dict:
    """Out of fold, each model's score averaged over its seeds and with its first seed alone, and the gain
    (positive: the seeds helped, whichever way the metric improves)."""
    from .metrics import tune_threshold

    def score(prediction):
        return metric.score(y, prediction, tune_threshold(metric, y, prediction))

    sign = 1 if metric.greater_is_better else -1
    gains = {}
    for name in first_seed:
        averaged, alone = score(oof[name]), score(first_seed[name])
        gains[name] = {"averaged": averaged, "first_seed": alone, "gain": sign * (averaged - alone)}
    return gains


def with_seed(config: dict, seed: int) -> dict:
    """config whose models draw their randomness from `seed` (the folds are already drawn from cv.seed)."""
    changed = copy.deepcopy(config)
    changed["cv"]["seed"] = seed
    return changed
