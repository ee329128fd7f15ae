"""The cache file: which file holds a pack set's database, and how it is written and given up.

The file lives in the cache directory, named by a fingerprint of every pack file's path,
size and mtime plus merida's version and the layout's version; it is written to a temp
file and renamed into place (atomic). Anything wrong with it (unreadable, truncated,
corrupt, another version, a read-only directory) means it is ignored: the caller loads the
packs from YAML and, when no file can be written, builds the same database in memory.

This module knows files and the `meta` table only; what the tables hold is the record
store's (`recordstore`) and the search index's (`searchindex`).
"""

from __future__ import annotations

import os
import sqlite3
import stat
import time
import zlib
from pathlib import Path

from .errors import MeridaError
from .packfiles import pack_files
from .version import __version__

# the layout of the tables in the file (records and search index): part of every key
SCHEMA_VERSION = "8"
KEEP_CACHES = 4
# every cache file carries this in its SQLite header (PRAGMA application_id, bytes 68-71):
# pruning deletes only files merida made, never a user's own packs-*.sqlite
APPLICATION_ID = 0x4D455244  # "MERD"
STALE_TEMP_SECONDS = 24 * 3600


class CacheKey(str):
    """A cache key (the text stored in the database and compared whole) that also knows
    the folder its file lives in (the Environment's cache folder)."""

    directory: Path

    def __new__(cls, text: str, directory: Path):
        key = super().__new__(cls, text)
        key.directory = Path(directory)
        return key


def fingerprint(directories: list[Path], cache_dir: Path, limit: int) -> CacheKey | None:
    """A key that changes when any pack file is added, removed or modified: the list of
    files with their sizes and mtimes itself, stored in the cache and compared whole.
    It holds every setting that changes what a load accepts (`limit`, the size cap of a
    pack file: a pack cached under a larger cap is not served under a smaller one)."""
    parts = [__version__, SCHEMA_VERSION, f"max-file-bytes {limit}"]
    try:
        for directory in directories:
            parts.append(str(Path(directory).resolve()))
            for path in pack_files(directory):
                st = path.stat()
                # ctime and inode too: an edit that keeps size and mtime (touch -r, a copy
                # with its times) still changes them, so a stale cache is never served
                parts.append(f"{path.name}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}"
                             f"\0{st.st_ino}")
    except (OSError, MeridaError):
        return None
    # paths that are not UTF-8 (surrogate escapes) become \xNN: the key is stored in SQLite
    text = "\n".join(parts).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return CacheKey(text, cache_dir)


def file_identity(path: Path) -> tuple | None:
    """Which file a path names now (device, inode), or None when there is none."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


def cache_path(key: CacheKey) -> Path:
    """The file of a key (crc32 and adler32: the name only needs to spread keys, not
    secure them)."""
    raw = key.encode("utf-8", "surrogateescape")
    digest = zlib.crc32(raw) ^ (zlib.adler32(raw) << 32)
    return key.directory / f"packs-{digest:016x}.sqlite"


def open_cache(key: CacheKey) -> tuple[sqlite3.Connection, dict, Path, tuple | None] | None:
    """The complete cache file of this key, read-only: (connection, its meta table, path,
    file identity), or None when it is missing, unreadable or another key's."""
    path = cache_path(key)
    if not path.is_file():
        return None
    try:
        # a URI built by pathlib: '#', '?' and '%' in the path stay part of the path
        conn = sqlite3.connect(path.absolute().as_uri() + "?mode=ro", uri=True)
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    except (sqlite3.Error, UnicodeDecodeError):  # a damaged text cell
        return None
    # the key holds merida's version and the schema version too (fingerprint)
    if meta.get("key") != key or meta.get("complete") != "1":
        conn.close()
        return None
    return conn, meta, path, file_identity(path)


def discard_opened(conn: sqlite3.Connection, path: Path | None, identity: tuple | None) -> None:
    """Close a cache that turned out to be broken and remove its file, if it is still the
    file that was opened: another process may have renamed a good cache into its place
    (the error may have been meeting that write), and that one stays."""
    try:
        conn.close()
        if path and identity and file_identity(path) == identity:
            path.unlink()
    except OSError:
        pass


class TempCache:
    """A new cache file being written: a temp file beside its final place, renamed into
    place when complete (`put_in_place`), removed when given up (`discard`). In memory
    when there is no key or the directory is unusable (`key` is then None)."""

    def __init__(self, key: CacheKey | None):
        self.key, self.tmp, self.conn = key, None, None
        if key is not None:
            try:
                target = cache_path(key)
                target.parent.mkdir(parents=True, exist_ok=True)
                # imported here: only a build writes a file, and tempfile costs a warm
                # command 6-7 ms to import (python -X importtime, 2026-12-07)
                import tempfile

                fd, self.tmp = tempfile.mkstemp(dir=target.parent,
                                                prefix=f".packs-{os.getpid()}-", suffix=".tmp")
                os.close(fd)
                self.conn = sqlite3.connect(self.tmp)
                self.conn.execute("PRAGMA journal_mode=OFF")
                self.conn.execute("PRAGMA synchronous=OFF")
            except (OSError, sqlite3.Error):
                self.discard()
                self.key = None
        if self.conn is None:
            self.conn = sqlite3.connect(":memory:")
        # 16 KiB pages: a record (about 1 KiB of JSON) rarely spills over a page; 15% faster
        # to build than 4 KiB pages, and smaller
        self.conn.execute("PRAGMA page_size = 16384")
        self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")

    def put_in_place(self) -> None:
        """Close the written file, rename it to its key's name and prune older caches."""
        self.conn.close()
        target = cache_path(self.key)
        os.replace(self.tmp, target)
        self.tmp = None
        prune(target.parent, keep=target)

    def discard(self) -> None:
        """Give up: close and remove the temp file."""
        try:
            if self.conn is not None:
                self.conn.close()
            if self.tmp:
                os.unlink(self.tmp)
        except (OSError, sqlite3.Error):
            pass
        self.tmp = None


def is_merida_cache(path: Path) -> bool:
    try:  # non-blocking, and only a regular file: a FIFO named packs-x.sqlite never hangs
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            header = os.read(fd, 72) if stat.S_ISREG(os.fstat(fd).st_mode) else b""
        finally:
            os.close(fd)
    except OSError:
        return False
    return (len(header) == 72 and header.startswith(b"SQLite format 3\0")
            and int.from_bytes(header[68:72], "big") == APPLICATION_ID)


def prune(directory: Path, keep: Path) -> None:
    """Delete all but the most recent cache files (each pack set has its own), and the
    temp files of builds that died (killed: their process is gone, or a day old)."""
    try:
        files = sorted((p for p in directory.glob("packs-*.sqlite") if is_merida_cache(p)),
                       key=lambda p: p.stat().st_mtime, reverse=True)
        for old in [f for f in files if f != keep][KEEP_CACHES - 1:]:
            old.unlink()
    except OSError:
        pass
    for tmp in directory.glob(".packs-*.tmp"):
        try:
            pid = int(tmp.name.split("-")[1])
        except (IndexError, ValueError):
            continue
        try:
            if _alive(pid) and time.time() - tmp.stat().st_mtime < STALE_TEMP_SECONDS:
                continue
            tmp.unlink()
        except OSError:
            pass


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True
    return True
