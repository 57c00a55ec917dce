"""The statistics behind the results: a Wilson interval for an accuracy, McNemar's exact test for
two models on the same reviews, and per-review results packed into a short text."""

from __future__ import annotations

import base64
import math

import numpy as np

Z_95 = 1.959964  # standard normal quantile of a two-sided 95 % interval


def accuracy_interval(accuracy: float, reviews: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval (95 % by default) of an accuracy measured on `reviews` reviews:
    unlike accuracy ± z·√(p(1−p)/n), it stays inside [0, 1]. ValueError for no reviews, or an
    accuracy outside [0, 1]."""
    if reviews <= 0 or not 0 <= accuracy <= 1:
        raise ValueError(f"an accuracy in [0, 1] on at least one review is needed, got {accuracy} on {reviews}")
    centre = (accuracy + z**2 / (2 * reviews)) / (1 + z**2 / reviews)
    half = z / (1 + z**2 / reviews) * math.sqrt(accuracy * (1 - accuracy) / reviews + z**2 / (4 * reviews**2))
    return max(0.0, centre - half), min(1.0, centre + half)


def mcnemar_exact(only_first: int, only_second: int) -> float:
    """McNemar's exact two-sided p-value for "both are equally accurate", from the reviews that
    only the first and only the second model got right: each favours either with probability 1/2."""
    discordant, fewer = only_first + only_second, min(only_first, only_second)
    tail = sum(math.comb(discordant, k) for k in range(fewer + 1)) / 2**discordant if discordant else 1.0
    return min(1.0, 2 * tail)


def correct_bits(correct: np.ndarray) -> str:
    """Per-review right (True) or wrong (False), packed into a short text for a run record."""
    return base64.b64encode(np.packbits(np.asarray(correct, dtype=bool)).tobytes()).decode("ascii")


def unpacked_bits(packed: str, count: int) -> np.ndarray:
    """The `count` right-or-wrong flags that `correct_bits` packed into `packed`."""
    return np.unpackbits(np.frombuffer(base64.b64decode(packed), dtype=np.uint8))[:count].astype(bool)
