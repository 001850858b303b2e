"""Packs the project into one Kaggle kernel file, writes kernel-metadata.json and pushes the kernel."""

import contextlib
import io
import json
import logging
import os
from pathlib import Path

from .config import ProjectError

log = logging.getLogger(__name__)
PACKAGE_DIR = Path(__file__).parent
MACHINE_SHAPES = {"gpu": "NvidiaTeslaT4", "tpu": "TpuV5E8"}  # "GPU T4 x2" and "TPU v5e-8" in Kaggle's menu

KERNEL_SOURCE = """\
# Kaggle kernel written by `python -m {package} push` from the project's source.
# Edit the project and push again rather than editing this file.
import sys
import tempfile
from pathlib import Path

FILES = {files}

source = Path(tempfile.mkdtemp())
for name, text in FILES.items():
    (source / name).parent.mkdir(parents=True, exist_ok=True)
    (source / name).write_text(text)
sys.path.insert(0, str(source))

from {package}.__main__ import main  # noqa: E402

main(["train", "--config", str(source / "config.yaml")])
"""


def bundle(config_path: Path) -> str:
    """One runnable file: the package's modules and config.yaml, unpacked and run by `train`."""
    package = PACKAGE_DIR.name
    files = {
        f"{package}/{path.relative_to(PACKAGE_DIR)}": path.read_text() for path in sorted(PACKAGE_DIR.rglob("*.py"))
    }
    files["config.yaml"] = Path(config_path).read_text()
    listing = "{\n" + "".join(f"    {name!r}: {text!r},\n" for name, text in files.items()) + "}"
    return KERNEL_SOURCE.format(package=package, files=listing)


def kaggle_username(config: dict) -> str | None:
    """From config.yaml, else KAGGLE_USERNAME, else ~/.kaggle/kaggle.json."""
    if config["kaggle"]["username"]:
        return config["kaggle"]["username"]
    if os.environ.get("KAGGLE_USERNAME"):
        return os.environ["KAGGLE_USERNAME"]
    credentials = Path(os.environ.get("KAGGLE_CONFIG_DIR", Path.home() / ".kaggle")) / "kaggle.json"
    if credentials.is_file():
        return json.loads(credentials.read_text()).get("username")
    return None


def kernel_metadata(config: dict, username: str) -> dict:
    hardware = config["hardware"]["target"]
    return {
        "id": f"{username}/{config['kaggle']['kernel_slug']}",
        "title": config["kaggle"]["kernel_title"],
        "code_file": "kernel.py",
        "language": "python",
        "kernel_type": "script",
        "is_private": True,
        "enable_gpu": hardware == "gpu",
        "enable_tpu": hardware == "tpu",
        # No docker_image pin: a pinned image silently drops the TPU.
        # Internet only to download ImageNet weights (model.pretrained: true); code competitions refuse
        # submissions from kernels with internet, so there attach the weights and give their path instead.
        "enable_internet": config["model"].get("pretrained") is True,
        "dataset_sources": config["kaggle"].get("dataset_sources", []),
        "competition_sources": [config["competition"]],
        "kernel_sources": [],
        "model_sources": config["kaggle"].get("model_sources", []),
    } | ({"machine_shape": MACHINE_SHAPES[hardware]} if hardware in MACHINE_SHAPES else {})


def push(config: dict, config_path: Path, dry_run: bool = False) -> Path:
    username = kaggle_username(config)
    if username is None:
        if not dry_run:
            raise ProjectError(
                "no Kaggle username: set kaggle.username in config.yaml or put kaggle.json in ~/.kaggle/"
            )
        username = "your-kaggle-username"
        log.warning("no Kaggle username found; kernel-metadata.json uses %s", username)
    kernel_dir = Path(config_path).parent / "kaggle"
    kernel_dir.mkdir(exist_ok=True)
    (kernel_dir / "kernel.py").write_text(bundle(config_path))
    (kernel_dir / "kernel-metadata.json").write_text(json.dumps(kernel_metadata(config, username), indent=2) + "\n")
    log.info("wrote %s/kernel.py and kernel-metadata.json", kernel_dir)
    if dry_run:
        return kernel_dir
    api = kaggle_api()
    import requests  # installed with kaggle

    try:
        result = api.kernels_push(str(kernel_dir))
    except requests.ConnectionError as error:  # no network, a proxy down
        reason = type(error).__name__
        raise ProjectError(f"could not reach Kaggle ({reason}): check the network, then push again") from None
    except Exception as error:  # bad metadata, a refused request: one line, not a traceback
        raise ProjectError(f"the push failed: {one_line(error)}") from None
    if getattr(result, "error", None):  # `kaggle kernels push` exits 0 even then
        raise ProjectError(f"Kaggle refused the kernel: {one_line(result.error)}")
    log.info("pushed: %s", getattr(result, "url", kernel_dir))
    return kernel_dir


def one_line(error) -> str:
    return " ".join(str(error).split())


def kaggle_api():
    """An authenticated KaggleApi, or one line that says which credentials to set.

    `import kaggle` authenticates on import and, without credentials, prints a page of help and raises
    SystemExit rather than an exception; both are caught here and replaced by that one line.
    """
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
            from kaggle.api.kaggle_api_extended import KaggleApi

            api = KaggleApi()
            api.authenticate()
    except ImportError:
        raise ProjectError("the kaggle package is missing: pip install kaggle") from None
    except (Exception, SystemExit):
        raise ProjectError(
            "no Kaggle credentials found: set KAGGLE_API_TOKEN (or KAGGLE_USERNAME and KAGGLE_KEY), or put"
            " kaggle.json in ~/.kaggle/; get them at https://www.kaggle.com/settings/api"
        ) from None
    return api
