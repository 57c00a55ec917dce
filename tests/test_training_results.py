"""Training bookkeeping and the results record, on a tiny model and tiny datasets."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from dataclasses import replace

import numpy as np
import pytest
import tensorflow as tf

import keras
from helpers.config import PROFILES
from helpers.results import (
    RunRecord,
    accuracy_interval,
    load_runs,
    record_run,
    results_path,
    results_table,
)
from helpers.text_data import CourseData
from helpers.training import (
    EpochTimer, backup_dir, checkpoint_path, record_training, seconds_per_step, train_and_evaluate, training_alone,
)

pytestmark = pytest.mark.usefixtures("isolated_data_dir")


def a_record(model: str = "embeddings", accuracy: float = 0.8, test_reviews: int | None = 200) -> RunRecord:
    return RunRecord(
        model=model, profile="smoke", params_total=10, params_trainable=5, test_accuracy=accuracy,
        test_loss=0.5, best_epoch=1, history={"loss": [0.6], "val_loss": [0.5], "accuracy": [0.7],
        "val_accuracy": [0.75]}, seconds_per_epoch=[12.0], device="CPU (2 cores)",
        recorded_at="2026-01-01T00:00:00+00:00", checkpoint="x.keras", test_reviews=test_reviews,
    )


def test_record_replaces_a_model_and_keeps_the_others():
    record_run(a_record("embeddings", 0.7))
    record_run(a_record("masking", 0.8))
    record_run(a_record("embeddings", 0.9))
    runs = load_runs("smoke")
    assert sorted(runs) == ["embeddings", "masking"]
    assert runs["embeddings"].test_accuracy == 0.9
    assert json.loads(results_path("smoke").read_text())["masking"]["test_accuracy"] == 0.8


def test_unreadable_results_file_is_kept_aside_with_a_message_and_the_new_record_written(capsys):
    path = results_path("smoke")
    path.parent.mkdir(parents=True)
    path.write_text('{"embeddings": {"model": "embed')  # cut short

    record_run(a_record("masking", 0.8))

    assert list(load_runs("smoke")) == ["masking"]
    (aside,) = path.parent.glob("smoke.unreadable-*.json")
    assert aside.read_text() == '{"embeddings": {"model": "embed'
    assert "smoke.json cannot be read (Unterminated string" in capsys.readouterr().out


def test_reading_an_unreadable_results_file_keeps_it_aside_too(capsys):
    path = results_path("smoke")
    path.parent.mkdir(parents=True)
    path.write_text('{"embeddings": {"no such field": 1}}')  # not a run record
    assert load_runs("smoke") == {}
    assert f"It was kept aside as {next(path.parent.glob('smoke.unreadable-*.json'))}" in capsys.readouterr().out
    assert not path.exists()


def test_results_are_found_by_a_profile_or_its_name():
    record_run(a_record("masking", 0.8))
    assert load_runs(PROFILES["smoke"]) == load_runs("smoke")
    assert results_table(PROFILES["smoke"]) == results_table("smoke")
    with pytest.raises(TypeError, match=r"pass PROFILE \(a Profile\) or a profile's name"):
        load_runs(None)


def test_a_rerun_of_a_training_reproduces_its_results():
    histories = []
    for _ in range(2):
        keras.utils.set_random_seed(0)
        model = tiny_model()
        record = train_and_evaluate(model, tiny_course_data(), "embeddings")
        histories.append((record.history, record.test_accuracy, [w.numpy().tolist() for w in model.weights]))
    assert histories[0] == histories[1]


def test_the_test_figures_are_those_of_keras_evaluate_on_the_checkpoint():
    keras.utils.set_random_seed(0)
    data = tiny_course_data(epochs=1)
    record = train_and_evaluate(tiny_model(learning_rate=1e-5), data, "embeddings")  # barely trained
    loss, accuracy = keras.models.load_model(record.checkpoint).evaluate(data.test, verbose=0)
    assert 0 < record.test_accuracy < 1 and record.test_reviews == 16
    assert record.test_accuracy == pytest.approx(accuracy, abs=1e-6)
    assert record.test_loss == pytest.approx(loss, rel=1e-5)


def test_results_table_gives_the_textbook_figures_with_the_textbooks_precision():
    rows = [re.split(r"\s{2,}", line) for line in results_table("smoke").splitlines()[3:]]
    textbook = {row[0]: row[-1] for row in rows}  # no run yet: title, "not run yet", notebook, textbook
    assert textbook["Learned embeddings"] == "0.87" and textbook["Embeddings + masking"] == "0.88"
    assert textbook["One-hot BiLSTM"] == "0.877" and textbook["Bag of bigrams"] == "0.904"
    assert textbook["Separable-conv stack"] == "–"


def test_results_table_lists_models_not_run_with_their_notebook():
    record_run(a_record("embeddings", 0.8123))
    table = results_table("smoke")
    assert "0.812" in table
    assert "run 02_one_hot_bidirectional_lstm.ipynb" in table
    assert "run 05_pretrained_glove_embeddings.ipynb" in table


def test_results_table_lists_the_models_of_notebooks_06_and_07():
    record_run(a_record("bag_of_bigrams", 0.85, test_reviews=2000))
    table = results_table("smoke")
    assert "Bag of bigrams" in table and "0.850 (0.834–0.865)" in table and "0.904" in table
    assert "run 06_bag_of_words_and_bigrams.ipynb" in table  # the bag of words, not run yet
    assert "run 07_separable_conv_stack.ipynb" in table


def test_a_record_written_before_the_test_size_was_kept_still_loads():
    record_run(a_record("masking", 0.8))
    stored = json.loads(results_path("smoke").read_text())
    del stored["masking"]["test_reviews"]
    results_path("smoke").write_text(json.dumps(stored))
    run = load_runs("smoke")["masking"]
    assert run.test_interval is None
    assert "0.800  " in results_table("smoke")


@pytest.mark.parametrize(("accuracy", "reviews"), [(0.5, 100), (0.82, 2000), (0.97, 40)])
def test_interval_bounds_are_where_the_score_test_reaches_95_percent(accuracy, reviews):
    for bound in accuracy_interval(accuracy, reviews):
        score = abs(accuracy - bound) / np.sqrt(bound * (1 - bound) / reviews)
        assert score == pytest.approx(1.959964, rel=1e-6)


def test_interval_of_a_perfect_score_stays_below_one_and_narrows_with_more_reviews():
    low, high = accuracy_interval(1.0, 10)
    assert high == pytest.approx(1.0) and low == pytest.approx(0.7225, abs=1e-4)
    assert accuracy_interval(1.0, 1000)[0] > low


def test_interval_needs_reviews():
    with pytest.raises(ValueError, match="at least one review"):
        accuracy_interval(0.8, 0)


def tiny_course_data(epochs: int = 3, patience: int | None = None, misleading_val: bool = False) -> CourseData:
    """48 reviews of 12 tokens whose label shows in the ids; the first 16 are also the validation
    and test sets. `misleading_val` flips the validation labels: the more the model learns,
    the worse its validation loss."""
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, size=48)
    tokens = np.where(labels[:, None] == 1, rng.integers(2, 10, (48, 12)), rng.integers(10, 20, (48, 12)))

    def batches(count: int, flip: bool = False) -> tf.data.Dataset:
        return tf.data.Dataset.from_tensor_slices((tokens[:count], labels[:count] ^ flip)).batch(8)

    profile = replace(PROFILES["smoke"], name="tiny", epochs=epochs, patience=patience)
    raw = tf.data.Dataset.from_tensor_slices((["a review"], [0])).batch(1)
    vectorizer = keras.layers.TextVectorization(vocabulary=[f"w{i}" for i in range(2, 20)])  # ids 2–19, as above
    return CourseData(profile, raw, raw, raw, vectorizer, batches(48), batches(16, misleading_val), batches(16))


def tiny_model(learning_rate: float = 1e-3) -> keras.Model:
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(None,), dtype="int64")
    x = keras.layers.Embedding(20, 4)(inputs)
    outputs = keras.layers.Dense(1, activation="sigmoid")(keras.layers.GlobalAveragePooling1D()(x))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate), loss="binary_crossentropy", metrics=["accuracy"])
    return model


def test_train_and_evaluate_keeps_the_best_epoch_and_records_the_run(isolated_data_dir, capsys):
    record = train_and_evaluate(tiny_model(), tiny_course_data(), "embeddings")

    assert record.best_epoch == int(np.argmin(record.history["val_loss"])) + 1
    assert len(record.seconds_per_epoch) == 3 and len(record.history["val_accuracy"]) == 3
    assert (record.params_total, record.params_trainable) == (85, 85)
    best = keras.models.load_model(record.checkpoint)
    assert best.evaluate(tiny_course_data().test, verbose=0)[1] == pytest.approx(record.test_accuracy)
    assert load_runs("tiny")["embeddings"].test_accuracy == record.test_accuracy
    low, high = accuracy_interval(record.test_accuracy, 16)
    assert record.test_reviews == 16
    assert f"(95 % interval {low:.3f}–{high:.3f} on 16 reviews)" in capsys.readouterr().out
    assert not (isolated_data_dir / "backups").exists()  # a finished run leaves no backup


def test_a_backup_of_another_model_is_refused_saying_what_to_do():
    folder = backup_dir("tiny", "embeddings")
    folder.mkdir(parents=True)
    logged = {"logs": {"loss": 0.7}, "seconds": 1.0, "random_states": [], "params": 123}
    (folder / "epochs.json").write_text(json.dumps([logged]))
    with pytest.raises(ValueError, match=r"another model \(123 parameters; this one has 85\): delete that folder"):
        train_and_evaluate(tiny_model(), tiny_course_data(), "embeddings")


def test_early_stopping_ends_training_once_val_loss_stops_improving_and_keeps_the_best_epoch(capsys):
    data = tiny_course_data(epochs=10, patience=2, misleading_val=True)
    record = train_and_evaluate(tiny_model(learning_rate=0.01), data, "embeddings")

    assert np.all(np.diff(record.history["val_loss"]) > 0)  # worse after every epoch
    assert (record.best_epoch, len(record.seconds_per_epoch)) == (1, 3)  # the best, then 2 without progress
    best = keras.models.load_model(record.checkpoint)
    assert best.evaluate(data.test, verbose=0)[1] == pytest.approx(record.test_accuracy)
    out = capsys.readouterr().out
    assert "best epoch 1 of 3; stopped after epoch 3 of 10: val_loss had not improved for 2 epochs" in out


def test_without_patience_every_epoch_is_trained():
    data = tiny_course_data(epochs=5, misleading_val=True)
    record = train_and_evaluate(tiny_model(learning_rate=0.01), data, "embeddings")
    assert record.best_epoch == 1
    assert len(record.history["val_loss"]) == len(record.seconds_per_epoch) == 5


def test_epoch_timer_times_every_epoch_with_its_validation():
    class SlowValidation(keras.callbacks.Callback):
        def on_test_end(self, logs=None):
            time.sleep(0.2)

    timer = EpochTimer()
    data = tiny_course_data()
    tiny_model().fit(data.train, validation_data=data.val, epochs=2, shuffle=False,
                callbacks=[timer, SlowValidation()], verbose=0)
    assert len(timer.seconds) == 2
    assert all(seconds >= 0.2 for seconds in timer.seconds)


def test_a_fit_written_by_hand_is_recorded_as_train_and_evaluate_records_it(capsys):
    data = tiny_course_data(epochs=4)
    checkpoint = checkpoint_path("tiny", "embeddings")
    checkpoint.parent.mkdir(parents=True)
    timer = EpochTimer()
    model = tiny_model()
    history = model.fit(
        data.train, validation_data=data.val, epochs=4, shuffle=False, verbose=0,
        callbacks=[keras.callbacks.ModelCheckpoint(checkpoint, save_best_only=True), timer],
    )
    best = keras.models.load_model(checkpoint)
    test_loss, test_accuracy = best.evaluate(data.test, verbose=0)

    record = record_training("embeddings", best, history, timer.seconds, test_loss, test_accuracy, data, checkpoint)

    assert record.best_epoch == int(np.argmin(history.history["val_loss"])) + 1
    assert record.history == history.history
    assert len(record.seconds_per_epoch) == 4
    assert (record.params_total, record.test_reviews, record.checkpoint) == (85, 16, str(checkpoint))
    assert load_runs("tiny")["embeddings"] == record
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and f"best epoch {record.best_epoch} of 4 " in out[0] and "stopped" not in out[0]


def test_seconds_per_step_counts_the_fastest_of_the_repeated_passes():
    class SlowFirstPass:
        calls = 0

        def train_on_batch(self, tokens, labels):
            self.calls += 1
            if self.calls in (2, 3):  # the first timed pass, after one warm-up step
                time.sleep(0.05)

    batches = [(np.zeros((1, 4)), np.zeros(1))] * 3
    assert seconds_per_step(SlowFirstPass(), batches, warmup=1, repeats=2) < 0.025
    assert seconds_per_step(SlowFirstPass(), batches, warmup=1) >= 0.05


def test_a_record_carries_the_vocabulary_its_checkpoint_reads_so_no_dataset_is_rebuilt(isolated_data_dir):
    data = tiny_course_data()
    record = train_and_evaluate(tiny_model(), data, "embeddings")
    assert load_runs("tiny")["embeddings"].vocabulary() == data.vocabulary
    Path(record.checkpoint).with_name("embeddings.vocabulary.json").unlink()
    with pytest.raises(FileNotFoundError, match="run the notebook that trains 'embeddings' again"):
        record.vocabulary()


HOLDER = """
import sys, time
from pathlib import Path
from helpers.training import training_alone

with training_alone("smoke", "one_hot"):  # as notebook 2 holds it around its fit
    Path(sys.argv[1]).touch()
    while not Path(sys.argv[2]).exists():
        time.sleep(0.05)
"""


def hold_training(started: Path, done: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", HOLDER, str(started), str(done)], stderr=subprocess.PIPE, text=True,
                            env=os.environ | {"PYTHONPATH": str(Path(__file__).resolve().parents[1])})


def test_a_hand_written_training_beside_another_of_the_same_model_stops_saying_which(tmp_path):
    started, done = tmp_path / "started", tmp_path / "done"
    holder = hold_training(started, done)
    try:
        for _ in range(1200):
            if started.exists() or holder.poll() is not None:
                break
            time.sleep(0.1)
        assert started.exists(), holder.communicate()[1][-3000:]
        with pytest.raises(RuntimeError, match=f"one_hot of the 'smoke' profile is being trained by process {holder.pid} "):
            with training_alone(PROFILES["smoke"], "one_hot"):
                pytest.fail("a second training of the model started")
        with training_alone("smoke", "one_hot_twin"):  # another model trains meanwhile
            pass
    finally:
        done.touch()
        holder.communicate(timeout=120)


def test_an_interrupted_training_lets_the_next_one_start(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        with training_alone("smoke", "one_hot"):
            raise KeyboardInterrupt  # the learner stops the cell
    (tmp_path / "done").touch()
    after = hold_training(tmp_path / "started", tmp_path / "done")
    assert after.wait(timeout=120) == 0, after.stderr.read()[-3000:]
    assert (tmp_path / "started").exists()
