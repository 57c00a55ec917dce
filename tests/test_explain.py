"""Occlusion on tiny models whose answers are known: the words, the occluded batch, the effects, the figure."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from keras import layers  # noqa: E402

from helpers.explain import (  # noqa: E402
    OCCLUDED,
    occluded_reviews,
    plot_word_effects,
    review_words,
    text_predictor,
    word_effects,
)

# Weights of [UNK], "good", "bad", "film", and the bias: dyadic fractions, so float32 sums are exact.
UNK, GOOD, BAD, FILM, BIAS = 0.25, 2.0, -1.5, 0.5, 0.125


def bag_predictor():
    """A linear bag of words with hand-set weights: its output is the sum of the weights of the words present."""
    vectorizer = layers.TextVectorization(output_mode="multi_hot", vocabulary=["good", "bad", "film"])
    model = keras.Sequential([keras.Input((4,)), layers.Dense(1)])
    model.set_weights([np.array([[UNK], [GOOD], [BAD], [FILM]], dtype="float32"), np.array([BIAS], dtype="float32")])
    return text_predictor(model, vectorizer)


@pytest.mark.parametrize(
    "review",
    [
        "It's <br />GREAT!!  Not   bad... 10/10",
        "don't\tstop\n\nbelieving -- (really) [sic] {x} a_b ~tilde~ \"quoted\" 'single'",
        "Amélie ÉCOLE naïve CAPITALS MiXeD",
        "   leading and trailing spaces   ",
    ],
)
def test_review_words_are_the_tokens_text_vectorization_reads(review):
    words = review_words(review)
    vectorizer = layers.TextVectorization(output_mode="int", vocabulary=list(dict.fromkeys(words)))
    vocabulary = vectorizer.get_vocabulary()
    assert [vocabulary[i] for i in np.asarray(vectorizer(review))] == words


def test_occluded_reviews_replace_the_first_and_the_last_word():
    assert occluded_reviews(["not", "bad", "film"]) == [
        "not bad film",
        f"{OCCLUDED} bad film",
        f"not {OCCLUDED} film",
        f"not bad {OCCLUDED}",
    ]


def test_occluded_reviews_of_one_word_are_the_word_and_the_placeholder():
    assert occluded_reviews(["superb"]) == ["superb", OCCLUDED]


def test_a_placeholder_that_standardization_changes_is_refused():
    with pytest.raises(ValueError, match="placeholder"):
        occluded_reviews(["good"], placeholder="[MASK]")


def test_occluded_int_sequences_keep_their_padding_and_only_the_word_becomes_unk():
    vectorizer = layers.TextVectorization(
        output_mode="int", vocabulary=["good", "bad", "film"], output_sequence_length=6
    )
    rows = np.asarray(vectorizer(np.array(occluded_reviews(review_words("Good bad FILM!")))))
    assert rows[0].tolist() == [2, 3, 4, 0, 0, 0]
    expected = np.repeat(rows[:1], 3, axis=0)
    expected[np.arange(3), np.arange(3)] = 1
    np.testing.assert_array_equal(rows[1:], expected)


def test_effect_of_a_word_present_once_is_its_weight_minus_the_unk_weight():
    words, effects, probability = word_effects("Good film.", bag_predictor())
    assert words == ["good", "film"]
    assert probability == GOOD + FILM + BIAS
    np.testing.assert_array_equal(effects, [GOOD - UNK, FILM - UNK])


def test_a_repeated_word_adds_only_unk_when_its_other_copy_remains():
    _, effects, _ = word_effects("good good film", bag_predictor())
    np.testing.assert_array_equal(effects, [-UNK, -UNK, FILM - UNK])


def test_an_unknown_word_has_no_effect_when_unk_is_already_in_the_bag():
    _, effects, probability = word_effects("good awful", bag_predictor())
    assert probability == GOOD + UNK + BIAS
    np.testing.assert_array_equal(effects, [GOOD, 0.0])


def test_in_a_bag_of_bigrams_each_word_carries_the_bigrams_it_is_part_of():
    vectorizer = layers.TextVectorization(output_mode="multi_hot", ngrams=2, vocabulary=["not", "bad", "not bad"])
    model = keras.Sequential([keras.Input((4,)), layers.Dense(1)])
    not_, bad, not_bad = 0.5, -2.0, 3.0
    model.set_weights([np.array([[UNK], [not_], [bad], [not_bad]], dtype="float32"), np.array([BIAS], dtype="float32")])
    _, effects, probability = word_effects("Not bad!", text_predictor(model, vectorizer))
    assert probability == not_ + bad + not_bad + BIAS
    np.testing.assert_array_equal(effects, [not_ + not_bad - UNK, bad + not_bad - UNK])


def test_the_empty_review_has_no_words_and_its_own_probability():
    words, effects, probability = word_effects("", bag_predictor())
    assert (words, effects.shape, probability) == ([], (0,), BIAS)


def test_predict_is_called_once_per_review_with_the_whole_batch():
    calls = []

    def predict(texts):
        calls.append(list(texts))
        return np.linspace(0.9, 0.1, len(texts))[:, None]

    words, effects, probability = word_effects("one two three four", predict)
    assert calls == [occluded_reviews(words)]
    np.testing.assert_allclose(effects, 0.9 - np.linspace(0.9, 0.1, 5)[1:])


def test_a_predict_of_the_wrong_shape_is_refused():
    with pytest.raises(ValueError, match="expected"):
        word_effects("two words", lambda texts: np.zeros((len(texts), 2)))


def test_masked_bilstm_runs_end_to_end_with_finite_effects():
    keras.utils.set_random_seed(0)
    vectorizer = layers.TextVectorization(
        output_mode="int", vocabulary=["good", "bad", "film"], output_sequence_length=8
    )
    inputs = keras.Input((8,), dtype="int64")
    x = layers.Embedding(5, 3, mask_zero=True)(inputs)
    x = layers.Bidirectional(layers.LSTM(4))(x)
    model = keras.Model(inputs, layers.Dense(1, activation="sigmoid")(x))
    words, effects, probability = word_effects("Not a bad film, a good one", text_predictor(model, vectorizer))
    assert len(words) == 7 and effects.shape == (7,)
    assert np.isfinite(effects).all() and 0 < probability < 1


def test_plot_has_one_panel_per_model_and_a_coloured_box_per_word():
    words = ["not", "bad", "at", "all"]
    figure = plot_word_effects(
        words,
        {"masked BiLSTM": np.array([-0.1, 0.2, 0.0, 0.05]), "bag of bigrams": np.array([0.1, -0.3, 0.0, 0.0])},
        {"masked BiLSTM": 0.8, "bag of bigrams": 0.3},
    )
    panels = [axes for axes in figure.axes if axes.get_label() in ("masked BiLSTM", "bag of bigrams")]
    assert [axes.get_title() for axes in panels] == [
        'masked BiLSTM: P("positive") = 0.800',
        'bag of bigrams: P("positive") = 0.300',
    ]
    for axes in panels:
        assert [text.get_text() for text in axes.texts] == words
        assert all(text.get_bbox_patch() is not None for text in axes.texts)
    reds, greens = (panels[1].texts[i].get_bbox_patch().get_facecolor() for i in (1, 0))
    assert reds[0] > reds[1] and greens[1] > greens[0]


def test_plot_wraps_a_long_review_and_shows_its_first_120_words():
    words = [f"w{i}" for i in range(150)]
    figure = plot_word_effects(words, {"model": np.zeros(150)})
    rows = {text.get_position()[1] for text in figure.axes[0].texts}
    assert len(figure.axes[0].texts) == 120 and len(rows) == 120 // 14 + 1


def test_plot_refuses_effects_that_do_not_match_the_words():
    with pytest.raises(ValueError, match="2 effects for 3 words"):
        plot_word_effects(["a", "b", "c"], {"model": np.zeros(2)})
