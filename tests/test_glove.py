"""GloVe: parsing the official text format, loading zips and the offline wheel, the embedding matrix."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from conftest import GLOVE_LINES, build_glove_zip

from helpers._plumbing.fetch import ChecksumMismatch, Source
from helpers.glove import (
    GloveVectors,
    embedding_matrix,
    load_glove,
    load_offline_glove,
    parse_glove,
    read_glove_zip,
)
from helpers.neighbours import nearest_neighbours

pytestmark = pytest.mark.usefixtures("isolated_data_dir")


@pytest.fixture
def glove_zip(tmp_path, monkeypatch):
    path = tmp_path / "glove.6B.zip"
    sha256 = build_glove_zip(path)
    monkeypatch.setenv("GLOVE_SOURCE", str(path))
    monkeypatch.setenv("GLOVE_SHA256", sha256)
    return path


def test_quotes_comment_signs_and_missing_value_names_are_words():
    words, vectors = parse_glove(("\n".join(GLOVE_LINES) + "\n").encode("utf-8"))
    assert words == ["the", '"', "#", "nan", "null", "n/a", "café", "movie", "film"]
    assert vectors.dtype == np.float32 and vectors.shape == (9, 3)
    np.testing.assert_array_equal(vectors[0], np.array([0.418, 0.24968, -0.41242], dtype=np.float32))
    np.testing.assert_array_equal(vectors[2], np.array([-1.5, 2.25, 0.0], dtype=np.float32))
    assert np.isfinite(vectors).all()


@pytest.mark.parametrize(
    ("bad_line", "problem"),
    [("movie 0.9 0.1", "Expected 4 columns, got 3: movie 0.9 0.1"), ("movie 0.9 0.1 oops", "invalid value 'oops'")],
)
def test_malformed_line_is_an_error_saying_what_is_wrong(bad_line, problem):
    text = "\n".join(GLOVE_LINES[:2] + [bad_line] + GLOVE_LINES[2:]).encode("utf-8")
    with pytest.raises(ValueError, match=f"glove.6B.3d.txt is not in GloVe's text format .*{problem}.*a word and 3 numbers"):
        parse_glove(text, "glove.6B.3d.txt")


def test_word_that_is_not_utf8_is_an_error_naming_the_line():
    text = b"the 0.1 0.2 0.3\ncaf\xe9 0.4 0.5 0.6\n"
    with pytest.raises(ValueError, match="invalid UTF8 data"):
        parse_glove(text)


def test_zip_member_is_loaded(glove_zip):
    glove = load_glove(dim=3)
    assert glove.words[:2] == ["the", '"'] and glove.dim == 3
    assert glove.origin == "glove.6B.3d.txt from glove.6B.zip"


def test_wrong_checksum_is_refused(glove_zip, monkeypatch):
    monkeypatch.setenv("GLOVE_SHA256", "f" * 64)
    with pytest.raises(ChecksumMismatch):
        load_glove(dim=3)


def test_missing_member_is_an_error_listing_the_members(glove_zip):
    with pytest.raises(KeyError, match=r"no glove\.6B\.100d\.txt; it holds glove\.6B\.3d\.txt"):
        read_glove_zip(glove_zip, 100)


def test_parsing_ignores_a_non_utf8_default_locale(glove_zip, tmp_path):
    script = (
        "import json, sys; from pathlib import Path; from helpers.glove import read_glove_zip;"
        "glove = read_glove_zip(Path(sys.argv[1]), 3);"
        "print(json.dumps(glove.words, ensure_ascii=True))"
    )
    env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0",
           "COURSE_DATA_DIR": str(tmp_path / "locale-data"), "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run([sys.executable, "-c", script, str(glove_zip)], env=env,
                            capture_output=True, text=True, check=True)
    assert "café" in json.loads(result.stdout.strip().splitlines()[-1])


def test_embedding_matrix_keeps_padding_oov_and_unknown_words_zero():
    glove = GloveVectors(["movie", "film"], np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32), "test")
    vocabulary = ["", "[UNK]", "film", "zzzq", "movie"]
    matrix, coverage = embedding_matrix(vocabulary, glove, num_tokens=8)
    assert matrix.shape == (8, 2)
    np.testing.assert_array_equal(matrix[2], [3.0, 4.0])
    np.testing.assert_array_equal(matrix[4], [1.0, 2.0])
    assert not matrix[[0, 1, 3, 5, 6, 7]].any()
    assert (coverage.found, coverage.missing, coverage.missing_examples) == (2, 1, ["zzzq"])


def test_nearest_neighbours_by_cosine_similarity():
    words, vectors = parse_glove(("\n".join(GLOVE_LINES) + "\n").encode("utf-8"))
    glove = GloveVectors(words, vectors, "test")
    assert nearest_neighbours(glove, "movie", 1)[0][0] == "film"


def test_offline_wheel_rows_follow_its_words():
    glove = load_offline_glove()
    assert (len(glove.words), glove.dim) == (400_000, 50)
    assert glove.words[:4] == ["the", ",", ".", "of"]
    assert "film" in [word for word, _ in nearest_neighbours(glove, "movie", 3)]


def test_offline_wheel_whose_rows_are_shifted_is_refused(monkeypatch):
    load = np.load
    # Every row one place down from its word, but "the" kept in place: only "movie" against "film" can tell.
    monkeypatch.setattr(np, "load", lambda path: np.concatenate([load(path)[:1], np.roll(load(path)[1:], 1, axis=0)]))
    with pytest.raises(ValueError, match="do not match its word list; reinstall it"):
        load_offline_glove()


def test_a_word_glove_lacks_is_named_with_a_hint():
    words, vectors = parse_glove(("\n".join(GLOVE_LINES) + "\n").encode("utf-8"))
    glove = GloveVectors(words, vectors, "the test vectors")
    with pytest.raises(KeyError, match="'Movie' is not among the 9 words of the test vectors; try 'movie'"):
        nearest_neighbours(glove, "Movie")


def test_offline_choice_uses_the_wheel(monkeypatch):
    monkeypatch.setenv("GLOVE_SOURCE", "offline")
    assert load_glove(dim=100).dim == 50


def test_official_zip_unreachable_falls_back_to_the_wheel(monkeypatch, capsys):
    monkeypatch.delenv("GLOVE_SOURCE", raising=False)
    unreachable = Source(location="http://127.0.0.1:9/glove.6B.zip", sha256="0" * 64, filename="glove.6B.zip")
    monkeypatch.setattr("helpers.glove.GLOVE_SOURCE", unreachable)
    glove = load_glove(dim=100)
    assert glove.dim == 50
    assert "Falling back" in capsys.readouterr().out
