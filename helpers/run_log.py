"""What each notebook of a course run cost: wall time, the kernel's peak memory, and where it ran.

The course runner adds one entry per notebook to `data/results/<profile>-notebooks.json`
(a later run of a notebook replaces its entry); `python -m helpers reference` copies them
into the reference file, so a reference says what it cost and on which machine and software.
"""

from __future__ import annotations

import json
import os
import platform
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from helpers.config import data_dir
from helpers.storage import data_lock, write_atomically

GIB = 2**30


@dataclass
class NotebookRun:
    """One notebook, executed headless under `profile`: wall minutes and its kernel's peak memory."""

    notebook: str
    profile: str
    minutes: float
    peak_memory_gib: float | None  # None where the system does not tell (it does on Linux)
    finished_at: str
    environment: dict[str, str]


def environment() -> dict[str, str]:
    """The machine and the software versions a run used, without importing TensorFlow."""
    versions = {}
    for package in ("tensorflow", "keras"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return {
        "python": platform.python_version(),
        **versions,
        "system": f"{platform.system()} {platform.machine()}",
        "cpu": cpu_model(),
        "cpu_cores": str(os.cpu_count()),
    }


def cpu_model() -> str:
    """The processor's name as the system reports it ('unknown' where it does not)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def peak_memory_bytes(pid: int) -> int | None:
    """The largest resident memory process `pid` has had so far (Linux's VmHWM); None if unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024  # reported in kB
    except (OSError, ValueError, IndexError):
        pass
    return None


def notebook_runs_path(profile_name: str) -> Path:
    """The file of the notebook runs of the profile called `profile_name`."""
    return data_dir() / "results" / f"{profile_name}-notebooks.json"


def record_notebook_run(notebook: str, profile_name: str, minutes: float, peak_bytes: int | None) -> NotebookRun:
    """Add a finished notebook's entry, with this machine's environment, replacing an earlier one."""
    run = NotebookRun(
        notebook=notebook, profile=profile_name, minutes=round(minutes, 2),
        peak_memory_gib=None if peak_bytes is None else round(peak_bytes / GIB, 2),
        finished_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        environment=environment(),
    )
    path = notebook_runs_path(profile_name)
    with data_lock(f"results-{profile_name}-notebooks"):
        runs = {name: asdict(entry) for name, entry in load_notebook_runs(profile_name).items()}
        runs[notebook] = asdict(run)
        write_atomically(path, json.dumps(dict(sorted(runs.items())), indent=1))
    return run


def load_notebook_runs(profile_name: str) -> dict[str, NotebookRun]:
    """The recorded notebook runs of a profile, by notebook name; empty if none, or if the file
    cannot be read (it only records costs: the next run starts it afresh)."""
    path = notebook_runs_path(profile_name)
    try:
        return {name: NotebookRun(**entry) for name, entry in json.loads(path.read_text(encoding="utf-8")).items()}
    except FileNotFoundError:
        return {}
    except (ValueError, TypeError, AttributeError):
        print(f"The notebook timings in {path} cannot be read; they are started afresh.")
        return {}
