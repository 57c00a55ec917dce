"""Two models tested on the same reviews, compared review by review (McNemar's exact test)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from test_training_results import a_record

from helpers._plumbing.statistics import correct_bits
from helpers.results import gap_summary, paired_comparison, review_correctness


def with_correct(model: str, correct: list[bool]) -> object:
    return replace(a_record(model, float(np.mean(correct)), len(correct)), test_correct=correct_bits(np.array(correct)))


def test_correctness_survives_the_record_for_a_size_that_is_no_multiple_of_eight():
    correct = np.random.default_rng(0).random(203) > 0.3
    assert np.array_equal(review_correctness(with_correct("masking", list(correct))), correct)


def test_only_the_reviews_where_one_model_alone_is_right_count():
    # 10 reviews only the first gets right, none only the second, 90 both or neither.
    first = with_correct("bag_of_bigrams", [True] * 10 + [True] * 45 + [False] * 45)
    second = with_correct("masking", [False] * 10 + [True] * 45 + [False] * 45)
    comparison = paired_comparison(first, second)
    assert (comparison.only_first, comparison.only_second) == (10, 0)
    assert comparison.p_value == pytest.approx(2 / 2**10)  # both 10 fall one way: 2 × (1/2)^10
    assert comparison.beyond_noise and comparison.gap == pytest.approx(0.10)


def test_an_even_split_of_the_disagreements_is_no_evidence():
    first = with_correct("conv_stack", [True] * 5 + [False] * 5 + [True] * 90)
    second = with_correct("masking", [False] * 5 + [True] * 5 + [True] * 90)
    assert paired_comparison(first, second).p_value == 1.0
    assert gap_summary(first, second).endswith("only by the second on 5: p = 1, within the noise")


def test_the_paired_test_sees_a_gap_smaller_than_the_two_intervals():
    # 1,000 reviews: the first is right on 20 more, never worse: 0.85 against 0.83, whose 95 %
    # intervals (about ±0.023 each) overlap.
    shared = [True] * 830 + [False] * 150
    first, second = with_correct("bag_of_bigrams", [True] * 20 + shared), with_correct("masking", [False] * 20 + shared)
    assert first.test_interval[0] < second.test_interval[1]
    assert gap_summary(first, second).endswith("larger than the noise")
    with pytest.raises(ValueError, match="train it again"):
        gap_summary(replace(first, test_correct=None), second)


def test_models_tested_on_different_reviews_are_refused():
    with pytest.raises(ValueError, match="different reviews"):
        paired_comparison(with_correct("masking", [True] * 10), with_correct("glove", [True] * 12))
    with pytest.raises(ValueError, match="train it again"):
        paired_comparison(a_record("masking"), with_correct("glove", [True] * 200))
