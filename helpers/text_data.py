"""Reviews as TensorFlow datasets: raw text, and integer sequences from `TextVectorization`.

`load_course_data(profile)` is the one call each notebook makes: it prepares whatever is missing
on disk, loads the three splits with `keras.utils.text_dataset_from_directory`, adapts the
vectorizer on the training texts only, and vectorizes each split once, cached and prefetched.
`with_fewer_training_reviews` keeps all that but trains on a smaller sample of the reviews;
`by_length` regroups the batches of a masked model by review length, so that it reads less padding.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from helpers.config import DATA_SEED, MAX_TOKENS, SEED, Profile, as_profile
from helpers.imdb import CLASSES, SPLITS, review_counts, reviews_dir, training_sample


@dataclass
class CourseData:
    """The datasets of one profile: raw `(text, label)` batches in file order, and integer
    `(tokens, label)` batches, the training ones reshuffled at each epoch."""

    profile: Profile
    raw_train: tf.data.Dataset
    raw_val: tf.data.Dataset
    raw_test: tf.data.Dataset
    vectorizer: keras.layers.TextVectorization
    train: tf.data.Dataset
    val: tf.data.Dataset
    test: tf.data.Dataset
    reviews: dict[str, int] = field(default_factory=dict)  # reviews per split: {"train": …, "val": …, "test": …}

    @property
    def vocabulary(self) -> list[str]:
        """Token of each index: 0 is padding (''), 1 is out-of-vocabulary ('[UNK]')."""
        return [str(word) for word in self.vectorizer.get_vocabulary()]


def load_course_data(profile: Profile | str | None = None) -> CourseData:
    """Prepare and load the datasets of `profile`, a Profile or its name (default: the active one).

    Each split is loaded once, in file order. The vectorizer is adapted on the training texts,
    and the training batches, cached once vectorized, are reshuffled (seeded) at each epoch.
    """
    profile = as_profile(profile)
    folder = reviews_dir(profile)
    reviews = review_counts(folder)
    raw_train, raw_val, raw_test = (load_reviews(folder / split, profile.batch_size) for split in SPLITS)
    vectorizer = make_vectorizer(raw_train, profile.sequence_length)
    return CourseData(
        profile=profile, raw_train=raw_train, raw_val=raw_val, raw_test=raw_test, vectorizer=vectorizer,
        train=vectorize(raw_train, vectorizer, profile.batch_size, reviews["train"], shuffle=True),
        val=vectorize(raw_val, vectorizer, profile.batch_size, reviews["val"]),
        test=vectorize(raw_test, vectorizer, profile.batch_size, reviews["test"]),
        reviews=reviews,
    )


def with_fewer_training_reviews(data: CourseData, reviews: int, seed: int = DATA_SEED) -> CourseData:
    """`data` trained on `reviews` of its training reviews: a seeded, balanced, nested sample
    (`imdb.training_sample`), vectorized by the same vectorizer. The validation and test sets and
    the vocabulary stay those of `data`. The profile is renamed `<name>-<reviews>-train`, which
    keeps the checkpoints and results of the smaller training set apart. ValueError as
    `training_sample`'s.
    """
    sample = training_sample(reviews_dir(data.profile), reviews, seed)
    files = [(path, label) for label in CLASSES for path in sample[label]]
    texts = tf.data.Dataset.from_tensor_slices(
        ([path.read_bytes() for path, _ in files], [CLASSES.index(label) for _, label in files]))
    raw_train = texts.batch(data.profile.batch_size).map(lambda text, label: (_valid_utf8(text), label))
    profile = replace(data.profile, name=f"{data.profile.name}-{reviews}-train",
                      description=f"{data.profile.description}, trained on {reviews:,} of its training reviews")
    return replace(data, profile=profile, raw_train=raw_train, reviews={**data.reviews, "train": reviews},
                   train=vectorize(raw_train, data.vectorizer, profile.batch_size, reviews, shuffle=True))


def load_reviews(folder: Path, batch_size: int) -> tf.data.Dataset:
    """Load `folder/{neg,pos}/*.txt` as `(text, label)` batches in file order (the negative
    reviews first), the same at every pass; label 1 is positive.

    Bytes that are not valid UTF-8 are replaced by U+FFFD instead of failing later.
    """
    dataset = keras.utils.text_dataset_from_directory(
        folder, batch_size=batch_size, class_names=["neg", "pos"], shuffle=False, verbose=False)
    return dataset.map(lambda text, label: (_valid_utf8(text), label))


def make_vectorizer(texts: tf.data.Dataset, sequence_length: int) -> keras.layers.TextVectorization:
    """The course's `TextVectorization` (20,000 tokens, integer sequences of `sequence_length`),
    adapted on `texts`, `(text, label)` batches.

    It is built again from the adapted vocabulary, so that a saved model keeps that vocabulary in
    its config: Keras 3.15 saves an adapted one as a text file and reads it back with `splitlines`,
    which also splits at U+0085, and one smoke review holds the word "shrine\\x85shrine".
    """
    settings = dict(max_tokens=MAX_TOKENS, output_mode="int", output_sequence_length=sequence_length)
    adapted = keras.layers.TextVectorization(**settings)
    adapted.adapt(texts.map(lambda text, label: text))
    return keras.layers.TextVectorization(vocabulary=adapted.get_vocabulary()[2:], **settings)


def vectorize(dataset: tf.data.Dataset, vectorizer: keras.layers.TextVectorization, batch_size: int, examples: int,
              shuffle: bool = False) -> tf.data.Dataset:
    """Integer `(tokens, label)` batches: vectorized once, cached, reshuffled each epoch if asked.

    `examples` is the number of reviews, so that Keras knows the number of steps per epoch.
    """
    encoded = dataset.map(lambda text, label: (vectorizer(text), label), num_parallel_calls=tf.data.AUTOTUNE)
    return cached_batches(encoded, batch_size, examples, shuffle)


def cached_batches(encoded: tf.data.Dataset, batch_size: int, examples: int, shuffle: bool = False,
                   finish: Callable | None = None) -> tf.data.Dataset:
    """`encoded` `(features, label)` batches cut into rows, cached, reshuffled each epoch if
    asked (seeded), batched again, each batch passed through `finish` if given, with the
    number of steps (`examples` rows) known to Keras, and prefetched."""
    rows = encoded.unbatch().cache()
    if shuffle:
        rows = rows.shuffle(examples, seed=SEED, reshuffle_each_iteration=True)
    batches = rows.batch(batch_size)
    if finish is not None:
        batches = batches.map(finish, num_parallel_calls=tf.data.AUTOTUNE)
    batches = batches.apply(tf.data.experimental.assert_cardinality(-(-examples // batch_size)))
    return batches.prefetch(tf.data.AUTOTUNE)


def review_lengths(data: CourseData, dataset: tf.data.Dataset) -> np.ndarray:
    """Number of tokens in each review of `(text, label)` batches, before the cut to a fixed length."""
    # Without a fixed length, each batch is padded to its longest review with 0, which no token
    # gets (an unknown word is 1): the non-zero ids are the review's tokens. (Not `ragged=True`:
    # only the TensorFlow backend has ragged outputs.)
    counter = keras.layers.TextVectorization(vocabulary=data.vocabulary[2:])
    return np.concatenate([(np.asarray(counter(text)) != 0).sum(axis=1) for text, _ in dataset])


def batches_by_length(rows: tf.data.Dataset, batch_size: int, examples: int | None = None, shuffle: bool = False,
                      widths: int = 8, group: int = 32) -> tf.data.Dataset:
    """`(tokens, label)` rows, padded with zeros at the end as `TextVectorization` pads them, in
    batches of reviews of similar length, each cut to the narrowest of `widths` evenly spaced
    widths (the widest is the rows' own) that holds all its tokens: no token is dropped.

    Each run of `group` batches' worth of rows, in the order they come, is sorted by length and
    batched; with `shuffle`, the batches are shuffled through a buffer of `group` batches
    (seeded, anew each epoch), so that short and long batches alternate. `examples`, the number
    of rows, tells Keras the steps per epoch (that of plain batches). The label may be any
    per-row tensor.
    """
    @tf.autograph.experimental.do_not_convert  # plain TensorFlow ops: nothing for AutoGraph to convert
    def sorted_batches(tokens: tf.Tensor, labels: tf.Tensor) -> tf.data.Dataset:
        order = tf.argsort(_token_counts(tokens), stable=True)
        in_order = (tf.gather(tokens, order), tf.gather(labels, order))
        return tf.data.Dataset.from_tensor_slices(in_order).batch(batch_size)

    @tf.autograph.experimental.do_not_convert
    def cut(tokens: tf.Tensor, labels: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        full = tf.shape(tokens, out_type=tf.int64)[1]
        unit = -(-full // widths)  # the widths are multiples of it, up to `full`
        units = tf.maximum(tf.constant(1, tf.int64), -(-tf.reduce_max(_token_counts(tokens)) // unit))
        width = tf.minimum(full, units * unit)
        return tokens[:, :width], labels

    batches = rows.batch(group * batch_size).flat_map(sorted_batches).map(cut, num_parallel_calls=tf.data.AUTOTUNE)
    if shuffle:
        batches = batches.shuffle(group, seed=SEED, reshuffle_each_iteration=True)
    if examples is not None:  # each full group makes full batches: as many as plain batching makes
        batches = batches.apply(tf.data.experimental.assert_cardinality(-(-examples // batch_size)))
    return batches.prefetch(tf.data.AUTOTUNE)


def by_length(data: CourseData) -> CourseData:
    """`data` with its training (shuffled) and validation batches grouped by length
    (`batches_by_length`); the test batches stay as they are, so that per-review test results
    pair up with those of a model trained on the padded batches. Only for a masked model, whose
    predictions do not depend on the padding after a review."""
    size = data.profile.batch_size
    return replace(data, train=batches_by_length(data.train.unbatch(), size, data.reviews["train"], shuffle=True),
                   val=batches_by_length(data.val.unbatch(), size, data.reviews["val"]))


def _token_counts(tokens: tf.Tensor) -> tf.Tensor:
    """Per row, the position after its last non-zero token: its length without the padding after it."""
    positions = tf.range(1, tf.shape(tokens, out_type=tf.int64)[1] + 1)
    return tf.reduce_max(tf.where(tokens != 0, positions, tf.zeros_like(positions)), axis=1)


def _valid_utf8(text: tf.Tensor) -> tf.Tensor:
    return tf.strings.unicode_transcode(text, "UTF-8", "UTF-8", errors="replace")
