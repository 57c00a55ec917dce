"""The course's JSON records (results, notebook timings, references): one way to keep them.

A record file is one JSON object, written whole and atomically under a lock of its own:
concurrent runs each add their entry, and a kill or a full disk leaves the previous file. A file
that cannot be read back is never silently reset: it is renamed aside, with a message, and the
record starts afresh.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from helpers._plumbing.storage import data_lock, write_atomically

Entry = TypeVar("Entry")


def load_entries(path: Path, entry_type: type[Entry]) -> dict[str, Entry]:
    """The entries of `path` by key, each `entry_type(**fields)`; empty without a readable file."""
    try:
        return _parsed(path, entry_type)
    except (ValueError, TypeError, AttributeError):
        with data_lock(_lock_name(path)):  # one process keeps it aside; the others then read anew
            return _entries_or_aside(path, entry_type)


def save_entry(path: Path, key: str, entry: Any) -> None:
    """Add the dataclass `entry` to the record file `path` under `key`, replacing an earlier one."""
    with data_lock(_lock_name(path)):
        entries = {name: asdict(value) for name, value in _entries_or_aside(path, type(entry)).items()}
        entries[key] = asdict(entry)
        _write(path, entries)


def save_document(path: Path, content: dict) -> None:
    """Write `content` as the whole record file `path` (a reference), replacing what was there."""
    with data_lock(_lock_name(path)):
        _write(path, content)


def _entries_or_aside(path: Path, entry_type: type[Entry]) -> dict[str, Entry]:
    """The entries of `path`, an unreadable file renamed aside with a message. Call under the lock."""
    try:
        return _parsed(path, entry_type)
    except (ValueError, TypeError, AttributeError) as error:
        aside = path.with_name(f"{path.stem}.unreadable-{datetime.now():%Y%m%d-%H%M%S}{path.suffix}")
        os.replace(path, aside)
        print(f"The record file {path} cannot be read ({error}). It was kept aside as {aside}; "
              f"a new {path.name} is started. Look into the copy, or delete it.")
        return {}


def _parsed(path: Path, entry_type: type[Entry]) -> dict[str, Entry]:
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return {str(key): entry_type(**fields) for key, fields in content.items()}


def _write(path: Path, content: dict) -> None:
    write_atomically(path, json.dumps(content, indent=1) + "\n")


def _lock_name(path: Path) -> str:
    return f"records-{path.parent.name}-{path.stem}"
