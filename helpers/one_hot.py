"""The one-hot LSTM of notebook 2, computed by looking rows up instead of multiplying.

An LSTM fed with `CategoryEncoding(num_tokens, output_mode="one_hot")` multiplies each one-hot
vector by its input kernel (num_tokens × 4·units): that product is one row of the kernel.
`OneHotLSTM` keeps exactly that kernel, takes the token ids instead of the one-hot vectors,
gathers the rows of every time step at once, then runs only the recurrence. Same weights in
the same order and shapes, same outputs and gradients, at a fraction of the cost:

    literal: layers.Bidirectional(layers.LSTM(32))(layers.CategoryEncoding(20000, output_mode="one_hot")(ids))
    lookup:  layers.Bidirectional(OneHotLSTM(32, num_tokens=20000))(ids)

Written with `keras.ops`, so it runs on every Keras backend (the recurrence is a
`keras.ops.scan`, not cuDNN, also on a GPU). The layer is registered with Keras, so a saved
`.keras` model loads once `helpers.one_hot` has been imported.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops


@keras.saving.register_keras_serializable(package="course")
class OneHotLSTM(keras.layers.LSTM):
    """`LSTM(units)` over the one-hot encoding of integer token ids in `[0, num_tokens)`.

    Takes `(batch, time)` integer ids. An id outside `[0, num_tokens)` is refused, on every
    backend: called eagerly (concrete ids) the layer raises ValueError; inside a compiled
    function (`fit`, `predict`, `evaluate`) the step fails with the backend's runtime error
    (TensorFlow: InvalidArgumentError; JAX: JaxRuntimeError), whose message says which range
    the ids must be in. On JAX a failed step also leaves the model without its weights (Keras
    hands their buffers to the compiled step): load it again from its `.keras` file.
    `dropout` and `recurrent_dropout` are not supported.
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
        """The LSTM recurrence on inputs that already are `x_t @ kernel`, one step per token.

        Returns what `keras.layers.RNN` expects: the last output, the outputs of every step
        (in the order they were computed: reversed with `go_backwards`) and the final states.
        """
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
    """`ids`, refused when one is outside [0, num_tokens) (a gather would not always raise:
    on a GPU, or on JAX, which fills or wraps around instead).

    Keras has no public op that raises on a value inside a compiled function, so this is the
    one place where the layer speaks to its backend: concrete ids are checked with NumPy;
    traced ones by TensorFlow's assertions, or by a JAX callback that raises when the step runs.
    """
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
