"""What the setup cell of every notebook reports: profile, device, and time estimates.

The estimates come from seconds per training step measured on a 2-core CPU at the full
sequence length (batch 32, 600 tokens; see `benchmarks/`), scaled to the profile.
"""

from __future__ import annotations

import os

import tensorflow as tf

from helpers.config import Profile

# Seconds per training step on a 2-core CPU, batch 32, 600 tokens (measured with benchmarks/training_steps.py).
CPU_SECONDS_PER_STEP = {"one_hot": 4.3, "embeddings": 0.17, "masking": 0.24, "glove": 0.10}
FULL_REVIEWS = {"train": 20_000, "val": 5_000}


def describe_device() -> str:
    """'GPU (name)' for the first GPU TensorFlow sees, else 'CPU (n cores)'."""
    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        name = tf.config.experimental.get_device_details(gpus[0]).get("device_name", gpus[0].name)
        return f"GPU ({name})"
    return f"CPU ({os.cpu_count()} cores)"


def has_gpu() -> bool:
    return bool(tf.config.list_physical_devices("GPU"))


def estimate_cpu_seconds(profile: Profile, model: str) -> float:
    """Rough CPU seconds to train `model` under `profile` (training and validation steps)."""
    train = 2 * profile.train_per_class if profile.train_per_class else FULL_REVIEWS["train"]
    val = 2 * profile.val_per_class if profile.val_per_class else FULL_REVIEWS["val"]
    steps = -(-train // profile.batch_size) + -(-val // profile.batch_size) / 3
    per_step = CPU_SECONDS_PER_STEP[model] * profile.sequence_length / 600 * profile.batch_size / 32
    return profile.epochs * steps * per_step


def report_setup(profile: Profile) -> None:
    """Print the active profile and the device; on a CPU, the estimated training times."""
    print(f"Profile: {profile.name} ({profile.description})")
    print(f"Device:  {describe_device()}")
    if not has_gpu():
        estimates = ", ".join(
            f"{model} {_duration(estimate_cpu_seconds(profile, model))}" for model in CPU_SECONDS_PER_STEP
        )
        print(f"No GPU: estimated training time on a 2-core CPU: {estimates}")


def warn_if_slow(profile: Profile, model: str, limit_seconds: float = 1800) -> None:
    """Before a long training on a CPU, say how long it will take and what to do instead."""
    seconds = estimate_cpu_seconds(profile, model)
    if has_gpu() or seconds < limit_seconds:
        print(f"Estimated training time here: {_duration(seconds)}.")
        return
    print(
        f"No GPU found: training this model under the '{profile.name}' profile takes about "
        f"{_duration(seconds)} on a 2-core CPU. Use a GPU (Colab: Runtime > Change runtime type), "
        "or pick the 'quick' profile in the setup cell."
    )


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"≈{seconds:.0f} s"
    if seconds < 5400:
        return f"≈{seconds / 60:.0f} min"
    return f"≈{seconds / 3600:.1f} h"
