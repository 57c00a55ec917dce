"""Everyday accidents to `data/`: each ends in the correct reviews or an error naming the file and the fix."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest
from conftest import build_imdb_archive

from helpers.config import Profile
from helpers._plumbing.fetch import ChecksumMismatch, Source, source_from_env
from helpers.imdb import (
    IMDB_SOURCE,
    CorruptArchive,
    DamagedData,
    ExtractionFailed,
    prepare_imdb,
    reviews_dir,
)
from helpers._plumbing.storage import manifest_path

pytestmark = pytest.mark.usefixtures("isolated_data_dir")

ROOT = Path(__file__).resolve().parents[1]
TINY = Profile("tiny", "test", train_per_class=3, val_per_class=1, test_per_class=2,
               sequence_length=10, batch_size=2, epochs=1)


@pytest.fixture
def archive(tmp_path, monkeypatch, isolated_data_dir) -> Source:
    """A small archive, named by $IMDB_SOURCE as a course user would."""
    path = tmp_path / "source" / "aclImdb_v1.tar.gz"
    path.parent.mkdir()
    sha256 = build_imdb_archive(path, per_class=10)
    monkeypatch.setenv("IMDB_SOURCE", str(path))
    monkeypatch.setenv("IMDB_SHA256", sha256)
    return Source(location=str(path), sha256=sha256, filename=path.name)


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_deleted_train_review_is_restored_and_the_split_kept(archive, capsys):
    root = prepare_imdb()
    before = files(root)
    victim = sorted((root / "train" / "pos").iterdir())[0]
    victim.unlink()

    prepare_imdb()

    assert files(root) == before
    assert "train/pos has 7 files instead of 8" in capsys.readouterr().out


def test_damaged_folder_without_its_archive_is_an_error_naming_the_fix(archive):
    root = prepare_imdb()
    before = files(root)
    (root / "train" / "neg" / sorted(os.listdir(root / "train" / "neg"))[0]).unlink()
    os.replace(archive.location, archive.location + ".moved")  # and the archive is gone
    with pytest.raises(DamagedData, match=r"train/neg has 7 files instead of 8.*Point IMDB_SOURCE"):
        prepare_imdb(Source(archive.location, archive.sha256, archive.filename))
    os.replace(archive.location + ".moved", archive.location)
    prepare_imdb()
    assert files(root) == before


def test_review_moved_to_the_wrong_split_is_put_back(archive, capsys):
    root = prepare_imdb()
    before = files(root)
    misplaced = sorted((root / "val" / "pos").iterdir())[0]
    os.replace(misplaced, root / "train" / "pos" / misplaced.name)

    prepare_imdb()

    assert files(root) == before
    assert "restoring" in capsys.readouterr().out


def test_deleted_test_folder_is_restored_without_blaming_the_archive(archive, capsys):
    root = prepare_imdb()
    before = files(root)
    shutil.rmtree(root / "test")

    prepare_imdb()

    assert files(root) == before
    output = capsys.readouterr().out
    assert "test/neg has 0 files instead of 10" in output and "damaged" not in output


def test_folder_without_manifest_is_rebuilt_with_a_note(archive, capsys):
    root = prepare_imdb()
    before = files(root)
    manifest_path(root).unlink()  # as after an older version of the course, or a crash before the manifest
    (root / "train" / "pos" / "999_9.txt").write_text("a review that is not in the archive")

    prepare_imdb()

    assert files(root) == before
    assert "has no manifest" in capsys.readouterr().out


def test_write_failure_during_extraction_is_not_blamed_on_the_archive(archive, monkeypatch, isolated_data_dir):
    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tarfile.TarFile, "extract", disk_full)
    with pytest.raises(ExtractionFailed, match="No space left.*not to blame") as caught:
        prepare_imdb()
    assert not isinstance(caught.value, CorruptArchive)
    assert sorted(p.name for p in isolated_data_dir.iterdir()) == [".locks"]


def test_python_without_tar_filters_is_told_the_version_it_needs(archive, monkeypatch):
    monkeypatch.delattr(tarfile, "data_filter")
    with pytest.raises(RuntimeError, match="Python 3.11.4 or later"):
        prepare_imdb()


@pytest.mark.parametrize("kind", ["missing", "folder"])
def test_source_that_is_no_file_is_named_before_any_checksum_complaint(tmp_path, monkeypatch, kind):
    location = tmp_path / "aclImdb_v1.tar.gz"
    if kind == "folder":
        location = tmp_path
    monkeypatch.setenv("IMDB_SOURCE", str(location))
    monkeypatch.delenv("IMDB_SHA256", raising=False)
    expected = IsADirectoryError if kind == "folder" else FileNotFoundError
    with pytest.raises(expected, match="IMDB_SOURCE=.*(is a folder|no such file)"):
        source_from_env(IMDB_SOURCE, "IMDB_SOURCE", "IMDB_SHA256")


def test_missing_local_archive_with_a_checksum_is_named_not_called_a_mismatch(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        prepare_imdb(Source(str(tmp_path / "gone.tar.gz"), "0" * 64, "aclImdb_v1.tar.gz"))


def test_wrong_checksum_is_still_refused(archive):
    with pytest.raises(ChecksumMismatch):
        prepare_imdb(Source(archive.location, "0" * 64, archive.filename))


def test_archive_too_small_for_a_profile_says_what_it_needs(archive):
    big = Profile("big", "test", train_per_class=50, val_per_class=1, test_per_class=1,
                  sequence_length=10, batch_size=2, epochs=1)
    with pytest.raises(ValueError, match="'big' profile needs 50 neg reviews in train/, but .* has 8"):
        reviews_dir(big)


def test_damaged_sample_is_copied_again(archive, capsys):
    folder = reviews_dir(TINY)
    before = files(folder)
    next((folder / "test" / "pos").iterdir()).unlink()

    assert reviews_dir(TINY) == folder
    assert files(folder) == before
    assert "copying the sample again" in capsys.readouterr().out


RACE = """
import json, sys, time
from pathlib import Path
from helpers.config import Profile
from helpers.imdb import reviews_dir


def count_reviews(root):
    return {split: {label: len(list((root / split / label).glob("*.txt"))) for label in ("neg", "pos")}
            for split in ("train", "val", "test")}

ready, go = Path(sys.argv[1]), Path(sys.argv[2])
ready.touch()
while not go.exists():
    time.sleep(0.002)
tiny = Profile("tiny", "race", 5, 2, 5, sequence_length=10, batch_size=2, epochs=1)
sample = reviews_dir(tiny)
root = sample.parent.parent / "aclImdb"
val = {label: sorted(p.name for p in (root / "val" / label).iterdir()) for label in ("neg", "pos")}
print("RESULT " + json.dumps([count_reviews(root), count_reviews(sample), val]))
"""


def test_two_processes_preparing_at_once_end_with_the_same_correct_split(tmp_path, isolated_data_dir):
    path = tmp_path / "aclImdb_v1.tar.gz"
    sha256 = build_imdb_archive(path, per_class=300)
    env = os.environ | {"IMDB_SOURCE": str(path), "IMDB_SHA256": sha256, "PYTHONPATH": str(ROOT),
                        "COURSE_DATA_DIR": str(isolated_data_dir)}
    go = tmp_path / "go"
    ready = [tmp_path / f"ready{i}" for i in range(2)]
    processes = [
        subprocess.Popen([sys.executable, "-c", RACE, str(flag), str(go)], env=env, text=True,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for flag in ready
    ]
    deadline = time.monotonic() + 300
    while not all(flag.exists() for flag in ready) and time.monotonic() < deadline:
        time.sleep(0.05)
    go.touch()  # both start preparing at the same moment
    outputs = [process.communicate(timeout=300) for process in processes]

    assert [p.returncode for p in processes] == [0, 0], [err[-2000:] for _, err in outputs]
    results = [json.loads(out.split("RESULT ", 1)[1]) for out, _ in outputs]
    assert results[0] == results[1]
    full, sample, _ = results[0]
    assert full == {"train": {"neg": 240, "pos": 240}, "val": {"neg": 60, "pos": 60},
                    "test": {"neg": 300, "pos": 300}}
    assert sample == {"train": {"neg": 5, "pos": 5}, "val": {"neg": 2, "pos": 2}, "test": {"neg": 5, "pos": 5}}
    assert sum("Waiting for another process" in out for out, _ in outputs) == 1
