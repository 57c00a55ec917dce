"""Seconds per training step of each model of the course, on real review batches.

    [KERAS_BACKEND=jax] python benchmarks/training_steps.py [--profile full] [--steps 5] [--lengths 200 600]

Builds the models as notebooks 02–05 and 07 do (GloVe weights left random: only the shape
matters for speed): the literal one-hot model (`one_hot_literal`), its exact row-lookup twin
that notebook 2 trains (`one_hot`), learned embeddings, masking, frozen GloVe and the
separable conv stack (`conv_stack`). Each is trained on a few batches of the profile's data,
cut to each length, after two warm-up steps; all in one run, so that the ratios compare like
with like. It runs on the Keras backend in use (`KERAS_BACKEND`): run it once per backend,
back to back, to compare them. (The setup cell's CPU estimates come from the reference runs'
seconds per epoch instead: see `helpers/notebook_setup.py`.)
"""

from __future__ import annotations

import argparse

import keras
from keras import layers

from helpers import MAX_TOKENS, SEED, get_profile
from helpers.one_hot import OneHotLSTM
from helpers._plumbing.runtime import describe_device
from helpers.text_data import load_course_data
from helpers.training import seconds_per_step


def build(kind: str, sequence_length: int) -> keras.Model:
    inputs = keras.Input(shape=(sequence_length,), dtype="int64")
    if kind == "conv_stack":  # notebook 07's stack
        x = layers.Embedding(MAX_TOKENS, 64)(inputs)
        for dilation in (1, 2, 4):
            residual = x
            for _ in range(2):
                x = layers.SeparableConv1D(64, 5, padding="same", dilation_rate=dilation, activation="relu")(x)
            x = layers.add([x, residual])
        x = layers.GlobalMaxPooling1D()(x)
    elif kind == "one_hot":
        x = layers.Bidirectional(OneHotLSTM(32, num_tokens=MAX_TOKENS))(inputs)
    else:
        if kind == "one_hot_literal":
            x = layers.CategoryEncoding(num_tokens=MAX_TOKENS, output_mode="one_hot")(inputs)
        elif kind == "glove":
            x = layers.Embedding(MAX_TOKENS, 100, trainable=False, mask_zero=True)(inputs)
        else:
            x = layers.Embedding(MAX_TOKENS, 256, mask_zero=kind == "masking")(inputs)
        x = layers.Bidirectional(layers.LSTM(32))(x)
    x = layers.Dropout(0.5)(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="full")
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--lengths", nargs="*", type=int, help="tokens per review (default: the profile's)")
    parser.add_argument(
        "--models", nargs="*", default=["one_hot_literal", "one_hot", "embeddings", "masking", "glove", "conv_stack"]
    )
    args = parser.parse_args()
    profile = get_profile(args.profile)
    data = load_course_data(profile)
    batches = list(data.train.take(args.steps + 2).as_numpy_iterator())  # NumPy: fit for any backend
    lengths = args.lengths or [profile.sequence_length]
    if max(lengths) > profile.sequence_length:
        parser.error(f"the {profile.name} profile cuts reviews at {profile.sequence_length} tokens")
    print(
        f"profile {profile.name}: batch {profile.batch_size}, {args.steps} timed steps, "
        f"Keras {keras.__version__} on {keras.backend.backend()}, {describe_device()}"
    )
    for length in lengths:
        cut = [(tokens[:, :length], labels) for tokens, labels in batches]
        seconds = {}
        for kind in args.models:
            keras.utils.set_random_seed(SEED)
            seconds[kind] = seconds_per_step(build(kind, length), cut, warmup=2)
            print(f"{length:>4} tokens  {kind:<16} {seconds[kind]:7.3f} s per training step", flush=True)
        if {"one_hot", "one_hot_literal", "embeddings"} <= seconds.keys():
            print(
                f"{length:>4} tokens  one_hot is {seconds['one_hot_literal'] / seconds['one_hot']:.1f}× faster than "
                f"one_hot_literal, {seconds['one_hot'] / seconds['embeddings']:.2f}× the time of embeddings",
                flush=True,
            )


if __name__ == "__main__":
    main()
