"""Sequences per second of a rendered text project's training step, under the hardware setup it picks.

Run by throughput.py in a fresh process per setting (backends and device counts are fixed at start-up):
    PYTHONPATH=<project>/src python step_text.py <project> [--model transformer|cnn|bigru] [--size base|tiny]
        [--length 128] [--sequences 1024] [--precision P] [--split-cpu N] [--epochs 1]
The transformer is DistilBERT's shape (base: 6 layers, 768 wide; tiny: 2 layers, 128 wide) with random
weights: a step costs the same, and nothing is downloaded. Prints one JSON line; on a machine with NVIDIA
GPUs it also samples their utilisation while timing.
"""

import argparse

import numpy as np
from step_throughput import parse_args, report

SHAPES = {
    "base": {"num_layers": 6, "num_heads": 12, "hidden_dim": 768, "intermediate_dim": 3072},
    "tiny": {"num_layers": 2, "num_heads": 2, "hidden_dim": 128, "intermediate_dim": 512},
}
VOCABULARY = 30522  # DistilBERT's


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="transformer", choices=["transformer", "cnn", "bigru"])
    parser.add_argument("--size", default="base", choices=list(SHAPES))
    parser.add_argument("--length", type=int, default=128)
    parser.add_argument("--sequences", type=int, default=1024)
    args = parse_args(parser, epochs=1)

    import keras
    import yaml

    config = yaml.safe_load((args.project / "config.yaml").read_text())
    package = config["competition"].replace("-", "_")
    hardware = __import__(f"{package}.hardware", fromlist=["x"])
    model_module = __import__(f"{package}.model", fromlist=["x"])
    transformer = __import__(f"{package}.transformer", fromlist=["x"])

    setup = hardware.configure(config)
    if args.precision:
        keras.mixed_precision.set_global_policy(args.precision)
        setup.precision = args.precision
    rng = np.random.default_rng(0)
    ids = rng.integers(5, VOCABULARY, (args.sequences, args.length)).astype("int32")
    labels = np.eye(2, dtype="float32")[rng.integers(0, 2, args.sequences)]
    batch = setup.batch_size
    with setup.scope():
        if args.model == "transformer":
            import keras_hub

            backbone = keras_hub.models.DistilBertBackbone(
                vocabulary_size=VOCABULARY, max_sequence_length=max(args.length, 512), **SHAPES[args.size]
            )
            network = transformer.build_classifier(backbone, 2, 0, 0.1)
            x = {"token_ids": ids, "padding_mask": np.ones_like(ids)}
            optimizer = transformer.optimizer(config["transformer"], setup.learning_rate, 1000)
        else:
            config["model"]["scratch"] = args.model
            network = model_module.build_network(config, VOCABULARY, args.length, 0, 2)
            x = {"tokens": ids}
            optimizer = keras.optimizers.Adam(setup.learning_rate)
        network.compile(optimizer=optimizer, loss="categorical_crossentropy")
        network.fit(x, labels, batch_size=batch, epochs=1, verbose=0)  # compile and warm up
        epochs = args.epochs
        steps = args.sequences // batch
        report(
            lambda: network.fit(x, labels, batch_size=batch, epochs=epochs, verbose=0),
            setup,
            "sequences",
            steps * batch * epochs,
        )


if __name__ == "__main__":
    main()
