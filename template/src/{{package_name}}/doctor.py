"""`doctor`: can this machine run the project as config.yaml says? One line per check, and what to do when it
fails. Changes nothing in the project (the push dry run writes into a temporary folder)."""

import importlib.metadata
import json
import logging
import os
import re
import shutil
import stat
import sys
import tempfile
from pathlib import Path

from .config import ProjectError
from .kaggle_api import NO_CREDENTIALS, credential_source, credentials_file
from .paths import default_data_dir, on_kaggle

PROJECT = __package__
PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"  # src/<package>/doctor.py -> the project


def check_python(config: dict) -> str:
    # This file needs 3.10 or newer to run at all, so reaching here is the check.
    kaggle = config["kaggle"]["offline"]["python"]
    return f"{sys.version.split()[0]} ({sys.executable}); Kaggle's kernels run {kaggle}"


def check_packages(config: dict) -> str:
    """Every dependency in the project's pyproject.toml installed, at a version it accepts."""
    found, problems = [], []
    for requirement in project_requirements():
        name, wanted = re.match(r"([A-Za-z0-9_.\-]+)\s*(.*)", requirement.split(";")[0]).groups()
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            problems.append(f"{name} missing")
            continue
        if not satisfies(version, wanted):
            problems.append(f"{name} {version} (needs {wanted})")
        found.append(f"{name} {version}")
    if problems:
        raise ProjectError(f"{', '.join(problems)}: run  pip install -e .  in the project folder")
    return ", ".join(found)


def project_requirements() -> list[str]:
    """The dependencies this project's own pyproject.toml lists (not those of another installed project that has
    the same package name); where there is no pyproject.toml (a Kaggle kernel's bundle), the installed ones."""
    try:
        import tomllib  # Python 3.11 and newer
    except ModuleNotFoundError:
        tomllib = None
    if tomllib is not None and PYPROJECT.is_file():
        return tomllib.loads(PYPROJECT.read_text())["project"]["dependencies"]
    try:
        requirements = importlib.metadata.requires(PROJECT) or []
    except importlib.metadata.PackageNotFoundError:
        raise ProjectError("the project is not installed in this Python: pip install -e . in its folder") from None
    return [requirement for requirement in requirements if "extra ==" not in requirement]  # not the dev tools


def satisfies(version: str, wanted: str) -> bool:
    try:
        from packaging.specifiers import SpecifierSet  # installed beside pip by the project's dependencies
    except ImportError:
        return True  # presence is all that can be checked without it
    return not wanted.strip() or SpecifierSet(wanted.strip()).contains(version, prereleases=True)


def check_framework(config: dict) -> str:
    from .hardware import framework

    return framework(config)


def check_accelerator(config: dict) -> str:
    """The devices the target needs: a failure on Kaggle, a note elsewhere (train falls back to the CPU)."""
    from .hardware import visible_accelerators

    target = config["hardware"]["target"]
    if target == "cpu":
        return "cpu: no accelerator needed"
    count = visible_accelerators(target)
    if count:
        return f"{count} {target.upper()} device(s) visible"
    if on_kaggle():
        raise ProjectError(f"no {target.upper()} visible: pick it in the kernel's settings (push asks for it)")
    return f"no {target.upper()} here: train would use the cpu settings; the pushed kernel asks Kaggle for it"


def check_credentials(config: dict) -> str:
    """Where the kaggle package will find credentials; never the credentials themselves."""
    source = credential_source()
    if source is None:
        raise ProjectError(NO_CREDENTIALS)
    path = credentials_file()
    if path and os.name == "posix" and path.stat().st_mode & (stat.S_IRGRP | stat.S_IROTH):
        raise ProjectError(f"{path} is readable by other users: run  chmod 600 {path}")
    return source


def check_data(config: dict, data_dir: Path) -> str:
    from .data import load_data

    if not Path(data_dir).is_dir():
        raise ProjectError(f"{data_dir}/ does not exist: run  python -m {PROJECT} download")
    data = load_data(data_dir, config)
    return f"{data_dir}/: {len(data.train)} training rows, {len(data.test)} test rows"


def check_push(config: dict, config_path: Path) -> str:
    from .push import push

    quiet = logging.getLogger(push.__module__)
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # its notes name the temporary folder
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "config.yaml"
        shutil.copy(config_path, copy)
        try:
            kernel_dir = push(config, copy, dry_run=True)
        finally:
            quiet.setLevel(level)
        code = kernel_dir / json.loads((kernel_dir / "kernel-metadata.json").read_text())["code_file"]
        for source in kernel_code(code):
            compile(source, code.name, "exec")  # the bundle is valid Python
        size = code.stat().st_size
    return f"{code.name} ({size // 1024} KiB) and kernel-metadata.json build"


def kernel_code(code: Path) -> list[str]:
    """A script's text, or each code cell of a notebook."""
    if code.suffix != ".ipynb":
        return [code.read_text()]
    import nbformat

    return [cell.source for cell in nbformat.read(code, as_version=4).cells if cell.cell_type == "code"]


def doctor(config: dict, config_path: Path, data_dir: Path | None) -> bool:
    """Run every check, print one line each; True when all pass."""
    checks = {
        "python": lambda: check_python(config),
        "packages": lambda: check_packages(config),
        "framework": lambda: check_framework(config),
        "accelerator": lambda: check_accelerator(config),
        "credentials": lambda: check_credentials(config),
        "config.yaml": lambda: f"{config_path} loads",
        "data": lambda: check_data(config, data_dir or default_data_dir(config["competition"])),
        "push": lambda: check_push(config, config_path),
    }
    passed = True
    for name, check in checks.items():
        try:
            line = f"ok    {name:<12} {check()}"
        except ProjectError as error:
            line, passed = f"FAIL  {name:<12} {error}", False
        except Exception as error:  # a broken install: say what broke, and carry on with the other checks
            line, passed = f"FAIL  {name:<12} {type(error).__name__}: {' '.join(str(error).split())}", False
        print(line, flush=True)
    return passed
