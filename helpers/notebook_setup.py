"""What the setup cell of every notebook reports: profile, versions, device, time estimates.

Importing this module imports TensorFlow quietly (see `native_log`), so the setup cell
imports it before `keras`. The estimates scale the CPU seconds per training step of the
catalogue (batch 32, 600 tokens, 2-core CPU) to the profile.
"""

from __future__ import annotations

import os

from helpers.catalogue import COURSE_MODELS, course_model
from helpers.config import Profile, as_profile
from helpers.imdb import VAL_FRACTION
from helpers.native_log import import_tensorflow_quietly

tf = import_tensorflow_quietly()

OFFICIAL_TRAIN_REVIEWS = 25_000  # the archive's train split, before validation is taken from it


def describe_device() -> str:
    """'GPU (name)' for the first GPU TensorFlow sees, else 'CPU (n cores)'."""
    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        name = tf.config.experimental.get_device_details(gpus[0]).get("device_name", gpus[0].name)
        return f"GPU ({name})"
    return f"CPU ({os.cpu_count()} cores)"


def has_gpu() -> bool:
    return bool(tf.config.list_physical_devices("GPU"))


def estimate_cpu_seconds(profile: Profile | str, model_key: str) -> float | None:
    """Rough seconds to train a model under `profile` on a 2-core CPU (training and
    validation steps); None for a model whose step time is not measured."""
    profile = as_profile(profile)
    per_step_full = course_model(model_key).cpu_seconds_per_step
    if per_step_full is None:
        return None
    train = 2 * profile.train_per_class if profile.train_per_class else OFFICIAL_TRAIN_REVIEWS * (1 - VAL_FRACTION)
    val = 2 * profile.val_per_class if profile.val_per_class else OFFICIAL_TRAIN_REVIEWS * VAL_FRACTION
    steps = -(-train // profile.batch_size) + -(-val // profile.batch_size) / 3
    per_step = per_step_full * profile.sequence_length / 600 * profile.batch_size / 32
    return profile.epochs * steps * per_step


def report_setup(profile: Profile | str) -> None:
    """Print the profile (a Profile or its name), the versions of Keras (and its backend) and
    TensorFlow, and the device; on a CPU, the estimated training times. Turns on TensorFlow's op
    determinism."""
    profile = as_profile(profile)
    import keras

    from helpers.training import enable_determinism

    # Every op deterministic from the setup cell on, not only in `train_and_evaluate`: work done
    # before a training (notebook 2 times a few steps) must not make a re-run differ.
    enable_determinism()
    print(f"Profile: {profile.name} ({profile.description})")
    print(f"Keras {keras.__version__} (backend: {keras.backend.backend()}), TensorFlow {tf.__version__} for the data pipeline")
    print(f"Device:  {describe_device()}")
    if not has_gpu():
        estimates = [(m.key, estimate_cpu_seconds(profile, m.key)) for m in COURSE_MODELS]
        shown = ", ".join(f"{key} {_duration(seconds)}" for key, seconds in estimates if seconds is not None)
        print(f"No GPU: estimated training time on a 2-core CPU: {shown}")


def warn_if_slow(profile: Profile | str, model_key: str, limit_seconds: float = 1800) -> None:
    """Before a training on a CPU, say how long it takes on a 2-core CPU, and what to do
    instead when that is long. On a GPU, say so: the CPU figures do not apply there."""
    profile = as_profile(profile)
    if has_gpu():
        print(f"Training on {describe_device()}.")
        return
    seconds = estimate_cpu_seconds(profile, model_key)
    if seconds is None:
        return
    if seconds < limit_seconds:
        print(f"Estimated training time on a 2-core CPU: {_duration(seconds)}.")
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
