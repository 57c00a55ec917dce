"""Locks, all-or-nothing writes and manifests under the data folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from helpers._plumbing.storage import atomic_path, data_lock, read_manifest, write_atomically, write_manifest

ROOT = Path(__file__).resolve().parents[1]


def test_atomic_write_replaces_the_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "words.txt"
    target.write_text("old")
    write_atomically(target, "new")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["words.txt"]


def test_failed_write_keeps_the_old_file(tmp_path):
    target = tmp_path / "words.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(target) as temporary:
        temporary.write_text("half")
        raise RuntimeError("interrupted")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["words.txt"]


def test_folder_replaces_an_older_one_and_leftovers_of_killed_processes_go(tmp_path):
    target = tmp_path / "subset"
    (target / "old").mkdir(parents=True)
    (tmp_path / ".subset.x1y2.partial").mkdir()  # what a killed process left
    with atomic_path(target) as temporary:
        (temporary / "new").mkdir(parents=True)
    assert [p.name for p in target.iterdir()] == ["new"]
    assert [p.name for p in tmp_path.iterdir()] == ["subset"]


def test_manifest_is_read_back_and_an_unreadable_one_is_none(tmp_path):
    artifact = tmp_path / "vocabulary.txt"
    write_manifest(artifact, {"words": 3})
    assert read_manifest(artifact) == {"words": 3}
    (tmp_path / "vocabulary.txt.manifest.json").write_text('{"words": ')
    assert read_manifest(artifact) is None


def test_second_process_waits_for_the_lock_and_says_so(isolated_data_dir):
    waiter = "from helpers._plumbing.storage import data_lock\nwith data_lock('reviews'):\n    print('got it')"
    with data_lock("reviews"):
        process = subprocess.Popen([sys.executable, "-c", waiter], cwd=ROOT, text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        first_line = process.stdout.readline()
        assert "Waiting for another process that is preparing reviews" in first_line
        assert process.poll() is None  # still waiting while the lock is held
    out, _ = process.communicate(timeout=60)
    assert out.strip() == "got it"
