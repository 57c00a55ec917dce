"""Times data preparation: extract and split (with manifests), adapt, and passes over the integer datasets.

    IMDB_SOURCE=../shared/data/aclImdb_v1.tar.gz python benchmarks/data_preparation.py [--profile full]

Works in a temporary data folder, so nothing is reused from earlier runs.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="full")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["COURSE_DATA_DIR"] = scratch
        from helpers.config import get_profile
        from helpers.imdb import prepare_imdb, review_counts, reviews_dir
        from helpers.text_data import load_reviews, make_vectorizer, vectorize

        profile = get_profile(args.profile)
        figures = {}
        start = time.perf_counter()
        prepare_imdb()
        figures["check, extract and split the archive, with its manifest"] = time.perf_counter() - start
        start = time.perf_counter()
        prepare_imdb()
        figures["prepare again: the folder checked against its manifest"] = time.perf_counter() - start
        start = time.perf_counter()
        folder = reviews_dir(profile)
        figures[f"sample the {profile.name} profile"] = time.perf_counter() - start
        sizes = review_counts(folder)
        raw = {split: load_reviews(folder / split, profile.batch_size) for split in sizes}
        start = time.perf_counter()
        vectorizer = make_vectorizer(raw["train"], profile.sequence_length)
        figures[f"adapt TextVectorization on {sizes['train']:,} reviews"] = time.perf_counter() - start
        datasets = {s: vectorize(raw[s], vectorizer, profile.batch_size, sizes[s], s == "train") for s in sizes}
        for label in ("first pass (vectorize and cache)", "second pass (from the cache)"):
            start = time.perf_counter()
            for dataset in datasets.values():
                for _ in dataset:
                    pass
            figures[f"{label}, {sum(sizes.values()):,} reviews"] = time.perf_counter() - start
    print(f"profile {profile.name}, {os.cpu_count()} CPU cores")
    for name, seconds in figures.items():
        print(f"{seconds:7.2f} s  {name}")


if __name__ == "__main__":
    main()
