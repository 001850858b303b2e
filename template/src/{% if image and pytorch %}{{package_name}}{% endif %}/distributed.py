"""Several GPUs: one process per GPU, each training the same network on its own shard of every epoch's images,
DistributedDataParallel averaging their gradients after each backward pass (on Kaggle's two T4s, and on any
machine with more). A fold's processes are started here, by the project, when its network trains; the CV loop,
the reference model and every prediction stay in the main process. Only rank 0 writes: the fold's weights, and
its log lines, which reach the main process's log (train.log and the terminal) through a queue.

Outside a fold's processes every helper here answers as one process would: rank 0 of 1, nothing to average."""

import logging
import logging.handlers
import socket
import threading

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch.nn.parallel import DistributedDataParallel


def rank() -> int:
    return dist.get_rank() if dist.is_initialized() else 0


def processes() -> int:
    return dist.get_world_size() if dist.is_initialized() else 1


def is_writer() -> bool:
    """Rank 0 alone writes files and log lines."""
    return rank() == 0


def wrap(model: torch.nn.Module, setup) -> torch.nn.Module:
    """The model whose backward pass averages the gradients over the processes (those of the parameters that
    learn when it is wrapped: wrap again after freezing or unfreezing); the model itself with one process."""
    if not dist.is_initialized():
        return model
    devices = [torch.cuda.current_device()] if setup.device_type == "cuda" else None
    return DistributedDataParallel(model, device_ids=devices)


def mean_over_processes(value: float, setup) -> float:
    """The mean of a number over the processes: every process then takes the same early-stopping decision."""
    if not dist.is_initialized():
        return value
    total = torch.tensor([value], dtype=torch.float64, device=setup.device_name)  # NCCL reduces GPU tensors
    dist.all_reduce(total)
    return total.item() / processes()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def train_in_processes(network, count: int, *arguments) -> dict:
    """network.train(*arguments) in `count` processes (NCCL between GPUs; gloo between CPU processes, as the
    tests run it); returns rank 0's history."""
    if torch.cuda.is_initialized():  # blocks this process cached on the first GPU: free for rank 0 there
        torch.cuda.empty_cache()
    context = mp.get_context("spawn")
    records, results = context.Queue(), context.SimpleQueue()
    relay = threading.Thread(target=relay_records, args=(records,), daemon=True)
    relay.start()
    try:
        mp.spawn(run_rank, args=(count, free_port(), network, arguments, records, results), nprocs=count)
    finally:
        records.put(None)
        relay.join()
    return results.get()


def relay_records(records) -> None:
    """Rank 0's log records, handled here as if logged here."""
    while (record := records.get()) is not None:
        logging.getLogger(record.name).handle(record)


def run_rank(rank_: int, count: int, port: int, network, arguments: tuple, records, results) -> None:
    """One process: joins the group, trains, and (rank 0) hands back the history."""
    root = logging.getLogger()
    root.setLevel(logging.INFO if rank_ == 0 else logging.WARNING)
    if rank_ == 0:
        root.addHandler(logging.handlers.QueueHandler(records))
    cuda = network.setup.device_type == "cuda"
    if cuda:
        torch.cuda.set_device(rank_)  # "cuda" is this process's GPU from here on
    address = f"tcp://127.0.0.1:{port}"
    dist.init_process_group("nccl" if cuda else "gloo", init_method=address, rank=rank_, world_size=count)
    try:
        history = network.train(*arguments)
        if rank_ == 0:
            results.put(history)
    finally:
        dist.destroy_process_group()
