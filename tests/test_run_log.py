"""The record of what each notebook of a course run cost."""

from __future__ import annotations

import os
import platform
import subprocess
import sys

import pytest

from helpers.instructor.run_log import environment, load_notebook_runs, notebook_runs_path, peak_memory_bytes, record_notebook_run

pytestmark = pytest.mark.usefixtures("isolated_data_dir")


def test_a_notebook_run_replaces_its_earlier_entry_and_keeps_the_others():
    record_notebook_run("02_one_hot", "full", 31.234, 3 * 2**30)
    record_notebook_run("01_data_preparation", "full", 0.6, None)
    record_notebook_run("02_one_hot", "full", 29.0, 4 * 2**30)
    runs = load_notebook_runs("full")
    assert list(runs) == ["01_data_preparation", "02_one_hot"]
    assert (runs["02_one_hot"].minutes, runs["02_one_hot"].peak_memory_gib) == (29.0, 4.0)
    assert runs["01_data_preparation"].peak_memory_gib is None
    assert load_notebook_runs("quick") == {}


def test_the_environment_names_the_versions():
    described = environment()
    assert described["python"] == platform.python_version()
    assert described["keras"].startswith("3.") and described["tensorflow"][0].isdigit()
    assert described["cpu_cores"] == str(os.cpu_count()) and described["cpu"]


def test_describing_the_environment_does_not_import_tensorflow():
    probe = "import sys; from helpers.instructor.run_log import environment; environment(); print('tensorflow' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False", result.stderr


def test_an_unreadable_timing_file_is_kept_aside_with_a_message(capsys):
    path = notebook_runs_path("full")
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    assert load_notebook_runs("full") == {}
    (aside,) = path.parent.glob("full-notebooks.unreadable-*.json")
    assert aside.read_text() == "{not json"
    assert f"It was kept aside as {aside}" in capsys.readouterr().out
    record_notebook_run("01_data_preparation", "full", 0.5, None)
    assert list(load_notebook_runs("full")) == ["01_data_preparation"]


def test_peak_memory_of_this_process_is_at_least_what_it_holds_now():
    block = bytearray(200 * 2**20)
    peak = peak_memory_bytes(os.getpid())
    if os.path.isfile("/proc/self/status"):
        assert peak >= 200 * 2**20
    else:
        assert peak is None
    del block
    assert peak_memory_bytes(2**22 + 12345) is None  # no such process
