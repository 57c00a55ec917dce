"""The masked BiLSTM on batches grouped by length against the padded batches, in one run.

    [KERAS_BACKEND=jax] python benchmarks/bucketing.py [--profile full] [--batches 150]

Takes the first `--batches` training batches of the profile (the textbook's size by default:
600 tokens, batch 32; real reviews, a fixed sample of the training split) and trains notebook
4's masked model on them twice from the same initial weights: on the padded batches, and on
the same reviews regrouped by `batches_by_length`. After one epoch each over the sample (which
also traces or compiles the step for each new batch shape), the two alternate for `--rounds`
timed epochs each, so that a machine shared with other work slows both alike.
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
from helpers._plumbing.runtime import describe_device
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


def epoch_seconds(model: keras.Model, batches: tf.data.Dataset) -> float:
    timer = EpochTimer()
    model.fit(batches, epochs=1, verbose=0, shuffle=False, callbacks=[timer])
    return timer.seconds[0]


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
    parser.add_argument("--rounds", type=int, default=2, help="timed epochs of each, alternating")
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
    runs = {"padded": (on_padded, padded), "by length": (on_bucketed, bucketed)}
    seconds: dict[str, list[float]] = {name: [] for name in runs}
    for round_ in range(args.rounds + 1):  # round 0: the first epoch, which also builds the steps
        for name, (model, batches) in runs.items():
            seconds[name].append(epoch_seconds(model, batches))
            print(f"{name:>9}: {'first' if round_ == 0 else 'timed'} epoch {seconds[name][-1]:.1f} s", flush=True)
    timed = {name: float(np.mean(values[1:])) for name, values in seconds.items()}
    print(f"mean timed epoch: padded {timed['padded']:.1f} s, by length {timed['by length']:.1f} s: "
          f"{timed['by length'] / timed['padded']:.2f} of the time")

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
