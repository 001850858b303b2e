"""Chooses where training runs (backend, devices, precision, batch size) and says so in one log line."""

import atexit
import contextlib
import importlib.util
import logging
import os
import random
import shutil
import sys
import tempfile
from dataclasses import dataclass

from .training_setup import TrainingSetup

log = logging.getLogger(__name__)


def keras_backend(hardware: dict) -> str:
    """The Keras backend for config.yaml's hardware section, chosen without importing anything.

    Kaggle's TPU image ships JAX and tensorflow-cpu, not a TPU TensorFlow, so TPU projects run on JAX. GPUs
    run on TensorFlow (MirroredStrategy spreads a batch over Kaggle's two T4s). On a CPU, the cpu section's
    backend runs where it is installed (Kaggle's CPU image has JAX), else TensorFlow. KERAS_BACKEND, when
    set, wins.
    """
    backend = {"tpu": "jax", "gpu": "tensorflow"}.get(hardware["target"], hardware["cpu"].get("backend", "tensorflow"))
    if backend == "jax" and importlib.util.find_spec("jax") is None:
        backend = "tensorflow"
    return os.environ.get("KERAS_BACKEND", backend)


def select_backend(hardware: dict) -> str:
    """Set the Keras backend (keras_backend) and quiet library settings; must run before `import keras`."""
    os.environ.setdefault("KERAS_BACKEND", keras_backend(hardware))
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TensorFlow's C++ start-up chatter out of the log
    # OpenMP threads (scikit-learn's and the reference models') sleep while they wait for each other instead of
    # spinning: a spinning thread stalls the rest when anything else shares the cores (measured: 6x slower on 2
    # busy cores).
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    # TensorFlow's CPU tensors from its own pool (BFC) instead of malloc: otherwise every step's large buffers (a
    # text network's dense embedding gradient and Adam's moments) come back as fresh pages from the kernel. Measured:
    # the text cnn's epoch 10 s -> 5 s, same losses; page faults 14 -> 4 million in 48 s.
    os.environ.setdefault("TF_CPU_ALLOCATOR_USE_BFC", "true")
    return os.environ["KERAS_BACKEND"]


@contextlib.contextmanager
def stderr_captured():
    """Send file descriptor 2 (where C++ libraries write) to a temporary file; yields that file."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+") as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield sink
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


def start_quietly(verbose: bool, tensorflow: bool) -> None:
    """Import Keras (and TensorFlow) and find the devices with their C++ start-up lines hidden: oneDNN notes,
    "Could not find cuda drivers", "failed call to cuInit". They look like errors and are not; --verbose shows
    them, and if the start fails they are printed after all."""
    logging.getLogger("jax").setLevel(logging.WARNING)  # "Unable to initialize backend 'tpu'" on every CPU
    with contextlib.nullcontext() if verbose else stderr_captured() as captured:
        try:
            import keras

            if tensorflow or keras.backend.backend() == "tensorflow":
                import tensorflow as tf

                tf.config.list_logical_devices()  # device discovery prints the CUDA lines; do it now
            if keras.backend.backend() == "jax":
                import jax

                jax.devices()
        except BaseException:
            if captured:
                captured.seek(0)
                sys.stderr.write(captured.read())
            raise


@dataclass
class Setup(TrainingSetup):
    strategy: object = None  # a tf.distribute strategy for several GPUs, else None

    def scope(self):
        """Build and compile models inside this, so their variables live on every replica."""
        return self.strategy.scope() if self.strategy is not None else contextlib.nullcontext()


def compile_for_training(model, optimizer, loss) -> None:
    """model.compile, and the optimizer's variables made now: left to fit's first step, they would make TensorFlow
    trace that step twice (about 2 s a fit on a CPU). Call it inside Setup.scope(), where the model was built."""
    model.compile(optimizer=optimizer, loss=loss)
    model.optimizer.build(model.trainable_variables)


def seed_everything(seed: int) -> None:
    """Python's, NumPy's and the backend's generators, so that a run repeats."""
    import keras
    import numpy as np

    if keras.backend.backend() == "jax" and "tensorflow" not in sys.modules:
        # keras.utils.set_random_seed would import TensorFlow (2 s) just to seed it. On JAX, Keras draws every
        # seed a layer or initializer lacks from Python's generator: seeding Python's and NumPy's is enough.
        random.seed(seed)
        np.random.seed(seed)
    else:
        keras.utils.set_random_seed(seed)


def find_accelerator(target: str) -> tuple[str, int, object] | None:
    """(platform, replicas, strategy) of the target's sharded path, or None when it cannot run here."""
    import keras

    backend = keras.backend.backend()
    if target == "cpu":
        return "cpu", 1, None
    if target == "gpu" and backend == "tensorflow":
        import tensorflow as tf

        # All visible GPUs (Kaggle's "GPU T4 x2" is two). A CPU split into logical devices stands in
        # for several GPUs in tests, so the same mirrored path runs on a machine without any.
        devices = tf.config.list_logical_devices("GPU") or tf.config.list_logical_devices("CPU")
        if devices[0].device_type == "GPU" or len(devices) > 1:
            strategy = tf.distribute.MirroredStrategy([device.name for device in devices])
            return devices[0].device_type.lower(), strategy.num_replicas_in_sync, strategy
    if target == "tpu" and backend == "jax":
        import jax

        # All TPU cores (8 on Kaggle's TPU v5e-8); host devices made with
        # XLA_FLAGS=--xla_force_host_platform_device_count=8 stand in for them in tests.
        devices = jax.devices()
        if devices[0].platform == "tpu" or len(devices) > 1:
            keras.distribution.set_distribution(keras.distribution.DataParallel(devices=devices))
            return devices[0].platform, len(devices), None
    return None


def reuse_compiled_programs() -> None:
    """On JAX, keep compiled XLA programs in a folder for the run: every fold builds the same network, so folds
    after the first skip compiling (about 3 s a fold on a CPU, more on a TPU). The folder goes when the run ends;
    a JAX_COMPILATION_CACHE_DIR of your own is used as it is."""
    import jax

    if jax.config.jax_compilation_cache_dir is None:
        folder = tempfile.mkdtemp(prefix="xla-cache-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        jax.config.update("jax_compilation_cache_dir", folder)
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)  # small programs too


def configure(config: dict) -> Setup:
    """Pick devices, precision and batch size: the target's settings when its path runs, else the CPU's."""
    import keras

    if keras.backend.backend() == "jax":
        reuse_compiled_programs()
    target = config["hardware"]["target"]
    found = find_accelerator(target)
    hardware = target if found else "cpu"
    device, replicas, strategy = found or ("cpu", 1, None)
    if not found:
        log.warning("hardware: %s asked for but none found; running on the CPU with its settings", target)
    settings = config["hardware"][hardware]
    keras.mixed_precision.set_global_policy(settings["precision"])
    setup = Setup(
        hardware=hardware,
        device=device,
        replicas=replicas,
        precision=settings["precision"],
        batch_size=settings["batch_size"] * replicas,
        workers=settings["workers"],
        learning_rate=config["training"]["learning_rate"] * replicas,
        strategy=strategy,
    )
    simulated = f" (the {hardware} path on simulated devices)" if device != hardware else ""
    log.info(
        "hardware: %s x%d on Keras/%s, %s, global batch %d%s",
        device,
        replicas,
        keras.backend.backend(),
        setup.precision,
        setup.batch_size,
        simulated,
    )
    return setup


def framework(config: dict) -> str:
    """What trains the network, in words (doctor)."""
    backend = select_backend(config["hardware"])
    version = importlib.import_module(backend).__version__
    return f"Keras runs on {backend} {version} for hardware.target {config['hardware']['target']}"


def visible_accelerators(target: str) -> int:
    """GPUs TensorFlow sees, or TPU cores JAX sees; their C++ start-up lines hidden."""
    with stderr_captured():
        if target == "gpu":
            import tensorflow as tf

            return len(tf.config.list_physical_devices("GPU"))
        import jax

        return sum(device.platform == "tpu" for device in jax.devices())
