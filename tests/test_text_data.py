"""Datasets and vectorization on reviews written by the tests in the official layout."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

import keras

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
