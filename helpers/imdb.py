"""The IMDB reviews on disk: fetch the archive, extract it safely, split off validation.

`prepare_imdb()` does whatever is still missing and returns `data/aclImdb/`, laid out as

    aclImdb/train/{neg,pos}/*.txt   20,000 reviews
    aclImdb/val/{neg,pos}/*.txt      5,000 reviews (20 % of train, seeded)
    aclImdb/test/{neg,pos}/*.txt    25,000 reviews

`reviews_dir(profile)` returns that folder, or a seeded, class-balanced sample of it for the
smaller profiles, and `review_counts(folder)` the number of reviews of each split. One process
at a time prepares them, and a folder is reused only if it matches the manifest written beside
it (see `helpers._plumbing.storage`); otherwise it is made again.
`training_sample(folder, reviews)` picks fewer training reviews of such a folder, for a
learning curve.
"""

from __future__ import annotations

import gzip
import os
import platform
import random
import shutil
import tarfile
import zlib
from pathlib import Path, PurePosixPath

from helpers.config import DATA_SEED, Profile, as_profile
from helpers._plumbing.paths import reviews_root, subset_dir
from helpers._plumbing.fetch import FetchFailed, Source, fetch, sha256_of, source_from_env
from helpers._plumbing.storage import atomic_path, data_lock, folder_differences, folder_manifest, read_manifest, write_manifest

# The official archive: 84,125,825 bytes.
IMDB_SOURCE = Source(
    location="https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz",
    sha256="c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe",
    filename="aclImdb_v1.tar.gz",
)
SOURCE_VAR, SHA256_VAR = "IMDB_SOURCE", "IMDB_SHA256"
SPLITS = ("train", "val", "test")
CLASSES = ("neg", "pos")
VAL_FRACTION = 0.2
LOCK = "reviews"  # one lock for data/aclImdb and data/subsets


class UnsafeArchive(ValueError):
    """An archive member would land outside the target folder, or is not a plain file."""


class CorruptArchive(ValueError):
    """An archive could not be read to its end (truncated or damaged), or lacks reviews of a split."""


class ExtractionFailed(OSError):
    """Writing the extracted reviews failed (disk full, permissions): the archive is not to blame."""


class DamagedData(RuntimeError):
    """Prepared reviews no longer match their manifest, and the archive to restore them is missing."""


def prepare_imdb(source: Source | None = None, root: Path | None = None) -> Path:
    """Fetch, extract and split the reviews as needed; return the `aclImdb` folder.

    A folder that no longer matches its manifest (a review deleted, moved or added) is made
    again from the archive, with a printed note. Raises ChecksumMismatch, FetchFailed,
    UnsafeArchive, CorruptArchive, ExtractionFailed, or DamagedData (damaged, and no archive),
    each saying what to do. `source` defaults to the official archive or $IMDB_SOURCE.
    """
    root = root or reviews_root()
    with data_lock(LOCK):
        problem = folder_differences(root)
        if not problem:
            return root
        if root.exists():
            print(f"{problem}: restoring {root} from the archive …")
        try:
            archive = fetch(source or source_from_env(IMDB_SOURCE, SOURCE_VAR, SHA256_VAR))
        except (FileNotFoundError, FetchFailed) as error:
            if not root.exists():
                raise
            raise DamagedData(f"{problem}, and the archive to restore it from is not available ({error}). "
                              f"Point {SOURCE_VAR} at aclImdb_v1.tar.gz (see the README, 'Offline') and run again."
                              ) from None
        with atomic_path(root) as partial:
            extract_reviews(archive, partial)
            split_validation(partial)
        # Names only: the sizes of 50,000 files would slow down every later check.
        write_manifest(root, folder_manifest(root, sizes=False, origin=sha256_of(archive)))
    return root


def extract_reviews(archive: Path, target: Path) -> None:
    """Extract the archive's `aclImdb/` into the new folder `target`, leaving out `train/unsup/`.

    Only plain files and folders inside the target are accepted (else UnsafeArchive). A damaged
    archive, or one without reviews of each class in train/ and test/, raises CorruptArchive; a
    failure to write (disk full) raises ExtractionFailed. Extract into a temporary folder
    (`storage.atomic_path`), so that a failure leaves nothing behind.
    """
    from keras.utils import Progbar

    if not hasattr(tarfile, "data_filter"):
        raise RuntimeError(f"Python {platform.python_version()} cannot extract archives safely (tar extraction filters "
                           "came with Python 3.11.4): install Python 3.11.4 or later and set up the course again")
    target.mkdir(parents=True)
    print(f"Extracting {archive.name} …")
    progress = Progbar(archive.stat().st_size, unit_name="byte")
    try:
        with open(archive, "rb") as raw, tarfile.open(fileobj=raw, mode="r:gz") as tar:
            for count, member in enumerate(tar):
                _extract_member(tar, member, target)
                if count % 2000 == 0:
                    progress.update(raw.tell())
            progress.update(archive.stat().st_size, finalize=True)
    except (tarfile.ReadError, tarfile.CompressionError, EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise CorruptArchive(f"{archive} is truncated or damaged ({error}); delete it and fetch it again") from error
    except OSError as error:
        raise ExtractionFailed(f"could not write the reviews into {target.parent}: {error}. The archive {archive.name} "
                               "is not to blame: free some disk space or fix the folder's permissions, then run again."
                               ) from error
    missing = [f"aclImdb/{split}/{label}" for split in ("train", "test") for label in CLASSES
               if not any((target / split / label).glob("*.txt"))]
    if missing:
        raise CorruptArchive(f"{archive} holds no reviews in {', '.join(missing)}: point {SOURCE_VAR} at the "
                             "official aclImdb_v1.tar.gz (12,500 reviews per class in train/ and test/)")


def split_validation(root: Path, fraction: float = VAL_FRACTION, seed: int = DATA_SEED) -> int:
    """Move the validation reviews of each class from `train/` into `val/`; return files moved.

    The validation reviews are `validation_names` of the union of `train/` and `val/`, so a
    second call moves nothing, and a file in the wrong folder is moved back.
    """
    moved = 0
    for label in CLASSES:
        train, val = root / "train" / label, root / "val" / label
        val.mkdir(parents=True, exist_ok=True)
        held_out = set(validation_names([p.name for folder in (train, val) for p in folder.glob("*.txt")],
                                        fraction, seed))
        for source, target in ((train, val), (val, train)):
            for path in source.glob("*.txt"):
                if (path.name in held_out) == (target == val):
                    os.replace(path, target / path.name)
                    moved += 1
    return moved


def validation_names(names: list[str], fraction: float = VAL_FRACTION, seed: int = DATA_SEED) -> list[str]:
    """The names that go to `val/`, sorted: the last `fraction` of the sorted names shuffled with `seed`."""
    names = sorted(names)
    random.Random(seed).shuffle(names)
    return sorted(names[len(names) - int(fraction * len(names)) :])


def review_counts(folder: Path) -> dict[str, int]:
    """Reviews per split of a prepared folder (`prepare_imdb`, `reviews_dir`), as its manifest
    recorded them: the folder was checked against that manifest when it was handed out."""
    manifest = read_manifest(folder) or {}
    return {split: sum(manifest.get("counts", {}).get(split, {}).values()) for split in SPLITS}


def reviews_dir(profile: Profile | str) -> Path:
    """The folder of reviews that `profile` (a Profile or its name) trains and tests on, prepared if needed.

    `full` uses `data/aclImdb/` itself. Smaller profiles get a copy of a seeded sample of each
    class of each split under `data/subsets/`, reused only if it matches its manifest. Raises
    ValueError when the archive is too small for `profile`.
    """
    profile = as_profile(profile)
    with data_lock(LOCK):
        if profile.uses_every_review:
            return prepare_imdb()
        sizes = {"train": profile.train_per_class, "val": profile.val_per_class, "test": profile.test_per_class}
        target = subset_dir("-".join([profile.name, *(str(n) for n in sizes.values())]))
        recorded = read_manifest(reviews_root())  # the sample's origin, without listing 50,000 reviews
        problem = folder_differences(target, origin=recorded and recorded.get("digest"))
        if not problem:
            return target
        root = prepare_imdb()
        origin = read_manifest(root)["digest"]
        if target.exists():
            print(f"{problem}: copying the sample again …")
        with atomic_path(target) as partial:
            for split, per_class in sizes.items():
                for label in CLASSES:
                    names = sorted(p.name for p in (root / split / label).glob("*.txt"))
                    if per_class is not None and per_class > len(names):
                        raise ValueError(
                            f"the '{profile.name}' profile needs {per_class:,} {label} reviews in {split}/, but "
                            f"{root / split / label} has {len(names):,}: pick a smaller profile, or point "
                            f"{SOURCE_VAR} at the full IMDB archive and delete {root}")
                    chosen = names if per_class is None else random.Random(DATA_SEED).sample(names, per_class)
                    (partial / split / label).mkdir(parents=True)
                    for name in chosen:
                        shutil.copyfile(root / split / label / name, partial / split / label / name)
        write_manifest(target, folder_manifest(target, sizes=True, origin=origin))
    return target


def training_sample(folder: Path, reviews: int, seed: int = DATA_SEED) -> dict[str, list[Path]]:
    """A seeded, class-balanced sample of `reviews` training reviews of `folder` (a `reviews_dir`):
    {class: review files}, `reviews // 2` of each.

    Only `folder/train/` is read, so validation and test reviews never enter. The samples are
    nested: each class's files are shuffled once with `seed` and the first ones taken, so with
    the same seed a smaller sample is part of every larger one. Raises ValueError for an odd or
    non-positive `reviews`, or more than the folder holds.
    """
    if reviews <= 0 or reviews % 2:
        raise ValueError(f"a balanced sample needs an even, positive number of reviews, got {reviews}")
    sample = {}
    for label in CLASSES:
        files = sorted((folder / "train" / label).glob("*.txt"))
        if reviews // 2 > len(files):
            raise ValueError(f"{reviews:,} training reviews need {reviews // 2:,} {label} reviews, but "
                             f"{folder / 'train' / label} has {len(files):,}: ask for fewer")
        random.Random(seed).shuffle(files)
        sample[label] = files[: reviews // 2]
    return sample


def _extract_member(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> None:
    """Extract one member of `aclImdb/` into `target`, without that first folder."""
    name = member.name.replace("\\", "/")
    if name.startswith("/") or ".." in PurePosixPath(name).parts or name[1:2] == ":":
        raise UnsafeArchive(f"refusing archive member {member.name!r}: it would land outside the target folder")
    if not (member.isfile() or member.isdir()):
        raise UnsafeArchive(f"refusing archive member {member.name!r}: only files and folders are allowed")
    parts = PurePosixPath(name).parts
    if len(parts) < 2 or parts[0] != "aclImdb" or parts[1:3] == ("train", "unsup"):
        return
    try:
        tar.extract(member.replace(name="/".join(parts[1:]), deep=False), target, filter="data")
    except tarfile.FilterError as error:
        raise UnsafeArchive(f"refusing archive member {member.name!r}: {error}") from None
