"""Fetch a file once, check its SHA-256, and keep it under `data/downloads/`.

The official sources are the defaults; an environment variable can point one at a local copy
(with its own checksum), so that the same code runs offline.
"""

from __future__ import annotations

import hashlib
import os
import urllib.parse
from dataclasses import dataclass, replace
from pathlib import Path

from helpers._plumbing.paths import DOWNLOADS, data_dir, downloads_dir


class ChecksumMismatch(ValueError):
    """A downloaded or local file does not have the SHA-256 it was pinned to."""


class FetchFailed(RuntimeError):
    """A file could not be fetched from its source."""


@dataclass(frozen=True)
class Source:
    """Where a file comes from (URL or local path), the SHA-256 it must have, its file name."""
    location: str
    sha256: str
    filename: str

    @property
    def is_url(self) -> bool:
        return urllib.parse.urlsplit(self.location).scheme in ("http", "https", "ftp", "file")


def source_from_env(default: Source, location_var: str, sha256_var: str) -> Source:
    """`default`, or the source named by $`location_var`, whose checksum comes from $`sha256_var`
    or, for a local file, from a `sha256sum` line in `<file>.sha256`. Raises ValueError for a
    source without a checksum; before that, FileNotFoundError or IsADirectoryError for a bad path."""
    location = os.environ.get(location_var, "").strip()
    if not location:
        return default
    sha256 = os.environ.get(sha256_var, "").strip()
    if not sha256:
        sha256 = _sidecar_checksum(location) or ""
    if not sha256 and not urllib.parse.urlsplit(location).scheme:
        _require_file(Path(location).expanduser(), f"{location_var}={location!r}", default.filename)
    if not sha256:
        raise ValueError(
            f"{location_var}={location!r} has no checksum: set {sha256_var} to its SHA-256, "
            f"or put the output of `sha256sum` in {location}.sha256"
        )
    return replace(default, location=location, sha256=sha256.lower())


def fetch(source: Source) -> Path:
    """A checked local path of `source`'s file: a local source where it is, a URL downloaded once
    into `data/downloads/` by `keras.utils.get_file` (with a progress bar). Raises ChecksumMismatch
    (deleting the download) or FetchFailed, each saying what to do."""
    if not source.is_url:
        return _checked_local_file(source)
    import keras

    target = downloads_dir() / source.filename
    try:
        path = keras.utils.get_file(
            fname=source.filename,
            origin=source.location,
            file_hash=source.sha256,
            hash_algorithm="sha256",
            cache_dir=str(data_dir()),
            cache_subdir=DOWNLOADS,
        )
    except ValueError as error:
        if "hash does not match" not in str(error):
            raise
        actual = sha256_of(target) if target.exists() else "nothing"
        target.unlink(missing_ok=True)
        raise ChecksumMismatch(
            f"checksum mismatch for {source.filename} from {source.location}: expected "
            f"{source.sha256}, got {actual}. The download was deleted; run again to retry."
        ) from None
    except Exception as error:  # get_file raises a bare Exception for URL failures
        target.unlink(missing_ok=True)
        raise FetchFailed(
            f"could not fetch {source.filename} from {source.location}: {error}. "
            "Offline? Point the course at a local copy (see the README, 'Offline')."
        ) from error
    return Path(path)


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, as hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _checked_local_file(source: Source) -> Path:
    path = Path(source.location).expanduser().resolve()
    _require_file(path, f"the local source {source.location!r}", source.filename)
    actual = sha256_of(path)
    if actual != source.sha256:
        raise ChecksumMismatch(
            f"checksum mismatch for the local file {path.name}: expected {source.sha256}, got "
            f"{actual}. Check that the file is complete and that the checksum given for it is its own."
        )
    print(f"Using the local file {path.name} (SHA-256 checked).")
    return path


def _require_file(path: Path, described: str, filename: str) -> None:
    """Raise, naming the path, unless it is a file: checked before any checksum."""
    if path.is_dir():
        raise IsADirectoryError(f"{described} is a folder: point it at the file itself, e.g. {path / filename}")
    if not path.is_file():
        raise FileNotFoundError(f"{described}: no such file ({path.resolve()}); fix the path, or unset the variable")


def _sidecar_checksum(location: str) -> str | None:
    sidecar = Path(location).expanduser().with_name(Path(location).name + ".sha256")
    if urllib.parse.urlsplit(location).scheme or not sidecar.is_file():
        return None
    fields = sidecar.read_text(encoding="utf-8").split()
    return fields[0] if fields else None
