"""Training-step throughput of a rendered tabular project for each hardware answer.

    python bench/throughput.py            # on this machine: CPU, and the GPU/TPU paths on simulated devices
    python bench/throughput.py --real     # on a machine with NVIDIA GPUs: the gpu path with and without
                                          # mixed precision, and GPU utilisation
Each setting runs in its own process. Prints a table and writes bench/results/throughput.json.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
EIGHT_HOST_DEVICES = {"XLA_FLAGS": "--xla_force_host_platform_device_count=8"}

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--real", action="store_true", help="measure real GPUs instead of simulated devices")
    parser.add_argument("--rows", type=int, default=20000)
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as scratch:
        for name, (hardware, backend, extra, env) in (REAL_GPU if args.real else SIMULATED).items():
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
                    "binary-classification",
                    "--hardware",
                    hardware,
                ],
                check=True,
                capture_output=True,
            )
            result = subprocess.run(
                [sys.executable, str(HERE / "step_throughput.py"), str(project), "--rows", str(args.rows), *extra],
                env={**os.environ, "PYTHONPATH": str(project / "src"), "KERAS_BACKEND": backend, **env},
                capture_output=True,
                text=True,
                check=True,
            )
            results[name] = json.loads(result.stdout.strip().splitlines()[-1])
            r = results[name]
            utilisation = f", GPU busy {r['gpu_utilisation_percent']:.0f}%" if r["gpu_utilisation_percent"] else ""
            print(
                f"{name:55s} {r['rows_per_second']:>10,.0f} rows/s  ({r['device']} x{r['replicas']}, "
                f"{r['precision']}, global batch {r['global_batch']}{utilisation})",
                flush=True,
            )
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / ("throughput-real.json" if args.real else "throughput.json")).write_text(
        json.dumps(results, indent=2)
    )


if __name__ == "__main__":
    main()
