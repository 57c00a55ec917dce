"""Training bookkeeping and the results record, on a tiny model and tiny datasets."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
import tensorflow as tf

import keras
from helpers.config import PROFILES
from helpers.results import RunRecord, UnreadableResults, load_runs, record_run, results_path, results_table
from helpers.text_data import CourseData
from helpers.training import train_and_evaluate

pytestmark = pytest.mark.usefixtures("isolated_data_dir")


def a_record(model: str = "embeddings", accuracy: float = 0.8) -> RunRecord:
    return RunRecord(
        model=model, profile="smoke", params_total=10, params_trainable=5, test_accuracy=accuracy,
        test_loss=0.5, best_epoch=1, history={"loss": [0.6], "val_loss": [0.5], "accuracy": [0.7],
        "val_accuracy": [0.75]}, seconds_per_epoch=[12.0], device="CPU (2 cores)",
        recorded_at="2026-01-01T00:00:00+00:00", checkpoint="x.keras",
    )


def test_record_replaces_a_model_and_keeps_the_others():
    record_run(a_record("embeddings", 0.7))
    record_run(a_record("masking", 0.8))
    record_run(a_record("embeddings", 0.9))
    runs = load_runs("smoke")
    assert sorted(runs) == ["embeddings", "masking"]
    assert runs["embeddings"].test_accuracy == 0.9
    assert json.loads(results_path("smoke").read_text())["masking"]["test_accuracy"] == 0.8


def test_unreadable_results_file_is_kept_aside_and_the_new_record_written(capsys):
    path = results_path("smoke")
    path.parent.mkdir(parents=True)
    path.write_text('{"embeddings": {"model": "embed')  # cut short
    with pytest.raises(UnreadableResults, match="smoke.json cannot be read"):
        load_runs("smoke")

    record_run(a_record("masking", 0.8))

    assert load_runs("smoke")["masking"].test_accuracy == 0.8
    aside = [p for p in path.parent.iterdir() if "unreadable" in p.name]
    assert [p.read_text() for p in aside] == ['{"embeddings": {"model": "embed']
    assert "kept aside" in capsys.readouterr().out


def test_a_rerun_of_a_training_reproduces_its_results():
    histories = []
    for _ in range(2):
        keras.utils.set_random_seed(0)
        model = tiny_model()
        record = train_and_evaluate(model, tiny_course_data(), "embeddings")
        histories.append((record.history, record.test_accuracy, [w.numpy().tolist() for w in model.weights]))
    assert histories[0] == histories[1]


def test_results_table_lists_models_not_run_with_their_notebook():
    record_run(a_record("embeddings", 0.8123))
    table = results_table("smoke")
    assert "0.812" in table and "0.870" in table
    assert "run 02_one_hot_bidirectional_lstm.ipynb" in table
    assert "run 05_pretrained_glove_embeddings.ipynb" in table


def tiny_course_data() -> CourseData:
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, size=48)
    tokens = np.where(labels[:, None] == 1, rng.integers(2, 10, (48, 12)), rng.integers(10, 20, (48, 12)))

    def batches(count: int) -> tf.data.Dataset:
        return tf.data.Dataset.from_tensor_slices((tokens[:count], labels[:count])).batch(8)

    profile = replace(PROFILES["smoke"], name="tiny", epochs=3)
    raw = tf.data.Dataset.from_tensor_slices((["a review"], [0])).batch(1)
    return CourseData(profile, None, raw, raw, raw, None, batches(48), batches(16), batches(16))


def tiny_model() -> keras.Model:
    inputs = keras.Input(shape=(None,), dtype="int64")
    x = keras.layers.Embedding(20, 4)(inputs)
    outputs = keras.layers.Dense(1, activation="sigmoid")(keras.layers.GlobalAveragePooling1D()(x))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def test_train_and_evaluate_keeps_the_best_epoch_and_records_the_run():
    keras.utils.set_random_seed(0)
    model = tiny_model()

    record = train_and_evaluate(model, tiny_course_data(), "embeddings")

    assert record.best_epoch == int(np.argmin(record.history["val_loss"])) + 1
    assert len(record.seconds_per_epoch) == 3 and len(record.history["val_accuracy"]) == 3
    assert (record.params_total, record.params_trainable) == (85, 85)
    best = keras.models.load_model(record.checkpoint)
    assert best.evaluate(tiny_course_data().test, verbose=0)[1] == pytest.approx(record.test_accuracy)
    assert load_runs("tiny")["embeddings"].test_accuracy == record.test_accuracy
