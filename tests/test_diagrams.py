"""The explanatory diagrams: what each one draws, checked through its shapes and texts."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import keras  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers.builders import receptive_field  # noqa: E402
from helpers.diagrams import (  # noqa: E402
    draw_bidirectional_reading,
    draw_one_hot_lookup,
    draw_padding_and_mask,
    draw_receptive_field,
    receptive_view,
)

WORDS = ["[pad]", "[UNK]", "the", "film", "great", "bad", "not", "plot"]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def patches(figure, gid):
    """The figure's rectangles tagged `gid`, left to right."""
    found = [p for p in figure.axes[0].patches if p.get_gid() == gid]
    return sorted(found, key=lambda p: (p.get_x(), -p.get_y()))


def texts(figure):
    return [t.get_text() for t in figure.axes[0].texts]


def test_one_hot_lights_the_cell_of_the_word_and_the_product_is_its_kernel_row():
    kernel = np.random.default_rng(0).normal(size=(8, 6))
    figure = draw_one_hot_lookup(kernel, 4, WORDS)
    cells = sorted(patches(figure, "one-hot") + patches(figure, "lit"), key=lambda p: p.get_x())
    assert [p.get_gid() for p in cells].index("lit") == 4
    product = patches(figure, "product")
    row = patches(figure, "row")[0]
    assert len(product) == 6 and product[0].get_y() == row.get_y() == patches(figure, "lit")[0].get_y()
    shown = [t.get_text() for t in figure.axes[0].texts
             if t.get_position()[1] == pytest.approx(row.get_y() + 0.5) and t.get_position()[0] > product[0].get_x()]
    assert shown == [f"{v:.1f}" for v in kernel[4]]
    assert set(WORDS) <= set(texts(figure)) and any('"great"' in t for t in texts(figure))


def test_one_hot_without_words_labels_rows_by_index():
    figure = draw_one_hot_lookup(np.ones((5, 3)), 0)
    assert {"0", "4"} <= set(texts(figure)) and any("word 0" in t for t in texts(figure))


@pytest.mark.parametrize("index", [-1, 8])
def test_one_hot_refuses_an_index_outside_the_kernel(index):
    with pytest.raises(ValueError, match="use 0 to 7"):
        draw_one_hot_lookup(np.zeros((8, 6)), index)


@pytest.mark.parametrize("kernel, words, message", [
    (np.zeros(8), None, "must be a matrix"),
    (np.zeros((20000, 6)), None, "too big to draw"),
    (np.zeros((8, 6)), ["a", "b"], "one word per row"),
])
def test_one_hot_refuses_kernels_it_cannot_draw(kernel, words, message):
    with pytest.raises(ValueError, match=message):
        draw_one_hot_lookup(kernel, 0, words)


def test_bidirectional_reading_has_a_box_and_two_states_per_word_and_the_labels():
    words = ["a", "great", "film", "not", "a", "bad", "one"]
    figure = draw_bidirectional_reading(words)
    assert [t for t in texts(figure) if t in words] == words
    assert len(patches(figure, "word")) == len(patches(figure, "forward")) == len(patches(figure, "backward")) == 7
    assert len(patches(figure, "concatenated")) == 2
    joined = " ".join(texts(figure))
    for label in ("forward LSTM", "backward LSTM", "concatenate", "Dense → P(positive)"):
        assert label in joined
    assert "h7→" in texts(figure) and "←h7" in texts(figure)  # both final states are drawn


def test_bidirectional_reading_refuses_an_empty_review():
    with pytest.raises(ValueError, match="words is empty"):
        draw_bidirectional_reading([])


def test_padding_figure_marks_the_mask_and_bypasses_the_padded_steps_of_the_first_padded_row():
    tokens = np.array([[4, 9, 2, 7, 5, 3], [12, 5, 3, 0, 0, 0], [6, 0, 0, 0, 0, 0]])
    figure = draw_padding_and_mask(tokens)
    assert texts(figure).count("True") == 10 and texts(figure).count("False") == 8
    assert len(patches(figure, "pad")) == 8 and len(patches(figure, "token")) == 10
    assert len(patches(figure, "update")) == 3  # row 2: three words, then three masked steps
    bypasses = [a for a in figure.axes[0].texts if a.get_gid() == "bypass"]
    assert len(bypasses) == 3
    assert "masked step: state carried over unchanged" in texts(figure)
    assert any("final state\n= h3" in t for t in texts(figure))


def test_padding_figure_shows_words_and_cuts_at_max_steps():
    vocabulary = ["", "[UNK]", "a", "great", "film"]
    tokens = np.array([[2, 3, 4, 0, 0, 0, 0, 0, 0, 0], [4, 4, 4, 4, 4, 4, 4, 4, 4, 4]])
    figure = draw_padding_and_mask(tokens, vocabulary, max_steps=6)
    assert {"a", "great", "film"} <= set(texts(figure))
    assert len(patches(figure, "token")) + len(patches(figure, "pad")) == 12


@pytest.mark.parametrize("tokens", [np.array([1, 2, 0]), np.zeros((7, 4), int), np.array([[1, -2]])])
def test_padding_figure_refuses_what_is_not_a_small_batch_of_ids(tokens):
    with pytest.raises(ValueError, match="batch of 1 to 6 rows"):
        draw_padding_and_mask(tokens)


@pytest.mark.parametrize("kernel_size, dilations, convs", [(5, (1, 2, 4), 2), (5, (1,), 2), (5, (1, 2, 4, 8), 2),
                                                           (3, (1, 3), 1), (4, (2, 1), 3)])
def test_the_view_at_the_input_is_the_receptive_field_and_has_no_holes(kernel_size, dilations, convs):
    view = receptive_view(kernel_size, dilations, convs)
    assert len(view) == len(dilations) * convs + 1 and view[-1] == [0]
    assert len(view[0]) == view[0][-1] - view[0][0] + 1 == receptive_field(kernel_size, dilations, convs)


@pytest.mark.parametrize("kernel_size, dilations", [(5, (1, 2, 4)), (4, (1, 2))])
def test_the_view_is_what_keras_same_padded_convolutions_with_residuals_see(kernel_size, dilations):
    length, centre = 80, 40
    inputs = keras.Input(shape=(length, 1))
    x = inputs
    for dilation in dilations:
        residual = x
        for _ in range(2):
            x = keras.layers.Conv1D(1, kernel_size, padding="same", dilation_rate=dilation, use_bias=False,
                                    kernel_initializer="ones")(x)
        x = keras.layers.add([x, residual])
    model = keras.Model(inputs, x)
    impulses = np.eye(length, dtype="float32")[:, :, None]  # one input position lit per row
    reached = model.predict(impulses, verbose=0)[:, centre, 0]
    assert sorted(np.flatnonzero(reached) - centre) == receptive_view(kernel_size, dilations, 2)[0]


def test_receptive_field_figure_lights_each_layers_view_and_writes_the_span():
    figure = draw_receptive_field()
    views = receptive_view()
    assert [len(patches(figure, f"seen-{layer}")) for layer in range(7)] == [len(v) for v in views]
    span = [a for a in figure.axes[0].texts if a.get_gid() == "span"][0].get_text()
    assert f"= {receptive_field(5, (1, 2, 4), 2)} tokens" in span and "= 57 tokens" in span
    assert "block 3, conv 2 (dilation 4)" in texts(figure)


def test_receptive_field_figure_for_one_block_of_one_convolution():
    figure = draw_receptive_field(kernel_size=3, dilations=(1,), convs_per_block=1)
    assert len(patches(figure, "seen-0")) == 3 and any("= 3 tokens" in t for t in texts(figure))


@pytest.mark.parametrize("arguments", [dict(kernel_size=0), dict(dilations=()), dict(dilations=(1, 0)),
                                       dict(convs_per_block=0)])
def test_receptive_field_refuses_sizes_below_one(arguments):
    with pytest.raises(ValueError, match="must be 1 or more"):
        draw_receptive_field(**arguments)


def test_bidirectional_reading_refuses_a_review_too_long_to_draw():
    with pytest.raises(ValueError, match="at most 12 words"):
        draw_bidirectional_reading(["word"] * 13)


def test_one_hot_lookup_names_the_matrix_it_is_given():
    figure = draw_one_hot_lookup(np.eye(4), 1, matrix="embedding table")
    shown = texts(figure)
    assert "embedding table (4 × 4)" in shown and any("row 1 of the embedding table" in text for text in shown)
    assert figure.axes[0].get_title().endswith("one row of the embedding table")
