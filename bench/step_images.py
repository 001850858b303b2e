"""Images per second of a rendered image project's training step, under the hardware setup it picks.

Run by throughput.py in a fresh process per setting (backends and device counts are fixed at start-up):
    PYTHONPATH=<project>/src python step_images.py <project> [--backbone small_cnn] [--size 28] [--precision P]
        [--split-cpu N] [--images 1024] [--epochs 2]
Prints one JSON line. On a machine with NVIDIA GPUs it also samples their utilisation while timing.
"""

import numpy as np
from step_throughput import image_bench_args, report


def main() -> None:
    args, config, package = image_bench_args()
    import tensorflow as tf

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
        epochs = args.epochs
        report(
            lambda: network.fit(batches, epochs=epochs, verbose=0),
            setup,
            "images",
            len(batches) * setup.batch_size * epochs,
        )


if __name__ == "__main__":
    main()
