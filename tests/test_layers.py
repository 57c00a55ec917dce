"""The Keras 3 behaviour the lessons rely on: one-hot as a layer, masking, frozen GloVe weights."""

from __future__ import annotations

import numpy as np
import pytest

import helpers._plumbing.runtime  # noqa: F401  (imports TensorFlow quietly)
import keras
from keras import layers


def bidirectional_lstm_on(first_layer: layers.Layer) -> keras.Model:
    inputs = keras.Input(shape=(None,), dtype="int64")
    x = layers.Bidirectional(layers.LSTM(4))(first_layer(inputs))
    outputs = layers.Dense(1, activation="sigmoid")(layers.Dropout(0.5)(x))
    return keras.Model(inputs, outputs)


def test_one_hot_layer_matches_one_hot_maths():
    tokens = np.array([[3, 0, 7, 7], [1, 2, 9, 0]])
    encoded = layers.CategoryEncoding(num_tokens=10, output_mode="one_hot")(tokens)
    np.testing.assert_array_equal(np.asarray(encoded), np.eye(10, dtype=np.float32)[tokens])


def test_one_hot_model_survives_keras_save_and_load(tmp_path):
    keras.utils.set_random_seed(0)
    model = bidirectional_lstm_on(layers.CategoryEncoding(num_tokens=10, output_mode="one_hot"))
    tokens = np.array([[3, 5, 7, 0, 0], [1, 2, 9, 4, 8]])
    model.save(tmp_path / "one_hot.keras")
    reloaded = keras.models.load_model(tmp_path / "one_hot.keras")
    assert isinstance(reloaded.layers[1], layers.CategoryEncoding)
    np.testing.assert_allclose(reloaded.predict(tokens, verbose=0), model.predict(tokens, verbose=0), rtol=1e-6)


def test_masked_model_gives_a_finite_prediction_for_an_empty_review():
    keras.utils.set_random_seed(0)
    model = bidirectional_lstm_on(layers.Embedding(50, 8, mask_zero=True))
    tokens = np.array([[0, 0, 0, 0, 0, 0], [4, 9, 12, 0, 0, 0]])
    probabilities = model.predict(tokens, verbose=0)
    assert np.isfinite(probabilities).all()


def test_masking_ignores_the_padding():
    keras.utils.set_random_seed(0)
    model = bidirectional_lstm_on(layers.Embedding(50, 8, mask_zero=True))
    short = model.predict(np.array([[4, 9, 12]]), verbose=0)
    padded = model.predict(np.array([[4, 9, 12, 0, 0, 0, 0, 0]]), verbose=0)
    np.testing.assert_allclose(short, padded, rtol=1e-5)


def test_frozen_embedding_weights_stay_out_of_the_saved_config(tmp_path):
    matrix = np.random.default_rng(0).normal(size=(2000, 16)).astype("float32")
    embedding = layers.Embedding(2000, 16, trainable=False, mask_zero=True)
    model = bidirectional_lstm_on(embedding)
    embedding.set_weights([matrix])
    assert len(model.to_json()) < 20_000
    model.save(tmp_path / "glove.keras")
    reloaded = keras.models.load_model(tmp_path / "glove.keras")
    np.testing.assert_array_equal(reloaded.layers[1].get_weights()[0], matrix)
    assert reloaded.layers[1].trainable is False


@pytest.mark.parametrize(("dim", "total", "trainable"), [(100, 2_034_113, 34_113), (50, 1_021_313, 21_313)])
def test_glove_model_parameter_counts_match_the_textbook(dim, total, trainable):
    inputs = keras.Input(shape=(None,), dtype="int64")
    x = layers.Embedding(20_000, dim, trainable=False, mask_zero=True)(inputs)
    x = layers.Bidirectional(layers.LSTM(32))(x)
    model = keras.Model(inputs, layers.Dense(1, activation="sigmoid")(layers.Dropout(0.5)(x)))
    assert model.count_params() == total
    assert sum(int(np.prod(w.shape)) for w in model.trainable_weights) == trainable
