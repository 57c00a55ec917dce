"""Models and model facts that notebooks 06 and 07 reuse once they have written them out.

Notebook 06 writes its bag-of-words model layer by layer, then builds the bigram model with
`bag_model`; notebook 07 draws its conv stack's view with `receptive_field`.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
from keras import layers

from helpers.config import MAX_TOKENS


def bag_model(max_tokens: int = MAX_TOKENS, hidden: int = 16) -> keras.Model:
    """Dense(hidden, relu), Dropout(0.5), Dense(1, sigmoid) on a multi-hot vector, compiled as
    every model of the course (RMSprop, binary cross-entropy, accuracy): 320,033 parameters."""
    inputs = keras.Input(shape=(max_tokens,))  # the layers in the notebook's order: their seeds are drawn in turn
    x = layers.Dense(hidden, activation="relu")(inputs)
    x = layers.Dropout(0.5)(x)
    model = keras.Model(inputs, layers.Dense(1, activation="sigmoid")(x))
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def receptive_field(kernel_size: int, dilations: Sequence[int], convs_per_block: int) -> int:
    """How many consecutive tokens one output position of the conv stack sees: each convolution
    widens the view by `(kernel_size - 1) * dilation`; the residual additions do not."""
    return 1 + convs_per_block * (kernel_size - 1) * sum(dilations)
