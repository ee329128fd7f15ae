"""A cache of validated packs, so repeated commands skip YAML parsing.

Keyed by every pack file's path, size and mtime plus merida's version; stored
as JSON in the user's cache directory; written atomically (temp file +
rename). Any problem reading it (missing, truncated, corrupt, old version,
unreadable directory) means "no cache": the YAML is loaded instead.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from . import __version__

FORMAT = 1


def cache_dir() -> Path:
    base = os.environ.get("MERIDA_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
        "merida")
    return Path(base)


def fingerprint(directories: list[Path]) -> str | None:
    """A key that changes when any pack file is added, removed or modified."""
    from .load import pack_files

    parts = [__version__, str(FORMAT)]
    try:
        for directory in directories:
            parts.append(str(Path(directory).resolve()))
            for path in pack_files(directory):
                st = path.stat()
                parts.append(f"{path.name}\0{st.st_size}\0{st.st_mtime_ns}")
    except Exception:
        return None
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _path(key: str) -> Path:
    return cache_dir() / f"packs-{key[:32]}.json"


def read(directories: list[Path]) -> dict | None:
    key = fingerprint(directories)
    if key is None:
        return None
    try:
        with open(_path(key), encoding="utf-8") as handle:
            payload = json.load(handle)
        if payload.get("key") != key or payload.get("version") != __version__:
            return None
        records = payload["records"]
        if not isinstance(records, dict):
            return None
        return records
    except Exception:
        return None


def write(directories: list[Path], records: dict) -> None:
    """Best effort: a cache that cannot be written is simply not written."""
    key = fingerprint(directories)
    if key is None:
        return
    target = _path(key)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".packs-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"key": key, "version": __version__, "records": records}, handle,
                          ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, target)
        except BaseException:
            os.unlink(tmp)
            raise
    except Exception:
        return
