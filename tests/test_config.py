"""Profiles and paths."""

from __future__ import annotations

import pytest

from helpers.config import PROFILES, data_dir, get_profile


def test_environment_variable_picks_the_profile(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "full")
    assert get_profile().name == "full"
    assert get_profile("smoke").name == "smoke"


def test_unknown_profile_error_lists_the_known_ones():
    with pytest.raises(ValueError, match="choose one of full, quick, smoke"):
        get_profile("fast")


def test_full_profile_has_the_textbook_settings():
    full = PROFILES["full"]
    assert full.uses_every_review
    assert (full.sequence_length, full.batch_size, full.epochs) == (600, 32, 10)


def test_smaller_profiles_take_balanced_samples():
    for name in ("quick", "smoke"):
        profile = PROFILES[name]
        assert not profile.uses_every_review
        assert profile.train_per_class > profile.val_per_class > 0


def test_data_dir_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "elsewhere"))
    assert data_dir() == tmp_path / "elsewhere"
    assert data_dir().is_dir()
