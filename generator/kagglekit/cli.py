"""The `kagglekit` command: new, update and demo, a thin layer over copier."""

import argparse
import os
import sys
from pathlib import Path

import yaml

from . import __version__
from .template import UsageError, example_answers, next_steps, questions, render


class Parser(argparse.ArgumentParser):
    """argparse, with its errors in one line like every other refusal (it prints the usage block otherwise)."""

    def error(self, message):
        self.exit(2, f"kagglekit: error: {message} (see {self.prog} --help)\n")


def yes_or_no(text: str) -> bool:
    if text.lower() in ("true", "yes", "1"):
        return True
    if text.lower() in ("false", "no", "0"):
        return False
    raise argparse.ArgumentTypeError(f"'{text}' is not yes or no (true/false)")


def add_question_flags(parser: argparse.ArgumentParser) -> None:
    """One flag per copier question (`id_column` -> `--id-column`); copier itself checks the values."""
    types = {"int": int, "str": str, "bool": yes_or_no}
    for name, question in questions().items():
        choices = question.get("choices")
        shown = f" ({', '.join(choices)})" if choices else ""
        parser.add_argument(
            "--" + name.replace("_", "-"),
            dest=name,
            type=types.get(question.get("type"), str),
            metavar=name.upper(),
            help=question.get("help", "") + shown,
        )


def build_parser() -> argparse.ArgumentParser:
    from .demo import DATASETS, TASKS  # light: the demo's heavy imports happen inside its functions

    parser = Parser(prog="kagglekit", description="Kaggle competition starter kits.")
    parser.add_argument("--version", action="version", version=f"kagglekit {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    new = commands.add_parser("new", help="render a new competition project into DEST")
    new.add_argument("dest", type=Path)
    add_question_flags(new)
    new.add_argument("--defaults", action="store_true", help="never prompt: default answers for every flag not given")
    new.add_argument("--force", action="store_true", help="render into a folder that is not empty")
    update = commands.add_parser("update", help="pull template changes into a project made earlier")
    update.add_argument("dest", type=Path, nargs="?", default=Path("."))
    doctor = commands.add_parser("doctor", help="check that this machine can run a project made by kagglekit")
    doctor.add_argument("dest", type=Path, nargs="?", default=Path("."))
    demo = commands.add_parser("demo", help="render, train and submit on a bundled data set (no network)")
    demo.add_argument("dest", type=Path, nargs="?", help="default: kagglekit-demo-<dataset>, one folder per data set")
    demo.add_argument("--force", action="store_true", help="reuse DEST even if it is not empty")
    demo.add_argument(
        "--dataset",
        choices=list(DATASETS),
        help="data a dependency ships: breast-cancer (binary, auc), diabetes (regression, rmse), pen-digits (a"
        " table of 8x8 pen strokes, 10 classes, map@3), digits (28x28 images, accuracy), reviews (film critics'"
        " sentences, fresh or rotten, accuracy); default: the --task's, else breast-cancer",
    )
    demo.add_argument("--task", choices=list(TASKS), help="the task to show, on its bundled data set")
    demo.add_argument("--images", type=int, default=2000, help="digits: how many images to make (a quarter held out)")
    demo.add_argument("--texts", type=int, help="reviews: how many of the 12,808 to use (a quarter held out)")
    demo.add_argument(
        "--folds",
        type=int,
        help="cross-validation folds, 2 to 20 (default: tables 10 under 20,000 rows, else 5): fewer train sooner",
    )
    return parser


def update(dest: Path) -> None:
    import subprocess

    from copier import run_update

    answers_file = dest / ".copier-answers.yml"
    if not answers_file.is_file():
        raise UsageError(f"{dest} has no .copier-answers.yml: run update inside a project made by kagglekit")
    source = Path(yaml.safe_load(answers_file.read_text()).get("_src_path", ""))
    if not (source / ".git").exists():
        raise UsageError(
            f"the template {source} is not a git checkout, so copier cannot tell what changed: "
            "clone kagglekit, point _src_path in .copier-answers.yml at the clone, commit, and update again"
        )
    status = subprocess.run(["git", "-C", str(dest), "status", "--porcelain"], capture_output=True, text=True)
    if status.returncode != 0:
        raise UsageError(
            f"{dest} is not a git repository: run `git init && git add -A && git commit -m start` there first"
        )
    if status.stdout.strip():
        raise UsageError(
            f"{dest} has uncommitted changes: commit or stash them, so the update can be reviewed and undone"
        )
    try:
        run_update(str(dest), defaults=True, overwrite=True, skip_answered=True)
    except Exception as error:  # copier's own errors are already one clear sentence
        raise UsageError(f"update failed: {error}") from None


def doctor(dest: Path) -> int:
    """The project's own checks (`python -m <package> doctor`): its code knows its config, data and devices."""
    import subprocess

    answers_file = dest / ".copier-answers.yml"
    if not answers_file.is_file():
        raise UsageError(f"{dest} has no .copier-answers.yml: run doctor in a project made by kagglekit")
    package = yaml.safe_load(answers_file.read_text())["package_name"]
    source = str((dest / "src").resolve())  # importable even before `pip install -e .`, which doctor checks
    env = os.environ | {"PYTHONPATH": os.pathsep.join(filter(None, [source, os.environ.get("PYTHONPATH")]))}
    # The Python the project runs in: its own .venv where it has one, else this one.
    venv = dest / ".venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    python = str(venv) if venv.is_file() else sys.executable
    return subprocess.run([python, "-m", package, "doctor"], cwd=dest, env=env, check=False).returncode


def main(argv=None) -> None:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "new":
            answers = {name: getattr(args, name) for name in questions() if getattr(args, name) is not None}
            example, defaults = example_answers(answers.get("competition"))
            if example is not None:  # e.g. --competition titanic: its id, target and metric, unless a flag says else
                print(f"kagglekit: answers from {example.name} for every flag not given", file=sys.stderr)
                answers["competition"] = defaults["competition"]  # the slug, where the example's name was given
            render(args.dest, answers, args.defaults, args.force, suggested=defaults)
            print(next_steps(args.dest))
        elif args.command == "update":
            update(args.dest)
        elif args.command == "doctor":
            raise SystemExit(doctor(args.dest))
        else:
            from .demo import TASKS, demo

            dataset = args.dataset or TASKS.get(args.task, "breast-cancer")
            dest = args.dest or Path(f"kagglekit-demo-{dataset}")  # so the README's demos run one after another
            demo(dest, args.force, dataset, args.images, args.texts, args.folds)
    except UsageError as error:
        print(f"kagglekit: error: {error}", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
