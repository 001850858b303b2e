"""Command line: python -m <package> train | predict | push."""

import argparse
import logging
import sys
from pathlib import Path

from .config import ProjectError, load_config
from .hardware import select_backend
from .paths import default_data_dir, default_output_dir


def parse_args(argv):
    parser = argparse.ArgumentParser(prog=f"python -m {__package__}", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("train", "k-fold training, CV report and submission.csv"),
        ("predict", "re-predict test.csv from the saved fold models"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument("--config", type=Path, default=Path("config.yaml"))
        command.add_argument("--data-dir", type=Path, help="folder with train.csv, test.csv, sample_submission.csv")
        command.add_argument("--output-dir", type=Path, help="where models, cv.json and submission.csv go")
        if name == "train":
            command.add_argument("--smoke", action="store_true", help="tiny fast run that checks the pipeline")
    push = commands.add_parser("push", help="bundle the project as a Kaggle kernel and push it")
    push.add_argument("--config", type=Path, default=Path("config.yaml"))
    push.add_argument("--dry-run", action="store_true", help="write kaggle/ but do not upload")
    return parser.parse_args(argv)


def run(args) -> None:
    config = load_config(args.config, smoke=getattr(args, "smoke", False))
    if args.command == "push":
        from .push import push

        push(config, args.config, dry_run=args.dry_run)
        return
    select_backend(config["hardware"]["target"])  # before anything imports keras
    data_dir = args.data_dir or default_data_dir(config["competition"])
    # A smoke run never replaces the real run's models or submission.
    output_dir = args.output_dir or default_output_dir() / ("smoke" if getattr(args, "smoke", False) else "")
    if args.command == "train":
        from .train import train

        train(config, data_dir, output_dir, smoke=args.smoke)
    else:
        from .data import load_data
        from .predict import predict_test

        predict_test(config, load_data(data_dir, config), output_dir)


def main(argv=None) -> None:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("tensorflow").setLevel(logging.ERROR)  # retracing notes when fold models are reloaded
    try:
        run(args)
    except ProjectError as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
