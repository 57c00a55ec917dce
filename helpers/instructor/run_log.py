"""What each notebook of a course run cost: wall time, the kernel's peak memory, and where it ran.

The course runner adds one entry per notebook to `data/results/<profile>-notebooks.json`
(a later run of a notebook replaces its entry); `python -m helpers reference` copies them
into the reference file, so a reference says what it cost and on which machine and software.
"""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from helpers.config import Profile, profile_name
from helpers._plumbing import paths
from helpers._plumbing.records import load_entries, save_entry

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


def notebook_runs_path(profile: Profile | str) -> Path:
    """The file of the notebook runs of `profile` (a Profile or a profile's name)."""
    return paths.notebook_runs_path(profile_name(profile))


def record_notebook_run(notebook: str, profile: Profile | str, minutes: float, peak_bytes: int | None) -> NotebookRun:
    """Add a finished notebook's entry, with this machine's environment, replacing an earlier one."""
    run = NotebookRun(
        notebook=notebook, profile=profile_name(profile), minutes=round(minutes, 2),
        peak_memory_gib=None if peak_bytes is None else round(peak_bytes / GIB, 2),
        finished_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        environment=environment(),
    )
    save_entry(notebook_runs_path(profile), notebook, run)
    return run


def load_notebook_runs(profile: Profile | str) -> dict[str, NotebookRun]:
    """The recorded notebook runs of `profile`, by notebook name, in course order; empty if
    none, or if the file cannot be read (it is then kept aside, with a message)."""
    return dict(sorted(load_entries(notebook_runs_path(profile), NotebookRun).items()))
