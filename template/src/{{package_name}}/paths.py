"""Where data comes from and outputs go: Kaggle's folders inside a kernel, ./data and ./outputs here."""

import os
from pathlib import Path


def on_kaggle() -> bool:
    return "KAGGLE_KERNEL_RUN_TYPE" in os.environ


def default_data_dir(competition: str) -> Path:
    if not on_kaggle():
        return Path("data")
    # Kernels run in /kaggle/working, so ../input is /kaggle/input.
    input_root = Path.cwd().parent / "input"
    for candidate in (input_root / competition, input_root / "competitions" / competition):
        if candidate.is_dir():
            return candidate
    return input_root / competition


def default_output_dir() -> Path:
    # On Kaggle, files in /kaggle/working become the kernel's output (submission.csv included).
    return Path.cwd() if on_kaggle() else Path("outputs")
