"""Reads config.yaml, the one place for every setting of this project."""

from pathlib import Path

import yaml

SECTIONS = set("competition task metric columns preprocess cv model training reference hardware smoke kaggle".split())


class ProjectError(Exception):
    """A problem the user can fix (missing file, wrong column, bad setting); printed as one line."""


def load_config(path: Path, smoke: bool = False) -> dict:
    """Load config.yaml; with smoke=True shrink folds, epochs and iterations for a quick check."""
    if not Path(path).is_file():
        raise ProjectError(f"{path} not found: run from the project folder or pass --config")
    try:
        config = yaml.safe_load(Path(path).read_text())
    except yaml.YAMLError as error:
        raise ProjectError(f"{path} is not valid YAML ({str(error).splitlines()[0]}): fix the line it names") from None
    missing = SECTIONS - set(config or {})
    if missing:
        raise ProjectError(f"{path} lacks {', '.join(sorted(missing))}: copy them back from the project's git history")
    if smoke:
        config["cv"]["folds"] = config["smoke"]["folds"]
        config["training"]["epochs"] = config["smoke"]["epochs"]
        config["reference"]["max_iter"] = config["smoke"]["reference_max_iter"]
    return config
