"""What a headless run shows: in the terminal as it runs, and in the executed notebook it stores.

`ProgressClient` prints each code cell as it starts and a training cell's epoch lines as
they come, with a heartbeat while a cell runs silently; `tidy_outputs` stores what a screen
shows (stream outputs joined, each progress bar at its final state).
"""

from __future__ import annotations

import re
import threading
import time

import nbformat
from nbclient import NotebookClient
from nbconvert.preprocessors import CoalesceStreamsPreprocessor

from helpers.instructor.run_log import peak_memory_bytes

HEARTBEAT_SECONDS = 30  # longest silence in the terminal while a cell runs


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


def tidy_outputs(notebook: nbformat.NotebookNode) -> None:
    """Store what a screen shows: nbconvert's `CoalesceStreamsPreprocessor` joins consecutive
    stream outputs of a cell, as Jupyter shows them, and keeps of each line only the text after
    its last carriage return (the final state of a progress bar)."""
    CoalesceStreamsPreprocessor().preprocess(notebook, {})


def _collapse_carriage_returns(text: str) -> str:
    lines = [line.rstrip("\r").rsplit("\r", 1)[-1] for line in text.split("\n")]
    return "\n".join(lines)


def _screen_line(line: str) -> str:
    """What a terminal last shows of one line: after its last carriage return, without
    backspaces and colours."""
    return strip_ansi(_collapse_carriage_returns(line).replace("\b", "")).rstrip()


def strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)
