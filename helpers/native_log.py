"""Keep TensorFlow's native log lines (oneDNN, CUDA probing) out of notebook outputs.

TensorFlow's C++ core writes some lines straight to file descriptor 2, where neither
`TF_CPP_MIN_LOG_LEVEL` nor Python's warning filters reach them; exceptions are still raised.
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
