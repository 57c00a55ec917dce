"""Safe writing under `data/`: one writer at a time, all-or-nothing writes, manifests.

`data_lock(name)` lets one process at a time prepare something (others wait, with a message);
`atomic_path(target)` puts what a block created in place with one rename when it succeeds. A
manifest is a small JSON file written last beside a prepared file or folder: the artifact is
reused only while it still matches.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from helpers._plumbing.paths import lock_path


@contextmanager
def data_lock(name: str, wait: bool = True) -> Iterator[None]:
    """Hold the lock `data/.locks/<name>.lock` for the block (re-entrant within a process);
    while another process holds it, wait, saying so, or without `wait` raise `LockHeld` naming
    that process (the system frees a dead process's lock)."""
    from filelock import FileLock, Timeout

    path = lock_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    holder = path.with_suffix(".holder")  # beside the lock: acquiring empties the lock file itself
    lock = FileLock(path, is_singleton=True)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if not wait:
            raise LockHeld(_read_holder(holder)) from None
        print(f"Waiting for another process that is preparing {name} (lock {path}) …", flush=True)
        lock.acquire()
    first = lock.lock_counter == 1
    if first:
        _write_holder(holder)
    try:
        yield
    finally:
        if first:
            holder.unlink(missing_ok=True)
        lock.release()


class LockHeld(RuntimeError):
    """Another process holds a `data_lock`; the message says which, as far as it is known."""


def _write_holder(holder: Path) -> None:
    session = os.environ.get("JPY_SESSION_NAME")  # the notebook, in a kernel started by Jupyter
    described = f"process {os.getpid()} on {socket.gethostname()}" + (f" ({session})" if session else "")
    started = datetime.now(timezone.utc).strftime("%H:%M UTC")
    holder.write_text(f"{described}, since {started}", encoding="utf-8")


def _read_holder(holder: Path) -> str:
    try:
        return holder.read_text(encoding="utf-8")
    except OSError:
        return "another process"


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield an unused path beside `target` to create a file or folder at; when the block ends
    without error, rename it onto `target` (replacing a folder there), else remove it. Call it
    under `data_lock`: it also removes what killed processes left beside `target`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for leftover in target.parent.glob(f".{target.name}.*.partial"):
        _remove(leftover)
    temporary = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent))
    temporary.rmdir()  # only the unique name is needed: the caller creates the file or folder
    try:
        yield temporary
        if temporary.is_dir() and target.is_dir():
            shutil.rmtree(target)
        os.replace(temporary, target)
    finally:
        _remove(temporary)


def write_atomically(target: Path, content: str | bytes) -> None:
    """Write text (UTF-8) or bytes to `target` at once: readers see the old or the new file."""
    with atomic_path(target) as temporary:
        if isinstance(content, str):
            temporary.write_text(content, encoding="utf-8")
        else:
            temporary.write_bytes(content)


def manifest_path(artifact: Path) -> Path:
    return artifact.with_name(artifact.name + ".manifest.json")


def write_manifest(artifact: Path, manifest: dict) -> None:
    """Write the manifest of `artifact`: last, once the artifact is complete."""
    write_atomically(manifest_path(artifact), json.dumps(manifest, indent=1, sort_keys=True))


def read_manifest(artifact: Path) -> dict | None:
    """The manifest of `artifact`, or None if there is none or it cannot be read."""
    try:
        manifest = json.loads(manifest_path(artifact).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def folder_manifest(folder: Path, sizes: bool = True, **extra) -> dict:
    """The manifest of a folder of `split/class/*.txt` files: counts per split and class, a
    SHA-256 of the sorted names (and with `sizes`, their sizes: slower on 50,000 files), and `extra`."""
    listing = {}
    for split in _folders(folder):
        for label in _folders(Path(split.path)):
            for entry in os.scandir(label.path):
                if entry.name.endswith(".txt") and entry.is_file():
                    listing[f"{split.name}/{label.name}/{entry.name}"] = entry.stat().st_size if sizes else 0
    counts: dict[str, dict[str, int]] = {}
    for name in listing:
        split, label, _ = name.split("/")
        counts.setdefault(split, {}).setdefault(label, 0)
        counts[split][label] += 1
    lines = "".join(f"{name}\t{size}\n" for name, size in sorted(listing.items()))
    return {"sizes": sizes, "counts": counts, "digest": hashlib.sha256(lines.encode()).hexdigest(), **extra}


def folder_differences(folder: Path, **extra) -> str | None:
    """None if `folder` matches its manifest and its `extra` fields; else what differs, in words."""
    if not folder.is_dir():
        return f"{folder} is missing"
    manifest = read_manifest(folder)
    if manifest is None:
        return f"{folder} has no manifest (an interrupted or older preparation)"
    current = folder_manifest(folder, sizes=manifest.get("sizes") is True)
    changed = [
        f"{split}/{label} has {current['counts'].get(split, {}).get(label, 0):,} files instead of {expected:,}"
        for split, per_class in manifest.get("counts", {}).items()
        for label, expected in per_class.items()
        if current["counts"].get(split, {}).get(label, 0) != expected
    ]
    changed += [f"its {key} changed" for key, value in extra.items() if manifest.get(key) != value]
    if not changed and current["digest"] != manifest.get("digest"):
        changed.append("files were moved, added or changed")
    return f"{folder} differs from its manifest: " + "; ".join(changed) if changed else None


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _folders(path: Path) -> list[os.DirEntry]:
    return [entry for entry in os.scandir(path) if entry.is_dir()] if path.is_dir() else []
