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

from helpers.text_data import CourseData, cached_batches


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

    def batches(dataset: tf.data.Dataset, split: str) -> tf.data.Dataset:
        encoded = dataset.map(
            lambda text, label: (tf.sparse.from_dense(vectorizer(text)), label), num_parallel_calls=tf.data.AUTOTUNE
        )
        return cached_batches(
            encoded, data.profile.batch_size, data.reviews[split], shuffle=split == "train", finish=_dense_float32
        )

    return replace(
        data,
        vectorizer=vectorizer,
        train=batches(data.raw_train, "train"),
        val=batches(data.raw_val, "val"),
        test=batches(data.raw_test, "test"),
    )


def _dense_float32(vectors: tf.SparseTensor, labels: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
    return tf.cast(tf.sparse.to_dense(vectors), tf.float32), labels
