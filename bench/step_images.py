"""Images per second of a rendered image project's training step, under the hardware setup it picks.

Run by throughput.py in a fresh process per setting (backends and device counts are fixed at start-up):
    PYTHONPATH=<project>/src python step_images.py <project> [--backbone small_cnn] [--size 28] [--precision P]
        [--split-cpu N] [--images 1024] [--epochs 2]
Prints one JSON line. On a machine with NVIDIA GPUs it also samples their utilisation while timing.
"""

import argparse
import json
import shutil
import threading
import time
from pathlib import Path

import numpy as np
from step_throughput import gpu_utilisation


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("project", type=Path)
    parser.add_argument("--backbone", default="small_cnn")
    parser.add_argument("--size", type=int, default=28)
    parser.add_argument("--images", type=int, default=1024)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--precision", help="override config.yaml's precision for the device found")
    parser.add_argument("--split-cpu", type=int, default=1, help="logical CPU devices (stands in for GPUs)")
    args = parser.parse_args()
    if args.split_cpu > 1:
        import tensorflow as tf

        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * args.split_cpu)

    import tensorflow as tf
    import yaml

    config = yaml.safe_load((args.project / "config.yaml").read_text())
    config["model"].update(pretrained=False, backbone=args.backbone)
    package = config["competition"].replace("-", "_")
    hardware = __import__(f"{package}.hardware", fromlist=["x"])
    model_module = __import__(f"{package}.model", fromlist=["x"])
    spec = __import__(f"{package}.pipeline", fromlist=["x"]).ImageSpec((args.size, args.size), 3)

    setup = hardware.configure(config)
    if args.precision:
        import keras

        keras.mixed_precision.set_global_policy(args.precision)
        setup.precision = args.precision
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (args.images, args.size, args.size, 3), dtype="uint8")
    labels = np.eye(10, dtype="float32")[rng.integers(0, 10, args.images)]
    batches = (
        tf.data.Dataset.from_tensor_slices((images, labels))
        .map(lambda x, y: (tf.cast(x, tf.float32), y))
        .batch(setup.batch_size, drop_remainder=True)
        .prefetch(tf.data.AUTOTUNE)
    )
    with setup.scope():
        network, _ = model_module.build_network(spec, 10, config)
        model_module.compile_network(network, setup.learning_rate, args.epochs + 1, len(batches), config)
        network.fit(batches, epochs=1, verbose=0)  # compile and warm up
        samples, stop = [], threading.Event()
        if shutil.which("nvidia-smi"):
            threading.Thread(target=gpu_utilisation, args=(samples, stop), daemon=True).start()
        start = time.perf_counter()
        network.fit(batches, epochs=args.epochs, verbose=0)
        seconds = time.perf_counter() - start
        stop.set()
    print(
        json.dumps(
            {
                "device": setup.device,
                "replicas": setup.replicas,
                "precision": setup.precision,
                "global_batch": setup.batch_size,
                "images_per_second": len(batches) * setup.batch_size * args.epochs / seconds,
                "gpu_utilisation_percent": sum(samples) / len(samples) if samples else None,
            }
        )
    )


if __name__ == "__main__":
    main()
