"""What deterministic ops cost: seconds per training step of the masked model, without and with.

    python benchmarks/determinism.py [--profile quick] [--steps 30] [--repeats 2] [--reviews DIR]

`train_and_evaluate` turns on `tf.config.experimental.enable_op_determinism()`, which cannot
be turned off again in a process; so this script times the masked model of notebook 04 on
the profile's real training batches first as TensorFlow runs by default, then with
determinism on (each time a fresh model from the same seed, two warm-up steps, the fastest
of `--repeats` timings), and prints both with the seconds per epoch they imply. `--reviews` reads an already prepared folder of
reviews (`train/{neg,pos}/*.txt`) instead of preparing the profile's data.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import keras
import tensorflow as tf
from training_steps import build  # this folder's benchmark of every model

from helpers import SEED, get_profile
from helpers.imdb import reviews_dir
from helpers._plumbing.runtime import describe_device
from helpers.text_data import load_reviews, make_vectorizer, vectorize
from helpers.training import seconds_per_step


def seconds_per_masked_step(batches: list, sequence_length: int) -> float:
    keras.utils.set_random_seed(SEED)
    return seconds_per_step(build("masking", sequence_length), batches, warmup=2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="quick")
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--reviews", type=Path, help="a prepared folder of reviews (default: the profile's)")
    args = parser.parse_args()
    profile = get_profile(args.profile)
    folder = args.reviews or reviews_dir(profile)
    train = load_reviews(folder / "train", profile.batch_size)
    vectorizer = make_vectorizer(train, profile.sequence_length)
    examples = sum(1 for _ in (folder / "train").glob("*/*.txt"))
    batches = list(vectorize(train, vectorizer, profile.batch_size, examples, shuffle=True).take(args.steps + 2))
    steps_per_epoch = -(-examples // profile.batch_size)
    print(f"profile {profile.name}: batch {profile.batch_size} × {profile.sequence_length} tokens, "
          f"{steps_per_epoch} steps per epoch, {describe_device()}")
    default = min(seconds_per_masked_step(batches, profile.sequence_length) for _ in range(args.repeats))
    tf.config.experimental.enable_op_determinism()
    deterministic = min(seconds_per_masked_step(batches, profile.sequence_length) for _ in range(args.repeats))
    for name, seconds in (("default ops", default), ("deterministic", deterministic)):
        print(f"{name:<14} {seconds:.4f} s per step, {seconds * steps_per_epoch:6.1f} s per epoch (training steps)")
    print(f"cost of determinism: {deterministic / default - 1:+.1%}")


if __name__ == "__main__":
    main()
