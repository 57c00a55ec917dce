"""Whole reviews as bags of words or n-grams: the multi-hot datasets of notebook 06.

The notebook writes and adapts its own `TextVectorization(output_mode="multi_hot", ...)`;
`multi_hot_data` applies it to the raw splits of a `CourseData` and hands back the same
`CourseData` with multi-hot batches, so that `train_and_evaluate` trains a bag-of-words
model exactly as it trains the sequence models.
"""

from __future__ import annotations

from dataclasses import replace

import keras
import tensorflow as tf

from helpers.config import SEED
from helpers.text_data import CourseData


def multi_hot_data(data: CourseData, vectorizer: keras.layers.TextVectorization) -> CourseData:
    """`data` with `vectorizer` and its `(vector, label)` batches of the three splits.

    Every review is vectorized whole, once. It is kept in memory as a sparse row (a dense
    one would take 80 kB per review at 20,000 tokens; the sparse one holds only the few
    hundred words or n-grams the review contains) and turned back into a dense float32
    batch as it is read. Batch size, and the seeded reshuffling of the training set at each
    epoch, are those of `text_data.vectorize`. Raises ValueError for a vectorizer whose
    output mode is "int" (sequences, not bags).
    """
    mode = vectorizer.get_config()["output_mode"]
    if mode == "int":
        raise ValueError(
            "multi_hot_data needs one vector per review: build the TextVectorization with "
            'output_mode="multi_hot" (or "count", "tf_idf"); integer sequences are already in data.train'
        )
    sizes = data.reviews
    batch_size = data.profile.batch_size
    return replace(
        data,
        vectorizer=vectorizer,
        train=bag_batches(data.raw_train, vectorizer, batch_size, sizes["train"], shuffle=True),
        val=bag_batches(data.raw_val, vectorizer, batch_size, sizes["val"]),
        test=bag_batches(data.raw_test, vectorizer, batch_size, sizes["test"]),
    )


def bag_batches(
    dataset: tf.data.Dataset,
    vectorizer: keras.layers.TextVectorization,
    batch_size: int,
    examples: int,
    shuffle: bool = False,
) -> tf.data.Dataset:
    """Dense float32 `(vector, label)` batches of `(text, label)` batches, cached as sparse rows.

    `examples` is the number of reviews, so that Keras knows the number of steps per epoch.
    """
    rows = dataset.map(
        lambda text, label: (tf.sparse.from_dense(vectorizer(text)), label), num_parallel_calls=tf.data.AUTOTUNE
    ).unbatch().cache()
    if shuffle:
        rows = rows.shuffle(examples, seed=SEED, reshuffle_each_iteration=True)
    batches = rows.batch(batch_size).map(_dense_float32, num_parallel_calls=tf.data.AUTOTUNE)
    batches = batches.apply(tf.data.experimental.assert_cardinality(-(-examples // batch_size)))
    return batches.prefetch(tf.data.AUTOTUNE)


def _dense_float32(vectors: tf.SparseTensor, labels: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
    return tf.cast(tf.sparse.to_dense(vectors), tf.float32), labels
