"""Training-step throughput of a rendered project for each hardware answer: table rows/s, images/s or
text sequences/s.

    python bench/throughput.py            # on this machine: CPU, and the GPU/TPU paths on simulated devices
    python bench/throughput.py --real     # on a machine with NVIDIA GPUs: the gpu path with and without
                                          # mixed precision, and GPU utilisation
    python bench/throughput.py --task image-classification [--real]   # the image network instead
    python bench/throughput.py --task nlp [--real]   # the text networks: DistilBERT-shaped transformer, CNN
    python bench/throughput.py --task image-classification --framework pytorch [--real]   # timm + PyTorch loop:
                                          # on a GPU with and without AMP (autocast + GradScaler)
Each setting runs in its own process. Prints a table and writes bench/results/throughput[-task][-real].json.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
EIGHT_HOST_DEVICES = {
    "XLA_FLAGS": "--xla_force_host_platform_device_count=8 --xla_cpu_collective_call_terminate_timeout_seconds=900"
}

# name: (hardware answer, Keras backend, extra arguments, extra environment)
SIMULATED = {
    "cpu, float32": ("cpu", "tensorflow", [], {}),
    "cpu, mixed_float16": ("cpu", "tensorflow", ["--precision", "mixed_float16"], {}),
    "gpu path: MirroredStrategy over 2 logical CPUs": ("gpu", "tensorflow", ["--split-cpu", "2"], {}),
    "tpu path: Keras/JAX, 1 host device": ("tpu", "jax", [], {}),
    "tpu path: Keras/JAX DataParallel over 8 host devices": ("tpu", "jax", [], EIGHT_HOST_DEVICES),
}
REAL_GPU = {
    "gpu: MirroredStrategy, mixed_float16": ("gpu", "tensorflow", [], {}),
    "gpu: MirroredStrategy, float32": ("gpu", "tensorflow", ["--precision", "float32"], {}),
}
SMALL_CNN, B0 = ["--size", "28"], ["--backbone", "efficientnetb0", "--size", "224"]
SIMULATED_IMAGES = {
    "cpu, float32, small CNN 28 px": ("cpu", "tensorflow", SMALL_CNN, {}),
    "cpu, float32, EfficientNetB0 224 px": ("cpu", "tensorflow", [*B0, "--images", "128", "--epochs", "1"], {}),
    "gpu path: MirroredStrategy over 2 logical CPUs, small CNN": (
        "gpu",
        "tensorflow",
        [*SMALL_CNN, "--split-cpu", "2"],
        {},
    ),
    "tpu path: Keras/JAX, 1 host device, small CNN": ("tpu", "jax", SMALL_CNN, {}),
    "tpu path: Keras/JAX over 8 host devices, small CNN": ("tpu", "jax", SMALL_CNN, EIGHT_HOST_DEVICES),
}
REAL_GPU_IMAGES = {
    "gpu: EfficientNetB0 224 px, mixed_float16": ("gpu", "tensorflow", [*B0, "--images", "4096"], {}),
    "gpu: EfficientNetB0 224 px, float32": (
        "gpu",
        "tensorflow",
        [*B0, "--images", "4096", "--precision", "float32"],
        {},
    ),
    "gpu: small CNN 28 px, mixed_float16": ("gpu", "tensorflow", [*SMALL_CNN, "--images", "32768"], {}),
}

TINY, BASE = ["--size", "tiny", "--sequences", "256"], ["--size", "base", "--sequences", "64"]
SIMULATED_TEXT = {
    "cpu, float32, from-scratch CNN, 128 tokens": ("cpu", "tensorflow", ["--model", "cnn"], {}),
    "cpu, float32, transformer tiny (2 layers, 128 wide)": ("cpu", "tensorflow", TINY, {}),
    "cpu, float32, transformer DistilBERT-base shape": ("cpu", "tensorflow", BASE, {}),
    "gpu path: MirroredStrategy over 2 logical CPUs, transformer tiny": (
        "gpu",
        "tensorflow",
        [*TINY, "--split-cpu", "2"],
        {},
    ),
    "tpu path: Keras/JAX over 8 host devices, transformer tiny": ("tpu", "jax", TINY, EIGHT_HOST_DEVICES),
}
REAL_GPU_TEXT = {
    "gpu: DistilBERT-base shape, 128 tokens, mixed_float16": ("gpu", "tensorflow", ["--sequences", "4096"], {}),
    "gpu: DistilBERT-base shape, 128 tokens, float32": (
        "gpu",
        "tensorflow",
        ["--sequences", "4096", "--precision", "float32"],
        {},
    ),
    "gpu: from-scratch CNN, 128 tokens, mixed_float16": (
        "gpu",
        "tensorflow",
        ["--model", "cnn", "--sequences", "65536"],
        {},
    ),
}
SMALL_CNN_TORCH, B0_TORCH = ["--size", "28"], ["--backbone", "efficientnet_b0", "--size", "224"]
SIMULATED_TORCH_IMAGES = {
    "cpu, float32, small CNN 28 px (PyTorch)": ("cpu", "", SMALL_CNN_TORCH, {}),
    "cpu, float32, efficientnet_b0 224 px (PyTorch)": ("cpu", "", [*B0_TORCH, "--images", "128", "--epochs", "1"], {}),
}
REAL_GPU_TORCH_IMAGES = {  # one GPU, one process (several train through distributed.py's processes)
    "gpu: efficientnet_b0 224 px, AMP": ("gpu", "", [*B0_TORCH, "--images", "4096"], {}),
    "gpu: efficientnet_b0 224 px, float32 (AMP off)": (
        "gpu",
        "",
        [*B0_TORCH, "--images", "4096", "--precision", "float32"],
        {},
    ),
    "gpu: small CNN 28 px, AMP": ("gpu", "", [*SMALL_CNN_TORCH, "--images", "32768"], {}),
}
# task: (settings without and with --real, the step script, what it counts)
TASKS = {
    "binary-classification": (SIMULATED, REAL_GPU, "step_throughput.py", "rows_per_second"),
    "image-classification": (SIMULATED_IMAGES, REAL_GPU_IMAGES, "step_images.py", "images_per_second"),
    "nlp": (SIMULATED_TEXT, REAL_GPU_TEXT, "step_text.py", "sequences_per_second"),
}
PYTORCH = (SIMULATED_TORCH_IMAGES, REAL_GPU_TORCH_IMAGES, "step_images_torch.py", "images_per_second")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--real", action="store_true", help="measure real GPUs instead of simulated devices")
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--task", choices=list(TASKS), default="binary-classification")
    parser.add_argument("--framework", choices=["keras", "pytorch"], default="keras", help="pytorch: images only")
    args = parser.parse_args()
    if args.framework == "pytorch" and args.task != "image-classification":
        parser.error("--framework pytorch is for --task image-classification")
    simulated, real, script, unit = PYTORCH if args.framework == "pytorch" else TASKS[args.task]
    step = [str(HERE / script)]
    results = {}
    with tempfile.TemporaryDirectory() as scratch:
        for name, (hardware, backend, extra, env) in (real if args.real else simulated).items():
            project = Path(scratch) / name.replace(" ", "_").replace(":", "").replace(",", "").replace("/", "")
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "kagglekit.cli",
                    "new",
                    str(project),
                    "--defaults",
                    "--competition",
                    "bench-tabular",
                    "--task",
                    args.task,
                    "--hardware",
                    hardware,
                    "--framework",
                    args.framework,
                ],
                check=True,
                capture_output=True,
            )
            size = ["--rows", str(args.rows)] if args.task == "binary-classification" else []
            result = subprocess.run(
                [sys.executable, *step, str(project), *size, *extra],
                env={
                    **os.environ,
                    "PYTHONPATH": str(project / "src"),
                    **({"KERAS_BACKEND": backend} if backend else {}),
                    **env,
                },
                capture_output=True,
                text=True,
                check=True,
            )
            results[name] = json.loads(result.stdout.strip().splitlines()[-1])
            r = results[name]
            utilisation = f", GPU busy {r['gpu_utilisation_percent']:.0f}%" if r["gpu_utilisation_percent"] else ""
            print(
                f"{name:58s} {r[unit]:>10,.0f} {unit.split('_')[0]}/s  ({r['device']} x{r['replicas']}, "
                f"{r['precision']}, global batch {r['global_batch']}{utilisation})",
                flush=True,
            )
    (HERE / "results").mkdir(exist_ok=True)
    suffix = {"binary-classification": "", "image-classification": "-image", "nlp": "-text"}[args.task]
    name = "throughput" + suffix + ("-pytorch" if args.framework == "pytorch" else "") + ("-real" if args.real else "")
    (HERE / "results" / f"{name}.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
