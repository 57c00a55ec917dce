"""Training bookkeeping: fit with the best epoch checkpointed, test it, record the run.

The model itself is built in the notebook; `train_and_evaluate` does the rest the same way
for every model, so their results can be compared in notebook 08.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path

import keras
import numpy as np

from helpers.config import data_dir
from helpers.native_log import native_stderr_silenced
from helpers.results import RunRecord, record_run, seconds_text
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


def seconds_per_step(model: keras.Model, batches: list, warmup: int = 1) -> float:
    """Mean wall-clock seconds of one training step of a compiled `model` on `batches` after `warmup`.

    The steps train the model: keep a copy of its weights if it must start afresh.
    """
    for tokens, labels in batches[:warmup]:
        model.train_on_batch(tokens, labels)
    start = time.perf_counter()
    for tokens, labels in batches[warmup:]:
        model.train_on_batch(tokens, labels)
    return (time.perf_counter() - start) / len(batches[warmup:])


def checkpoint_path(profile: str, model_key: str) -> Path:
    """Where the best epoch of a model is kept: `data/models/<profile>/<model>.keras`."""
    return data_dir() / "models" / profile / f"{model_key}.keras"


def train_and_evaluate(
    model: keras.Model,
    data: CourseData,
    model_key: str,
    epochs: int | None = None,
    notes: dict[str, str] | None = None,
    save_as: keras.Model | None = None,
) -> RunRecord:
    """Fit `model` on `data`, keep the epoch with the lowest validation loss, test it, record it.

    The best epoch is saved as `.keras` and reloaded from that file before testing, so the
    test figure is the one of the model you can load again later. With `save_as`, a model of
    the same weights (notebook 2's literal one-hot model, trained through its fast twin) gets
    the best epoch's weights and is what the checkpoint holds; the test runs on the trained
    model, which gives the same predictions faster. Returns the run record, which is also
    written to `data/results/<profile>.json`.
    """
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
        if save_as is not None:
            save_as.compile_from_config(model.get_compile_config())  # a fresh optimizer, as after loading
            save_as.set_weights(best.get_weights())
            save_as.save(checkpoint)
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
        test_reviews=sum(int(labels.shape[0]) for _, labels in data.test),
    )
    record_run(record)
    low, high = record.test_interval
    print(
        f"Test accuracy of the best epoch ({record.best_epoch}): {record.test_accuracy:.3f} "
        f"(95 % interval {low:.3f}–{high:.3f} on {record.test_reviews:,} reviews) "
        f"— {seconds_text(record.mean_seconds_per_epoch)} s per epoch on {record.device}"
    )
    return record
