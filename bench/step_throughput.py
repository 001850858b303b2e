"""Rows per second of a rendered project's Keras training step, under the hardware setup it picks.

Run by throughput.py in a fresh process per setting (backends and device counts are fixed at start-up):
    PYTHONPATH=<project>/src python step_throughput.py <project> [--rows N] [--epochs E] [--precision P]
        [--split-cpu N]
Prints one JSON line. On a machine with NVIDIA GPUs it also samples their utilisation while timing.
"""

import argparse
import json
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path


def gpu_utilisation(samples: list, stop: threading.Event) -> None:
    while not stop.wait(0.2):
        out = subprocess.run(
            ["nvidia-smi", "--query-gpu=utilization.gpu", "--format=csv,noheader,nounits"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        samples.extend(float(v) for v in out.split())


def parse_args(parser: argparse.ArgumentParser, epochs: int) -> argparse.Namespace:
    """The arguments every step benchmark takes; splits the CPU into logical devices when asked (before TF starts)."""
    parser.add_argument("project", type=Path)
    parser.add_argument("--epochs", type=int, default=epochs)
    parser.add_argument("--precision", help="override config.yaml's precision for the device found")
    parser.add_argument("--split-cpu", type=int, default=1, help="logical CPU devices (stands in for GPUs)")
    args = parser.parse_args()
    if args.split_cpu > 1:
        import tensorflow as tf

        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * args.split_cpu)
    return args


def image_bench_args() -> tuple[argparse.Namespace, dict, str]:
    """The image step benchmarks' arguments, and the project's config.yaml set to its --backbone, untrained."""
    import yaml

    parser = argparse.ArgumentParser()
    parser.add_argument("--backbone", default="small_cnn")
    parser.add_argument("--size", type=int, default=28)
    parser.add_argument("--images", type=int, default=1024)
    args = parse_args(parser, epochs=2)
    config = yaml.safe_load((args.project / "config.yaml").read_text())
    config["model"].update(pretrained=False, backbone=args.backbone)
    return args, config, config["competition"].replace("-", "_")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20000)
    args = parse_args(parser, epochs=3)

    sys.path.insert(0, str(args.project / "tests"))
    import yaml
    from synthetic import write_competition

    config = yaml.safe_load((args.project / "config.yaml").read_text())
    package = config["competition"].replace("-", "_")
    hardware = __import__(f"{package}.hardware", fromlist=["x"])
    batches = __import__(f"{package}.batches", fromlist=["x"])
    model_module = __import__(f"{package}.model", fromlist=["x"])
    preprocess = __import__(f"{package}.preprocess", fromlist=["x"])
    import pandas as pd

    data = write_competition(Path(args.project) / "bench-data", config, rows=args.rows)
    train = pd.read_csv(data / "train.csv")
    roles = preprocess.infer_roles(train, pd.read_csv(data / "test.csv"), config)
    x = preprocess.neural_preprocessor(roles, config).fit_transform(train).astype("float32")
    y = train[config["columns"]["target"]].to_numpy("float32")
    if config["task"] == "tabular-regression":
        y = (y - y.mean()) / y.std()

    setup = hardware.configure(config)
    if args.precision:
        import keras

        keras.mixed_precision.set_global_policy(args.precision)
        setup.precision = args.precision
    with setup.scope():
        model = model_module.build_model(x.shape[1], config, setup.learning_rate, 0.5)
    feed = batches.ShuffledFullBatches(x, y, setup.batch_size, seed=0, workers=setup.workers)
    model.fit(feed, epochs=1, verbose=0)  # compile and warm up

    report(
        lambda: model.fit(feed, epochs=args.epochs, verbose=0),
        setup,
        "rows",
        len(feed) * setup.batch_size * args.epochs,
    )


def report(train, setup, unit: str, count: int) -> None:
    """Time train() (a warmed-up model learning `count` rows or images), sampling GPU use; print one JSON line."""
    samples, stop = [], threading.Event()
    if shutil.which("nvidia-smi"):
        threading.Thread(target=gpu_utilisation, args=(samples, stop), daemon=True).start()
    start = time.perf_counter()
    train()
    seconds = time.perf_counter() - start
    stop.set()
    print(
        json.dumps(
            {
                "device": setup.device,
                "replicas": setup.replicas,
                "precision": setup.precision,
                "global_batch": setup.batch_size,
                f"{unit}_per_second": count / seconds,
                "gpu_utilisation_percent": sum(samples) / len(samples) if samples else None,
            }
        )
    )


if __name__ == "__main__":
    main()
