"""Which words decided: each word's effect on a prediction, measured by occlusion.

Each word in turn is replaced by a placeholder that no vocabulary holds, so the vectorizer reads
it as `[UNK]`; the review keeps its length and the other words their places. A word's effect is
P("positive") of the review minus P("positive") with that word occluded, all copies in one
batch. Its limits: words act together (two that each suffice show a small effect each), and
`[UNK]` is itself a word the model learned something about.
"""

from __future__ import annotations

from collections.abc import Callable

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from matplotlib.colors import LinearSegmentedColormap, Normalize
from matplotlib.ticker import MaxNLocator

OCCLUDED = "xxoccludedxx"
"""The placeholder: lowercase letters only, so standardization keeps it as it is."""

# TextVectorization's standardize="lower_and_strip_punctuation" (keras/src/layers/preprocessing/
# text_vectorization.py): tf.strings.lower, then this regular expression removed.
_PUNCTUATION = r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']'
_COLOURS = LinearSegmentedColormap.from_list("red_white_green", ["#d73027", "#ffffff", "#1a9850"])
_WORDS_PER_LINE, _CHARS_PER_LINE, _SHOWN_WORDS, _LONGEST_WORD = 14, 90, 120, 24
_FONT_SIZE, _CHAR_INCHES = 10, 0.6 * 10 / 72  # DejaVu Sans Mono: 0.6 em per character


def review_words(review: str) -> list[str]:
    """The words a default `TextVectorization` reads in `review`: lowercased, punctuation stripped,
    split on whitespace ("<br />" becomes "br", "don't" becomes "dont")."""
    text = tf.strings.regex_replace(tf.strings.lower(review), _PUNCTUATION, "")
    return [word.decode("utf-8") for word in tf.strings.split(text).numpy()]


def occluded_reviews(words: list[str], placeholder: str = OCCLUDED) -> list[str]:
    """The review (its words joined by spaces), then one copy per word with that word replaced
    by `placeholder`. ValueError for a placeholder that standardization would change or split."""
    if review_words(placeholder) != [placeholder]:
        raise ValueError(
            f"placeholder {placeholder!r} is not one lowercase word without punctuation: use e.g. {OCCLUDED!r}"
        )
    return [" ".join(words)] + [" ".join([*words[:i], placeholder, *words[i + 1 :]]) for i in range(len(words))]


def word_effects(review: str, predict: Callable[[list[str]], np.ndarray]) -> tuple[list[str], np.ndarray, float]:
    """`(words, effects, probability)` of `review`, with one call of `predict` (texts → their
    P("positive"), shape (n,) or (n, 1): see `text_predictor`). `effects[i]` is the review's
    probability minus that with word i occluded; words past a sequence model's length have 0."""
    words = review_words(review)
    texts = occluded_reviews(words)
    probabilities = np.asarray(predict(texts), dtype=np.float64)
    if probabilities.shape not in ((len(texts),), (len(texts), 1)):
        n = len(texts)
        raise ValueError(f"predict returned shape {probabilities.shape} for {n} texts: expected ({n},) or ({n}, 1)")
    probabilities = probabilities.reshape(-1)
    return words, probabilities[0] - probabilities[1:], float(probabilities[0])


def text_predictor(model: keras.Model, vectorizer: keras.layers.TextVectorization) -> Callable[[list[str]], np.ndarray]:
    """A `predict` for `word_effects`: texts → `vectorizer` → `model`, in one batch, for models on
    sequences and on bags alike. The empty review is a fully masked row, which Keras 3's cuDNN
    LSTM on a GPU refuses: handle it before calling a masked LSTM there."""

    def predict(texts: list[str]) -> np.ndarray:
        vectors = vectorizer(tf.constant(texts, dtype=tf.string))
        return np.asarray(model.predict(vectors, batch_size=len(texts), verbose=0)).reshape(len(texts), -1)[:, 0]

    return predict


def plot_word_effects(
    words: list[str],
    effects_by_model: dict[str, np.ndarray],
    probabilities: dict[str, float] | None = None,
    title: str | None = None,
) -> plt.Figure:
    """The review's words in coloured boxes, one panel per model: red pushed the model towards
    "negative", green towards "positive", on one symmetric scale. Lines wrap at 14 words; only the
    first 120 words are shown. ValueError when a model's effects do not match the words."""
    for name, effects in effects_by_model.items():
        if len(effects) != len(words):
            raise ValueError(
                f"{name}: {len(effects)} effects for {len(words)} words; pass word_effects' words and effects together"
            )
    lines = _wrapped(words[:_SHOWN_WORDS]) or [[]]
    largest = max((float(np.max(np.abs(e))) for e in effects_by_model.values() if len(e)), default=0.0)
    norm = Normalize(-(largest or 1e-3), largest or 1e-3)
    line_inches, title_inches, bar_inches = 2.0 * _FONT_SIZE / 72, 0.45, 0.9
    panel_inches = [title_inches + line_inches * len(lines)] * len(effects_by_model)
    width = (_CHARS_PER_LINE + 2) * _CHAR_INCHES
    height = sum(panel_inches) + bar_inches + (0.4 if title else 0.1)
    figure = plt.figure(figsize=(width, height))
    top = height - (0.4 if title else 0.1)
    for (name, effects), inches in zip(effects_by_model.items(), panel_inches):
        top -= inches
        axes = figure.add_axes((0, top / height, 1, (inches - title_inches) / height), label=name)
        _draw_panel(axes, lines, np.asarray(effects, dtype=float), norm)
        probability = (probabilities or {}).get(name)
        axes.set_title(name if probability is None else f'{name}: P("positive") = {probability:.3f}', fontsize=11)
    bar = figure.add_axes((0.15, 0.45 / height, 0.7, 0.15 / height))
    figure.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=_COLOURS), cax=bar, orientation="horizontal")
    bar.xaxis.set_major_locator(MaxNLocator(5))
    bar.set_xlabel('← word pushed towards "negative"     effect on P("positive")     towards "positive" →')
    if len(words) > _SHOWN_WORDS:
        bar.set_title(f"(first {_SHOWN_WORDS} of {len(words)} words shown)", fontsize=9)
    if title:
        figure.suptitle(title, y=1 - 0.15 / height, fontsize=12)
    return figure


def _wrapped(words: list[str]) -> list[list[tuple[int, str]]]:
    """Lines of (word index, shown word), at most 14 words and about 90 characters each."""
    lines: list[list[tuple[int, str]]] = []
    used = _CHARS_PER_LINE
    for index, word in enumerate(words):
        shown = word if len(word) <= _LONGEST_WORD else word[: _LONGEST_WORD - 1] + "…"
        if len(lines) == 0 or len(lines[-1]) == _WORDS_PER_LINE or used + len(shown) > _CHARS_PER_LINE:
            lines.append([])
            used = 0
        lines[-1].append((index, shown))
        used += len(shown) + 2
    return lines


def _draw_panel(axes: plt.Axes, lines: list[list[tuple[int, str]]], effects: np.ndarray, norm: Normalize) -> None:
    axes.set(xlim=(-1, _CHARS_PER_LINE + 1), ylim=(len(lines) - 0.5, -0.5))
    axes.axis("off")
    if lines == [[]]:
        axes.text(0, 0, "(no words)", fontsize=_FONT_SIZE, family="monospace", va="center", style="italic")
    for row, line in enumerate(lines):
        column = 0
        for index, shown in line:
            strength = norm(effects[index])
            axes.text(
                column, row, shown, fontsize=_FONT_SIZE, family="monospace", va="center",
                color="white" if abs(strength - 0.5) > 0.35 else "black",
                bbox=dict(boxstyle="round,pad=0.25", facecolor=_COLOURS(strength), edgecolor="#999999", linewidth=0.5),
            )
            column += len(shown) + 2
