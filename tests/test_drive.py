"""`keep_data_on_drive`, with a temporary folder standing in for Google Drive."""

from __future__ import annotations

import sys

from helpers.config import DRIVE_KEPT, data_dir, keep_data_on_drive
from helpers.results import results_path
from helpers._plumbing.storage import write_atomically
from helpers.training import backup_dir, checkpoint_path


def test_results_checkpoints_and_backups_land_on_drive(isolated_data_dir, tmp_path):
    drive = tmp_path / "drive"
    assert keep_data_on_drive(True, drive) == drive

    write_atomically(results_path("quick"), "{}")
    backup_dir("quick", "masking").mkdir(parents=True)
    checkpoint_path("quick", "masking").parent.mkdir(parents=True)
    checkpoint_path("quick", "masking").write_bytes(b"weights")

    assert (drive / "results" / "quick.json").read_text() == "{}"
    assert (drive / "backups" / "quick" / "masking").is_dir()
    assert (drive / "models" / "quick" / "masking.keras").read_bytes() == b"weights"
    assert data_dir() == isolated_data_dir.resolve()  # downloads and reviews stay local


def test_results_made_before_the_switch_move_to_drive_and_drive_is_found_again(isolated_data_dir, tmp_path):
    drive = tmp_path / "drive"
    write_atomically(results_path("quick"), "earlier")
    keep_data_on_drive(True, drive)
    keep_data_on_drive(True, drive)  # the setup cell run again

    assert (drive / "results" / "quick.json").read_text() == "earlier"
    assert sorted(path.name for path in drive.iterdir()) == sorted(DRIVE_KEPT)


def test_switch_off_changes_nothing(isolated_data_dir, tmp_path):
    assert keep_data_on_drive(False, tmp_path / "drive") is None
    assert not (tmp_path / "drive").exists()
    assert not results_path("quick").parent.is_symlink()


def test_switch_on_outside_colab_without_a_folder_says_so(isolated_data_dir, monkeypatch, capsys):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    assert keep_data_on_drive(True) is None
    assert "Colab only" in capsys.readouterr().out
