"""The review archive: fetching with checksums, safe extraction, the validation split."""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest
from conftest import build_imdb_archive, count_reviews

from helpers.config import Profile
from helpers._plumbing.fetch import ChecksumMismatch, Source, source_from_env
from helpers.imdb import (
    IMDB_SOURCE,
    CorruptArchive,
    UnsafeArchive,
    prepare_imdb,
    review_counts,
    reviews_dir,
    split_validation,
    validation_names,
)
from helpers import imdb
from helpers._plumbing.paths import LOCKS
from helpers._plumbing.storage import read_manifest, write_manifest

pytestmark = pytest.mark.usefixtures("isolated_data_dir")


def local_source(archive: Path, sha256: str) -> Source:
    return Source(location=str(archive), sha256=sha256, filename="aclImdb_v1.tar.gz")


def listing(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def written(data: Path) -> list[str]:
    """What the course wrote in its data folder, its lock files left out."""
    return sorted(p.name for p in data.iterdir() if p.name != LOCKS)


@pytest.fixture
def archive(tmp_path) -> tuple[Path, str]:
    path = tmp_path / "source" / "aclImdb_v1.tar.gz"
    path.parent.mkdir()
    return path, build_imdb_archive(path, per_class=10)


def test_good_archive_is_extracted_split_and_unlabelled_reviews_dropped(archive, isolated_data_dir):
    root = prepare_imdb(local_source(*archive))

    assert root == isolated_data_dir / "aclImdb"
    assert count_reviews(root) == {
        "train": {"neg": 8, "pos": 8},
        "val": {"neg": 2, "pos": 2},
        "test": {"neg": 10, "pos": 10},
    }
    assert not (root / "train" / "unsup").exists()
    assert (root / "README").is_file()


def test_wrong_checksum_is_refused_before_anything_is_extracted(archive, isolated_data_dir):
    path, _ = archive
    with pytest.raises(ChecksumMismatch, match="expected 0{64}"):
        prepare_imdb(local_source(path, "0" * 64))
    assert written(isolated_data_dir) == []


def test_download_with_wrong_checksum_leaves_no_cached_file(archive, isolated_data_dir):
    path, _ = archive
    url = Source(location=path.as_uri(), sha256="0" * 64, filename="aclImdb_v1.tar.gz")
    with pytest.raises(ChecksumMismatch, match="deleted"):
        prepare_imdb(url)
    assert not (isolated_data_dir / "downloads" / "aclImdb_v1.tar.gz").exists()
    assert not (isolated_data_dir / "aclImdb").exists()


def test_download_with_right_checksum_is_cached_and_extracted(archive, isolated_data_dir):
    path, sha256 = archive
    root = prepare_imdb(Source(location=path.as_uri(), sha256=sha256, filename="aclImdb_v1.tar.gz"))
    assert (isolated_data_dir / "downloads" / "aclImdb_v1.tar.gz").is_file()
    assert count_reviews(root)["test"] == {"neg": 10, "pos": 10}


def test_truncated_archive_is_reported_and_leaves_nothing_behind(archive, isolated_data_dir, tmp_path):
    path, _ = archive
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    import hashlib

    sha256 = hashlib.sha256(truncated.read_bytes()).hexdigest()
    with pytest.raises(CorruptArchive, match="truncated or damaged"):
        prepare_imdb(local_source(truncated, sha256))
    assert written(isolated_data_dir) == []


@pytest.mark.parametrize("name", ["../escaped.txt", "/tmp/absolute-escape.txt", "aclImdb/../../escaped.txt"])
def test_tar_member_outside_target_is_refused(tmp_path, isolated_data_dir, name):
    path = tmp_path / "evil.tar.gz"
    sha256 = build_imdb_archive(path, per_class=2, extra={name: b"gotcha"})
    with pytest.raises(UnsafeArchive, match="refusing archive member"):
        prepare_imdb(local_source(path, sha256))
    assert not (isolated_data_dir.parent / "escaped.txt").exists()
    assert not Path("/tmp/absolute-escape.txt").exists()
    assert not (isolated_data_dir / "aclImdb").exists()


def test_tar_link_member_is_refused(tmp_path, isolated_data_dir):
    path = tmp_path / "link.tar.gz"
    sha256 = build_imdb_archive(path, per_class=2, links={"aclImdb/train/pos/9_9.txt": "/etc/passwd"})
    with pytest.raises(UnsafeArchive, match="only files and folders"):
        prepare_imdb(local_source(path, sha256))
    assert not (isolated_data_dir / "aclImdb").exists()


def test_second_run_changes_nothing(archive):
    root = prepare_imdb(local_source(*archive))
    before = listing(root)
    assert prepare_imdb(local_source(*archive)) == root
    assert listing(root) == before
    assert split_validation(root) == 0


def test_split_takes_the_textbook_share_of_a_sorted_seeded_shuffle(archive):
    root = prepare_imdb(local_source(*archive))
    for label in ("neg", "pos"):
        names = sorted(p.name for split in ("train", "val") for p in (root / split / label).iterdir())
        random.Random(1337).shuffle(names)
        expected = set(names[-int(0.2 * len(names)) :])
        assert {p.name for p in (root / "val" / label).iterdir()} == expected


def test_interrupted_split_is_repaired_without_moving_files_twice(archive, tmp_path):
    root = prepare_imdb(local_source(*archive))
    finished = listing(root)
    # Undo part of the split, as if it had stopped halfway, and misplace one file more.
    val_pos = sorted((root / "val" / "pos").iterdir())
    os.replace(val_pos[0], root / "train" / "pos" / val_pos[0].name)
    train_neg = sorted((root / "train" / "neg").iterdir())
    os.replace(train_neg[0], root / "val" / "neg" / train_neg[0].name)

    assert split_validation(root) == 2
    assert listing(root) == finished
    assert count_reviews(root)["train"] == {"neg": 8, "pos": 8}


@pytest.fixture
def tiny(archive, monkeypatch) -> Profile:
    """A profile of 3 / 1 / 2 reviews per class, sampled from the test archive."""
    path, sha256 = archive
    monkeypatch.setenv("IMDB_SOURCE", str(path))
    monkeypatch.setenv("IMDB_SHA256", sha256)
    return Profile("tiny", "test", train_per_class=3, val_per_class=1, test_per_class=2,
                   sequence_length=10, batch_size=2, epochs=1)


def test_profile_sample_is_balanced_seeded_and_reused(tiny):
    folder = reviews_dir(tiny)
    assert count_reviews(folder) == {
        "train": {"neg": 3, "pos": 3}, "val": {"neg": 1, "pos": 1}, "test": {"neg": 2, "pos": 2}
    }
    first = listing(folder)
    shutil.rmtree(folder)
    assert listing(reviews_dir(tiny)) == first


def test_an_intact_sample_is_handed_out_with_its_counts_without_listing_the_whole_archive(tiny, monkeypatch):
    folder = reviews_dir(tiny)
    with monkeypatch.context() as patched:
        patched.setattr(imdb, "prepare_imdb", lambda *args: pytest.fail("the whole archive was checked again"))
        assert reviews_dir(tiny) == folder
    assert review_counts(folder) == {"train": 6, "val": 2, "test": 4}
    assert review_counts(prepare_imdb()) == {"train": 16, "val": 4, "test": 20}


def test_a_sample_of_other_reviews_than_the_prepared_ones_is_copied_again(tiny, capsys):
    folder = reviews_dir(tiny)
    manifest = read_manifest(folder)
    write_manifest(folder, {**manifest, "origin": "0" * 64})  # sampled from another archive
    assert reviews_dir(tiny) == folder
    assert "its origin changed: copying the sample again" in capsys.readouterr().out
    assert read_manifest(folder)["origin"] == manifest["origin"]


def test_local_source_checksum_is_read_from_sidecar_file(archive, monkeypatch):
    path, sha256 = archive
    path.with_name(path.name + ".sha256").write_text(f"{sha256}  {path.name}\n")
    monkeypatch.setenv("IMDB_SOURCE", str(path))
    monkeypatch.delenv("IMDB_SHA256", raising=False)
    source = source_from_env(IMDB_SOURCE, "IMDB_SOURCE", "IMDB_SHA256")
    assert (source.location, source.sha256) == (str(path), sha256)


def test_other_source_without_checksum_is_refused(monkeypatch):
    monkeypatch.setenv("IMDB_SOURCE", "https://example.org/aclImdb_v1.tar.gz")
    monkeypatch.delenv("IMDB_SHA256", raising=False)
    with pytest.raises(ValueError, match="set IMDB_SHA256"):
        source_from_env(IMDB_SOURCE, "IMDB_SOURCE", "IMDB_SHA256")


def test_official_source_is_the_default(monkeypatch):
    monkeypatch.delenv("IMDB_SOURCE", raising=False)
    source = source_from_env(IMDB_SOURCE, "IMDB_SOURCE", "IMDB_SHA256")
    assert source.location == "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"
    assert source.sha256 == "c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe"


@pytest.mark.parametrize("without, named", [
    (("aclImdb/test",), "aclImdb/test/neg, aclImdb/test/pos"),
    (("aclImdb/train/pos",), "aclImdb/train/pos"),
])
def test_archive_without_a_split_it_needs_is_refused_naming_what_is_missing(tmp_path, isolated_data_dir, without, named):
    path = tmp_path / "aclImdb_v1.tar.gz"
    sha256 = build_imdb_archive(path, per_class=3, without=without)
    with pytest.raises(CorruptArchive, match=f"holds no reviews in {named}: point IMDB_SOURCE at the official"):
        prepare_imdb(local_source(path, sha256))
    assert written(isolated_data_dir) == []  # nothing half-prepared left behind


def test_a_profile_is_given_by_its_name_too(archive, monkeypatch):
    monkeypatch.setenv("IMDB_SOURCE", str(archive[0]))
    monkeypatch.setenv("IMDB_SHA256", archive[1])
    # The smoke profile wants 100 reviews per class: more than this archive has, and the message says so.
    from helpers.text_data import load_course_data

    for prepare in (reviews_dir, load_course_data):
        with pytest.raises(ValueError, match="the 'smoke' profile needs 100 neg reviews in train/"):
            prepare("smoke")


def test_validation_names_are_the_textbooks_shuffle_of_sorted_names(archive):
    """Notebook 01 writes the split as the textbook does: sort, shuffle with Random(1337), last 20 %."""
    root = prepare_imdb(local_source(*archive))
    for label in ("neg", "pos"):
        names = sorted(p.name for split in ("train", "val") for p in (root / split / label).glob("*.txt"))
        shuffled = list(names)
        random.Random(1337).shuffle(shuffled)
        assert validation_names(names[::-1]) == sorted(shuffled[-int(0.2 * len(names)):])
        assert sorted(p.name for p in (root / "val" / label).glob("*.txt")) == validation_names(names)
