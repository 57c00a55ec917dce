"""The rule of Keras 3 (TensorFlow backend) on masks and cuDNN that notebook 04 relies on.

On a GPU, `LSTM(use_cudnn="auto")` runs cuDNN, whose mask check (`_assert_valid_mask` in
keras/src/backend/tensorflow/rnn.py) accepts only right-padded masks with no fully masked
row. These tests run on a CPU: they call that check, and simulate a GPU by reporting one and
standing in for the cuDNN kernel, so the rule is pinned wherever the tests run.
"""

from __future__ import annotations

import importlib

import numpy as np
import pytest

import helpers._plumbing.runtime  # noqa: F401  (imports TensorFlow quietly)
import keras
import tensorflow as tf
from keras import layers

# The package re-exports a function named `rnn` over its module of the same name.
tf_rnn = importlib.import_module("keras.src.backend.tensorflow.rnn")
# The rule and the check are TensorFlow's: on JAX, Keras' LSTM takes cuDNN only without a mask
# (keras/src/backend/jax/rnn.py), so there is nothing of this to test there.
pytestmark = pytest.mark.skipif(
    keras.backend.backend() != "tensorflow", reason="TensorFlow's cuDNN rule on masks; JAX has no such rule"
)
CUDNN_REFUSAL = "does not correspond to right-padded sequences, while using cuDNN"


def mask_of(tokens: list[list[int]]) -> tf.Tensor:
    return layers.Embedding(50, 4, mask_zero=True).compute_mask(np.array(tokens))


def masked_bilstm(use_cudnn: bool | str = "auto") -> keras.Model:
    inputs = keras.Input(shape=(None,), dtype="int64")
    x = layers.Embedding(50, 8, mask_zero=True)(inputs)
    x = layers.Bidirectional(layers.LSTM(4, use_cudnn=use_cudnn))(x)
    return keras.Model(inputs, layers.Dense(1, activation="sigmoid")(x))


@pytest.fixture
def simulated_gpu(monkeypatch) -> list[int]:
    """Keras believes a GPU is there; a stand-in for the cuDNN kernel counts its calls."""
    calls: list[int] = []

    def cudnn_kernel(input, input_h, input_c, params, is_training, rnn_mode, sequence_lengths, time_major):
        calls.append(1)
        outputs = tf.zeros(tf.concat([tf.shape(input)[:2], tf.shape(input_h)[-1:]], axis=0))
        return outputs, input_h, input_c, None, None

    monkeypatch.setattr(tf_rnn, "_is_gpu_available", lambda: True)
    monkeypatch.setattr(tf.raw_ops, "CudnnRNNV3", cudnn_kernel)
    return calls


def test_cudnn_mask_check_accepts_right_padded_reviews():
    mask = mask_of([[4, 9, 12, 0, 0], [3, 0, 0, 0, 0], [5, 6, 7, 8, 9]])
    tf_rnn._assert_valid_mask(mask)  # raises if refused
    assert bool(tf_rnn._is_sequence_right_padded(mask))


@pytest.mark.parametrize(
    "tokens",
    [[[4, 9, 0, 0], [0, 0, 0, 0]], [[0, 0, 4, 9], [3, 5, 0, 0]], [[4, 0, 9, 0]]],
    ids=["an empty review", "left padding", "a gap inside a review"],
)
def test_cudnn_mask_check_refuses_other_masks(tokens):
    with pytest.raises(tf.errors.InvalidArgumentError, match=CUDNN_REFUSAL):
        tf_rnn._assert_valid_mask(mask_of(tokens))


def test_cudnn_is_chosen_only_where_a_gpu_is_seen():
    args = (keras.activations.tanh, keras.activations.sigmoid, False, True)
    assert tf_rnn.cudnn_ok(*args) == bool(tf.config.list_logical_devices("GPU"))


def test_compiled_predict_on_cudnn_runs_right_padded_reviews(simulated_gpu):
    masked_bilstm().predict(np.array([[4, 9, 12, 0], [3, 0, 0, 0]]), verbose=0)
    assert simulated_gpu, "the cuDNN kernel was not used"


def test_compiled_predict_on_cudnn_stops_at_an_empty_review(simulated_gpu):
    with pytest.raises(tf.errors.InvalidArgumentError, match=CUDNN_REFUSAL):
        masked_bilstm().predict(np.array([[4, 9, 0, 0], [0, 0, 0, 0]]), verbose=0)


def test_eager_call_on_cudnn_falls_back_for_an_empty_review(simulated_gpu):
    probabilities = masked_bilstm()(np.array([[4, 9, 0, 0], [0, 0, 0, 0]]))
    assert np.isfinite(np.asarray(probabilities)).all()
    assert not simulated_gpu, "the eager call should have left cuDNN for the generic kernel"


def test_twin_without_cudnn_predicts_an_empty_review(simulated_gpu):
    keras.utils.set_random_seed(0)
    model = masked_bilstm()
    twin = masked_bilstm(use_cudnn=False)
    twin.set_weights(model.get_weights())
    probabilities = twin.predict(np.array([[4, 9, 0, 0], [0, 0, 0, 0]]), verbose=0)
    assert np.isfinite(probabilities).all()
    assert not simulated_gpu, "use_cudnn=False must never reach the cuDNN kernel"
