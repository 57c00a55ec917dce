"""The figures of word embeddings: the 2-D projection and the plots built on it."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from helpers.plots import plot_distances, plot_word_map, project_2d  # noqa: E402


def test_projection_keeps_the_distances_of_points_in_a_plane():
    rng = np.random.default_rng(0)
    plane = np.linalg.qr(rng.normal(size=(10, 2)))[0].T  # two orthonormal directions in 10-D
    points = rng.normal(size=(30, 2)) @ plane + rng.normal(size=10)
    projected, kept = project_2d(points)

    def distances(x):
        return np.linalg.norm(x[:, None] - x[None], axis=-1)

    np.testing.assert_allclose(distances(projected), distances(points), atol=1e-9)
    assert kept > 1 - 1e-9


def test_projection_puts_the_widest_spread_on_the_first_axis():
    rng = np.random.default_rng(1)
    points = rng.normal(size=(200, 5)) * np.array([0.1, 5.0, 0.2, 1.0, 0.1])
    projected, kept = project_2d(points)
    assert projected[:, 0].std() > 3 * projected[:, 1].std()
    assert 0.9 < kept < 1.0


def test_word_map_has_a_panel_per_embedding_and_a_label_per_word():
    words = ["good", "bad", "film", "movie"]
    rng = np.random.default_rng(2)
    tables = {"GloVe": rng.normal(size=(4, 50)), "learned": rng.normal(size=(4, 8))}
    figure = plot_word_map(words, tables, ["positive", "negative", "film", "film"])
    assert len(figure.axes) == 2
    for axes in figure.axes:
        assert [text.get_text() for text in axes.texts] == words
        assert len(axes.collections) == 3  # one scatter per group
    plt.close(figure)


def test_distance_plot_shows_each_matrix():
    words = ["good", "bad", "film"]
    one_hot = np.sqrt(2) * (1 - np.eye(3))
    figure = plot_distances(words, {"one-hot": one_hot, "GloVe": np.arange(9.0).reshape(3, 3)})
    heatmaps = [axes for axes in figure.axes if axes.images]
    assert len(heatmaps) == 2
    np.testing.assert_array_equal(heatmaps[0].images[0].get_array(), one_hot)
    plt.close(figure)
