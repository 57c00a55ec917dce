"""Notebook 8 on a runtime with no results (a new Colab runtime): the profile's reference, labelled."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

from helpers.reference import load_reference, reference_in_place_of_runs

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "08_results.ipynb"


def test_without_runs_the_reference_is_shown_labelled_as_not_yours(isolated_data_dir):
    shown = reference_in_place_of_runs("quick")
    accuracy = load_reference("quick").models["embeddings"]["test_accuracy"]
    assert shown.startswith("No runs of the 'quick' profile here yet. In their place, the course's reference run, not yours")
    assert "run notebooks 2 to 7 under the 'quick' profile" in shown
    assert "Reference run of the 'quick' profile" in shown and f"{accuracy:.3f}" in shown


def test_without_runs_or_reference_it_says_what_to_run(isolated_data_dir):
    shown = reference_in_place_of_runs("smoke")
    assert shown.startswith("No runs of the 'smoke' profile here yet, and no reference run of it to show")
    assert "run notebooks 2 to 7 under the 'smoke' profile" in shown


def test_results_notebook_runs_on_a_fresh_data_folder_and_shows_the_reference(isolated_data_dir, monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "quick")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3",  # the kernel inherits this environment
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()  # raises if a cell fails
    printed = ["".join(output.get("text", "") for output in cell.outputs) for cell in notebook.cells
               if cell.cell_type == "code"]
    assert any(text.startswith("No runs of the 'quick' profile here yet. In their place, the course's reference run")
               for text in printed)
    assert not any(path.name == "results" for path in isolated_data_dir.iterdir())  # nothing recorded
