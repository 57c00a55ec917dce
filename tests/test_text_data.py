"""Datasets and vectorization on reviews written by the tests in the official layout."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

import keras

from conftest import build_imdb_archive

from helpers.config import MAX_TOKENS, Profile
from helpers.text_data import (
    CourseData, batches_by_length, load_course_data, load_reviews, make_vectorizer, review_lengths, vectorize,
)

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


def test_vectorizer_is_adapted_on_the_texts_with_the_course_settings(reviews):
    vectorizer = make_vectorizer(load_reviews(reviews, batch_size=4), sequence_length=6)
    assert vectorizer.get_vocabulary()[:3] == ["", "[UNK]", "wonderful"]
    assert vectorizer.get_config()["max_tokens"] == MAX_TOKENS
    assert vectorizer(["a wonderful zzz"]).shape == (1, 6)


def test_a_model_with_the_vectorizer_saves_and_loads_words_with_line_separators(tmp_path):
    texts = tf.data.Dataset.from_tensor_slices((["a shrine\x85shrine", "a film\u2028night"], [1, 0])).batch(2)
    vectorizer = make_vectorizer(texts, sequence_length=4)
    inputs = keras.Input(shape=(1,), dtype="string")
    model = keras.Model(inputs, vectorizer(inputs))
    model.save(tmp_path / "model.keras")
    reloaded = keras.models.load_model(tmp_path / "model.keras")
    assert reloaded.layers[-1].get_vocabulary() == vectorizer.get_vocabulary()
    assert "shrine\x85shrine" in vectorizer.get_vocabulary()


def test_loading_twice_gives_the_same_vocabulary_and_training_order(tmp_path, monkeypatch):
    archive = tmp_path / "aclImdb_v1.tar.gz"
    monkeypatch.setenv("IMDB_SOURCE", str(archive))
    monkeypatch.setenv("IMDB_SHA256", build_imdb_archive(archive, per_class=20))
    tiny = Profile("tiny", "test", 10, 2, 4, sequence_length=8, batch_size=4, epochs=1)

    def first_epoch() -> tuple[list[str], list[int]]:
        data = load_course_data(tiny)
        return data.vocabulary, [int(label) for _, labels in data.train for label in labels.numpy()] + [
            int(token) for tokens, _ in data.train.take(1) for token in tokens.numpy().ravel()
        ]

    assert first_epoch() == first_epoch()


def test_training_order_does_not_depend_on_how_often_the_raw_reviews_were_read(tmp_path, monkeypatch):
    archive = tmp_path / "aclImdb_v1.tar.gz"
    monkeypatch.setenv("IMDB_SOURCE", str(archive))
    monkeypatch.setenv("IMDB_SHA256", build_imdb_archive(archive, per_class=20))
    tiny = Profile("tiny", "test", 10, 2, 4, sequence_length=8, batch_size=4, epochs=1)

    def texts(dataset: tf.data.Dataset) -> list[bytes]:
        return [text for batch, _ in dataset for text in batch.numpy()]

    def first_epoch(data: CourseData) -> list[list[int]]:
        return [row.tolist() for tokens, _ in data.train for row in tokens.numpy()]

    untouched, read_before = load_course_data(tiny), load_course_data(tiny)
    passes = [texts(read_before.raw_train) for _ in range(3)]  # a learner looking, a notebook adapting again
    assert passes[0] == passes[1] == passes[2]
    assert first_epoch(read_before) == first_epoch(untouched)
    assert read_before.reviews == {"train": 20, "val": 4, "test": 8} == {
        split: len(texts(getattr(untouched, f"raw_{split}"))) for split in ("train", "val", "test")}


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


@pytest.fixture
def rows():
    """Vectorized reviews of 0 to 11 words, cut at 8 tokens, with labels: `(tokens, label)` rows."""
    texts = [" ".join(["word"] * (n % 12)) + " a great film" * (n % 2) for n in range(40)]
    labels = [n % 2 for n in range(40)]
    pairs = tf.data.Dataset.from_tensor_slices((texts, labels)).batch(8)
    vectorizer = make_vectorizer(pairs, sequence_length=8)
    return pairs.map(lambda text, label: (vectorizer(text), label)).unbatch()


def as_reviews(batches) -> list[tuple[tuple[int, ...], int]]:
    """Each row of `(tokens, label)` batches as (its tokens without the padding after them, label), sorted."""
    return sorted((tuple(np.trim_zeros(row, "b").tolist()), int(label))
                  for tokens, labels in batches for row, label in zip(tokens.numpy(), labels.numpy()))


def test_batches_by_length_hold_every_review_once_per_epoch_with_its_label(rows):
    batches = batches_by_length(rows, batch_size=3, examples=40, shuffle=True, widths=4, group=2)
    first, second = as_reviews(batches), as_reviews(batches)
    assert first == second == as_reviews(rows.batch(40))
    assert len(first) == 40


def test_batches_by_length_are_cut_to_even_widths_and_keep_the_longest_reviews_whole(rows):
    batches = list(batches_by_length(rows, batch_size=4, widths=4, group=10))
    assert {tokens.shape[1] for tokens, _ in batches} == {2, 4, 6, 8}
    longest = {tuple(row) for tokens, _ in rows.batch(40) for row in tokens.numpy() if row[-1] != 0}
    assert longest and longest <= {tuple(row) for tokens, _ in batches for row in tokens.numpy()}


def test_batches_by_length_make_as_many_steps_as_plain_batches(rows):
    batches = batches_by_length(rows, batch_size=3, examples=40, shuffle=True, widths=4, group=2)
    assert batches.cardinality().numpy() == len(list(batches)) == 14


def test_a_masked_lstm_predicts_the_same_on_batches_by_length(rows):
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(None,), dtype="int64")
    embedded = keras.layers.Embedding(MAX_TOKENS, 4, mask_zero=True)(inputs)
    model = keras.Model(inputs, keras.layers.Bidirectional(keras.layers.LSTM(3))(embedded))
    numbered = rows.enumerate().map(lambda position, row: (row[0], position))
    padded = np.concatenate([model.predict_on_batch(tokens) for tokens, _ in numbered.batch(5)])
    regrouped = np.zeros_like(padded)
    for tokens, positions in batches_by_length(numbered, batch_size=5, widths=4, group=2):
        regrouped[positions.numpy()] = model.predict_on_batch(tokens)
    np.testing.assert_allclose(regrouped, padded, atol=1e-6)
