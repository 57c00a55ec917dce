"""The runtime a training runs on: TensorFlow imported quietly, the device, determinism.

Importing this module imports TensorFlow without its start-up lines, then Keras. TensorFlow's
C++ core writes some lines (oneDNN, CUDA probing) straight to file descriptor 2, where neither
`TF_CPP_MIN_LOG_LEVEL` nor Python's warning filters reach them; `native_stderr_silenced` keeps
them out of notebook outputs, and exceptions are still raised.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from types import ModuleType


@contextlib.contextmanager
def native_stderr_silenced() -> Iterator[None]:
    """Send what is written to file descriptor 2 to /dev/null while the block runs."""
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def import_tensorflow_quietly() -> ModuleType:
    """Import TensorFlow and probe the GPU once, without the start-up lines; return the module."""
    # 3 keeps out the C++ core's ERROR lines too: benign ones such as "NodeDef mentions attribute
    # use_unbounded_threadpool …" show up in `predict` under op determinism. Real failures
    # still raise Python exceptions with their message.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    with native_stderr_silenced():
        import tensorflow

        tensorflow.config.list_physical_devices("GPU")
    # Python-side warnings such as "5 out of the last 10 calls … triggered tf.function retracing",
    # which a notebook that predicts with several models in a row sets off: benign there.
    tensorflow.get_logger().setLevel("ERROR")
    return tensorflow


tf = import_tensorflow_quietly()
import keras  # noqa: E402  (after TensorFlow, quietly)


def describe_device() -> str:
    """'GPU (name)' for the first GPU the Keras backend trains on (JAX's own on JAX), else 'CPU (n cores)'."""
    name = _gpu_name()
    return f"GPU ({name})" if name else f"CPU ({os.cpu_count()} cores)"


def has_gpu() -> bool:
    return _gpu_name() is not None


def enable_determinism() -> None:
    """Make a re-run with the same seed repeat on the same machine: TensorFlow's op determinism
    on that backend; nothing to do on JAX, which repeats itself on a CPU."""
    if keras.backend.backend() == "tensorflow":
        tf.config.experimental.enable_op_determinism()


def _gpu_name() -> str | None:
    if keras.backend.backend() == "jax":
        import jax

        device = jax.devices()[0]
        return device.device_kind if device.platform == "gpu" else None
    gpus = tf.config.list_physical_devices("GPU")
    return tf.config.experimental.get_device_details(gpus[0]).get("device_name", gpus[0].name) if gpus else None
