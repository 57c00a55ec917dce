"""Training bookkeeping: fit with the best epoch checkpointed, test it, record the run.

The model itself is built in the notebook; `train_and_evaluate` does the rest the same way
for every model, so their results can be compared in the results notebook. Training backs
itself up after every epoch (`keras.callbacks.BackupAndRestore`, under `data/backups/`): a
run that is killed (a closed laptop, a Colab disconnect) resumes from its last finished
epoch when the notebook is run again, and ends as the uninterrupted run would have.
"""

from __future__ import annotations

import json
import shutil
import time
from datetime import datetime, timezone
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from helpers.config import SEED, data_dir
from helpers.native_log import native_stderr_silenced
from helpers.results import RunRecord, record_run, seconds_text
from helpers.notebook_setup import describe_device
from helpers.storage import write_atomically
from helpers.text_data import CourseData


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


def checkpoint_path(profile_name: str, model_key: str) -> Path:
    """Where the best epoch of a model is kept: `data/models/<profile>/<model>.keras`."""
    return data_dir() / "models" / profile_name / f"{model_key}.keras"


def backup_dir(profile_name: str, model_key: str) -> Path:
    """Where an unfinished training keeps its state: `data/backups/<profile>/<model>/`."""
    return data_dir() / "backups" / profile_name / model_key


def train_and_evaluate(
    model: keras.Model,
    data: CourseData,
    model_key: str,
    notes: dict[str, str] | None = None,
    save_as: keras.Model | None = None,
) -> RunRecord:
    """Fit `model` on `data`, keep the epoch with the lowest validation loss, test it, record it.

    The best epoch is saved as `.keras` and reloaded from that file before testing, so the
    test figure is the one of the model you can load again later. With `save_as`, a model of
    the same weights (notebook 2's literal one-hot model, trained through its fast twin) gets
    the best epoch's weights and is what the checkpoint holds; the test runs on the trained
    model, which gives the same predictions faster. An unfinished run of the same model and
    profile is resumed (see the module doc). Returns the run record, which is also written
    to `data/results/<profile>.json`.

    Ops run deterministically from here on (with the seed of the setup cell, a re-run
    reproduces the accuracies on the same machine); see `benchmarks/determinism.py` for the cost.
    """
    tf.config.experimental.enable_op_determinism()
    profile_name = data.profile.name
    checkpoint = checkpoint_path(profile_name, model_key)
    checkpoint.parent.mkdir(parents=True, exist_ok=True)
    backup = backup_dir(profile_name, model_key)
    best_epoch_saver = keras.callbacks.ModelCheckpoint(checkpoint, save_best_only=True)
    log = EpochLog(backup / "epochs.json", best_epoch_saver, data.train)
    with native_stderr_silenced():  # oneDNN's notes on first use of some kernels
        model.fit(
            data.train,
            validation_data=data.val,
            epochs=data.profile.epochs,
            shuffle=False,  # the training dataset reshuffles itself every epoch
            # The log before the backup: a kill between the two leaves the log one epoch
            # ahead at most, and the resumed run drops that epoch from it.
            callbacks=[best_epoch_saver, log, keras.callbacks.BackupAndRestore(backup)],
        )
        best = keras.models.load_model(checkpoint)
        test_loss, test_accuracy = best.evaluate(data.test, verbose=0)
        if save_as is not None:
            save_as.compile_from_config(model.get_compile_config())  # a fresh optimizer, as after loading
            save_as.set_weights(best.get_weights())
            save_as.save(checkpoint)
    _remove_backup(backup)
    history = {name: [epoch["logs"][name] for epoch in log.epochs] for name in log.metric_names}
    record = RunRecord(
        model=model_key,
        profile=profile_name,
        params_total=int(model.count_params()),
        params_trainable=int(sum(np.prod(w.shape) for w in model.trainable_weights)),
        test_accuracy=float(test_accuracy),
        test_loss=float(test_loss),
        best_epoch=int(np.argmin(history["val_loss"])) + 1,
        history=history,
        seconds_per_epoch=[round(epoch["seconds"], 1) for epoch in log.epochs],
        device=describe_device(),
        recorded_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        checkpoint=str(checkpoint),
        notes={**(notes or {}), "seed": str(SEED)},
        test_reviews=sum(int(labels.shape[0]) for _, labels in data.test),
        resumed_after_epoch=log.resumed_after_epoch,
    )
    record_run(record)
    low, high = record.test_interval
    print(
        f"Test accuracy of the best epoch ({record.best_epoch}): {record.test_accuracy:.3f} "
        f"(95 % interval {low:.3f}–{high:.3f} on {record.test_reviews:,} reviews) "
        f"— {seconds_text(record.mean_seconds_per_epoch)} s per epoch on {record.device}"
    )
    return record


def _remove_backup(backup: Path) -> None:
    """Remove a finished run's backup (BackupAndRestore's files, the epoch log) and the
    folders above it that it leaves empty."""
    shutil.rmtree(backup, ignore_errors=True)
    for folder in (backup.parent, backup.parent.parent):
        try:
            folder.rmdir()
        except OSError:  # not empty: another run's backup is there
            return


class EpochLog(keras.callbacks.Callback):
    """The metrics and wall-clock seconds of each epoch, kept in a JSON file as they come.

    When `BackupAndRestore` resumes a run at epoch k (it restores the weights and the
    optimizer), the first `on_epoch_begin(k)` puts back the rest of what the uninterrupted
    run had: the k epochs logged before the interruption; the random state of the layers
    (dropout), which the backup leaves out; the best validation loss, for `checkpoint`, so
    that a worse epoch after the resume does not replace the best one; and k epochs of
    iterators over `train`, so that its shuffling continues in the same order.
    """

    def __init__(self, path: Path, checkpoint: keras.callbacks.ModelCheckpoint, train: tf.data.Dataset):
        super().__init__()
        self.path, self.checkpoint, self.train = path, checkpoint, train
        self.epochs: list[dict] = []
        self.resumed_after_epoch = 0  # the epoch the backup restored, when it did
        self._first_epoch_begun = False

    @property
    def metric_names(self) -> list[str]:
        return list(self.epochs[0]["logs"]) if self.epochs else []

    def on_train_begin(self, logs=None):
        self._first_epoch_begun = False
        logged = self._read()
        if logged and logged[0]["params"] != self.model.count_params():
            raise ValueError(
                f"the unfinished training backed up in {self.path.parent} is of another model "
                f"({logged[0]['params']:,} parameters; this one has {self.model.count_params():,}): "
                "delete that folder to start afresh"
            )

    def on_epoch_begin(self, epoch, logs=None):
        if not self._first_epoch_begun:
            self._first_epoch_begun = True
            self.epochs = self._read()[:epoch]
            if epoch > 0:
                self._resume(epoch)
                self.resumed_after_epoch = epoch
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.epochs.append({
            "logs": {name: float(value) for name, value in (logs or {}).items()},
            "seconds": time.perf_counter() - self._start,
            "random_states": [v.numpy().tolist() for v in self._random_states()],
            "params": self.model.count_params(),
        })
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(self.path, json.dumps(self.epochs))

    def _resume(self, epoch: int) -> None:
        print(f"Resuming after epoch {epoch}, from the backup in {self.path.parent} "
              "(delete that folder to start afresh).")
        for variable, value in zip(self._random_states(), self.epochs[-1]["random_states"], strict=True):
            variable.assign(value)
        self.checkpoint.best = min(e["logs"][self.checkpoint.monitor] for e in self.epochs)
        steps = int(self.train.cardinality())
        for _ in range(epoch):  # as Keras' epoch loop does (keras/src/trainers/epoch_iterator.py):
            batches = iter(self.train)  # an iterator per epoch, read for the epoch's steps,
            for _ in range(steps):
                next(batches)
            iter(self.train)  # and the next one opened as soon as the epoch's steps are done

    def _random_states(self) -> list:
        """The model's variables that are no weights: the states of its seed generators."""
        weights = {id(w) for w in self.model.weights}
        return [v for v in self.model.variables if id(v) not in weights]

    def _read(self) -> list[dict]:
        return json.loads(self.path.read_text(encoding="utf-8")) if self.path.is_file() else []
