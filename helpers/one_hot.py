"""The one-hot LSTM of notebook 2, computed by looking rows up instead of multiplying.

An LSTM fed with `CategoryEncoding(num_tokens, output_mode="one_hot")` multiplies each one-hot
vector by its input kernel (num_tokens × 4·units): that product is one row of the kernel.
`OneHotLSTM` keeps exactly that kernel, takes the token ids instead of the one-hot vectors,
gathers the rows of every time step at once, then runs only the recurrence. Same weights in
the same order and shapes, same outputs and gradients, at a fraction of the cost:

    literal: layers.Bidirectional(layers.LSTM(32))(layers.CategoryEncoding(20000, output_mode="one_hot")(ids))
    lookup:  layers.Bidirectional(OneHotLSTM(32, num_tokens=20000))(ids)

The layer is registered with Keras, so a saved `.keras` model loads once `helpers.one_hot` has
been imported.
"""

from __future__ import annotations

import keras
import tensorflow as tf
from keras import ops
from keras.src import backend as keras_backend  # the same rnn/lstm kernels keras.layers.LSTM runs


@keras.saving.register_keras_serializable(package="course")
class OneHotLSTM(keras.layers.LSTM):
    """`LSTM(units)` over the one-hot encoding of integer token ids in `[0, num_tokens)`.

    Takes `(batch, time)` integer ids. Raises InvalidArgumentError (TensorFlow) when an id is
    outside `[0, num_tokens)`; `dropout` and `recurrent_dropout` are not supported.
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
        ids = ops.cast(sequences, "int32")
        checks = [
            tf.debugging.assert_non_negative(ids, message=self._range_message()),
            tf.debugging.assert_less(ids, self.num_tokens, message=self._range_message()),
        ]
        with tf.control_dependencies(checks):  # checked before the lookup (a GPU gather would not raise)
            ids = tf.identity(ids)
        # one_hot(id) @ kernel == kernel[id]: every time step's input product at once.
        projected = ops.take(self.cell.kernel, ids, axis=0)
        return super().call(projected, initial_state=initial_state, mask=mask, training=training)

    def inner_loop(self, sequences, initial_state, mask, training=False):
        """The recurrence on inputs that already are `x_t @ kernel`."""
        cell = self.cell
        if self.use_cudnn in ("auto", True):
            try:  # cuDNN on a GPU, with an identity input kernel: x_t @ I is x_t
                out = keras_backend.lstm(
                    sequences,
                    initial_state[0],
                    initial_state[1],
                    mask,
                    kernel=ops.eye(4 * self.units, dtype=sequences.dtype),
                    recurrent_kernel=cell.recurrent_kernel,
                    bias=cell.bias,
                    activation=cell.activation,
                    recurrent_activation=cell.recurrent_activation,
                    return_sequences=self.return_sequences,
                    go_backwards=self.go_backwards,
                    unroll=self.unroll,
                )
                self.supports_jit = False
                return out
            except NotImplementedError:  # no GPU, or a configuration cuDNN cannot run
                pass

        def step(inputs, states):
            h, c = states
            z = inputs + ops.matmul(h, cell.recurrent_kernel)
            if cell.use_bias:
                z = z + cell.bias
            i, f, g, o = ops.split(z, 4, axis=-1)
            c = cell.recurrent_activation(f) * c + cell.recurrent_activation(i) * cell.activation(g)
            h = cell.recurrent_activation(o) * cell.activation(c)
            return h, [h, c]

        return keras_backend.rnn(
            step,
            sequences,
            list(initial_state),
            go_backwards=self.go_backwards,
            mask=mask,
            unroll=self.unroll,
            input_length=sequences.shape[1],
            zero_output_for_mask=self.zero_output_for_mask,
            return_all_outputs=self.return_sequences,
        )

    def get_config(self) -> dict:
        return {**super().get_config(), "num_tokens": self.num_tokens}

    def _range_message(self) -> str:
        return f"OneHotLSTM: every token id must be in [0, {self.num_tokens}), as for a one-hot encoding of that size"
