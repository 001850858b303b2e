"""What hardware.py decides for a run, whatever the framework: where it trains, in what precision and with what
batch size. cv.json records it; each framework's Setup (in its hardware.py) adds what only it needs."""

from dataclasses import dataclass


@dataclass
class TrainingSetup:
    hardware: str  # whose settings in config.yaml apply: the target when its path runs, else cpu
    device: str  # the platform that computes: cpu, gpu or tpu
    replicas: int  # devices that each take a slice of every batch
    precision: str
    batch_size: int  # global: the per-device batch size times replicas
    workers: int  # threads that cut batches while the devices compute
    learning_rate: float  # scaled with the global batch size

    def describe(self) -> dict:
        """What cv.json records about the hardware a run used."""
        return {
            "settings": self.hardware,
            "device": self.device,
            "replicas": self.replicas,
            "precision": self.precision,
            "global_batch_size": self.batch_size,
        }
