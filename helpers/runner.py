"""Run the course: execute the notebooks in order, headless, into an output folder.

    python -m helpers run --profile quick            # every notebook
    python -m helpers run --profile smoke 01 06      # a subset, by number or name

Executed copies go to `data/runs/<profile>/` (or `--output`), never over the notebooks
themselves. While a notebook runs, the terminal shows each code cell as it starts and,
from a training cell, Keras' epoch lines as they come, with the progress bar's state at
least every half minute. A failing cell stops the run with the notebook and the cell
named; the copy executed so far is kept for a look. At the end come the time each
notebook took, its kernel's peak memory, and the results table; the times and memory are also
recorded (`helpers.run_log`), for the reference results.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
import time
import urllib.parse
from collections.abc import MutableMapping
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, DeadKernelError
from traitlets.config import Config

from helpers.config import PROFILE_ENV, Profile, data_dir, project_root
from helpers.results import results_table
from helpers.run_log import peak_memory_bytes, record_notebook_run


PATH_VARIABLES = ("COURSE_DATA_DIR", "IMDB_SOURCE", "GLOVE_SOURCE")


class NotebookFailed(RuntimeError):
    """A cell of a notebook raised while the course was running."""


HEARTBEAT_SECONDS = 30  # longest silence in the terminal while a cell runs


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
    executed, costs = [], {}
    for number, source in enumerate(notebooks, start=1):
        print(f"[{number}/{len(notebooks)}] {source.stem} ({profile.name})", flush=True)
        start = time.perf_counter()
        target = output / source.name
        peak = execute_notebook(source, target)
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


def execute_notebook(source: Path, target: Path) -> int | None:
    """Execute `source` in its own folder with the current environment's kernel, showing
    its progress (see the module doc); save it to `target`, as far as it ran. Return the
    kernel's peak resident memory in bytes (None where the system does not tell)."""
    notebook = nbformat.read(source, as_version=4)
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


class ProgressClient(NotebookClient):
    """A `NotebookClient` that prints each code cell as it starts and, once a cell has
    printed a Keras `Epoch n/N` line (or resumes a training), that cell's lines as they come; while a cell runs
    silently, or a progress bar grows, it prints where things stand every
    `HEARTBEAT_SECONDS`."""

    def __init__(self, notebook: nbformat.NotebookNode, **kwargs):
        super().__init__(notebook, on_cell_execute=self._cell_starts, **kwargs)
        self._code_cells = [i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"]
        self._lock = threading.Lock()
        self._cell, self._cell_started, self._last_print = "kernel", time.monotonic(), time.monotonic()
        self._training, self._line = False, ""
        self.peak_memory: int | None = None  # the kernel's, in bytes, read every second

    @property
    def current_cell(self) -> str:
        """'cell n/N' of the code cell that runs now ('kernel' before the first one)."""
        return self._cell

    def execute(self, **kwargs):
        stopped = threading.Event()
        threading.Thread(target=self._heartbeat, args=(stopped,), daemon=True).start()
        try:
            return super().execute(**kwargs)
        finally:
            stopped.set()

    def output(self, outs, msg, display_id, cell_index):
        if msg["msg_type"] == "stream":
            with self._lock:
                self._echo_stream(msg["content"]["text"])
        return super().output(outs, msg, display_id, cell_index)

    def _cell_starts(self, cell, cell_index: int) -> None:
        number = self._code_cells.index(cell_index) + 1
        first_line = next((line for line in cell.source.splitlines() if line.strip()), "")
        with self._lock:
            self._cell, self._cell_started = f"cell {number}/{len(self._code_cells)}", time.monotonic()
            self._training, self._line = False, ""
            self._print(f"  {self._cell:<11} {first_line[:80]}")

    def _echo_stream(self, text: str) -> None:
        *complete, self._line = (self._line + text).split("\n")
        for line in map(_screen_line, complete):
            self._training = self._training or bool(re.match(r"Epoch \d+/\d+$|Resuming after epoch", line))
            if self._training and line:
                self._print(f"    {line}")

    def _heartbeat(self, stopped: threading.Event) -> None:
        while not stopped.wait(1):
            self._read_peak_memory()
            with self._lock:
                if time.monotonic() - self._last_print < HEARTBEAT_SECONDS:
                    continue
                state = _screen_line(self._line) if self._training else ""
                running = (time.monotonic() - self._cell_started) / 60
                self._print(f"    {state}" if state else f"  {self._cell:<11} still running, {running:.1f} min")

    def _read_peak_memory(self) -> None:
        pid = getattr(getattr(self.km, "provisioner", None), "pid", None)
        peak = peak_memory_bytes(pid) if pid else None
        if peak is not None:
            self.peak_memory = max(peak, self.peak_memory or 0)

    def _print(self, line: str) -> None:
        print(line, flush=True)
        self._last_print = time.monotonic()


def _local_transport(folder: Path) -> Config:
    """Kernel messages over local sockets in `folder` (IPC) where the system has them, so
    that the kernel neither listens on TCP nor warns that TCP is unencrypted."""
    if os.name != "posix":
        return Config()
    return Config({"KernelManager": {"transport": "ipc", "ip": str(folder / "kernel")}})


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


def _screen_line(line: str) -> str:
    """What a terminal last shows of one line: after its last carriage return, without
    backspaces and colours."""
    return _strip_ansi(_collapse_carriage_returns(line).replace("\b", "")).rstrip()


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
