"""`tune`: Optuna searches the settings that config.yaml's tune.space names, each trial a whole run on the same
folds (train.py), so that every trial is in `runs` and can join an `ensemble`. The study lives in the ledger's
SQLite file, so a search that stopped (Ctrl-C, a kernel's time limit) resumes where it was; a trial whose
first folds score below the median of the trials before it at the same fold is stopped there (pruned). The
best trial's settings are printed as the `train` arguments that repeat it."""

import copy
import logging
from pathlib import Path

from .config import ProjectError, check_schema, flat_keys, set_setting
from .ledger import LEDGER, record_runs
from .metrics import get_metric
from .scores import submitted_score
from .train import train

log = logging.getLogger(__name__)


def pruner():
    """Stop a trial after a fold once three trials have ended, if it scores below their median at that fold."""
    import optuna

    return optuna.pruners.MedianPruner(n_startup_trials=3, n_warmup_steps=0)


def tune(config: dict, data_dir: Path, output_dir: Path, trials: int, minutes, project: Path, smoke: bool = False):
    """Run `trials` trials (or until `minutes` pass) of the search; returns the best trial's settings."""
    import optuna

    space = config["tune"]["space"]
    unknown = [key for key in space if key not in flat_keys(config)]
    if unknown or not space:
        named = unknown[0] if unknown else "no setting"
        raise ProjectError(f"tune.space names {named}: list the dotted keys of settings config.yaml holds")
    optuna.logging.set_verbosity(optuna.logging.WARNING)  # one line per trial is ours
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    higher = get_metric(config["metric"]).greater_is_better
    study = optuna.create_study(
        study_name=f"tune-{config['competition']}{'-smoke' if smoke else ''}",
        storage=f"sqlite:///{(output_dir / LEDGER).resolve()}",
        load_if_exists=True,  # the same study again: a stopped search resumes
        direction="maximize" if higher else "minimize",
        pruner=pruner(),
    )
    # Seeded for repeatable searches, yet a resumed search does not draw its first trials' settings again.
    study.sampler = optuna.samplers.TPESampler(seed=config["cv"]["seed"] + len(study.trials))

    def objective(trial) -> float:
        settings = {key: suggest(trial, key, bounds) for key, bounds in space.items()}
        trial_config = copy.deepcopy(config)
        for key, value in settings.items():
            set_setting(trial_config, key, value)
        check_schema(trial_config, Path(f"tune.space's trial {trial.number}"))

        def report(fold: int, score: float) -> None:
            trial.report(score, fold)
            if trial.should_prune():
                raise optuna.TrialPruned(f"fold {fold}: {score:.5f}")

        name = f"tune{trial.number}"
        run_dir = train(trial_config, data_dir, output_dir, smoke, name, project, on_fold=report, keep_partial=False)
        trial.set_user_attr("run", run_dir.name)
        return submitted_score(run_dir)

    study.optimize(objective, n_trials=trials, timeout=minutes * 60 if minutes else None)
    record_runs(output_dir)
    done = [trial for trial in study.trials if trial.state == optuna.trial.TrialState.COMPLETE]
    pruned = sum(trial.state == optuna.trial.TrialState.PRUNED for trial in study.trials)
    if not done:
        raise ProjectError("no trial of the search completed: run `tune` again, or widen tune.space")
    best = study.best_trial
    arguments = " ".join(f"{key}={best.params[key]}" for key in space if key in best.params)
    log.info(
        "tune: %d trials done, %d pruned; best %s %.5f (run %s); repeat it with:\n  python -m %s train %s",
        len(done),
        pruned,
        config["metric"],
        best.value,
        best.user_attrs.get("run"),
        __package__,
        arguments,
    )
    return best.params


def suggest(trial, key: str, bounds: list):
    """Two numbers are a range (whole numbers if both are; a log scale when high >= 10 low > 0); else choices."""
    numbers = len(bounds) == 2 and all(isinstance(b, (int, float)) and not isinstance(b, bool) for b in bounds)
    if not numbers:
        return trial.suggest_categorical(key, bounds)
    low, high = bounds
    log_scale = 0 < low and high >= 10 * low
    if isinstance(low, int) and isinstance(high, int):
        return trial.suggest_int(key, low, high, log=log_scale)
    return trial.suggest_float(key, float(low), float(high), log=log_scale)
