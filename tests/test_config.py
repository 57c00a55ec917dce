"""Profiles and paths."""

from __future__ import annotations

import pytest

from helpers.config import PROFILES, as_profile, custom_profile, data_dir, get_profile, profile_name


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


def test_custom_profile_changes_only_what_it_is_told():
    profile = custom_profile("quick", "quick-10ep", epochs=10)
    quick = PROFILES["quick"]
    assert (profile.name, profile.epochs) == ("quick-10ep", 10)
    assert (profile.train_per_class, profile.sequence_length, profile.batch_size) == (
        quick.train_per_class, quick.sequence_length, quick.batch_size)
    assert "epochs=10" in profile.description
    assert quick.epochs == 6  # the built-in profile is left as it was


def test_custom_profile_keeps_its_results_apart(isolated_data_dir):
    from helpers.results import results_path
    from helpers.training import checkpoint_path

    profile = custom_profile("smoke", "smoke-long", sequence_length=400)
    assert results_path(profile.name) != results_path("smoke")
    assert checkpoint_path(profile.name, "masking").parent.name == "smoke-long"


def test_paths_take_a_profile_or_its_name_and_refuse_anything_else(isolated_data_dir):
    from helpers.results import results_path
    from helpers.training import backup_dir, checkpoint_path

    profile = custom_profile("smoke", "smoke-mine", epochs=3)
    assert checkpoint_path(profile, "masking") == checkpoint_path("smoke-mine", "masking")
    assert backup_dir(profile, "masking") == backup_dir("smoke-mine", "masking")
    assert results_path(profile) == results_path("smoke-mine")
    with pytest.raises(TypeError, match=r"pass PROFILE \(a Profile\) or a profile's name"):
        checkpoint_path(6, "masking")


@pytest.mark.parametrize(
    ("name", "changes", "message"),
    [
        ("quick", {"epochs": 10}, "'quick' is a built-in profile"),
        ("quick-10ep", {"epoch": 10}, "unknown setting epoch: choose among"),
        ("../elsewhere", {"epochs": 10}, "letters, digits"),
    ],
)
def test_custom_profile_refuses_what_would_mix_up_results(name, changes, message):
    with pytest.raises(ValueError, match=message):
        custom_profile("quick", name, **changes)


def test_course_seed_changes_the_training_seed_but_never_the_split(monkeypatch):
    from helpers import config

    monkeypatch.setenv("COURSE_SEED", "7")
    assert (config._training_seed(), config.DATA_SEED) == (7, 1337)
    monkeypatch.setenv("COURSE_SEED", "seven")
    with pytest.raises(ValueError, match=r"\$COURSE_SEED must be a whole number, got 'seven'"):
        config._training_seed()
    monkeypatch.delenv("COURSE_SEED")
    assert config._training_seed() == 1337


def test_a_profile_is_given_as_itself_its_name_or_none_for_the_active_one(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "smoke")
    mine = custom_profile("quick", "quick-mine", epochs=2)
    assert as_profile("quick") is PROFILES["quick"] and as_profile(mine) is mine
    assert as_profile(None) is PROFILES["smoke"]
    assert (profile_name(mine), profile_name("quick-mine")) == ("quick-mine", "quick-mine")


@pytest.mark.parametrize("wrong", [3, {"name": "quick"}, ["quick"]])
def test_anything_else_for_a_profile_says_what_to_pass(wrong):
    with pytest.raises(TypeError, match=r"pass a Profile \(such as get_profile\(\)\) or a profile's name"):
        as_profile(wrong)
    with pytest.raises(TypeError, match=r"pass PROFILE \(a Profile\) or a profile's name"):
        profile_name(wrong)


def test_custom_profile_can_switch_early_stopping_off():
    assert get_profile("quick").patience == 3
    assert custom_profile("quick", "quick-every-epoch", patience=None).patience is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"epochs": -1}, r"epochs=-1: give a whole number of 1 or more"),
        ({"batch_size": 0}, r"batch_size=0: give a whole number of 1 or more"),
        ({"sequence_length": 0}, r"sequence_length=0: give a whole number of 1 or more"),
        ({"train_per_class": 0}, r"train_per_class=0: .* \(or None: every review\)"),
        ({"epochs": 2.5}, r"epochs=2.5: give a whole number"),
        ({"patience": 0}, r"patience=0: .* \(or None: train every epoch\)"),
        ({"epochs": 4, "patience": 5}, r"patience=5 with epochs=4 never stops early .* pass patience=None"),
    ],
)
def test_custom_profile_refuses_settings_no_training_can_use(changes, message):
    with pytest.raises(ValueError, match=message):
        custom_profile("quick", "quick-mine", **changes)


def test_custom_profile_keeps_the_base_patience_when_only_epochs_change():
    assert custom_profile("quick", "quick-short", epochs=2).patience == PROFILES["quick"].patience


def test_a_data_folder_that_is_a_file_says_what_to_do(monkeypatch, tmp_path):
    (tmp_path / "data").write_text("not a folder")
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "data"))
    with pytest.raises(NotADirectoryError, match=r"data folder .*data is a file: move that file away, or set \$COURSE_DATA_DIR"):
        data_dir()
