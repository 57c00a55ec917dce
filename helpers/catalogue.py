"""The models of the course, in one place: what each is, where it is trained, what to expect.

Adding a model to the course is one entry here, and a notebook that trains it (its model cell
tagged `model`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CourseModel:
    """One model of the course: `params` with the textbook's settings (GloVe at 100 dimensions);
    `textbook_accuracy` as the textbook reports it (2nd edition, Keras 2, full data), or None."""

    key: str
    title: str
    notebook: str
    textbook_accuracy: float | None
    params: int

    @property
    def textbook_text(self) -> str:
        """The textbook's figure with the precision it gives it ("0.87" for its 87 %), or "–"."""
        return "–" if self.textbook_accuracy is None else f"{self.textbook_accuracy:g}"


COURSE_MODELS = (
    CourseModel("one_hot", "One-hot BiLSTM", "02_one_hot_bidirectional_lstm", 0.877, 5_128_513),
    CourseModel("embeddings", "Learned embeddings", "03_learned_embeddings", 0.87, 5_194_049),
    CourseModel("masking", "Embeddings + masking", "04_padding_and_masking", 0.88, 5_194_049),
    CourseModel("glove", "Pretrained GloVe, frozen", "05_pretrained_glove_embeddings", None, 2_034_113),
    # The textbook's previous section: binary unigrams 89.2 %, binary bigrams 90.4 %.
    CourseModel("bag_of_words", "Bag of words", "06_bag_of_words_and_bigrams", 0.892, 320_033),
    CourseModel("bag_of_bigrams", "Bag of bigrams", "06_bag_of_words_and_bigrams", 0.904, 320_033),
    CourseModel("conv_stack", "Separable-conv stack", "07_separable_conv_stack", None, 1_306_945),
)


def course_model(key: str) -> CourseModel:
    """The model called `key`; raises KeyError listing the known keys."""
    for model in COURSE_MODELS:
        if model.key == key:
            return model
    raise KeyError(f"no model {key!r} in the course: choose one of {', '.join(m.key for m in COURSE_MODELS)}")
