"""For competitions whose kernels run without internet: the wheels Kaggle's image lacks, and the weights that
config.yaml points at, in one folder to upload as a Kaggle dataset. The kernel attaches that dataset and installs
the wheels from it with `pip install --no-index --find-links` (see push.py's bundle)."""

import contextlib
import io
import json
import logging
import shutil
import subprocess
import sys
from pathlib import Path

from .config import ProjectError
from .kaggle_api import calling, one_line

log = logging.getLogger(__name__)


def dataset_ref(config: dict, username: str) -> str:
    return f"{username}/{config['kaggle']['offline']['dataset']}"


def build(config: dict, folder: Path, username: str) -> Path:
    """folder/wheels (pip download for Kaggle's Python and platform), folder/weights, dataset-metadata.json."""
    offline = config["kaggle"]["offline"]
    if not offline["packages"] and not isinstance(config["model"].get("pretrained"), str):
        raise ProjectError(
            "nothing to pack: list the pip packages Kaggle's image lacks in kaggle.offline.packages (or point"
            " model.pretrained at a weights file)"
        )
    if not 6 <= len(offline["dataset"]) <= 50:  # Kaggle's limits on a dataset's slug and title
        raise ProjectError(f"kaggle.offline.dataset '{offline['dataset']}' must be 6 to 50 characters: shorten it")
    folder = Path(folder)
    shutil.rmtree(folder, ignore_errors=True)  # a fresh folder: no wheel of an older run lingers
    (folder / "wheels").mkdir(parents=True)
    if offline["packages"]:
        # Binary wheels for Kaggle's interpreter, not this one: pip picks them by version, platform and ABI.
        command = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--dest",
            str(folder / "wheels"),
            "--only-binary=:all:",
            "--python-version",
            str(offline["python"]),
            "--platform",
            offline["platform"],
            "--implementation",
            "cp",
            *offline["packages"],
        ]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            reason = (result.stderr.strip().splitlines() or ["no message"])[-1]
            raise ProjectError(f"pip could not download the wheels ({one_line(reason)}): check kaggle.offline.packages")
    weights = config["model"].get("pretrained")
    if isinstance(weights, str) and not weights.startswith("/kaggle/"):
        if not Path(weights).exists():
            raise ProjectError(f"model.pretrained points at {weights}, which does not exist: fix the path")
        copy = shutil.copytree if Path(weights).is_dir() else shutil.copy2
        (folder / "weights").mkdir()
        copy(weights, folder / "weights" / Path(weights).name)
    metadata = {"id": dataset_ref(config, username), "title": offline["dataset"], "licenses": [{"name": "other"}]}
    (folder / "dataset-metadata.json").write_text(json.dumps(metadata, indent=2) + "\n")
    files = sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file())
    log.info("wrote %s/: %s", folder, ", ".join(files))
    return folder


def upload(config: dict, folder: Path, api) -> None:
    """The folder as a new private Kaggle dataset, or a new version of it."""
    import requests

    ref = json.loads((Path(folder) / "dataset-metadata.json").read_text())["id"]
    with calling("the dataset upload", config), contextlib.redirect_stdout(io.StringIO()):
        try:
            api.dataset_status(ref)
            exists = True
        except requests.HTTPError:  # as the kaggle package itself reads it: no such dataset of yours yet
            exists = False
        if exists:
            answer = api.dataset_create_version(str(folder), "kagglekit offline", quiet=True, dir_mode="zip")
        else:
            answer = api.dataset_create_new(str(folder), quiet=True, dir_mode="zip")
    if getattr(answer, "error", None):
        raise ProjectError(f"Kaggle refused the dataset {ref}: {one_line(answer.error)}")
    log.info(
        "uploaded %s (%s): attach it to the kernel with push; it installs from there",
        ref,
        "new version" if exists else "new dataset",
    )
