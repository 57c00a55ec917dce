"""Shared fixtures: small archives and GloVe zips in the official formats, built per test.

Notebooks executed by nbval run under the `smoke` profile unless $COURSE_PROFILE says otherwise.
"""

from __future__ import annotations

import hashlib
import io
import os
import tarfile
import zipfile
from pathlib import Path

import pytest

os.environ.setdefault("COURSE_PROFILE", "smoke")


@pytest.fixture
def isolated_data_dir(tmp_path, monkeypatch) -> Path:
    """A fresh, empty data folder for the test, so that the course's own data is not touched."""
    folder = tmp_path / "data"
    monkeypatch.setenv("COURSE_DATA_DIR", str(folder))
    return folder


def review_name(identifier: int, label: str) -> str:
    rating = 8 if label == "pos" else 3
    return f"{identifier}_{rating}.txt"


def count_reviews(root: Path) -> dict[str, dict[str, int]]:
    """{split: {class: number of reviews}} of the splits under `root`, counted on disk."""
    return {split: {label: sum(1 for _ in (root / split / label).glob("*.txt")) for label in ("neg", "pos")}
            for split in ("train", "val", "test") if (root / split).is_dir()}


def build_imdb_archive(
    path: Path,
    per_class: int = 10,
    extra: dict[str, bytes] | None = None,
    links: dict[str, str] | None = None,
    without: tuple[str, ...] = (),
) -> str:
    """Write a small `aclImdb_v1.tar.gz` in the official layout; return its SHA-256.

    `extra` adds files by archive name (any name, even outside the folder); `links` adds
    symbolic links (name -> target); `without` leaves out the members under those folders.
    """
    files: dict[str, bytes] = {
        "aclImdb/README": b"Large Movie Review Dataset v1.0\n",
        "aclImdb/imdb.vocab": b"the\nand\na\n",
        "aclImdb/train/urls_pos.txt": b"http://www.imdb.com/title/tt0000001/usercomments\n",
    }
    for split in ("train", "test"):
        for label in ("neg", "pos"):
            for identifier in range(per_class):
                word = "wonderful" if label == "pos" else "dreadful"
                files[f"aclImdb/{split}/{label}/{review_name(identifier, label)}"] = (
                    f"Review {identifier} of {split}: a {word} film.".encode()
                )
    for identifier in range(3):
        files[f"aclImdb/train/unsup/{identifier}_0.txt"] = b"An unlabelled review."
    files.update(extra or {})
    files = {name: content for name, content in files.items() if not name.startswith(tuple(f"{w}/" for w in without))}
    with tarfile.open(path, "w:gz") as tar:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            tar.addfile(info)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_glove_zip(path: Path, lines: dict[int, list[str]] | None = None) -> str:
    """Write a small `glove.6B.zip` whose members hold the given lines; return its SHA-256."""
    lines = lines if lines is not None else {3: GLOVE_LINES}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bundle:
        for dim, member_lines in lines.items():
            bundle.writestr(f"glove.6B.{dim}d.txt", ("\n".join(member_lines) + "\n").encode("utf-8"))
    return hashlib.sha256(path.read_bytes()).hexdigest()


# Tokens that trip up naive parsers: quotes, comment signs, and words that read as missing values.
GLOVE_LINES = [
    "the 0.418 0.24968 -0.41242",
    '" 0.1 0.2 0.3',
    "# -1.5 2.25 0.0",
    "nan 1.0 2.0 3.0",
    "null 4.0 5.0 6.0",
    "n/a 7.0 8.0 9.0",
    "café 0.5 -0.5 1e-3",
    "movie 0.9 0.1 0.0",
    "film 0.8 0.2 0.0",
]
