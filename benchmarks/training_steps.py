"""Seconds per training step of each model of the course, on real review batches.

    python benchmarks/training_steps.py [--profile full] [--steps 5]

Builds the four models as notebooks 02–05 do (GloVe weights left random: only the shape
matters for speed), trains each on a few batches of the profile's data after two warm-up
steps, and prints seconds per step. These are the figures behind the CPU estimates in
`helpers/session.py`.
"""

from __future__ import annotations

import argparse
import time

import keras
from keras import layers

from helpers import MAX_TOKENS, SEED, get_profile
from helpers.session import describe_device
from helpers.text_data import load_course_data


def build(kind: str, sequence_length: int) -> keras.Model:
    inputs = keras.Input(shape=(sequence_length,), dtype="int64")
    if kind == "one_hot":
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


def seconds_per_step(model: keras.Model, batches: list, warmup: int = 2) -> float:
    for tokens, labels in batches[:warmup]:
        model.train_on_batch(tokens, labels)
    start = time.perf_counter()
    for tokens, labels in batches[warmup:]:
        model.train_on_batch(tokens, labels)
    return (time.perf_counter() - start) / len(batches[warmup:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="full")
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--models", nargs="*", default=["one_hot", "embeddings", "masking", "glove"])
    args = parser.parse_args()
    profile = get_profile(args.profile)
    data = load_course_data(profile)
    batches = list(data.train.take(args.steps + 2))
    print(f"profile {profile.name}: batch {profile.batch_size} × {profile.sequence_length} tokens, {describe_device()}")
    for kind in args.models:
        keras.utils.set_random_seed(SEED)
        seconds = seconds_per_step(build(kind, profile.sequence_length), batches)
        print(f"{kind:<11} {seconds:7.3f} s per training step", flush=True)


if __name__ == "__main__":
    main()
