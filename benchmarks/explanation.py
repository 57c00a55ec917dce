"""Seconds to explain one review by occlusion, on a masked BiLSTM of the course's size.

    python benchmarks/explanation.py [--tokens 200] [--repeats 5]

Builds notebook 04's model (Embedding(20000, 256, mask_zero=True), Bidirectional(LSTM(32)),
Dropout, Dense sigmoid; untrained: only the shapes matter for speed) behind a
`TextVectorization` cut at the quick profile's 200 tokens, and times `word_effects` on one
review of that many words (201 rows in one batch): best of `--repeats` after one warm-up.
It also prints the warm-up (Keras traces its predict function), then two reviews of other
lengths once each: the first new batch shape traces again, after which TensorFlow's
`reduce_retracing` keeps one function for any batch size. The issue's goal is under a second
on a 2-core CPU.
"""

from __future__ import annotations

import argparse
import os
import time

import keras
import numpy as np
from keras import layers

from helpers import MAX_TOKENS, SEED
from helpers.explain import text_predictor, word_effects
from helpers._plumbing.runtime import describe_device


def build(sequence_length: int) -> tuple[keras.Model, layers.TextVectorization]:
    vocabulary = [f"word{i}" for i in range(MAX_TOKENS - 2)]
    vectorizer = layers.TextVectorization(
        max_tokens=MAX_TOKENS, output_mode="int", output_sequence_length=sequence_length, vocabulary=vocabulary
    )
    inputs = keras.Input(shape=(sequence_length,), dtype="int64")
    x = layers.Embedding(MAX_TOKENS, 256, mask_zero=True)(inputs)
    x = layers.Bidirectional(layers.LSTM(32))(x)
    x = layers.Dropout(0.5)(x)
    model = keras.Model(inputs, layers.Dense(1, activation="sigmoid")(x))
    return model, vectorizer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=200, help="sequence length and words in the review")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    keras.utils.set_random_seed(SEED)
    model, vectorizer = build(args.tokens)
    predict = text_predictor(model, vectorizer)
    rng = np.random.default_rng(SEED)

    def review(words: int) -> str:
        return " ".join(f"word{i}" for i in rng.integers(0, MAX_TOKENS - 2, words))

    text = review(args.tokens)
    start = time.perf_counter()
    word_effects(text, predict)
    warm_up = time.perf_counter() - start
    seconds = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        words, effects, _ = word_effects(text, predict)
        seconds.append(time.perf_counter() - start)
    other_lengths = []
    for length in (args.tokens // 2 + 7, args.tokens // 3 + 1):
        start = time.perf_counter()
        word_effects(review(length), predict)
        other_lengths.append(time.perf_counter() - start)
    print(describe_device())
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"word_effects, {len(words)} words, {len(words) + 1} rows of {args.tokens} tokens:")
    print(f"  best of {args.repeats}: {min(seconds):.3f} s (all: {', '.join(f'{s:.3f}' for s in seconds)})")
    print(f"  warm-up (traces the predict function): {warm_up:.3f} s")
    print(f"  then two reviews of other lengths, once each: {other_lengths[0]:.3f} s, {other_lengths[1]:.3f} s")


if __name__ == "__main__":
    main()
