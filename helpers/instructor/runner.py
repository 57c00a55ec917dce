"""Run the course: execute the notebooks in order, headless, into an output folder.

    python -m helpers run --profile quick            # every notebook
    python -m helpers run --profile smoke 01 06      # a subset, by number or name

Executed copies go to `data/runs/<profile>/` (or `--output`), never over the notebooks
themselves. While a notebook runs, the terminal shows each code cell as it starts and,
from a training cell, Keras' epoch lines as they come, with the progress bar's state at
least every half minute. A failing cell stops the run with the notebook and the cell
named; the copy executed so far is kept for a look. At the end come the time each
notebook took, its kernel's peak memory, and the results table; the times and memory are also
recorded (`helpers.instructor.run_log`), for the reference results.
"""

from __future__ import annotations

import os
import tempfile
import time
import urllib.parse
from collections.abc import MutableMapping
from pathlib import Path

import nbformat
from nbclient.exceptions import CellExecutionError, DeadKernelError
from traitlets.config import Config

from helpers.config import PROFILE_ENV, Profile, as_profile, project_root
from helpers._plumbing.paths import runs_dir
from helpers.instructor.progress import ProgressClient, strip_ansi, tidy_outputs
from helpers.instructor.run_log import record_notebook_run
from helpers.results import results_table


PATH_VARIABLES = ("COURSE_DATA_DIR", "IMDB_SOURCE", "GLOVE_SOURCE")


class NotebookFailed(RuntimeError):
    """A cell of a notebook raised while the course was running."""


def course_notebooks() -> list[Path]:
    """The numbered notebooks of the course (`NN_name.ipynb`), in order."""
    root = project_root()
    folder = root / "notebooks" if root else Path("notebooks")
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


def run_course(profile: Profile | str, wanted: list[str] | None = None, output: Path | None = None) -> list[Path]:
    """Execute the chosen notebooks under `profile` (a Profile or its name); return the executed copies.

    Raises NotebookFailed naming the notebook and the cell that failed; ValueError for an
    unknown notebook or an output folder that cannot be written.
    """
    profile = as_profile(profile)
    resolve_path_variables(os.environ, Path.cwd())  # before data_dir(), and before any kernel starts
    notebooks = select_notebooks(course_notebooks(), wanted or [])
    output = (output or runs_dir(profile.name)).resolve()
    if output == notebooks[0].parent.resolve():
        raise ValueError("the output folder is the notebooks' own folder: pick another with --output")
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ValueError(f"cannot use {output} as the output folder ({error.strerror}): "
                         "name a folder you can write to with --output") from None
    os.environ[PROFILE_ENV] = profile.name  # the kernels inherit it
    executed, costs = [], {}
    for number, source in enumerate(notebooks, start=1):
        print(f"[{number}/{len(notebooks)}] {source.stem} ({profile.name})", flush=True)
        start = time.perf_counter()
        target = output / source.name
        peak = execute_notebook(source, target, {"PROFILE_NAME": profile.name})
        executed.append(target)
        costs[source.stem] = record_notebook_run(source.stem, profile.name, (time.perf_counter() - start) / 60, peak)
        print(f"      done in {costs[source.stem].minutes:.1f} min{_memory_text(costs[source.stem].peak_memory_gib)}", flush=True)
    width = max(len(name) for name in costs)
    print(f"\nThe course ran in {sum(run.minutes for run in costs.values()):.1f} min on the '{profile.name}' profile:")
    print("\n".join(f"  {name:<{width}}  {run.minutes:5.1f} min{_memory_text(run.peak_memory_gib)}"
                    for name, run in costs.items()))
    print(f"Executed notebooks in {output}\n")
    print(results_table(profile.name))
    return executed


def _memory_text(peak_gib: float | None) -> str:
    return "" if peak_gib is None else f", peak memory {peak_gib:.1f} GiB"


def resolve_path_variables(environ: MutableMapping[str, str], folder: Path) -> None:
    """Make relative paths in $COURSE_DATA_DIR, $IMDB_SOURCE and $GLOVE_SOURCE absolute.

    The kernels start in `notebooks/`, so a relative path would mean another place there
    than in the caller's folder. URLs and `offline` are left as they are.
    """
    for name in PATH_VARIABLES:
        value = environ.get(name, "").strip()
        if value and value.lower() != "offline" and not urllib.parse.urlsplit(value).scheme:
            environ[name] = str((folder / Path(value).expanduser()).resolve())


def execute_notebook(source: Path, target: Path, parameters: dict[str, object] | None = None) -> int | None:
    """Execute `source` in its own folder with the current environment's kernel, showing
    its progress (see the module doc); save it to `target`, as far as it ran. `parameters`
    (such as `PROFILE_NAME`) are set in a cell after the one tagged `parameters`, as papermill
    does. Return the kernel's peak resident memory in bytes (None where the system does not tell)."""
    notebook = nbformat.read(source, as_version=4)
    if parameters:
        inject_parameters(notebook, parameters)
    sockets = tempfile.TemporaryDirectory(prefix="course-kernel-")
    client = ProgressClient(
        notebook, timeout=None, kernel_name="python3", resources={"metadata": {"path": str(source.parent)}},
        record_timing=False,  # no execution timestamps in the cells' metadata: the copies stay diffable
        config=_local_transport(Path(sockets.name)),
    )
    try:
        client.execute()
        return client.peak_memory
    except CellExecutionError as error:
        raise NotebookFailed(_describe_failure(source, notebook, error, target)) from None
    except DeadKernelError:
        raise NotebookFailed(
            f"{source.name}: the kernel died (killed, or out of memory) in {client.current_cell}; "
            f"the notebook as far as it ran is in {target}"
        ) from None
    finally:
        sockets.cleanup()
        tidy_outputs(notebook)
        nbformat.write(notebook, target)


def inject_parameters(notebook: nbformat.NotebookNode, parameters: dict[str, object]) -> None:
    """Insert a cell tagged `injected-parameters` that sets `parameters` right after the cell
    tagged `parameters` (papermill's convention); ValueError if the notebook has no such cell."""
    tagged = [index for index, cell in enumerate(notebook.cells) if "parameters" in cell.metadata.get("tags", [])]
    if not tagged:
        raise ValueError("the notebook has no cell tagged 'parameters' to set "
                         f"{', '.join(parameters)} after: tag the cell that sets them")
    lines = ["# Parameters"] + [f"{name} = {value!r}" for name, value in parameters.items()]
    cell = nbformat.v4.new_code_cell("\n".join(lines), metadata={"tags": ["injected-parameters"]})
    notebook.cells.insert(tagged[0] + 1, cell)


def _local_transport(folder: Path) -> Config:
    """Kernel messages over local sockets in `folder` (IPC) where the system has them, so
    that the kernel neither listens on TCP nor warns that TCP is unencrypted."""
    if os.name != "posix":
        return Config()
    return Config({"KernelManager": {"transport": "ipc", "ip": str(folder / "kernel")}})


def _describe_failure(source: Path, notebook, error: CellExecutionError, target: Path) -> str:
    for index, cell in enumerate(notebook.cells, start=1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                first_line = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
                return (
                    f"{source.name} failed in cell {index} ({first_line!r}): "
                    f"{output['ename']}: {strip_ansi(output['evalue'])}\n"
                    f"The notebook as far as it ran is in {target}"
                )
    return f"{source.name} failed: {error}"
