"""A training run killed mid-way resumes from its last finished epoch and ends as an
uninterrupted run does. Each run is a separate Python process, as a re-run notebook is."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Trains a small model with dropout through the course's harness, on reviews in the official
# layout loaded, vectorized and shuffled by the course's own pipeline.
# With KILL_AT_EPOCH set, the process kills itself (SIGKILL: no clean-up runs) after the
# second batch of that epoch (counted from 0), so that epoch is lost half-way.
SCRIPT = """
import json, os, signal, sys, time
from pathlib import Path
from dataclasses import replace
import keras
from helpers import training
from helpers.config import PROFILES, SEED
from helpers.text_data import CourseData, load_reviews, make_vectorizer, vectorize

if "DRIVE" in os.environ:  # a folder standing in for Google Drive
    from helpers.config import keep_data_on_drive
    keep_data_on_drive(True, Path(os.environ["DRIVE"]))
keras.utils.set_random_seed(SEED)
reviews = Path(sys.argv[1])
raw = {split: load_reviews(reviews / split, 8) for split in ("train", "val", "test")}
vectorizer = make_vectorizer(raw["train"], sequence_length=12)
sizes = {"train": 64, "val": 16, "test": 16}
data = CourseData(
    replace(PROFILES["smoke"], name="tiny", epochs=int(os.environ.get("EPOCHS", 4)),
            patience=int(os.environ["PATIENCE"]) if "PATIENCE" in os.environ else None), raw["train"], raw["val"], raw["test"], vectorizer,
    *(vectorize(raw[split], vectorizer, 8, sizes[split], shuffle=split == "train") for split in sizes),
)

inputs = keras.Input(shape=(None,), dtype="int64")
x = keras.layers.Embedding(100, 8)(inputs)
x = keras.layers.Dropout(0.5)(keras.layers.GlobalAveragePooling1D()(x))
model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(x))
model.compile(optimizer=keras.optimizers.RMSprop(float(os.environ.get("LEARNING_RATE", 1e-3))), loss="binary_crossentropy", metrics=["accuracy"])

kill_at = int(os.environ.get("KILL_AT_EPOCH", -1))

class Killer(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch
    def on_train_batch_end(self, batch, logs=None):
        if self.epoch == kill_at and batch == 1:
            os.kill(os.getpid(), signal.SIGKILL)

hold = os.environ.get("HOLD_FILE")  # with it, epoch 2 waits for the file to appear, saying so first

class Holder(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        if hold and epoch == 1:
            Path(hold + ".started").touch()
            while not Path(hold).exists():
                time.sleep(0.1)

original_fit = keras.Model.fit
keras.Model.fit = lambda self, *a, callbacks=(), **k: original_fit(self, *a, callbacks=[*callbacks, Killer(), Holder()], **k)
record = training.train_and_evaluate(model, data, "tiny_model")
weights = keras.models.load_model(record.checkpoint).get_weights()
print("RESULT", json.dumps({"history": record.history, "best_epoch": record.best_epoch,
      "test_accuracy": record.test_accuracy, "epochs": len(record.seconds_per_epoch),
      "resumed_after_epoch": record.resumed_after_epoch,
      "weights": [w.tolist() for w in weights]}))
"""


def write_reviews(folder: Path) -> Path:
    """64 / 16 / 16 short reviews whose words lean, noisily, to their class."""
    rng = random.Random(0)
    good, bad = ["great", "fine", "moving", "superb", "fun"], ["dull", "poor", "long", "awful", "flat"]
    neutral = ["film", "plot", "actor", "scene", "story", "music", "end", "cast"]
    for split, per_class in (("train", 32), ("val", 8), ("test", 8)):
        for label, leaning in (("pos", good), ("neg", bad)):
            (folder / split / label).mkdir(parents=True)
            for number in range(per_class):
                words = rng.choices(neutral, k=8) + rng.choices(leaning + good + bad, k=3)
                (folder / split / label / f"{number}_5.txt").write_text(" ".join(words))
    return folder


def run_training(
    reviews: Path, data_dir: Path, kill_at_epoch: int | None = None, **settings: str
) -> subprocess.CompletedProcess:
    """Train in a new process; `settings` (EPOCHS, PATIENCE, LEARNING_RATE, DRIVE) change the run."""
    env = os.environ | {"COURSE_DATA_DIR": str(data_dir), "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": str(ROOT)}
    env |= settings
    if kill_at_epoch is not None:
        env["KILL_AT_EPOCH"] = str(kill_at_epoch)
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, str(reviews)], env=env, capture_output=True, text=True, timeout=300
    )


def result_of(process: subprocess.CompletedProcess) -> dict:
    assert process.returncode == 0, process.stderr[-3000:]
    line = next(line for line in process.stdout.splitlines() if line.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def test_killed_run_resumes_and_ends_as_an_uninterrupted_run(tmp_path):
    reviews = write_reviews(tmp_path / "reviews")
    uninterrupted = result_of(run_training(reviews, tmp_path / "once"))

    killed = run_training(reviews, tmp_path / "twice", kill_at_epoch=2)
    assert killed.returncode == -9, killed.stderr[-3000:]
    backup = tmp_path / "twice" / "backups" / "tiny" / "tiny_model"
    assert len(json.loads((backup / "epochs.json").read_text())) == 2
    resumed_process = run_training(reviews, tmp_path / "twice")
    resumed = result_of(resumed_process)

    assert "Resuming after epoch 2" in resumed_process.stdout
    assert resumed["epochs"] == 4
    assert (resumed["resumed_after_epoch"], uninterrupted["resumed_after_epoch"]) == (2, 0)
    assert resumed["history"] == uninterrupted["history"]
    assert resumed["best_epoch"] == uninterrupted["best_epoch"]
    assert resumed["weights"] == uninterrupted["weights"]
    assert resumed["test_accuracy"] == uninterrupted["test_accuracy"]
    assert not (tmp_path / "twice" / "backups").exists()


def test_killed_run_with_early_stopping_resumes_and_stops_at_the_same_epoch(tmp_path):
    # With this learning rate the validation loss soon stops improving, and a patience of 2
    # ends the run early. The kill loses its last epoch, so the resumed run must know that the
    # epoch before it was already one epoch without progress.
    reviews = write_reviews(tmp_path / "reviews")
    settings = {"EPOCHS": "12", "PATIENCE": "2", "LEARNING_RATE": "0.03"}
    uninterrupted = result_of(run_training(reviews, tmp_path / "once", **settings))
    last = uninterrupted["epochs"]
    assert last < 12 and uninterrupted["best_epoch"] == last - 2

    killed = run_training(reviews, tmp_path / "twice", kill_at_epoch=last - 1, **settings)
    assert killed.returncode == -9, killed.stderr[-3000:]
    resumed_process = run_training(reviews, tmp_path / "twice", **settings)
    resumed = result_of(resumed_process)

    assert resumed["resumed_after_epoch"] == last - 1
    assert f"stopped after epoch {last} of 12: val_loss had not improved for 2 epochs" in resumed_process.stdout
    assert resumed["history"] == uninterrupted["history"]
    assert resumed["weights"] == uninterrupted["weights"]
    assert resumed["test_accuracy"] == uninterrupted["test_accuracy"]


def test_run_killed_in_one_runtime_resumes_in_a_new_one_from_drive(tmp_path):
    """Colab with KEEP_DATA_ON_DRIVE: each runtime has a fresh data folder, Drive stays."""
    reviews, drive = write_reviews(tmp_path / "reviews"), tmp_path / "drive"
    killed = run_training(reviews, tmp_path / "runtime1", kill_at_epoch=2, DRIVE=str(drive))
    assert killed.returncode == -9, killed.stderr[-3000:]
    assert len(json.loads((drive / "backups" / "tiny" / "tiny_model" / "epochs.json").read_text())) == 2

    resumed_process = run_training(reviews, tmp_path / "runtime2", DRIVE=str(drive))
    resumed = result_of(resumed_process)

    assert (resumed["resumed_after_epoch"], resumed["epochs"]) == (2, 4)
    assert "tiny_model" in json.loads((drive / "results" / "tiny.json").read_text())
    assert (drive / "models" / "tiny" / "tiny_model.keras").is_file()
    assert not (drive / "backups" / "tiny").exists()


def test_a_second_training_of_the_same_model_stops_saying_which_process_trains_it(tmp_path):
    reviews, hold = write_reviews(tmp_path / "reviews"), tmp_path / "hold"
    alone = result_of(run_training(reviews, tmp_path / "alone"))
    first = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(reviews)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=os.environ | {"COURSE_DATA_DIR": str(tmp_path / "shared"), "TF_CPP_MIN_LOG_LEVEL": "3",
                          "PYTHONPATH": str(ROOT), "HOLD_FILE": str(hold)},
    )
    try:
        for _ in range(1200):  # the first one is in its second epoch, its backup and checkpoint written
            if (tmp_path / "hold.started").exists() or first.poll() is not None:
                break
            time.sleep(0.1)
        assert (tmp_path / "hold.started").exists(), first.communicate()[1][-3000:]
        second = run_training(reviews, tmp_path / "shared")
    finally:
        hold.touch()
        stdout, stderr = first.communicate(timeout=300)

    assert second.returncode == 1
    assert (f"tiny_model of the 'tiny' profile is being trained by process {first.pid} on" in second.stderr
            and "Wait until it has finished" in second.stderr), second.stderr[-3000:]
    finished = result_of(subprocess.CompletedProcess(first.args, first.returncode, stdout, stderr))
    assert finished["weights"] == alone["weights"] and finished["history"] == alone["history"]
    record = json.loads((tmp_path / "shared" / "results" / "tiny.json").read_text())["tiny_model"]
    assert record["test_accuracy"] == finished["test_accuracy"] == alone["test_accuracy"]


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("backups/tiny/tiny_model/epochs.json", "epochs.json cannot be read"),
        ("backups/tiny/tiny_model/latest.weights.h5", "latest.weights.h5 cannot be read"),
        ("models/tiny/tiny_model.keras", r"the best epoch so far, .*tiny_model.keras, is missing or damaged"),
    ],
    ids=["epoch log", "backed-up weights", "best checkpoint"],
)
def test_a_damaged_backup_or_checkpoint_says_which_folder_to_delete(tmp_path, damage, message):
    reviews = write_reviews(tmp_path / "reviews")
    killed = run_training(reviews, tmp_path / "data", kill_at_epoch=2)
    assert killed.returncode == -9, killed.stderr[-3000:]
    damaged = tmp_path / "data" / damage
    damaged.write_bytes(damaged.read_bytes()[: damaged.stat().st_size // 2])  # as a write cut short

    resumed = run_training(reviews, tmp_path / "data")

    assert resumed.returncode == 1
    backup = tmp_path / "data" / "backups" / "tiny" / "tiny_model"
    assert re.search(rf"the unfinished training backed up in {re.escape(str(backup))} cannot resume: {message}",
                     resumed.stderr), resumed.stderr[-3000:]
    assert "Delete that folder to train this model afresh." in resumed.stderr
    shutil.rmtree(backup)
    assert result_of(run_training(reviews, tmp_path / "data"))["resumed_after_epoch"] == 0
