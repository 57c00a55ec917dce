"""Multi-hot datasets of whole reviews, on reviews written by the tests in the official layout."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import keras
from helpers.bag_of_words import multi_hot_data
from helpers.config import PROFILES
from helpers.text_data import CourseData, load_reviews

pytestmark = pytest.mark.usefixtures("isolated_data_dir")

TEXTS = {
    "train": {
        "pos": ["not bad at all, a good film", "good fun", "a good cast and a good story", "moving and good"],
        "neg": ["not good at all", "bad, bad film", "dull and bad", "not good, not fun"],
    },
    "val": {"pos": ["a good story"], "neg": ["not good"]},
    "test": {"pos": ["good film", "unseen words here"], "neg": ["bad film", "not good"]},
}


@pytest.fixture
def course_data(tmp_path) -> CourseData:
    folder = tmp_path / "reviews"
    for split, classes in TEXTS.items():
        for label, texts in classes.items():
            (folder / split / label).mkdir(parents=True)
            for number, text in enumerate(texts):
                (folder / split / label / f"{number}_5.txt").write_text(text, encoding="utf-8")
    profile = replace(PROFILES["smoke"], name="tiny", batch_size=3)
    raw = {split: load_reviews(folder / split, 3) for split in TEXTS}
    reviews = {split: sum(len(texts) for texts in classes.values()) for split, classes in TEXTS.items()}
    return CourseData(profile, raw["train"], raw["val"], raw["test"], None, None, None, None, reviews=reviews)


def bigram_vectorizer(data: CourseData) -> keras.layers.TextVectorization:
    vectorizer = keras.layers.TextVectorization(max_tokens=40, output_mode="multi_hot", ngrams=2, pad_to_max_tokens=True)
    vectorizer.adapt(data.raw_train.map(lambda text, label: text))
    return vectorizer


def test_each_review_becomes_its_multi_hot_vector(course_data):
    vectorizer = bigram_vectorizer(course_data)
    bags = multi_hot_data(course_data, vectorizer)
    vectors = np.concatenate([v.numpy() for v, _ in bags.test])
    texts = [t for batch, _ in course_data.raw_test for t in batch.numpy()]
    assert vectors.dtype == np.float32 and vectors.shape == (4, 40)
    np.testing.assert_array_equal(vectors, np.asarray(vectorizer(texts), dtype=np.float32))


def test_a_bigram_has_its_own_column(course_data):
    vectorizer = bigram_vectorizer(course_data)
    vocabulary = vectorizer.get_vocabulary()
    vector = np.asarray(vectorizer(["not good"]))[0]
    assert vector[vocabulary.index("not good")] == 1
    assert vector[vocabulary.index("not")] == 1 and vector[vocabulary.index("good")] == 1
    assert vector[vocabulary.index("good film")] == 0


def test_words_seen_only_in_the_test_reviews_fall_into_unk(course_data):
    vectorizer = bigram_vectorizer(course_data)
    assert "unseen" not in vectorizer.get_vocabulary()
    vector = np.asarray(vectorizer(["unseen words here"]))[0]
    assert vector[0] == 1 and vector.sum() == 1  # column 0 is [UNK]


def test_training_reviews_come_once_per_epoch_in_a_new_order(course_data):
    bags = multi_hot_data(course_data, bigram_vectorizer(course_data))
    assert bags.train.cardinality().numpy() == 3  # 8 reviews in batches of 3
    epochs = [np.concatenate([v.numpy() for v, _ in bags.train]) for _ in range(3)]
    assert all(len({row.tobytes() for row in epoch}) == 8 for epoch in epochs)
    assert all(sorted(e.tobytes() for e in epoch) == sorted(e.tobytes() for e in epochs[0]) for epoch in epochs)
    assert not all(np.array_equal(epoch, epochs[0]) for epoch in epochs[1:])


def test_integer_vectorizer_is_refused_with_what_to_do(course_data):
    vectorizer = keras.layers.TextVectorization(max_tokens=40, output_mode="int")
    with pytest.raises(ValueError, match='output_mode="multi_hot"'):
        multi_hot_data(course_data, vectorizer)


def test_training_order_is_the_same_however_often_the_raw_reviews_were_read(course_data):
    def first_epoch() -> list[bytes]:
        bags = multi_hot_data(course_data, bigram_vectorizer(course_data))
        return [row.tobytes() for vectors, _ in bags.train for row in vectors.numpy()]

    first = first_epoch()
    for _ in course_data.raw_train:  # a learner looking at the reviews between two runs of the cell
        pass
    assert first_epoch() == first
