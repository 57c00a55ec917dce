"""What the setup cell of every notebook reports: profile, versions, device, time estimates.

It only reports: TensorFlow's quiet import, the device and determinism come from the runtime
module (`helpers._plumbing.runtime`), which importing this one imports, so the setup cell
imports it before `keras`. The estimates scale the seconds per epoch of the committed reference
runs (`data/reference/`, a 2-core CPU) to the profile's data.
"""

from __future__ import annotations

from functools import cache

from helpers.catalogue import COURSE_MODELS
from helpers.config import PROFILES, Profile, as_profile
from helpers.imdb import VAL_FRACTION
from helpers._plumbing.runtime import describe_device, enable_determinism, has_gpu, keras, tf
from helpers.reference import load_reference

OFFICIAL_TRAIN_REVIEWS = 25_000  # the archive's train split, before validation is taken from it


def report_setup(profile: Profile | str) -> None:
    """Print the profile (a Profile or its name), the versions, the device and, on a CPU, the
    estimated training times; turn on TensorFlow's op determinism (see `enable_determinism`)."""
    profile = as_profile(profile)
    enable_determinism()  # from the setup cell on: work before a training (timing steps) must not change a re-run
    print(f"Profile: {profile.name} ({profile.description})")
    print(f"Keras {keras.__version__} (backend: {keras.backend.backend()}), TensorFlow {tf.__version__} for the data pipeline")
    print(f"Device:  {describe_device()}")
    if not has_gpu():
        estimates = [(m.key, estimate_cpu_seconds(profile, m.key)) for m in COURSE_MODELS]
        shown = ", ".join(f"{key} {_duration(seconds)}" for key, seconds in estimates if seconds is not None)
        print(f"No GPU: training times at most, measured on a 2-core CPU with TensorFlow and scaled to this "
              f"profile: {shown}")


def estimate_cpu_seconds(profile: Profile | str, model_key: str) -> float | None:
    """Seconds to train a model for every epoch of `profile` on a 2-core CPU, from the reference
    run (quick or full) nearest in sequence length, scaled by reviews and tokens; None if unmeasured."""
    profile = as_profile(profile)
    basis = min(("quick", "full"), key=lambda name: abs(PROFILES[name].sequence_length - profile.sequence_length))
    measured = _reference_seconds(basis).get(model_key)
    if measured is None:
        return None
    scale = _reviews(profile) / _reviews(PROFILES[basis]) * profile.sequence_length / PROFILES[basis].sequence_length
    return profile.epochs * measured * scale


def warn_if_slow(profile: Profile | str, model_key: str, limit_seconds: float = 1800) -> None:
    """Before a training on a CPU, say how long it takes on 2 cores (figures measured on a CPU),
    and what to do when that is long; on a GPU, name it and give no figure."""
    profile = as_profile(profile)
    if has_gpu():
        print(f"Training on {describe_device()}.")
        return
    seconds = estimate_cpu_seconds(profile, model_key)
    if seconds is not None and seconds < limit_seconds:
        print(f"Estimated training time on a CPU, from times measured on 2 cores with TensorFlow: "
              f"{_duration(seconds)} at most.")
    elif seconds is not None:
        print(f"No GPU found: training this model under the '{profile.name}' profile takes "
              f"{_duration(seconds)} on a 2-core CPU (measured with TensorFlow). Use a GPU (Colab: Runtime > "
              "Change runtime type), or pick the 'quick' profile in the setup cell.")


@cache
def _reference_seconds(profile_name: str) -> dict[str, float]:
    try:
        models = load_reference(profile_name).models
    except (FileNotFoundError, ValueError):
        return {}
    return {key: float(model["seconds_per_epoch"]) for key, model in models.items() if "seconds_per_epoch" in model}


def _reviews(profile: Profile) -> int:
    """Training and validation reviews of one epoch."""
    train = 2 * profile.train_per_class if profile.train_per_class else OFFICIAL_TRAIN_REVIEWS * (1 - VAL_FRACTION)
    val = 2 * profile.val_per_class if profile.val_per_class else OFFICIAL_TRAIN_REVIEWS * VAL_FRACTION
    return int(train + val)


def _duration(seconds: float) -> str:
    if seconds < 1:
        return "<1 s"
    if seconds < 90:
        return f"≈{seconds:.0f} s"
    return f"≈{seconds / 60:.0f} min" if seconds < 5400 else f"≈{seconds / 3600:.1f} h"
