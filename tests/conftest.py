import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import yaml
from kagglekit.cli import main as kagglekit

REPO = Path(__file__).resolve().parents[1]


def render(dest: Path, *flags: str) -> Path:
    """Render a project with `kagglekit new DEST --defaults FLAGS` and return its folder."""
    kagglekit(["new", str(dest), "--defaults", *flags])
    return dest


def write_synthetic_data(project: Path, data_dir: Path, **options) -> Path:
    """Use the rendered project's own synthetic competition writer, with the project's config."""
    spec = importlib.util.spec_from_file_location("synthetic", project / "tests" / "synthetic.py")
    synthetic = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synthetic)
    config = yaml.safe_load((project / "config.yaml").read_text())
    return synthetic.write_competition(data_dir, config, **options)


def run_in(project: Path, *command: str, timeout: int = 900) -> subprocess.CompletedProcess:
    """Run a command in the project folder with this Python, its src/ importable."""
    return subprocess.run(
        [sys.executable, *command],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(project / "src")},
    )
