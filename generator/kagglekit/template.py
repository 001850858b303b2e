"""Where the copier template lives and what it asks, read from copier.yml (the one list of questions)."""

from pathlib import Path

import yaml


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
