"""The command line answers a user's mistake with one line that says what to fix, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.instructor.cli import main

pytestmark = pytest.mark.usefixtures("isolated_data_dir")

ROOT = Path(__file__).resolve().parents[1]


def run_cli(argv: list[str], capsys) -> tuple[int, str]:
    status = main(argv)
    return status, capsys.readouterr().err


def test_an_unknown_profile_in_the_environment_is_named_with_the_known_ones(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_PROFILE", "bogus")
    status, error = run_cli(["run", "01"], capsys)
    assert status == 1
    assert error.strip() == ("error: unknown profile 'bogus': choose one of full, quick, smoke "
                             "(argument, or the COURSE_PROFILE environment variable)")


def test_an_output_folder_that_cannot_be_made_says_to_name_another(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_PROFILE", "smoke")
    taken = tmp_path / "a-file"
    taken.write_text("not a folder")
    status, error = run_cli(["run", "--output", str(taken / "runs"), "01"], capsys)
    assert status == 1
    assert f"cannot use {taken / 'runs'} as the output folder (Not a directory): name a folder you can write to" in error


def test_a_missing_lab_extra_says_what_to_install():
    probe = ("import sys; sys.modules['nbclient'] = None  # as if the lab extra were not installed\n"
             "from helpers.instructor.cli import main; sys.exit(main(['run', '--profile', 'smoke', '01']))")
    result = subprocess.run([sys.executable, "-c", probe], env=os.environ | {"PYTHONPATH": str(ROOT)},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr.strip() == 'error: the course runner needs nbclient, from the `lab` extra: pip install -e ".[lab]"'


def test_recording_a_reference_needs_no_lab_extra_and_says_when_there_are_no_runs(capsys):
    sys.modules["nbclient"], saved = None, sys.modules.get("nbclient")
    try:
        status, error = run_cli(["reference", "--profile", "smoke", "--tolerance", "0.01", "--basis", "x"], capsys)
    finally:
        sys.modules["nbclient"] = saved
    assert status == 1
    assert error.strip() == "error: no recorded runs for the 'smoke' profile: run the course first"


def test_a_check_without_a_reference_says_how_to_record_one(tmp_path, monkeypatch, capsys):
    status, error = run_cli(["run", "--profile", "smoke", "--check", "01"], capsys)
    assert status == 1
    assert "no reference results for the 'smoke' profile" in error and "python -m helpers reference" in error


def test_a_malformed_seed_in_the_environment_is_one_line_not_a_traceback(tmp_path):
    result = subprocess.run([sys.executable, "-m", "helpers", "run", "01"], cwd=tmp_path,
                            env=os.environ | {"PYTHONPATH": str(ROOT), "COURSE_SEED": "abc"},
                            capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stderr) == (1, "error: $COURSE_SEED must be a whole number, got 'abc'\n")
