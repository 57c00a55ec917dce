"""Training bookkeeping: fit with the best epoch checkpointed, test it, record the run.

The model is built in the notebook; `train_and_evaluate` does the rest the same way for every
model, so that their results compare. A fit written by hand (notebook 2, the textbook's listing)
runs inside `training_alone` and is recorded with `EpochTimer` and `record_training`.
`train_and_evaluate` backs the training up after every epoch (`BackupAndRestore` and
`helpers._plumbing.epoch_log`, under `data/backups/`): a killed run resumes from its last
finished epoch when the notebook runs again, and ends as it would have.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime, timezone
from pathlib import Path

import keras
import numpy as np

from helpers.config import SEED, Profile, as_profile, profile_name
from helpers._plumbing.epoch_log import EpochLog, remove_backup
from helpers._plumbing import paths
from helpers._plumbing.runtime import describe_device, enable_determinism, native_stderr_silenced
from helpers._plumbing.statistics import correct_bits
from helpers._plumbing.tables import seconds_text
from helpers.results import RunRecord, record_run
from helpers._plumbing.storage import LockHeld, data_lock, write_atomically
from helpers.text_data import CourseData


def seconds_per_step(model: keras.Model, batches: list, warmup: int = 1, repeats: int = 1) -> float:
    """Mean wall-clock seconds of one training step of a compiled `model` on `batches` (tokens,
    labels) after `warmup` steps; with `repeats`, the fastest of that many passes over the timed
    batches (other work on the machine slows some passes). The steps train the model: copy its
    weights first if it must start afresh. Tensors from `tf.data` become NumPy arrays, which
    every backend takes, untimed."""
    batches = [tuple(np.asarray(part) for part in batch) for batch in batches]
    for tokens, labels in batches[:warmup]:
        model.train_on_batch(tokens, labels)
    passes = []
    for _ in range(repeats):
        start = time.perf_counter()
        for tokens, labels in batches[warmup:]:
            model.train_on_batch(tokens, labels)
        passes.append((time.perf_counter() - start) / len(batches[warmup:]))
    return min(passes)


def checkpoint_path(profile: Profile | str, model_key: str) -> Path:
    """Where the best epoch of a model of `profile` (a Profile or its name) is kept:
    `data/models/<profile>/<model>.keras`."""
    return paths.checkpoint_path(profile_name(profile), model_key)


def backup_dir(profile: Profile | str, model_key: str) -> Path:
    """Where an unfinished training of `profile` (a Profile or its name) keeps its state:
    `data/backups/<profile>/<model>/`."""
    return paths.backup_dir(profile_name(profile), model_key)


def train_and_evaluate(model: keras.Model, data: CourseData, model_key: str, notes: dict[str, str] | None = None,
                       verbose: int | str = "auto") -> RunRecord:
    """Fit `model` on `data`, keep the epoch with the lowest validation loss, test it, record it.

    The best epoch is saved as `.keras` and loaded back from that file for the test, so the
    figure is that of the model you can load later. The test is one `predict` over `data.test`,
    giving the same loss and accuracy as `evaluate` and which reviews the model gets right. With
    the profile's `patience`, training stops once the validation loss has not improved for that
    many epochs. `verbose` is `fit`'s (0: no line per epoch, only the summary). An unfinished run
    of the same model and profile is resumed; while another process trains it, RuntimeError
    says which, and nothing is written. On TensorFlow, ops run deterministically from here on, so
    that a re-run with the same seed repeats on the same machine (on JAX the seed suffices).
    """
    enable_determinism()
    profile = data.profile
    with training_alone(profile, model_key):
        checkpoint = checkpoint_path(profile.name, model_key)
        checkpoint.parent.mkdir(parents=True, exist_ok=True)
        backup = backup_dir(profile.name, model_key)
        best_epoch_saver = keras.callbacks.ModelCheckpoint(checkpoint, save_best_only=True)
        stopper = early_stopping(profile)
        log = EpochLog(backup / "epochs.json", best_epoch_saver, data.train, stopper)
        # The log before the backup: a kill between the two leaves the log one epoch ahead at
        # most, and the resumed run drops that epoch from it.
        callbacks = [best_epoch_saver, *([stopper] if stopper else []), log, keras.callbacks.BackupAndRestore(backup)]
        with native_stderr_silenced():  # oneDNN's notes on first use of some kernels
            model.fit(
                data.train,
                validation_data=data.val,
                epochs=profile.epochs,
                shuffle=False,  # the training dataset reshuffles itself every epoch (and Keras warns otherwise)
                callbacks=callbacks,
                verbose=verbose,
            )
            best = keras.models.load_model(checkpoint)
            correct, test_loss = _tested(best, data)
        remove_backup(backup)
        history = keras.callbacks.History()  # every epoch's, also those before a resume
        history.epoch = list(range(len(log.epochs)))
        history.history = {name: [epoch["logs"][name] for epoch in log.epochs] for name in log.metric_names}
        return record_training(
            model_key, best, history, log.seconds, test_loss, float(np.mean(correct)), data, checkpoint, notes,
            resumed_after_epoch=log.resumed_after_epoch, test_correct=correct,
        )


class EpochTimer(keras.callbacks.Callback):
    """Wall-clock seconds of each epoch, training and validation: `seconds[k]` is epoch k+1's."""

    def __init__(self):
        super().__init__()
        self.seconds: list[float] = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)


def early_stopping(profile: Profile | str) -> keras.callbacks.EarlyStopping | None:
    """The early stopping on the validation loss of `profile` (a Profile or a built-in profile's
    name), or None if it trains every epoch (no `restore_best_weights`: the `ModelCheckpoint`
    beside it keeps the best epoch)."""
    profile = as_profile(profile)
    if profile.patience is None:
        return None
    return keras.callbacks.EarlyStopping(monitor="val_loss", patience=profile.patience)


def record_training(
    model_key: str,
    model: keras.Model,
    history: keras.callbacks.History,
    seconds_per_epoch: list[float],
    test_loss: float,
    test_accuracy: float,
    data: CourseData,
    checkpoint: Path,
    notes: dict[str, str] | None = None,
    *,
    resumed_after_epoch: int = 0,
    test_correct: np.ndarray | None = None,
) -> RunRecord:
    """Record a run fitted by hand (`model.fit` with your own callbacks) as `train_and_evaluate`
    records its own, and print its one-line summary.

    `model` is the best epoch as loaded back; `history` what `fit` returned (the best epoch is
    the lowest `val_loss`: KeyError without one); `seconds_per_epoch` an `EpochTimer`'s;
    `test_loss` and `test_accuracy` the best epoch's on `data.test`. The vocabulary goes beside
    the checkpoint (`RunRecord.vocabulary`). `test_correct` says which
    test reviews it gets right (else `model` predicts them once more); `resumed_after_epoch` is
    set for a resumed training. The record goes to `data/results/<profile>.json`.
    """
    profile = data.profile
    correct = _tested(model, data)[0] if test_correct is None else test_correct
    metrics = {name: [float(value) for value in values] for name, values in history.history.items()}
    record = RunRecord(
        model=model_key, profile=profile.name, params_total=int(model.count_params()),
        params_trainable=int(sum(np.prod(w.shape) for w in model.trainable_weights)),
        test_accuracy=float(test_accuracy), test_loss=float(test_loss),
        best_epoch=int(np.argmin(metrics["val_loss"])) + 1, history=metrics,
        seconds_per_epoch=[round(seconds, 1) for seconds in seconds_per_epoch], device=describe_device(),
        recorded_at=datetime.now(timezone.utc).isoformat(timespec="seconds"), checkpoint=str(checkpoint),
        notes={**(notes or {}), "seed": str(SEED)}, test_reviews=len(correct),
        resumed_after_epoch=resumed_after_epoch, test_correct=correct_bits(correct),
    )
    write_atomically(paths.vocabulary_path(checkpoint), json.dumps(data.vocabulary))  # for notebook 8, without the data
    record_run(record)
    print(_summary(record, profile))
    return record


def _tested(model: keras.Model, data: CourseData) -> tuple[np.ndarray, float]:
    """Which test reviews `model` gets right (in the order of `data.test`) and its test loss, from
    one `predict`: a review is right when the probability is above 0.5 for a positive one, as
    Keras' binary accuracy counts it."""
    with native_stderr_silenced():
        probabilities = model.predict(data.test, verbose=0)
    labels = np.concatenate([np.asarray(labels) for _, labels in data.test]).reshape(probabilities.shape)
    loss = float(np.mean(keras.losses.binary_crossentropy(labels.astype("float32"), probabilities)))
    return (probabilities[:, 0] > 0.5) == (labels[:, 0] == 1), loss


def _summary(record: RunRecord, profile: Profile) -> str:
    low, high = record.test_interval
    trained = len(record.history["val_loss"])
    stopped = (f"; stopped after epoch {trained} of {profile.epochs}: val_loss had not improved for "
               f"{profile.patience} epochs" if trained < profile.epochs and profile.patience else "")
    return (f"Test accuracy of the best epoch: {record.test_accuracy:.3f} (95 % interval {low:.3f}–{high:.3f} on "
            f"{record.test_reviews:,} reviews), best epoch {record.best_epoch} of {trained}{stopped} "
            f"— {seconds_text(record.mean_seconds_per_epoch)} s per epoch on {record.device}")


@contextmanager
def training_alone(profile: Profile | str, model_key: str) -> Iterator[None]:
    """Keep the block the only training of this model of `profile` (a Profile or its name): if
    another process (a second kernel, `python -m helpers run`) is training it, raise RuntimeError
    saying which and what to do, before anything is written. The lock goes with the block, also
    when it is interrupted."""
    name = profile_name(profile)
    with ExitStack() as held:
        try:  # only taking the lock: a LockHeld from inside the block is not this one
            held.enter_context(data_lock(f"training-{name}-{model_key}", wait=False))
        except LockHeld as holder:
            raise RuntimeError(
                f"{model_key} of the '{name}' profile is being trained by {holder}; two trainings would "
                "overwrite each other's checkpoint and backup. Wait until it has finished (its record then "
                "shows in the results), or stop it (interrupt that kernel, or the `python -m helpers run`), "
                "then run this again."
            ) from None
        yield
