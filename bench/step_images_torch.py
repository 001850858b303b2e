"""Images per second of a rendered PyTorch image project's training loop (loop.fit) in one process, under the
hardware setup it picks: one GPU with AMP, or the CPU. (With several GPUs a project trains in a process per GPU,
distributed.py; this step times one process's loop on one of them.)

Run by throughput.py in a fresh process per setting:
    PYTHONPATH=<project>/src python step_images_torch.py <project> [--backbone small_cnn] [--size 28]
        [--images 1024] [--epochs 2] [--precision float32]
--precision float32 switches AMP off on a GPU (the comparison the issue asks for). Prints one JSON line; on a
machine with NVIDIA GPUs it also samples their utilisation while timing. Images come from memory, not disk:
this measures the network and the loop, as the Keras step benchmarks do.
"""

from step_throughput import image_bench_args, report


def main() -> None:
    args, config, package = image_bench_args()
    import torch

    config["training"].update(progress=False, early_stopping_start=args.epochs + 1)  # every epoch runs
    hardware = __import__(f"{package}.hardware", fromlist=["x"])
    loop = __import__(f"{package}.loop", fromlist=["x"])
    model_module = __import__(f"{package}.model", fromlist=["x"])
    spec = __import__(f"{package}.pipeline", fromlist=["x"]).ImageSpec((args.size, args.size), 3)

    setup = hardware.configure(config)
    if args.precision == "float32":
        setup.amp, setup.precision = False, "float32"
    elif setup.amp:
        setup.precision = "float16 AMP"
    setup.replicas = 1  # one process, one device
    network = model_module.ImageNetwork(config, None, setup, 10, spec).network(None)  # on the device, channels_last
    generator = torch.Generator().manual_seed(0)
    images = torch.rand(args.images, 3, args.size, args.size, generator=generator)
    labels = torch.randint(0, 10, (args.images,), generator=generator)
    batches = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(images, labels),
        batch_size=setup.batch_size,
        shuffle=True,
        drop_last=True,
        pin_memory=setup.pin_memory,
    )
    stop = [(images[: setup.batch_size], labels[: setup.batch_size])]  # early stopping's slice: one batch
    loss = torch.nn.CrossEntropyLoss()
    loop.fit(network, batches, stop, 1, setup.learning_rate, setup, config, loss)  # warm up (cuDNN picks its kernels)

    def train():
        loop.fit(network, batches, stop, args.epochs, setup.learning_rate, setup, config, loss)
        if setup.device_type == "cuda":
            torch.cuda.synchronize()

    report(train, setup, "images", len(batches) * setup.batch_size * args.epochs)


if __name__ == "__main__":
    main()
