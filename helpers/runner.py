"""Run the course: execute the notebooks in order, headless, into an output folder.

    python -m helpers run --profile quick            # every notebook
    python -m helpers run --profile smoke 01 06      # a subset, by number or name

Executed copies go to `data/runs/<profile>/` (or `--output`), never over the notebooks
themselves. A failing cell stops the run with the notebook and the cell named; the copy
executed so far is kept for a look. At the end the results table is printed.
"""

from __future__ import annotations

import os
import re
import time
import urllib.parse
from collections.abc import MutableMapping
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from helpers.config import PROFILE_ENV, Profile, data_dir, project_root
from helpers.results import results_table


PATH_VARIABLES = ("COURSE_DATA_DIR", "IMDB_SOURCE", "GLOVE_SOURCE")


class NotebookFailed(RuntimeError):
    """A cell of a notebook raised while the course was running."""


def course_notebooks(folder: Path | None = None) -> list[Path]:
    """The numbered notebooks of the course (`NN_name.ipynb`), in order."""
    root = project_root()
    folder = folder or (root / "notebooks" if root else Path("notebooks"))
    notebooks = sorted(folder.glob("[0-9][0-9]_*.ipynb"))
    if not notebooks:
        raise FileNotFoundError(f"no course notebooks in {folder}: run this from a checkout of the course")
    return notebooks


def select_notebooks(notebooks: list[Path], wanted: list[str]) -> list[Path]:
    """The notebooks named in `wanted` by number ('02') or name, in course order; all if empty."""
    if not wanted:
        return notebooks
    chosen = [nb for nb in notebooks if any(_is_named(nb, w) for w in wanted)]
    unknown = [w for w in wanted if not any(_is_named(nb, w) for nb in notebooks)]
    if unknown:
        names = ", ".join(nb.stem for nb in notebooks)
        raise ValueError(f"no notebook matches {', '.join(unknown)}; the course has {names}")
    return chosen


def _is_named(notebook: Path, wanted: str) -> bool:
    return notebook.stem == wanted or notebook.stem.startswith(f"{wanted}_")


def run_course(profile: Profile, wanted: list[str] | None = None, output: Path | None = None) -> list[Path]:
    """Execute the chosen notebooks under `profile`; return the executed copies.

    Raises NotebookFailed naming the notebook and the cell that failed.
    """
    resolve_path_variables(os.environ, Path.cwd())  # before data_dir(), and before any kernel starts
    notebooks = select_notebooks(course_notebooks(), wanted or [])
    output = (output or data_dir() / "runs" / profile.name).resolve()
    if output == notebooks[0].parent.resolve():
        raise ValueError("the output folder is the notebooks' own folder: pick another with --output")
    output.mkdir(parents=True, exist_ok=True)
    os.environ[PROFILE_ENV] = profile.name  # the kernels inherit it
    executed, started = [], time.perf_counter()
    for number, source in enumerate(notebooks, start=1):
        print(f"[{number}/{len(notebooks)}] {source.stem} ({profile.name}) …", flush=True)
        start = time.perf_counter()
        target = output / source.name
        execute_notebook(source, target)
        executed.append(target)
        print(f"      done in {time.perf_counter() - start:.0f} s", flush=True)
    print(f"\nThe course ran in {(time.perf_counter() - started) / 60:.1f} min; executed notebooks in {output}\n")
    print(results_table(profile.name))
    return executed


def resolve_path_variables(environ: MutableMapping[str, str], folder: Path) -> None:
    """Make relative paths in $COURSE_DATA_DIR, $IMDB_SOURCE and $GLOVE_SOURCE absolute.

    The kernels start in `notebooks/`, so a relative path would mean another place there
    than in the caller's folder. URLs and `offline` are left as they are.
    """
    for name in PATH_VARIABLES:
        value = environ.get(name, "").strip()
        if value and value.lower() != "offline" and not urllib.parse.urlsplit(value).scheme:
            environ[name] = str((folder / Path(value).expanduser()).resolve())


def execute_notebook(source: Path, target: Path) -> None:
    """Execute `source` in its own folder with the current environment's kernel; save to `target`."""
    notebook = nbformat.read(source, as_version=4)
    client = NotebookClient(
        notebook, timeout=None, kernel_name="python3", resources={"metadata": {"path": str(source.parent)}}
    )
    try:
        client.execute()
    except CellExecutionError as error:
        raise NotebookFailed(_describe_failure(source, notebook, error, target)) from None
    finally:
        tidy_outputs(notebook)
        nbformat.write(notebook, target)


def tidy_outputs(notebook: nbformat.NotebookNode) -> None:
    """Store what a screen shows: consecutive stream outputs of a cell joined, as Jupyter
    shows them, and of each line only the text after its last carriage return (the final
    state of a progress bar)."""
    for cell in notebook.cells:
        merged = []
        for output in cell.get("outputs", []):
            previous = merged[-1] if merged else None
            if (
                output.get("output_type") == "stream"
                and previous is not None
                and previous.get("output_type") == "stream"
                and previous["name"] == output["name"]
            ):
                previous["text"] += output["text"]
            else:
                merged.append(output)
        for output in merged:
            if output.get("output_type") == "stream":
                output["text"] = _collapse_carriage_returns(output["text"])
        if "outputs" in cell:
            cell["outputs"] = merged


def _collapse_carriage_returns(text: str) -> str:
    lines = [line.rstrip("\r").rsplit("\r", 1)[-1] for line in text.split("\n")]
    return "\n".join(lines)


def _describe_failure(source: Path, notebook, error: CellExecutionError, target: Path) -> str:
    for index, cell in enumerate(notebook.cells, start=1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                first_line = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
                return (
                    f"{source.name} failed in cell {index} ({first_line!r}): "
                    f"{output['ename']}: {_strip_ansi(output['evalue'])}\n"
                    f"The notebook as far as it ran is in {target}"
                )
    return f"{source.name} failed: {error}"


def _strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)
