"""The copier template: where it lives, what it asks (copier.yml, the one list of questions), and rendering it."""

import os
import re
import shutil
import sys
import warnings
from pathlib import Path

import yaml


class UsageError(Exception):
    """Bad input; printed as one line, exit code 2, nothing written."""


def template_root() -> Path:
    """The folder holding copier.yml: inside the installed package, or the root of a source checkout."""
    here = Path(__file__).resolve().parent
    for root in (here, here.parents[1]):
        if (root / "copier.yml").is_file():
            return root
    raise FileNotFoundError("copier.yml not found next to kagglekit: reinstall kagglekit")


def questions() -> dict:
    """copier.yml's questions, in order, without its _settings and the values it computes (`when: false`)."""
    spec = yaml.safe_load((template_root() / "copier.yml").read_text())
    return {name: q for name, q in spec.items() if not name.startswith("_") and q.get("when") is not False}


def example_answers(competition: str | None) -> tuple[Path | None, dict]:
    """A bundled example's answers (examples/<name>.yml), found by its file name or its competition slug."""
    if not competition:
        return None, {}
    for path in sorted((template_root() / "examples").glob("*.yml")):
        answers = yaml.safe_load(path.read_text())
        if competition in (path.stem, answers["competition"]):
            return path, answers
    return None, {}


def next_steps(dest: Path) -> str:
    """What to do after rendering, as the project's README starts it."""
    package = yaml.safe_load((dest / ".copier-answers.yml").read_text())["package_name"]
    return (
        f"kagglekit: made {dest}. Next (its README.md has every step):\n"
        f"  cd {dest}\n"
        f'  pip install -e ".[dev]"\n'
        f"  python -m {package} download        # or copy the competition's files into data/\n"
        f"  python -m {package} train --smoke   # a quick check, then: python -m {package} train"
    )


def check_destination(dest: Path, force: bool) -> None:
    if dest.exists() and not dest.is_dir():
        raise UsageError(f"{dest} is a file: choose a folder for the project")
    if dest.is_dir() and any(dest.iterdir()) and not force:
        raise UsageError(f"{dest} is not empty: choose a new folder, or pass --force to render into it")
    existing = dest
    while not existing.exists():
        existing = existing.parent
    if not os.access(existing, os.W_OK):
        raise UsageError(f"cannot write to {existing}: choose a folder you can write to")


def render(dest: Path, answers: dict, defaults: bool, force: bool, suggested: dict | None = None) -> None:
    """Render the template into dest; copier validates every answer before writing anything. `suggested` answers
    are the defaults offered (and taken with `defaults`), in place of copier.yml's."""
    from copier import run_copy  # imported here so `kagglekit --help` stays fast

    check_destination(dest, force)
    if not defaults and not sys.stdin.isatty():
        raise UsageError("no terminal to ask the questions on: pass --defaults, with flags for the answers you want")
    created = not dest.exists()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # copier's note that a dev checkout has uncommitted changes
            run_copy(
                str(template_root()),
                str(dest),
                data=answers,
                user_defaults=suggested or {},
                defaults=defaults,
                overwrite=force,
                quiet=defaults,
                vcs_ref="HEAD",  # a checkout renders what it holds, not its last tag
            )
    except KeyboardInterrupt:  # Ctrl-C at a prompt: stop quietly, leave nothing behind
        if created:
            shutil.rmtree(dest, ignore_errors=True)
        raise SystemExit(130) from None
    except (ValueError, OSError) as error:
        if created:  # leave nothing half-written behind
            shutil.rmtree(dest, ignore_errors=True)
        if isinstance(error, OSError):
            raise UsageError(f"cannot write to {dest} ({error.strerror}): choose a folder you can write to") from None
        # copier's validators say "Validation error for question 'x': reason"
        raise UsageError(re.sub(r"^Validation error for question '\w+': ", "", str(error)).strip()) from None
