"""Smaller training sets for a learning curve, and its figure, on reviews the tests write."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from conftest import build_imdb_archive  # noqa: E402

from helpers.config import Profile  # noqa: E402
from helpers.imdb import CLASSES, reviews_dir, training_sample  # noqa: E402
from helpers.plots import plot_learning_curve  # noqa: E402
from helpers.results import RunRecord, accuracy_interval  # noqa: E402
from helpers.text_data import load_course_data, with_fewer_training_reviews  # noqa: E402

pytestmark = pytest.mark.usefixtures("isolated_data_dir")

TINY = Profile("tiny", "test", 12, 3, 5, sequence_length=8, batch_size=4, epochs=1)


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """The tiny profile's reviews (12 / 3 / 5 per class), from an archive in the official format."""
    archive = tmp_path / "aclImdb_v1.tar.gz"
    monkeypatch.setenv("IMDB_SOURCE", str(archive))
    monkeypatch.setenv("IMDB_SHA256", build_imdb_archive(archive, per_class=20))
    return reviews_dir(TINY)


def names(sample: dict) -> dict[str, set[str]]:
    return {label: {path.name for path in files} for label, files in sample.items()}


def test_sample_holds_half_of_its_reviews_from_each_class(folder):
    sample = training_sample(folder, 10)
    assert {label: len(set(files)) for label, files in sample.items()} == {"neg": 5, "pos": 5}
    assert all(path.parent == folder / "train" / label for label, files in sample.items() for path in files)


def test_same_seed_gives_the_same_sample_and_another_seed_another(folder):
    assert training_sample(folder, 8, seed=3) == training_sample(folder, 8, seed=3)
    assert names(training_sample(folder, 8, seed=3)) != names(training_sample(folder, 8, seed=4))


def test_smaller_sample_is_part_of_every_larger_one(folder):
    small, large = names(training_sample(folder, 6)), names(training_sample(folder, 16))
    assert all(small[label] < large[label] for label in CLASSES)


def test_sample_never_holds_validation_or_test_reviews(folder):
    every_review = training_sample(folder, 24)  # all of the training split
    for label in CLASSES:
        assert names(every_review)[label] == {path.name for path in (folder / "train" / label).glob("*.txt")}
        assert not names(every_review)[label] & {path.name for path in (folder / "val" / label).glob("*.txt")}
    texts = [path.read_text() for files in every_review.values() for path in files]
    assert all(" of train:" in text for text in texts)  # the archive's test reviews say "of test"


@pytest.mark.parametrize("reviews, message", [(7, "even"), (0, "even"), (26, "has 12")])
def test_unbalanced_or_too_large_sample_is_refused_saying_why(folder, reviews, message):
    with pytest.raises(ValueError, match=message):
        training_sample(folder, reviews)


def test_fewer_training_reviews_keep_the_vocabulary_validation_and_test(folder):
    data = load_course_data(TINY)
    fewer = with_fewer_training_reviews(data, 6)
    labels = np.concatenate([labels.numpy() for _, labels in fewer.train])
    assert sorted(labels.tolist()) == [0, 0, 0, 1, 1, 1]
    assert fewer.vocabulary == data.vocabulary and fewer.val is data.val and fewer.test is data.test
    assert fewer.reviews == {"train": 6, "val": 6, "test": 10}
    assert fewer.profile.name == "tiny-6-train" and fewer.profile.epochs == TINY.epochs


def test_fewer_training_reviews_are_the_sampled_ones_with_their_labels(folder):
    data = load_course_data(TINY)
    sample = training_sample(folder, 6)
    expected = sorted((data.vectorizer([path.read_text()]).numpy()[0].tolist(), CLASSES.index(label))
                      for label, files in sample.items() for path in files)
    rows = sorted((tokens.tolist(), int(label)) for batch, labels in with_fewer_training_reviews(data, 6).train
                  for tokens, label in zip(batch.numpy(), labels.numpy()))
    assert rows == expected


def a_record(accuracy: float, test_reviews: int = 2000) -> RunRecord:
    return RunRecord(
        model="glove", profile="quick", params_total=10, params_trainable=10, test_accuracy=accuracy,
        test_loss=0.4, best_epoch=1, history={}, seconds_per_epoch=[3.0], device="CPU (2 cores)",
        recorded_at="2026-01-01T00:00:00+00:00", checkpoint="x.keras", test_reviews=test_reviews,
    )


def test_learning_curve_joins_each_model_s_points_and_sets_the_reference_apart():
    curves = {"learned": {200: a_record(0.55), 5000: a_record(0.81)}, "GloVe": {200: a_record(0.62), 5000: a_record(0.72)}}
    axes = plot_learning_curve(curves, {"GloVe": (20_000, 0.858, 25_000)}).axes[0]
    assert axes.get_xscale() == "log"
    assert [label.get_text() for label in axes.get_xticklabels()] == ["200", "5,000", "20,000"]
    lines = [(list(line.get_xdata()), list(line.get_ydata())) for line in axes.lines if line.get_linestyle() == "-"]
    assert lines == [([200, 5000], [0.55, 0.81]), ([200, 5000], [0.62, 0.72])]
    reference = [line for line in axes.lines if list(line.get_xdata()) == [20_000] and line.get_marker() == "o"]
    assert len(reference) == 1 and reference[0].get_markerfacecolor() == "white"
    bars = [np.asarray(segment) for collection in axes.collections for segment in collection.get_segments()]
    assert any(np.allclose(bar[:, 1], accuracy_interval(0.858, 25_000)) for bar in bars)
    assert any(np.allclose(bar[:, 1], accuracy_interval(0.62, 2000)) for bar in bars)
    assert any("full-size reference" in text.get_text() for text in axes.get_legend().get_texts())
