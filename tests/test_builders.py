"""The models of notebooks 06 and 07: parameter counts, and the conv stack's receptive field."""

from __future__ import annotations

import numpy as np
import pytest

import helpers._plumbing.runtime  # noqa: F401  (imports TensorFlow quietly)
import keras
from helpers.builders import bag_model, receptive_field


def conv_stack_model(max_tokens=20_000, dim=64, kernel_size=5, dilations=(1, 2, 4), convs_per_block=2):
    """Notebook 07's stack: residual blocks of separable convolutions over learned embeddings."""
    inputs = keras.Input(shape=(None,), dtype="int64")
    x = keras.layers.Embedding(max_tokens, dim)(inputs)
    for dilation in dilations:
        residual = x
        for _ in range(convs_per_block):
            x = keras.layers.SeparableConv1D(dim, kernel_size, padding="same", dilation_rate=dilation,
                                             activation="relu")(x)
        x = keras.layers.add([x, residual])
    x = keras.layers.Dropout(0.5)(keras.layers.GlobalMaxPooling1D()(x))
    return keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(x))


def test_bag_model_count_depends_only_on_the_vocabulary():
    assert bag_model().count_params() == 20_000 * 16 + 16 + 16 + 1 == 320_033
    assert bag_model(max_tokens=100).count_params() == 100 * 16 + 16 + 17


def test_bag_model_starts_from_the_weights_of_notebook_06s_model_under_the_same_seed():
    keras.utils.set_random_seed(1337)
    inputs = keras.Input(shape=(100,))
    x = keras.layers.Dense(16, activation="relu")(inputs)
    x = keras.layers.Dropout(0.5)(x)
    written = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(x))
    keras.utils.set_random_seed(1337)
    built = bag_model(max_tokens=100)
    for mine, theirs in zip(written.get_weights(), built.get_weights(), strict=True):
        np.testing.assert_array_equal(mine, theirs)


def test_conv_stack_parameter_count():
    separable = 64 * 5 + 64 * 64 + 64  # depthwise, pointwise, bias
    assert conv_stack_model().count_params() == 20_000 * 64 + 6 * separable + 65 == 1_306_945


@pytest.mark.parametrize(("kernel_size", "dilations", "convs"), [(5, (1, 2, 4), 2), (3, (1,), 1), (3, (1, 3), 1)])
def test_receptive_field_is_how_far_one_token_reaches(kernel_size, dilations, convs):
    """Change one token in the middle and see which positions of the last block's output move."""
    keras.utils.set_random_seed(0)
    model = conv_stack_model(max_tokens=50, dim=8, kernel_size=kernel_size, dilations=dilations, convs_per_block=convs)
    last_block = keras.Model(model.input, model.get_layer(index=len(model.layers) - 4).output)
    tokens = np.random.default_rng(0).integers(1, 50, size=(1, 101))
    changed = tokens.copy()
    changed[0, 50] = 0
    moved = np.abs(np.asarray(last_block(changed)) - np.asarray(last_block(tokens)))[0].max(axis=-1) > 0
    positions = np.flatnonzero(moved)
    assert positions.max() - positions.min() + 1 == receptive_field(kernel_size, dilations, convs)


def test_conv_stack_reads_reviews_of_any_length():
    model = conv_stack_model(max_tokens=50, dim=8)
    for length in (3, 40):
        assert model.predict(np.ones((2, length), dtype="int64"), verbose=0).shape == (2, 1)
