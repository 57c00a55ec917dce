"""What the setup cell of every notebook reports: profile, versions, device, time estimates.

Importing this module imports TensorFlow quietly (see `native_log`), so the setup cell
imports it before `keras`. The time estimates scale the seconds per epoch that the committed
reference runs measured on a 2-core CPU (`data/reference/`) to the profile's data.
"""

from __future__ import annotations

import os
from functools import cache

from helpers.catalogue import COURSE_MODELS
from helpers.config import PROFILES, Profile, as_profile
from helpers.imdb import VAL_FRACTION
from helpers.native_log import import_tensorflow_quietly
from helpers.reference import Reference, load_reference

tf = import_tensorflow_quietly()
import keras  # noqa: E402  (after TensorFlow, quietly)

OFFICIAL_TRAIN_REVIEWS = 25_000  # the archive's train split, before validation is taken from it


def describe_device() -> str:
    """'GPU (name)' for the first GPU the Keras backend trains on, else 'CPU (n cores)'.

    On JAX that is JAX's first device; on TensorFlow, the first GPU TensorFlow sees.
    """
    name = _gpu_name()
    return f"GPU ({name})" if name else f"CPU ({os.cpu_count()} cores)"


def has_gpu() -> bool:
    return _gpu_name() is not None


def _gpu_name() -> str | None:
    if keras.backend.backend() == "jax":
        import jax

        device = jax.devices()[0]
        return device.device_kind if device.platform == "gpu" else None
    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return None
    return tf.config.experimental.get_device_details(gpus[0]).get("device_name", gpus[0].name)


def estimate_cpu_seconds(profile: Profile | str, model_key: str) -> float | None:
    """Rough seconds to train a model for all the epochs of `profile` on a 2-core CPU (fewer
    when early stopping ends it sooner); None for a model no reference run measured.

    The seconds per epoch of the committed reference run closest in sequence length (quick or
    full) are scaled by the profile's number of reviews and sequence length.
    """
    profile = as_profile(profile)
    basis = min(("quick", "full"), key=lambda name: abs(PROFILES[name].sequence_length - profile.sequence_length))
    measured = _reference_seconds(basis).get(model_key)
    if measured is None:
        return None
    scale = _reviews(profile) / _reviews(PROFILES[basis]) * profile.sequence_length / PROFILES[basis].sequence_length
    return profile.epochs * measured * scale


def report_setup(profile: Profile | str) -> None:
    """Print the profile (a Profile or its name), the versions of Keras (and its backend) and
    TensorFlow, and the device; on a CPU, the estimated training times. Turns on TensorFlow's op
    determinism."""
    profile = as_profile(profile)
    # Every op deterministic from the setup cell on, not only in `train_and_evaluate`: work done
    # before a training (notebook 2 times a few steps) must not make a re-run differ.
    enable_determinism()
    print(f"Profile: {profile.name} ({profile.description})")
    print(f"Keras {keras.__version__} (backend: {keras.backend.backend()}), TensorFlow {tf.__version__} for the data pipeline")
    print(f"Device:  {describe_device()}")
    if not has_gpu():
        estimates = [(m.key, estimate_cpu_seconds(profile, m.key)) for m in COURSE_MODELS]
        shown = ", ".join(f"{key} {_duration(seconds)}" for key, seconds in estimates if seconds is not None)
        print(f"No GPU: training times on a 2-core CPU with TensorFlow, at most: {shown}")


def enable_determinism() -> None:
    """Make a re-run with the same seed repeat its results on the same machine: TensorFlow's
    op determinism on that backend; nothing to do on the others (JAX repeats itself on a CPU)."""
    if keras.backend.backend() == "tensorflow":
        tf.config.experimental.enable_op_determinism()


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
        print(f"Estimated training time on a 2-core CPU: {_duration(seconds)} at most.")
        return
    print(
        f"No GPU found: training this model under the '{profile.name}' profile takes about "
        f"{_duration(seconds)} on a 2-core CPU. Use a GPU (Colab: Runtime > Change runtime type), "
        "or pick the 'quick' profile in the setup cell."
    )


@cache
def _reference_seconds(profile_name: str) -> dict[str, float]:
    """Seconds per epoch of each model in the reference run of `profile_name` (empty if none)."""
    try:
        reference: Reference = load_reference(profile_name)
    except (FileNotFoundError, ValueError):
        return {}
    return {key: float(model["seconds_per_epoch"]) for key, model in reference.models.items() if "seconds_per_epoch" in model}


def _reviews(profile: Profile) -> int:
    """Training and validation reviews of one epoch under `profile`."""
    train = 2 * profile.train_per_class if profile.train_per_class else OFFICIAL_TRAIN_REVIEWS * (1 - VAL_FRACTION)
    val = 2 * profile.val_per_class if profile.val_per_class else OFFICIAL_TRAIN_REVIEWS * VAL_FRACTION
    return int(train + val)


def _duration(seconds: float) -> str:
    if seconds < 1:
        return "<1 s"
    if seconds < 90:
        return f"≈{seconds:.0f} s"
    if seconds < 5400:
        return f"≈{seconds / 60:.0f} min"
    return f"≈{seconds / 3600:.1f} h"
