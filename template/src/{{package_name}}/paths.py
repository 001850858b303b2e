"""Where data comes from and outputs go: Kaggle's folders inside a kernel, ./data and ./outputs here."""

import os
from pathlib import Path


def on_kaggle() -> bool:
    return "KAGGLE_KERNEL_RUN_TYPE" in os.environ


def input_root() -> Path:
    """Where Kaggle mounts a kernel's inputs. Kernels run in /kaggle/working, so ../input is /kaggle/input;
    KAGGLE_INPUT_ROOT moves it (the tests lay out a Kaggle-like folder elsewhere)."""
    return Path(os.environ.get("KAGGLE_INPUT_ROOT") or Path.cwd().parent / "input")


def default_data_dir(competition: str) -> Path:
    if not on_kaggle():
        return Path("data")
    for candidate in (input_root() / competition, input_root() / "competitions" / competition):
        if candidate.is_dir():
            return candidate
    return input_root() / competition


def default_output_dir() -> Path:
    # On Kaggle, files in /kaggle/working become the kernel's output (submission.csv included).
    return Path(os.environ.get("KAGGLE_WORKING_ROOT") or Path.cwd()) if on_kaggle() else Path("outputs")


def pretrained_path(config: dict) -> str:
    """model.pretrained's path. Inside a kernel a local path does not exist; the copy that `offline` packed into
    the attached dataset (<input>/<dataset>/weights/<name>) does, and is used instead."""
    given = str(config["model"]["pretrained"])
    packed = input_root() / config["kaggle"]["offline"]["dataset"] / "weights" / Path(given).name
    return str(packed) if on_kaggle() and not Path(given).exists() and packed.exists() else given


def train_csv(data_dir: Path) -> Path:
    """train.csv, or the one file named like it (Planet ships train_v2.csv)."""
    path = Path(data_dir) / "train.csv"
    candidates = sorted(Path(data_dir).glob("train*.csv"))
    return candidates[0] if not path.is_file() and len(candidates) == 1 else path
