"""The committed notebooks: metadata as the kernel reports it, one setup cell, and each
model of the catalogue built by its own notebook's code, with the catalogue's size."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace

import nbformat
import numpy as np
import pytest
from IPython.core.inputtransformer2 import TransformerManager
from ipykernel.ipkernel import IPythonKernel

from helpers.catalogue import COURSE_MODELS
from helpers.config import MAX_TOKENS

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))
# What model cells take from the cells before them: notebook 05's GloVe vectors and their
# matrix, at the textbook's 100 dimensions.
STAND_INS = {"glove": SimpleNamespace(dim=100), "matrix": np.zeros((MAX_TOKENS, 100), dtype="float32")}


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def code_cells(notebook: nbformat.NotebookNode) -> list[str]:
    """The sources of the code cells after the parameters cell: the setup cell first."""
    return [cell.source for cell in notebook.cells
            if cell.cell_type == "code" and "parameters" not in cell.metadata.get("tags", [])]


def parameters_cell(notebook: nbformat.NotebookNode) -> str:
    return next(cell.source for cell in notebook.cells if "parameters" in cell.metadata.get("tags", []))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_carries_the_language_info_the_kernel_reports(path):
    """So that opening it in JupyterLab changes nothing (on the course's Python)."""
    language_info = dict(read(path).metadata.language_info)
    assert re.fullmatch(r"3\.\d+\.\d+", language_info.pop("version"))
    expected = {key: value for key, value in IPythonKernel.language_info.items() if key != "version"}
    assert language_info == expected
    assert read(path).metadata.kernelspec.name == "python3"


def test_every_notebook_opens_with_the_same_setup_cell():
    setups = {path.stem: code_cells(read(path))[0] for path in NOTEBOOKS}
    first = setups[NOTEBOOKS[0].stem]
    assert first.startswith("# Setup: the same cell opens every notebook.")
    assert [name for name, setup in setups.items() if setup != first] == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_a_cell_tagged_parameters_names_the_profile_just_before_the_setup_cell(path):
    """The Jupyter convention that papermill and the course's runner use to choose the profile."""
    cells = read(path).cells
    tagged = [index for index, cell in enumerate(cells) if "parameters" in cell.metadata.get("tags", [])]
    assert len(tagged) == 1
    assert "colab.research.google.com" in cells[0].source  # the badge still comes first
    assert cells[tagged[0] + 1].source.startswith("# Setup")
    assert not any(cell.cell_type == "code" for cell in cells[: tagged[0]])
    namespace = {}
    exec(cells[tagged[0]].source, namespace)  # noqa: S102
    assert namespace["PROFILE_NAME"] is None
    assert "get_profile(PROFILE_NAME)" in cells[tagged[0] + 1].source


@pytest.mark.parametrize("model", COURSE_MODELS, ids=lambda model: model.key)
def test_notebook_model_has_the_catalogue_parameter_count(model, capsys):
    """Runs the notebook's setup cell and its cell tagged `model`, as written there."""
    path = next((p for p in NOTEBOOKS if p.stem == model.notebook), None)
    assert path is not None, f"the catalogue names {model.notebook}.ipynb, which is not in notebooks/"
    notebook = read(path)
    tagged = [cell.source for cell in notebook.cells if "model" in cell.metadata.get("tags", [])]
    assert len(tagged) == 1, f"tag the cell that builds the model of {path.name} 'model' (found {len(tagged)})"
    namespace = dict(STAND_INS)
    exec(parameters_cell(notebook), namespace)  # noqa: S102
    exec(TransformerManager().transform_cell(code_cells(notebook)[0]), namespace)  # noqa: S102
    exec(tagged[0], namespace)  # noqa: S102
    assert namespace["model"].count_params() == model.params


def run_setup_cell(namespace: dict) -> None:
    exec(parameters_cell(read(NOTEBOOKS[0])), namespace)  # noqa: S102
    exec(TransformerManager().transform_cell(code_cells(read(NOTEBOOKS[0]))[0]), namespace)  # noqa: S102


def test_setup_cell_without_the_helpers_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "helpers", None)  # as where the course was never installed
    with pytest.raises(ModuleNotFoundError, match=r"run `pip install -e \.` in its folder") as error:
        run_setup_cell({})
    assert error.value.__suppress_context__  # one line, not the import's traceback too


def test_setup_cell_on_colab_installs_from_the_course_address_and_explains_a_failed_install(monkeypatch):
    from helpers.instructor.publish import course_address

    magics = []
    ipython = SimpleNamespace(run_line_magic=lambda name, line: magics.append((name, line)))  # pip fails quietly
    monkeypatch.setitem(sys.modules, "google.colab", ModuleType("google.colab"))
    monkeypatch.setitem(sys.modules, "helpers", None)
    with pytest.raises(ModuleNotFoundError, match="the install above failed"):
        run_setup_cell({"get_ipython": lambda: ipython})
    address = course_address(Path(__file__).resolve().parents[1])
    assert [name for name, _ in magics] == ["pip"]
    assert f"git+https://github.com/{address.repository}@{address.branch}" in magics[0][1]


def test_nbval_markers_are_cell_tags_not_comments_in_the_learners_code():
    """nbval reads `nbval-check-output` from a cell's tags, so the code a learner reads carries no marker."""
    commented = [f"{path.stem}:{index}" for path in NOTEBOOKS for index, source in enumerate(code_cells(read(path)))
                 if re.search(r"^\s*#\s*NBVAL_", source, re.M)]
    checked = sum("nbval-check-output" in cell.metadata.get("tags", []) for path in NOTEBOOKS for cell in read(path).cells)
    assert commented == [] and checked > 0


def test_the_results_notebook_builds_no_dataset():
    """Notebook 8 reads the records and checkpoints (vocabulary included), so it runs at once."""
    results = next(path for path in NOTEBOOKS if path.stem.startswith("08_"))
    assert not [source for source in code_cells(read(results)) if "load_course_data" in source]
