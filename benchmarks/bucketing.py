"""The masked BiLSTM on batches grouped by length against the padded batches, in one run.

    [KERAS_BACKEND=jax] python benchmarks/bucketing.py [--profile full] [--batches 150]

Takes the first `--batches` training batches of the profile (the textbook's size by default:
600 tokens, batch 32; real reviews, a fixed sample of the training split) and trains notebook
4's masked model on them twice from the same initial weights: on the padded batches, and on
the same reviews regrouped by `batches_by_length`. Each trains two epochs over the sample; the
second is the figure (the first also traces or compiles the step for each new batch shape).
Then the model trained on the padded batches predicts every review of the sample both ways:
the largest difference of a probability should be rounding, while a twin without the mask
(same weights) changes its predictions.
"""

from __future__ import annotations

import argparse

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from helpers import MAX_TOKENS, SEED, get_profile
from helpers.notebook_setup import describe_device
from helpers.text_data import batches_by_length, load_course_data
from helpers.training import EpochTimer


def build(mask_zero: bool = True) -> keras.Model:
    inputs = keras.Input(shape=(None,), dtype="int64")
    x = layers.Embedding(MAX_TOKENS, 256, mask_zero=mask_zero)(inputs)
    x = layers.Bidirectional(layers.LSTM(32))(x)
    x = layers.Dropout(0.5)(x)
    model = keras.Model(inputs, layers.Dense(1, activation="sigmoid")(x))
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def epoch_seconds(model: keras.Model, batches: tf.data.Dataset) -> list[float]:
    timer = EpochTimer()
    model.fit(batches, epochs=2, verbose=0, shuffle=False, callbacks=[timer])
    return timer.seconds


def probabilities(model: keras.Model, batches: tf.data.Dataset, reviews: int) -> np.ndarray:
    """Each review's probability, by its position in the sample (batches of `(tokens, position)`)."""
    result = np.full(reviews, np.nan, dtype="float32")
    for tokens, positions in batches.as_numpy_iterator():
        result[positions] = np.asarray(model.predict_on_batch(tokens))[:, 0]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="full")
    parser.add_argument("--batches", type=int, default=150, help="training batches in the sample")
    args = parser.parse_args()
    profile = get_profile(args.profile)
    data = load_course_data(profile)
    sample = list(data.train.take(args.batches).as_numpy_iterator())  # the same reviews in every pass
    rows = tf.data.Dataset.from_tensor_slices(tuple(np.concatenate(part) for part in zip(*sample)))
    reviews = int(rows.cardinality())
    padded = rows.batch(profile.batch_size)
    bucketed = batches_by_length(rows, profile.batch_size, reviews, shuffle=True)
    widths = [tokens.shape[1] for tokens, _ in bucketed]
    print(f"profile {profile.name}: {reviews:,} training reviews in {args.batches} batches of {profile.batch_size}, "
          f"Keras {keras.__version__} on {keras.backend.backend()}, {describe_device()}")
    print(f"steps through time per epoch: padded {args.batches * profile.sequence_length:,}, "
          f"by length {sum(widths):,} ({sum(widths) / (args.batches * profile.sequence_length):.2f}×; "
          f"{len(set(widths))} widths of batch from {min(widths)} to {max(widths)})", flush=True)

    keras.utils.set_random_seed(SEED)
    on_padded = build()
    on_bucketed = build()
    on_bucketed.set_weights(on_padded.get_weights())
    seconds = {"padded": epoch_seconds(on_padded, padded)}
    print(f"padded:    epochs of {seconds['padded'][0]:.1f} and {seconds['padded'][1]:.1f} s", flush=True)
    seconds["by length"] = epoch_seconds(on_bucketed, bucketed)
    print(f"by length: epochs of {seconds['by length'][0]:.1f} and {seconds['by length'][1]:.1f} s", flush=True)
    print(f"second epoch by length / padded: {seconds['by length'][1] / seconds['padded'][1]:.2f}")

    numbered = rows.enumerate().map(lambda position, row: (row[0], position))
    unmasked = build(mask_zero=False)
    unmasked.set_weights(on_padded.get_weights())
    for name, model in [("masked", on_padded), ("unmasked twin", unmasked)]:
        as_padded = probabilities(model, numbered.batch(profile.batch_size), reviews)
        by_length = probabilities(model, batches_by_length(numbered, profile.batch_size), reviews)
        print(f"{name}: largest difference of a probability, padded against by length: "
              f"{np.abs(as_padded - by_length).max():.2g}")


if __name__ == "__main__":
    main()
