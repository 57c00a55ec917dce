"""The course runner: choosing notebooks, tidy outputs, failures that name the cell, the command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from ipykernel.ipkernel import IPythonKernel
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from helpers.instructor import progress, runner
from helpers.config import PROFILES
from helpers.instructor.run_log import load_notebook_runs
from helpers.instructor.runner import (
    NotebookFailed,
    course_notebooks,
    execute_notebook,
    inject_parameters,
    resolve_path_variables,
    run_course,
    select_notebooks,
)
from helpers.instructor.progress import tidy_outputs

ROOT = Path(__file__).resolve().parents[1]


def test_course_notebooks_are_numbered_in_order():
    names = [nb.stem[:2] for nb in course_notebooks()]
    assert names == ["01", "02", "03", "04", "05", "06", "07", "08"]


def test_notebooks_are_chosen_by_number_or_name_in_course_order():
    notebooks = course_notebooks()
    chosen = select_notebooks(notebooks, ["08", "03_learned_embeddings"])
    assert [nb.stem[:2] for nb in chosen] == ["03", "08"]


def test_unknown_notebook_is_an_error_listing_the_course():
    with pytest.raises(ValueError, match="no notebook matches 09.*01_data_preparation"):
        select_notebooks(course_notebooks(), ["09"])


def test_progress_bars_are_stored_as_the_screen_shows_them():
    notebook = new_notebook(cells=[new_code_cell("fit()")])
    notebook.cells[0].outputs = [
        new_output("stream", name="stdout", text="Epoch 1/2\n\r1/3 [=..]"),
        new_output("stream", name="stdout", text="\r2/3 [==.]"),
        new_output("stream", name="stdout", text="\r3/3 [===] done\nEpoch 2/2\n"),
    ]
    tidy_outputs(notebook)
    assert [o["text"] for o in notebook.cells[0].outputs] == ["Epoch 1/2\n3/3 [===] done\nEpoch 2/2\n"]


def test_parameters_are_set_in_a_cell_after_the_one_tagged_parameters_as_papermill_does():
    notebook = new_notebook(cells=[new_markdown_cell("badge"), new_code_cell("PROFILE_NAME = None"), new_code_cell("setup")])
    notebook.cells[1].metadata["tags"] = ["parameters"]
    inject_parameters(notebook, {"PROFILE_NAME": "smoke"})
    assert [cell.source for cell in notebook.cells] == ["badge", "PROFILE_NAME = None",
                                                        "# Parameters\nPROFILE_NAME = 'smoke'", "setup"]
    assert notebook.cells[2].metadata["tags"] == ["injected-parameters"]
    with pytest.raises(ValueError, match="no cell tagged 'parameters' to set PROFILE_NAME"):
        inject_parameters(new_notebook(cells=[new_code_cell("x = 1")]), {"PROFILE_NAME": "smoke"})


def test_failing_cell_is_named_and_the_partial_notebook_kept(tmp_path):
    source = tmp_path / "07_broken.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("x = 1"), new_code_cell("1 / 0")]), source)
    target = tmp_path / "out" / source.name
    target.parent.mkdir()
    with pytest.raises(NotebookFailed, match=r"07_broken.ipynb failed in cell 2 \('1 / 0'\): ZeroDivisionError"):
        execute_notebook(source, target)
    assert nbformat.read(target, as_version=4).cells[1].outputs[0]["ename"] == "ZeroDivisionError"


def test_a_kernel_that_dies_is_reported_with_the_notebook_and_the_cell(tmp_path):
    source = tmp_path / "nb.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("x = 1"), new_code_cell("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")]), source)
    with pytest.raises(NotebookFailed, match=r"nb.ipynb: the kernel died \(killed, or out of memory\) in cell 2/2"):
        execute_notebook(source, tmp_path / "out.ipynb")
    assert (tmp_path / "out.ipynb").is_file()


def test_the_kernels_peak_memory_is_measured_where_the_system_tells(tmp_path):
    source = tmp_path / "nb.ipynb"
    held = "block = bytearray(400 * 2**20)\nimport time; time.sleep(2.5)\ndel block"  # 400 MiB, for longer than a poll
    nbformat.write(new_notebook(cells=[new_code_cell(held)]), source)
    peak = execute_notebook(source, tmp_path / "out.ipynb")
    if Path("/proc/self/status").is_file():  # Linux, as on Colab and CI
        assert 400 * 2**20 < peak < 2 * 2**30
    else:
        assert peak is None


def test_progress_shows_cells_epoch_lines_and_a_heartbeat(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(progress, "HEARTBEAT_SECONDS", 1)
    training = (
        "import sys, time\nprint('loading')\nprint('Epoch 1/2')\n"
        "sys.stdout.write('\\r\\x1b[1m1/3\\x1b[0m ━'); sys.stdout.flush(); time.sleep(2.5)\n"
        "sys.stdout.write('\\b\\r3/3 ━━━ - loss: 0.5\\n')\nprint('Epoch 2/2')"
    )
    source = tmp_path / "07_training.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("x = 1"), new_code_cell(training)]), source)
    execute_notebook(source, tmp_path / "out.ipynb")
    lines = [line for line in capsys.readouterr().out.splitlines() if "still running" not in line]
    # The heartbeat repeats the bar's state once a second or so, more often on a busy machine.
    shown = [line for i, line in enumerate(lines) if i == 0 or line != lines[i - 1]]
    assert shown[:2] == ["  cell 1/2    x = 1", "  cell 2/2    import sys, time"]
    # Lines before the first epoch are not echoed; the bar's state shows while it grows.
    assert shown[2:] == ["    Epoch 1/2", "    1/3 ━", "    3/3 ━━━ - loss: 0.5", "    Epoch 2/2"]


def test_course_command_runs_a_notebook_into_the_output_folder(tmp_path):
    """The README's "run the course" command, on notebook 01 and the smoke profile."""
    result = subprocess.run(
        [sys.executable, "-m", "helpers", "run", "--profile", "smoke", "--output", str(tmp_path), "01"],
        cwd=ROOT, env=os.environ | {"COURSE_PROFILE": "quick"}, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "[1/1] 01_data_preparation (smoke)" in result.stdout
    assert "  cell 1/" in result.stdout and "01_data_preparation   " in result.stdout  # progress, summary
    assert "without encryption" not in result.stderr
    executed = nbformat.read(tmp_path / "01_data_preparation.ipynb", as_version=4)
    assert all(cell.get("execution_count") for cell in executed.cells if cell.cell_type == "code")
    assert executed.metadata.language_info == IPythonKernel.language_info
    assert "Profile: smoke" in result.stdout
    injected = [cell.source for cell in executed.cells if "injected-parameters" in cell.metadata.get("tags", [])]
    assert injected == ["# Parameters\nPROFILE_NAME = 'smoke'"]
    logged = load_notebook_runs("smoke")["01_data_preparation"]  # the same data folder as the command's
    assert 0 < logged.minutes < 10 and logged.environment["keras"].startswith("3.")
    assert f"{logged.minutes:5.1f} min{runner._memory_text(logged.peak_memory_gib)}" in result.stdout


def test_course_command_refuses_to_write_over_the_notebooks():
    result = subprocess.run(
        [sys.executable, "-m", "helpers", "run", "--output", str(ROOT / "notebooks"), "01"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 1
    assert "notebooks' own folder" in result.stderr


def test_relative_paths_are_resolved_against_the_callers_folder(tmp_path):
    environ = {"COURSE_DATA_DIR": "course-data", "IMDB_SOURCE": "../archives/aclImdb_v1.tar.gz",
               "GLOVE_SOURCE": "offline", "IMDB_SHA256": "abc"}
    resolve_path_variables(environ, tmp_path / "here")
    assert environ == {"COURSE_DATA_DIR": str(tmp_path / "here" / "course-data"),
                       "IMDB_SOURCE": str(tmp_path / "archives" / "aclImdb_v1.tar.gz"),
                       "GLOVE_SOURCE": "offline", "IMDB_SHA256": "abc"}


def test_urls_and_absolute_paths_are_left_as_they_are(tmp_path):
    environ = {"IMDB_SOURCE": "https://example.org/aclImdb_v1.tar.gz", "GLOVE_SOURCE": str(tmp_path / "g.zip")}
    resolve_path_variables(environ, Path("/elsewhere"))
    assert environ == {"IMDB_SOURCE": "https://example.org/aclImdb_v1.tar.gz", "GLOVE_SOURCE": str(tmp_path / "g.zip")}


def test_course_run_resolves_relative_paths_before_anything_else(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COURSE_DATA_DIR", "data-here")
    with pytest.raises(ValueError, match="no notebook matches 99"):
        run_course(PROFILES["smoke"], ["99"])
    assert os.environ["COURSE_DATA_DIR"] == str(tmp_path / "data-here")


def test_check_without_a_reference_fails_before_running_anything(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "helpers", "run", "--profile", "smoke", "--check", "01"],
        cwd=tmp_path, env=os.environ | {"PYTHONPATH": str(ROOT), "COURSE_DATA_DIR": str(tmp_path / "data")},
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 1
    assert "no reference results for the 'smoke' profile" in result.stderr
    assert "[1/1]" not in result.stdout
