"""Training bookkeeping: fit with the best epoch checkpointed, test it, record the run.

The model itself is built in the notebook; `train_and_evaluate` does the rest the same way
for every model, so their results can be compared in notebook 06.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from helpers.config import data_dir
from helpers.native_log import native_stderr_silenced
from helpers.results import RunRecord, record_run
from helpers.session import describe_device
from helpers.text_data import CourseData


class EpochTimer(keras.callbacks.Callback):
    """Wall-clock seconds of each epoch, validation included."""

    def on_train_begin(self, logs=None):
        self.seconds: list[float] = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)


def checkpoint_path(profile: str, model_key: str) -> Path:
    """Where the best epoch of a model is kept: `data/models/<profile>/<model>.keras`."""
    return data_dir() / "models" / profile / f"{model_key}.keras"


def train_and_evaluate(
    model: keras.Model,
    data: CourseData,
    model_key: str,
    epochs: int | None = None,
    notes: dict[str, str] | None = None,
) -> RunRecord:
    """Fit `model` on `data`, keep the epoch with the lowest validation loss, test it, record it.

    The best epoch is saved as `.keras` and reloaded from that file before testing, so the
    test figure is the one of the model you can load again later. Returns the run record,
    which is also written to `data/results/<profile>.json`.

    Ops run deterministically from here on (with the seed of the setup cell, a re-run
    reproduces the accuracies on the same machine); see `benchmarks/determinism.py` for the cost.
    """
    tf.config.experimental.enable_op_determinism()
    profile = data.profile.name
    checkpoint = checkpoint_path(profile, model_key)
    checkpoint.parent.mkdir(parents=True, exist_ok=True)
    timer = EpochTimer()
    with native_stderr_silenced():  # oneDNN's notes on first use of some kernels
        history = model.fit(
            data.train,
            validation_data=data.val,
            epochs=epochs or data.profile.epochs,
            shuffle=False,  # the training dataset reshuffles itself every epoch
            callbacks=[keras.callbacks.ModelCheckpoint(checkpoint, save_best_only=True), timer],
        )
        best = keras.models.load_model(checkpoint)
        test_loss, test_accuracy = best.evaluate(data.test, verbose=0)
    record = RunRecord(
        model=model_key,
        profile=profile,
        params_total=int(model.count_params()),
        params_trainable=int(sum(np.prod(w.shape) for w in model.trainable_weights)),
        test_accuracy=float(test_accuracy),
        test_loss=float(test_loss),
        best_epoch=int(np.argmin(history.history["val_loss"])) + 1,
        history={name: [float(v) for v in values] for name, values in history.history.items()},
        seconds_per_epoch=[round(s, 1) for s in timer.seconds],
        device=describe_device(),
        recorded_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        checkpoint=str(checkpoint),
        notes=dict(notes or {}),
    )
    record_run(record)
    print(
        f"Test accuracy of the best epoch ({record.best_epoch}): {record.test_accuracy:.3f} "
        f"— {record.mean_seconds_per_epoch:.0f} s per epoch on {record.device}"
    )
    return record
