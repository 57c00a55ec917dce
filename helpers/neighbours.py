"""Nearest neighbours in a word space: GloVe's, or an embedding table a model learned.

Notebook 05 looks up GloVe's neighbours of a word; notebook 08 sets them beside those of
the embedding the masked model learned.
"""

from __future__ import annotations

import numpy as np

from helpers.glove import GloveVectors


def nearest_neighbours(glove: GloveVectors, word: str, k: int = 5) -> list[tuple[str, float]]:
    """The `k` words closest to `word` by cosine similarity, with their similarities.

    Raises KeyError, saying so, for a word GloVe does not have (its words are lowercase).
    """
    if word not in glove.index:
        hint = f"; try {word.lower()!r}" if word.lower() in glove.index else ""
        raise KeyError(f"{word!r} is not among the {len(glove.words):,} words of {glove.origin}{hint}")
    return nearest_rows(glove.vectors, glove.words, glove.index[word], k)


def nearest_rows(vectors: np.ndarray, words: list[str], row: int, k: int = 5) -> list[tuple[str, float]]:
    """The `k` rows of `vectors` closest to `row` by cosine similarity (the row itself left out)."""
    norms = np.linalg.norm(vectors, axis=1)
    similarity = vectors @ vectors[row] / np.maximum(norms * norms[row], 1e-12)
    similarity[row] = -np.inf
    best = np.argpartition(-similarity, k)[:k]
    best = best[np.argsort(-similarity[best])]
    return [(str(words[i]), float(similarity[i])) for i in best]


def neighbour_table(
    words: list[str], vocabulary: list[str], learned: np.ndarray, glove: GloveVectors, k: int = 5
) -> str:
    """Text table of each word's `k` nearest neighbours in a learned embedding and in GloVe.

    `learned` is an embedding table whose row i belongs to `vocabulary[i]`; words missing
    from the vocabulary or from GloVe are marked as such.
    """
    names = [str(word) for word in vocabulary[2:]]  # padding and [UNK] are no neighbours
    table = learned[2 : len(vocabulary)]
    rows = {word: i for i, word in enumerate(names)}
    lines = []
    for word in words:
        ours = (
            ", ".join(w for w, _ in nearest_rows(table, names, rows[word], k))
            if word in rows
            else "(not in the vocabulary)"
        )
        theirs = ", ".join(w for w, _ in nearest_neighbours(glove, word, k)) if word in glove.index else "(not in GloVe)"
        lines.append(f"{word}\n  learned: {ours}\n  GloVe:   {theirs}")
    return "\n".join(lines)
