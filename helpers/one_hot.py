"""The one-hot LSTM of notebook 2, computed by looking rows up instead of multiplying.

An LSTM fed with `CategoryEncoding(num_tokens, output_mode="one_hot")` multiplies each one-hot
vector by its input kernel: the product is one row of the kernel. `OneHotLSTM` keeps that
kernel, takes the token ids, gathers the rows of every step at once, then runs only the
recurrence (a `keras.ops.scan`, on every backend): the same weights, outputs and gradients as

    layers.Bidirectional(layers.LSTM(32))(layers.CategoryEncoding(20000, output_mode="one_hot")(ids))

at a fraction of the cost. A saved `.keras` model loads once `helpers.one_hot` is imported.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops


@keras.saving.register_keras_serializable(package="course")
class OneHotLSTM(keras.layers.LSTM):
    """`LSTM(units)` over the one-hot encoding of `(batch, time)` token ids in `[0, num_tokens)`.

    An id outside that range is refused on every backend: eagerly with ValueError; inside `fit`,
    `predict` or `evaluate` with the backend's runtime error (TensorFlow's InvalidArgumentError,
    JAX's JaxRuntimeError) naming the range. On JAX a failed step also leaves the model without
    its weights: load it again from its `.keras` file. No `dropout` or `recurrent_dropout`.
    """

    def __init__(self, units: int, num_tokens: int, **kwargs):
        if kwargs.get("dropout") or kwargs.get("recurrent_dropout"):
            raise ValueError("OneHotLSTM does not support dropout or recurrent_dropout: put a Dropout layer after it")
        super().__init__(units, **kwargs)
        self.num_tokens = int(num_tokens)
        self.input_spec = keras.layers.InputSpec(ndim=2)

    def build(self, sequences_shape, initial_state_shape=None):
        # The kernel is built as for one-hot input: (num_tokens, 4 * units), like the literal model's.
        super().build((*sequences_shape, self.num_tokens), initial_state_shape)

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        return super().compute_output_shape((*sequences_shape, self.num_tokens), initial_state_shape)

    def call(self, sequences, initial_state=None, mask=None, training=False):
        ids = _ids_in_range(ops.cast(sequences, "int32"), self.num_tokens)
        projected = ops.take(self.cell.kernel, ids, axis=0)  # one_hot(ids) @ kernel, every step at once
        # LSTM.call (keras.layers.RNN) prepares the initial states, then runs `inner_loop` below.
        return super().call(projected, initial_state=initial_state, mask=mask, training=training)

    def inner_loop(self, sequences, initial_state, mask, training=False):
        """The LSTM recurrence on inputs that already are `x_t @ kernel`; returns what
        `keras.layers.RNN` expects: the last output, every step's (in computed order) and the states."""
        cell = self.cell
        steps = ops.transpose(sequences, (1, 0, 2))  # time first: scan walks the first axis
        masks = ops.expand_dims(ops.transpose(ops.cast(mask, "bool")), -1) if mask is not None else None
        if self.go_backwards:
            steps = ops.flip(steps, axis=0)
            masks = ops.flip(masks, axis=0) if masks is not None else None

        def step(states, inputs):
            h, c = states
            x, keep = inputs if masks is not None else (inputs, None)
            z = x + ops.matmul(h, cell.recurrent_kernel)
            if cell.use_bias:
                z = z + cell.bias
            i, f, g, o = ops.split(z, 4, axis=-1)
            new_c = cell.recurrent_activation(f) * c + cell.recurrent_activation(i) * cell.activation(g)
            new_h = cell.recurrent_activation(o) * cell.activation(new_c)
            if keep is None:
                return (new_h, new_c), (new_h, new_c)
            # A masked step leaves the states as they were, as keras.layers.LSTM does.
            h, c = ops.where(keep, new_h, h), ops.where(keep, new_c, c)
            return (h, c), (ops.where(keep, new_h, ops.zeros_like(h)) if self.zero_output_for_mask else h, c)

        # Each step gives its output and its cell state (scan on TensorFlow wants the outputs
        # shaped as the carried states); the cell states are dropped.
        (h, c), (outputs, _) = ops.scan(step, (*initial_state,), (steps, masks) if masks is not None else steps)
        outputs = ops.transpose(outputs, (1, 0, 2))
        return outputs[:, -1], outputs, [h, c]

    def get_config(self) -> dict:
        return {**super().get_config(), "num_tokens": self.num_tokens}


def _ids_in_range(ids, num_tokens: int):
    """`ids`, refused when one is outside [0, num_tokens): a gather would not always raise (on a
    GPU, or on JAX, which fills or wraps around). Keras has no public op that raises inside a compiled function,
    so concrete ids are checked with NumPy, traced ones by TensorFlow's assertions or a JAX callback."""
    message = f"OneHotLSTM: every token id must be in [0, {num_tokens}), as for a one-hot encoding of that size"
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        if tf.executing_eagerly():
            _check(ids.numpy(), num_tokens, message)
            return ids
        checks = [tf.debugging.assert_non_negative(ids, message=message),
                  tf.debugging.assert_less(ids, num_tokens, message=message)]
        with tf.control_dependencies(checks):  # checked before the lookup
            return tf.identity(ids)
    if backend == "jax":
        import jax

        if isinstance(ids, jax.core.Tracer):
            jax.debug.callback(_check, ids, num_tokens, message)
            return ids
    _check(ops.convert_to_numpy(ids), num_tokens, message)
    return ids


def _check(ids, num_tokens: int, message: str) -> None:
    ids = np.asarray(ids)
    if ids.size and (ids.min() < 0 or ids.max() >= num_tokens):
        raise ValueError(f"{message}; got ids from {ids.min()} to {ids.max()}")
