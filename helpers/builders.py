"""The models of notebooks 06 and 07 as functions, once the notebooks have written them out.

Notebook 06 writes its dense bag-of-words model layer by layer, then builds the bigram model
with `bag_model`; notebook 07 writes the separable-convolution stack and checks it against
`conv_stack_model`. The tests build the same models from here.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
from keras import layers

from helpers.config import MAX_TOKENS


def bag_model(max_tokens: int = MAX_TOKENS, hidden: int = 16) -> keras.Model:
    """Dense(hidden, relu), Dropout(0.5), Dense(1, sigmoid) on a multi-hot vector; compiled.

    Its parameter count depends only on `max_tokens` and `hidden`: 320,033 for 20,000 and 16.
    """
    inputs = keras.Input(shape=(max_tokens,))
    x = layers.Dense(hidden, activation="relu")(inputs)
    x = layers.Dropout(0.5)(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    return _compiled(keras.Model(inputs, outputs))


def conv_stack_model(
    max_tokens: int = MAX_TOKENS,
    dim: int = 64,
    kernel_size: int = 5,
    dilations: Sequence[int] = (1, 2, 4),
    convs_per_block: int = 2,
) -> keras.Model:
    """Learned embeddings, then residual blocks of `SeparableConv1D`s, max pooling, a sigmoid; compiled.

    Block *b* applies `convs_per_block` separable convolutions (`dim` filters, ReLU, "same"
    padding) at dilation rate `dilations[b]` and adds the block's input to their output.
    """
    inputs = keras.Input(shape=(None,), dtype="int64")
    x = layers.Embedding(max_tokens, dim)(inputs)
    for dilation in dilations:
        residual = x
        for _ in range(convs_per_block):
            x = layers.SeparableConv1D(dim, kernel_size, padding="same", dilation_rate=dilation, activation="relu")(x)
        x = layers.add([x, residual])
    x = layers.GlobalMaxPooling1D()(x)
    x = layers.Dropout(0.5)(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    return _compiled(keras.Model(inputs, outputs))


def receptive_field(kernel_size: int, dilations: Sequence[int], convs_per_block: int) -> int:
    """How many consecutive tokens one output position of the stack can see.

    Each convolution widens the view by `(kernel_size - 1) * dilation` tokens; the residual
    additions do not widen it.
    """
    return 1 + convs_per_block * (kernel_size - 1) * sum(dilations)


def _compiled(model: keras.Model) -> keras.Model:
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    return model
