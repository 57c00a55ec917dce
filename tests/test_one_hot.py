"""The row-lookup one-hot LSTM is the literal one-hot model: same weights, outputs and gradients."""

from __future__ import annotations

import importlib

import numpy as np
import pytest
import tensorflow as tf

import keras
from keras import layers

from helpers.one_hot import OneHotLSTM

TOKENS = 50


def literal_model() -> keras.Model:
    inputs = keras.Input(shape=(None,), dtype="int64")
    x = layers.CategoryEncoding(num_tokens=TOKENS, output_mode="one_hot")(inputs)
    x = layers.Bidirectional(layers.LSTM(8))(x)
    return keras.Model(inputs, layers.Dense(1, activation="sigmoid")(layers.Dropout(0.5)(x)))


def lookup_model() -> keras.Model:
    inputs = keras.Input(shape=(None,), dtype="int64")
    x = layers.Bidirectional(OneHotLSTM(8, num_tokens=TOKENS))(inputs)
    return keras.Model(inputs, layers.Dense(1, activation="sigmoid")(layers.Dropout(0.5)(x)))


def token_batch(seed: int = 0) -> np.ndarray:
    """Random reviews of different lengths, right-padded with zeros as TextVectorization does."""
    rng = np.random.default_rng(seed)
    tokens = rng.integers(1, TOKENS, size=(6, 12))
    for row, length in enumerate([12, 9, 5, 3, 1, 0]):
        tokens[row, length:] = 0
    return tokens


def twins(seed: int = 0) -> tuple[keras.Model, keras.Model]:
    """A literal model with random weights, and a lookup model given the same weights."""
    keras.utils.set_random_seed(seed)
    literal, lookup = literal_model(), lookup_model()
    lookup.set_weights(literal.get_weights())
    return literal, lookup


def gradients(model: keras.Model, tokens: np.ndarray, labels: np.ndarray) -> list[np.ndarray]:
    """The gradients of the loss with respect to the trainable weights, on the backend in use."""
    if keras.backend.backend() == "jax":
        import jax

        def loss_of(trainable):
            predictions, _ = model.stateless_call(trainable, [v.value for v in model.non_trainable_variables], tokens)
            return keras.ops.mean(keras.losses.binary_crossentropy(labels, predictions))

        grads = jax.grad(loss_of)([v.value for v in model.trainable_variables])
        return [np.asarray(g) for g in grads]
    with tf.GradientTape() as tape:
        loss = keras.ops.mean(keras.losses.binary_crossentropy(labels, model(tokens, training=False)))
    return [np.asarray(tf.convert_to_tensor(g)) for g in tape.gradient(loss, model.trainable_weights)]


# What a refused id raises: in eager calls ValueError; in a compiled step the backend's runtime error.
COMPILED_REFUSAL = tf.errors.InvalidArgumentError if keras.backend.backend() == "tensorflow" else Exception


def test_lookup_model_has_the_literal_models_weights_in_order():
    literal, lookup = literal_model(), lookup_model()
    assert [w.shape for w in lookup.weights] == [w.shape for w in literal.weights]
    assert lookup.count_params() == literal.count_params()


@pytest.mark.parametrize("seed", [0, 1])
def test_lookup_model_predicts_what_the_literal_model_predicts(seed):
    literal, lookup = twins(seed)
    tokens = token_batch(seed)
    np.testing.assert_allclose(lookup.predict(tokens, verbose=0), literal.predict(tokens, verbose=0), atol=1e-5)


def test_lookup_model_has_the_literal_models_gradients():
    literal, lookup = twins()
    tokens, labels = token_batch(), np.array([[1], [0], [1], [1], [0], [1]], dtype="float32")
    for weight, expected, actual in zip(literal.trainable_weights, gradients(literal, tokens, labels), gradients(lookup, tokens, labels)):
        relative = np.linalg.norm(actual - expected) / np.linalg.norm(expected)
        assert relative < 1e-5, f"{weight.path}: relative difference {relative:.1e}"


def test_weights_copy_back_from_the_lookup_model_to_the_literal_model():
    keras.utils.set_random_seed(3)
    lookup, literal = lookup_model(), literal_model()
    literal.set_weights(lookup.get_weights())
    tokens = token_batch(3)
    np.testing.assert_allclose(literal.predict(tokens, verbose=0), lookup.predict(tokens, verbose=0), atol=1e-5)


def test_lookup_model_survives_keras_save_and_load(tmp_path):
    _, lookup = twins()
    lookup.save(tmp_path / "lookup.keras")
    reloaded = keras.models.load_model(tmp_path / "lookup.keras")
    assert isinstance(reloaded.layers[1].forward_layer, OneHotLSTM)
    assert reloaded.layers[1].backward_layer.go_backwards
    tokens = token_batch()
    np.testing.assert_array_equal(reloaded.predict(tokens, verbose=0), lookup.predict(tokens, verbose=0))


@pytest.mark.parametrize("bad_id", [TOKENS, -1])
@pytest.mark.parametrize(
    ("call", "refusal", "message"),
    [
        (lambda model, tokens: model.predict(tokens, verbose=0), COMPILED_REFUSAL, rf"token id must be in \[0, {TOKENS}\)"),
        (lambda model, tokens: model(tokens), ValueError, rf"(?s)token id must be in \[0, {TOKENS}\).*got ids from"),
    ],
    ids=["compiled predict", "eager call"],
)
def test_token_ids_outside_the_vocabulary_are_refused(bad_id, call, refusal, message):
    _, lookup = twins()
    tokens = token_batch()
    tokens[1, 2] = bad_id
    with pytest.raises(refusal, match=message):
        call(lookup, tokens)


def test_token_ids_outside_the_vocabulary_are_refused_in_fit():
    _, lookup = twins()
    lookup.compile(optimizer="rmsprop", loss="binary_crossentropy")
    tokens = token_batch()
    tokens[0, 0] = TOKENS + 3
    with pytest.raises(COMPILED_REFUSAL, match=rf"token id must be in \[0, {TOKENS}\)"):
        lookup.fit(tokens, np.ones((6, 1)), epochs=1, verbose=0)


def test_dropout_inside_the_layer_is_refused():
    with pytest.raises(ValueError, match="Dropout layer after it"):
        OneHotLSTM(8, num_tokens=TOKENS, dropout=0.2)


@pytest.mark.parametrize("return_sequences", [False, True])
def test_masked_steps_are_skipped_as_keras_lstm_skips_them(return_sequences):
    """The one-hot model has no mask, but the layer takes one as LSTM does: padded steps
    leave the states as they were."""
    keras.utils.set_random_seed(0)
    literal = layers.Bidirectional(layers.LSTM(8, return_sequences=return_sequences))
    lookup = layers.Bidirectional(OneHotLSTM(8, num_tokens=TOKENS, return_sequences=return_sequences))
    tokens = token_batch()
    mask = tokens != 0
    expected = literal(keras.ops.one_hot(tokens, TOKENS), mask=mask)
    lookup.build(tokens.shape)
    lookup.set_weights(literal.get_weights())
    np.testing.assert_allclose(lookup(tokens, mask=mask), expected, atol=1e-5)


def test_the_literal_lstm_asks_the_backend_for_its_fused_kernel_and_the_twin_never_does(monkeypatch):
    """Keras' LSTM first offers the sequence to the backend's `lstm` (cuDNN on a GPU; on a CPU it
    declines with NotImplementedError and Keras loops step by step); OneHotLSTM always loops."""
    offered = []

    def backend_lstm(inputs, *args, **kwargs):
        offered.append(tuple(inputs.shape))
        raise NotImplementedError  # as the backend does where cuDNN cannot run: Keras falls back to its loop

    monkeypatch.setattr(importlib.import_module("keras.src.layers.rnn.lstm").backend, "lstm", backend_lstm)
    literal, lookup = twins()
    tokens = token_batch()
    np.testing.assert_allclose(lookup(tokens), literal(tokens), atol=1e-5)
    assert offered == [(6, 12, TOKENS)] * 2  # both directions of the literal model, its one-hot input; none of the twin's
