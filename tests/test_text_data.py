"""Datasets and vectorization on reviews written by the tests in the official layout."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from conftest import build_imdb_archive

from helpers.config import MAX_TOKENS, Profile
from helpers.text_data import CourseData, load_course_data, load_reviews, make_vectorizer, review_lengths, vectorize

pytestmark = pytest.mark.usefixtures("isolated_data_dir")


@pytest.fixture
def reviews(tmp_path):
    folder = tmp_path / "reviews"
    texts = {
        "pos": [b"A wonderful film.", b"Wonderful acting, \xff\xfe wonderful story!"],
        "neg": [b"A dreadful film.", b"Dreadful, dull and long."],
    }
    for label, contents in texts.items():
        (folder / label).mkdir(parents=True)
        for number, content in enumerate(contents):
            (folder / label / f"{number}_5.txt").write_bytes(content)
    return folder


def test_review_that_is_not_valid_utf8_is_decoded_with_replacement_characters(reviews):
    texts = [t.decode("utf-8") for batch, _ in load_reviews(reviews, batch_size=4) for t in batch.numpy()]
    assert any("\ufffd\ufffd" in text and "wonderful story" in text for text in texts)


def test_labels_follow_class_folders(reviews):
    pairs = [(t.decode("utf-8", "replace"), int(l)) for batch, labels in load_reviews(reviews, 4)
             for t, l in zip(batch.numpy(), labels.numpy())]
    assert all((label == 1) == ("onderful" in text) for text, label in pairs)


def test_vectorizer_vocabulary_is_cached_and_reused(reviews, isolated_data_dir):
    dataset = load_reviews(reviews, batch_size=4)
    adapted = make_vectorizer(dataset, sequence_length=6, cache_name="tiny")
    assert (isolated_data_dir / "vocabulary" / f"tiny-{MAX_TOKENS}.txt").is_file()
    reloaded = make_vectorizer(dataset, sequence_length=6, cache_name="tiny")
    assert reloaded.get_vocabulary() == adapted.get_vocabulary()
    assert adapted.get_vocabulary()[:3] == ["", "[UNK]", "wonderful"]
    np.testing.assert_array_equal(reloaded(["a wonderful zzz"]), adapted(["a wonderful zzz"]))


def test_vocabulary_cache_cut_short_is_adapted_again(reviews, isolated_data_dir, capsys):
    dataset = load_reviews(reviews, batch_size=4)
    adapted = make_vectorizer(dataset, sequence_length=6, cache_name="tiny")
    cache = isolated_data_dir / "vocabulary" / f"tiny-{MAX_TOKENS}.txt"
    cache.write_text("\n".join(cache.read_text().split("\n")[:2]))  # as if the write had stopped halfway

    reloaded = make_vectorizer(dataset, sequence_length=6, cache_name="tiny")

    assert reloaded.get_vocabulary() == adapted.get_vocabulary()
    assert "does not match its manifest" in capsys.readouterr().out
    assert len(cache.read_text().split("\n")) == len(adapted.get_vocabulary()) - 2


def test_training_order_does_not_depend_on_the_vocabulary_cache(tmp_path, monkeypatch, isolated_data_dir):
    archive = tmp_path / "aclImdb_v1.tar.gz"
    monkeypatch.setenv("IMDB_SOURCE", str(archive))
    monkeypatch.setenv("IMDB_SHA256", build_imdb_archive(archive, per_class=20))
    tiny = Profile("tiny", "test", 10, 2, 4, sequence_length=8, batch_size=4, epochs=1)

    def first_epoch() -> list[int]:
        data = load_course_data(tiny)
        return [int(label) for _, labels in data.train for label in labels.numpy()] + [
            int(token) for tokens, _ in data.train.take(1) for token in tokens.numpy().ravel()
        ]

    without_cache = first_epoch()
    assert (isolated_data_dir / "vocabulary" / f"tiny-10-2-4-{MAX_TOKENS}.txt").is_file()
    assert first_epoch() == without_cache


def test_integer_batches_are_padded_and_know_their_length(reviews):
    dataset = load_reviews(reviews, batch_size=4)
    vectorizer = make_vectorizer(dataset, sequence_length=6)
    batches = vectorize(dataset, vectorizer, batch_size=3, examples=4, shuffle=True)
    assert batches.cardinality().numpy() == 2
    tokens = np.concatenate([t.numpy() for t, _ in batches])
    assert tokens.shape == (4, 6)
    assert (tokens[:, -1] == 0).sum() >= 3  # short reviews end in padding


def test_review_lengths_count_every_token_before_the_cut_also_unknown_words(reviews):
    train = load_reviews(reviews, batch_size=4)
    vectorizer = make_vectorizer(train, sequence_length=2)
    data = CourseData(None, train, train, train, vectorizer, train, train, train)
    texts = tf.data.Dataset.from_tensor_slices((["a wonderful film", "zebra dull", ""], [1, 0, 0])).batch(2)
    assert review_lengths(data, texts).tolist() == [3, 2, 0]
