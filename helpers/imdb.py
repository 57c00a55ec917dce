"""The IMDB reviews on disk: fetch the archive, extract it safely, split off validation.

`prepare_imdb()` does whatever is still missing and returns `data/aclImdb/`, laid out as

    aclImdb/train/{neg,pos}/*.txt   20,000 reviews
    aclImdb/val/{neg,pos}/*.txt      5,000 reviews (20 % of train, seeded)
    aclImdb/test/{neg,pos}/*.txt    25,000 reviews

`reviews_dir(profile)` returns that folder, or a seeded, class-balanced sample of it for
the smaller profiles. Every step is idempotent: running it again changes nothing.
"""

from __future__ import annotations

import os
import random
import shutil
import tarfile
import zlib
from pathlib import Path, PurePosixPath

from helpers.config import SEED, Profile, data_dir
from helpers.fetch import Source, fetch, source_from_env

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


class UnsafeArchive(ValueError):
    """An archive member would land outside the target folder, or is not a plain file."""


class CorruptArchive(ValueError):
    """An archive could not be read to its end (truncated or damaged)."""


def imdb_source() -> Source:
    """The official archive, or the one named by $IMDB_SOURCE (checksum: $IMDB_SHA256)."""
    return source_from_env(IMDB_SOURCE, SOURCE_VAR, SHA256_VAR)


def prepare_imdb(source: Source | None = None, root: Path | None = None) -> Path:
    """Fetch, extract and split the reviews as needed; return the `aclImdb` folder.

    Raises ChecksumMismatch, FetchFailed, UnsafeArchive or CorruptArchive with a message
    that says what to do.
    """
    root = root or data_dir() / "aclImdb"
    if not (root / "test").is_dir():
        archive = fetch(source or imdb_source())
        extract_reviews(archive, root)
    _drop_unlabelled(root)
    split_validation(root)
    return root


def extract_reviews(archive: Path, root: Path) -> None:
    """Extract the archive's `aclImdb/` into `root`, leaving out `train/unsup/`.

    Extraction goes to a temporary folder that is renamed at the end, so an interrupted or
    refused extraction leaves nothing behind. Only plain files and folders inside the target
    are accepted: absolute names, `..` and links raise UnsafeArchive.
    """
    from keras.utils import Progbar

    partial = root.with_name(root.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    print(f"Extracting {archive.name} …")
    progress = Progbar(archive.stat().st_size, unit_name="byte")
    try:
        with open(archive, "rb") as raw, tarfile.open(fileobj=raw, mode="r:gz") as tar:
            for count, member in enumerate(tar):
                _extract_member(tar, member, partial)
                if count % 2000 == 0:
                    progress.update(raw.tell())
            progress.update(archive.stat().st_size, finalize=True)
        extracted = partial / "aclImdb"
        if not all((extracted / split).is_dir() for split in ("train", "test")):
            raise CorruptArchive(
                f"{archive} does not hold aclImdb/train and aclImdb/test: is it the IMDB archive?"
            )
        extracted.rename(root)
    except (tarfile.ReadError, EOFError, zlib.error, OSError) as error:
        if isinstance(error, FileNotFoundError | PermissionError):
            raise
        raise CorruptArchive(
            f"{archive} is truncated or damaged ({error}); delete it and fetch it again"
        ) from error
    finally:
        shutil.rmtree(partial, ignore_errors=True)


def split_validation(root: Path, fraction: float = VAL_FRACTION, seed: int = SEED) -> int:
    """Move a seeded `fraction` of each class of `train/` into `val/`; return files moved.

    The plan is computed from the sorted union of `train/` and `val/`, which moving files
    never changes, so a re-run moves nothing and an interrupted split is completed (or a
    file in the wrong place moved back) rather than split twice.
    """
    moved = 0
    for label in CLASSES:
        train, val = root / "train" / label, root / "val" / label
        val.mkdir(parents=True, exist_ok=True)
        names = sorted({p.name for p in train.glob("*.txt")} | {p.name for p in val.glob("*.txt")})
        random.Random(seed).shuffle(names)
        held_out = set(names[len(names) - int(fraction * len(names)) :])
        for name in names:
            source, target = (train, val) if name in held_out else (val, train)
            if (source / name).exists():
                os.replace(source / name, target / name)
                moved += 1
    return moved


def count_reviews(root: Path) -> dict[str, dict[str, int]]:
    """Return {split: {class: number of reviews}} for the splits present under `root`."""
    return {
        split: {label: sum(1 for _ in (root / split / label).glob("*.txt")) for label in CLASSES}
        for split in SPLITS
        if (root / split).is_dir()
    }


def reviews_dir(profile: Profile) -> Path:
    """Return the folder of reviews that `profile` trains and tests on, preparing it if needed.

    `full` uses `data/aclImdb/` itself. Smaller profiles get a copy of a seeded sample of
    each class of each split under `data/subsets/`, named after its sizes.
    """
    root = prepare_imdb()
    if profile.uses_every_review:
        return root
    sizes = {"train": profile.train_per_class, "val": profile.val_per_class, "test": profile.test_per_class}
    target = data_dir() / "subsets" / "-".join([profile.name, *(str(n) for n in sizes.values())])
    if target.is_dir():
        return target
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    for split, per_class in sizes.items():
        for label in CLASSES:
            names = sorted(p.name for p in (root / split / label).glob("*.txt"))
            chosen = names if per_class is None else random.Random(SEED).sample(names, per_class)
            (partial / split / label).mkdir(parents=True)
            for name in chosen:
                shutil.copyfile(root / split / label / name, partial / split / label / name)
    partial.rename(target)
    return target


def _extract_member(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> None:
    name = member.name.replace("\\", "/")
    if name.lstrip("./").startswith("aclImdb/train/unsup"):
        return
    if name.startswith("/") or ".." in PurePosixPath(name).parts or name[1:2] == ":":
        raise UnsafeArchive(f"refusing archive member {member.name!r}: it would land outside the target folder")
    if not (member.isfile() or member.isdir()):
        raise UnsafeArchive(f"refusing archive member {member.name!r}: only files and folders are allowed")
    try:
        tar.extract(member, target, filter="data")
    except tarfile.FilterError as error:
        raise UnsafeArchive(f"refusing archive member {member.name!r}: {error}") from None


def _drop_unlabelled(root: Path) -> None:
    shutil.rmtree(root / "train" / "unsup", ignore_errors=True)
