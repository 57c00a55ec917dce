"""The epoch log that lets a killed training resume as if it had never stopped.

Keras' `BackupAndRestore` keeps the weights and the optimizer; `EpochLog` keeps the rest in a
JSON file beside that backup (each epoch's metrics and seconds, the layers' random state) and
puts it back on resume. `remove_backup` clears both once the training has finished.
"""

from __future__ import annotations

import json
import shutil
import time
import zipfile
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf  # for the type of the datasets only
from keras import ops

from helpers._plumbing.storage import write_atomically


def remove_backup(backup: Path) -> None:
    """Remove a finished run's backup and the folders above it that it leaves empty."""
    shutil.rmtree(backup, ignore_errors=True)
    for folder in (backup.parent, backup.parent.parent):
        try:
            folder.rmdir()
        except OSError:  # not empty: another run's backup is there
            return


class EpochLog(keras.callbacks.Callback):
    """The metrics and wall-clock seconds of each epoch, kept in a JSON file as they come.

    When `BackupAndRestore` resumes a run at epoch k, the first `on_epoch_begin(k)` puts back the
    rest of what the uninterrupted run had: the k epochs logged; the layers' random state
    (dropout); the best validation loss of `checkpoint` (so that a worse epoch does not replace
    the best) and the count of `early_stopping`; and k epochs of iterators over `train`, so that
    its shuffling goes on in the same order.
    """

    def __init__(self, path: Path, checkpoint: keras.callbacks.ModelCheckpoint, train: tf.data.Dataset,
                 early_stopping: keras.callbacks.EarlyStopping | None = None):
        super().__init__()
        self.path, self.checkpoint, self.train, self.early_stopping = path, checkpoint, train, early_stopping
        self.epochs: list[dict] = []
        self.seconds: list[float] = []  # of each epoch, those before a resume included
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
        for saved in sorted(self.path.parent.glob("*")):  # BackupAndRestore's files, which it reads next
            try:
                if saved.name.endswith(".weights.h5"):
                    self.model.load_weights(saved)
                elif saved.suffix == ".json":
                    json.loads(saved.read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise self._damaged(f"{saved.name} cannot be read ({error})") from None

    def on_epoch_begin(self, epoch, logs=None):
        if not self._first_epoch_begun:
            self._first_epoch_begun = True
            self.epochs = self._read()[:epoch]
            self.seconds = [logged["seconds"] for logged in self.epochs]
            if epoch > 0:
                self._resume(epoch)
                self.resumed_after_epoch = epoch
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)
        self.epochs.append({"logs": {name: float(value) for name, value in (logs or {}).items()},
                            "seconds": self.seconds[-1], "params": self.model.count_params(),
                            "random_states": [ops.convert_to_numpy(v).tolist() for v in self._random_states()]})
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(self.path, json.dumps(self.epochs))

    def _resume(self, epoch: int) -> None:
        print(f"Resuming after epoch {epoch}, from the backup in {self.path.parent} "
              "(delete that folder to start afresh).")
        for variable, value in zip(self._random_states(), self.epochs[-1]["random_states"], strict=True):
            variable.assign(value)
        best_so_far = Path(self.checkpoint.filepath)
        try:
            with zipfile.ZipFile(best_so_far) as saved:  # a `.keras` file is a zip archive
                damaged = saved.testzip()
        except (OSError, zipfile.BadZipFile) as error:
            damaged = str(error)
        if damaged is not None:  # the backup holds the last epoch, not the best: it cannot be redone
            raise self._damaged(f"the best epoch so far, {best_so_far}, is missing or damaged ({damaged})")
        self.checkpoint.best = min(e["logs"][self.checkpoint.monitor] for e in self.epochs)
        if self.early_stopping is not None:  # as its on_epoch_end left them (keras/src/callbacks/early_stopping.py)
            monitored = [e["logs"][self.early_stopping.monitor] for e in self.epochs]
            best = int(np.argmin(monitored))  # the first of equal values, as a strict improvement keeps
            self.early_stopping.best, self.early_stopping.best_epoch = monitored[best], best
            self.early_stopping.wait = len(monitored) - 1 - best
        steps = int(self.train.cardinality())
        # Each iterator over `train` draws a new shuffling: open as many as Keras' epoch loop
        # did (keras/src/trainers/epoch_iterator.py): an iterator per epoch, read for the epoch's
        # steps, and on TensorFlow the next one opened as soon as the epoch's steps are done (on
        # JAX that one is a generator over the dataset, which opens nothing until it is read).
        opened_per_epoch = 2 if keras.backend.backend() == "tensorflow" else 1
        for _ in range(epoch):
            batches = iter(self.train)
            for _ in range(steps):
                next(batches)
            for _ in range(opened_per_epoch - 1):
                iter(self.train)

    def _random_states(self) -> list:
        """The model's variables that are no weights: the states of its seed generators."""
        weights = {id(w) for w in self.model.weights}
        return [v for v in self.model.variables if id(v) not in weights]

    def _read(self) -> list[dict]:
        try:
            return json.loads(self.path.read_text(encoding="utf-8")) if self.path.is_file() else []
        except (OSError, ValueError) as error:
            raise self._damaged(f"{self.path.name} cannot be read ({error})") from None

    def _damaged(self, what: str) -> ValueError:
        return ValueError(f"the unfinished training backed up in {self.path.parent} cannot resume: {what}. "
                          "Delete that folder to train this model afresh.")
