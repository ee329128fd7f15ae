"""Data packs: safe YAML/JSON reading, merging packs, the validated Dataset.

Loading never executes anything: YAML is read with the safe (C when present)
loader, with every tag outside the core schema, every anchor/alias, merge key
and duplicate key rejected, and each error names file and line.
"""

from __future__ import annotations

import gc
import json
import os
import re
import signal
import stat
from functools import partial
from pathlib import Path

# the validator and its messages are imported only when a pack is read (not on a warm run)
from .errors import DataError, MeridaError
from .model import KINDS

# re-exported: callers import the pack discovery from here too
from .packfiles import PACK_SUFFIXES, LinedDict, builtin_pack, pack_files  # noqa: F401
from .text import did_you_mean, fold

DEFAULT_MAX_FILE_MIB = 256  # protects memory; an ordinary 13 MiB export is far below it
DEFAULT_MAX_FILE_BYTES = DEFAULT_MAX_FILE_MIB * 1024 * 1024  # for library callers


class Packs:
    """Where a Catalog's records are: the pack directories (the built-in one first unless
    `builtin` is False), the cache folder (None: no cache) and the size cap of a pack file.
    What the strict reader, the fast path and the cache key all need to agree on."""

    __slots__ = ("builtin", "cache_dir", "extra", "limit", "use_cache")

    def __init__(self, extra=(), builtin: bool = True, cache_dir: Path | None = None,
                 limit: int = DEFAULT_MAX_FILE_BYTES, use_cache: bool = True):
        self.extra, self.builtin = pack_dirs(extra), builtin
        self.cache_dir, self.limit, self.use_cache = cache_dir, limit, use_cache

    def load(self, progress=None, search: bool = False):
        """The packs as a Dataset (`load_dataset`)."""
        return load_dataset(self.extra, self.builtin, self.use_cache, progress,
                            self.cache_dir, self.limit, search)

    def read(self) -> list:
        """Every record of the packs with its file and line (`read_packs`): the strict
        reader's input, for saying where a problem is."""
        return read_packs(resolve_packs(self.extra, self.builtin), limit=self.limit)

    def validate(self, progress=None) -> tuple[dict, list[str]]:
        """Every problem in the packs (`validate_packs`): read, never loaded."""
        return validate_packs(self.extra, self.builtin, self.use_cache, progress,
                              self.cache_dir, self.limit)

    def __repr__(self) -> str:
        return f"Packs({self.extra!r}, builtin={self.builtin}, cache_dir={self.cache_dir!r})"


PATH_TYPES = (str, bytes, os.PathLike)


def pack_dirs(given) -> list[str]:
    """The pack folders `given` (one alone or a list; str, bytes or PathLike) as str paths.
    A bytes path is a path like any other (os.fsdecode); anything else is a TypeError that
    names open()'s argument, not one from deep in the loader on the first question."""
    if isinstance(given, PATH_TYPES):  # one folder given alone, not its letters
        given = [given]
    try:
        given = list(given)
    except TypeError:
        raise TypeError(f"data: a pack folder (str, bytes or os.PathLike) or a list of them,"
                        f" not {type(given).__name__}") from None
    for i, p in enumerate(given):
        if not isinstance(p, PATH_TYPES):
            raise TypeError(f"data[{i}]: a pack folder (str, bytes or os.PathLike),"
                            f" not {type(p).__name__}")
    return [os.fsdecode(p) for p in given]


class TooBig(OSError):
    """A file over the size limit of what is being read."""


def read_regular(path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes. A FIFO, a device (/dev/zero)
    or a socket is refused without reading (opened non-blocking, checked on the open file,
    so nothing can be swapped in between); OSError otherwise, TooBig over the limit."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(0, "not a regular file")
        if st.st_size > limit:
            raise TooBig(0, f"file is {st.st_size / 1048576:.1f} MiB")
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            total += len(chunk)
            if total > limit:  # it grew while being read
                raise TooBig(0, f"file is over {limit / 1048576:.1f} MiB")
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_text(path: Path, limit: int = DEFAULT_MAX_FILE_BYTES) -> str:
    """A pack file's text, refusing what cannot be a record file (size, binary, encoding)."""
    return _read(path, limit)[1]


def _read(path: Path, limit: int) -> tuple[bytes, str]:
    """A pack file's UTF-8 bytes and text, without a byte-order mark."""
    try:
        raw = read_regular(path, limit)
    except TooBig as exc:
        raise DataError([(f"{path}:1: {exc.strerror}, over the {limit / 1048576:g} MiB limit "
                          "for a pack file (split it, or raise the limit with "
                          "MERIDA_MAX_FILE_MB)")]) from None
    except OSError as exc:
        raise DataError([f"{path}:1: cannot read file: {exc.strerror}"]) from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 (or UTF-32 LE): NUL bytes aplenty
        raise DataError([(f"{path}:1: UTF-16 text (it starts with a UTF-16 byte-order "
                          "mark): save it as UTF-8")])
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise DataError([f"{path}:{line}: binary file (NUL byte), not YAML or JSON"])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError([f"{path}:{line}: not valid UTF-8 (byte 0x{raw[exc.start]:02x})"]) from None
    while raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    return raw, text.lstrip("\ufeff")


def parse_file(path: Path, fast: bool = False, limit: int = DEFAULT_MAX_FILE_BYTES) -> object:
    """Parse one YAML or JSON file into plain data, with line information unless `fast`."""
    text = read_text(path, limit)
    if not text.strip():
        raise DataError([f"{path}:1: file is empty; expected a mapping of record kinds"])
    if path.suffix == ".json":
        return _parse_json(path, text)
    from .yamlsafe import parse_yaml, parse_yaml_fast

    document = parse_yaml_fast(text) if fast else None
    return document if document is not None else parse_yaml(text, str(path))


def _parse_json(path: Path, text: str) -> object:
    def no_duplicates(pairs):
        out = {}
        for key, value in pairs:
            if key in out:
                line = _json_line(text, json.dumps(key))
                raise DataError([f"{path}:{line}: duplicate key '{key}'"])
            out[key] = value
        return out

    try:
        return json.loads(text, object_pairs_hook=no_duplicates, parse_int=_json_int,
                          parse_float=_json_float)
    except json.JSONDecodeError as exc:
        raise DataError([f"{path}:{exc.lineno}: invalid JSON: {exc.msg}"]) from None
    except RecursionError:
        raise DataError([f"{path}:1: JSON nested too deeply"]) from None


def _json_int(text: str):
    """An int that keeps its text; too many digits for a number stays text (and fails
    as one with file:line, instead of Python's 4,300-digit ValueError)."""
    from .yamlsafe import RawInt, raw_number

    return raw_number(RawInt, int(text), text) if len(text) <= 30 else text


def _json_float(text: str):
    from .yamlsafe import RawFloat, raw_number

    return raw_number(RawFloat, float(text), text)


def _json_line(text: str, *needles: str) -> int:
    """Line of the first needle found in text (where an id or key appears), else 1."""
    for needle in needles:
        at = text.find(needle)
        if at >= 0:
            return text.count("\n", 0, at) + 1
    return 1


def locate_records(path: Path, document: object, limit: int = DEFAULT_MAX_FILE_BYTES) -> list:
    """Split a parsed file into records of known kinds, with their lines (`Located`)."""
    from .validate import Located

    name = str(path)
    if not isinstance(document, dict):
        raise DataError([(f"{name}:1: expected a mapping of record kinds "
                          f"({', '.join(KINDS)}), got {type(document).__name__}")])
    keylines = getattr(document, "keylines", {})
    out, problems = [], []
    finder = _LineFinder(path, limit)
    for kind, records in document.items():
        line = keylines.get(kind, 1)
        if kind not in KINDS:
            problems.append(f"{name}:{line}: unknown record kind '{kind}'"
                            f"{did_you_mean(kind, list(KINDS))}")
            continue
        if records is None:
            continue
        if not isinstance(records, list):
            problems.append(f"{name}:{line}: '{kind}' must be a list of records")
            continue
        for record in records:
            rline = getattr(record, "line", None)
            locate = None if rline is not None else finder.for_record(record, line)
            out.append(Located(kind, record, name, rline, getattr(record, "keylines", {}),
                               locate))
    if problems:
        raise DataError(problems)
    return out


class _LineFinder:
    """Finds a record's line in its file by its id, for files read without line numbers."""

    def __init__(self, path: Path, limit: int):
        self.path, self.limit = path, limit
        self.text: str | None = None
        self.lines: dict[str, int] = {}

    def for_record(self, record, default: int):
        rid = record.get("id") if isinstance(record, dict) else None
        return lambda: self.find(rid) if isinstance(rid, str) else default

    def find(self, rid: str) -> int:
        if self.text is None:
            try:
                self.text = read_regular(self.path, self.limit).decode("utf-8", "replace")
            except OSError:  # gone or changed since it was parsed: no line to give
                self.text = ""
            self.lines = _id_lines(self.text)
        line = self.lines.get(rid)
        return line if line is not None else _json_line(self.text, json.dumps(rid),
                                                        f"id: {rid}", rid)


_ID_LINE = re.compile(r"""^[ \t-]*["']?id["']?[ \t]*:[ \t]*["']?([^"'\s,}#]+)""", re.MULTILINE)


def _id_lines(text: str) -> dict[str, int]:
    """Line of the first `id: X` of every id in a file, in one pass (a line per message
    by searching the text each time is quadratic on a file with thousands of errors)."""
    out: dict[str, int] = {}
    line, at = 1, 0
    for match in _ID_LINE.finditer(text):
        line += text.count("\n", at, match.start())
        at = match.start()
        out.setdefault(match.group(1), line)
    return out


def read_packs(directories: list[Path], fast: bool = False,
               limit: int = DEFAULT_MAX_FILE_BYTES) -> list:
    """All records of all packs, in order; every file's problems are collected."""
    located: list = []
    problems: list[str] = []
    for directory in directories:
        for path in pack_files(directory):
            try:
                located += locate_records(path, parse_file(path, fast, limit), limit)
            except DataError as exc:
                problems += exc.problems
    if problems:
        raise DataError(problems)
    return located


PARALLEL_BYTES = 4 * 1024 * 1024  # below this, starting worker processes costs more


def _prepare_file(path: Path, limit: int = DEFAULT_MAX_FILE_BYTES, search: bool = False):
    """Read, check and encode one file on the fast path: its store rows (a `Chunk`), or
    None if anything is wrong (the strict reader then explains it). A plain file is checked
    by msgspec; one the fast parser or msgspec does not take (an anchor-like `&` in prose,
    a null field) is validated in Python, on its own. With `search`, the chunk carries the
    records' search documents too, made here on the worker's core while other files parse."""
    from .fastcheck import prepare

    try:
        document = _parse_plain(path, limit)
        chunk = prepare(document) if document is not None else None
        if chunk is not None:
            return _with_documents(chunk, document) if search else chunk
        if document is None or path.suffix == ".json":  # JSON again, keeping numbers' text
            document = parse_file(path, False, limit)
        located = locate_records(path, document, limit)
    except (DataError, MeridaError):
        return None
    from .validate import check_record

    problems: list[str] = []
    checked: dict[str, list] = {}
    for loc in located:
        rec = check_record(loc, problems)
        if problems or rec is None:
            return None
        checked.setdefault(loc.kind, []).append(rec)
    chunk = prepare(checked)
    return _with_documents(chunk, checked) if search and chunk is not None else chunk


def _with_documents(chunk, records: dict):
    """The chunk with the search documents of the records it was made from (kind -> list,
    in file order: the order of its rows) and the folded labels of its topics. The records
    are the parsed ones msgspec accepted, or the strict validator's: the same values the
    store keeps, so the same documents a search on the stored rows would make."""
    from .searchindex import documents_of

    pairs = [(kind, rec) for kind, recs in records.items() for rec in recs or ()]
    chunk.documents = documents_of(pairs)
    chunk.topic_labels = {rec["id"]: fold(rec["label"]) for kind, rec in pairs
                          if kind == "topics"}
    return chunk


def _parse_plain(path: Path, limit: int):
    """A file as plain data for msgspec, or None: YAML through the fast reader (None when it
    has anything unusual), JSON through json.loads refusing duplicate keys and integers that
    are not written as Python writes them (`-0` keeps its text in a label)."""
    raw, text = _read(path, limit)
    if path.suffix != ".json":
        from .yamlsafe import parse_yaml_fast

        return parse_yaml_fast(text, raw)
    try:
        return json.loads(text, object_pairs_hook=_unique_keys, parse_int=_plain_int)
    except (ValueError, RecursionError):  # JSONDecodeError is a ValueError
        return None


def _unique_keys(pairs: list) -> dict:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise ValueError("duplicate key")
    return out


def _plain_int(text: str) -> int:
    value = int(text) if len(text) <= 30 else None
    if value is None or str(value) != text:
        raise ValueError("an integer the strict reader keeps as written")
    return value


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # a dangling link: reported when it is read
        return 0


def _quiet_worker() -> None:
    """Ctrl-C is the parent's to handle (exit 130, one line); workers are terminated."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def fast_read(directories: list[Path], on_file, progress=None,
              limit: int = DEFAULT_MAX_FILE_BYTES, search: bool = False) -> bool:
    """Read valid packs quickly, handing each file's `Chunk` of store rows to `on_file` as
    it arrives (the store fills while other files are parsed): True, or False when the
    strict reader must run (anything invalid or unusual). Big packs use every core. The
    chunks are not kept: 100k records' JSON is 130 MB. With `search` each chunk carries its
    search documents (`_prepare_file`)."""
    from .fastcheck import Links

    paths = [p for d in directories for p in pack_files(d)]
    size = sum(_size(p) for p in paths)
    workers = min(len(paths), os.cpu_count() or 1)
    pool = None
    if size > PARALLEL_BYTES and workers > 1:
        import multiprocessing

        pool = multiprocessing.get_context("fork").Pool(workers, initializer=_quiet_worker)
        results = pool.imap(partial(_prepare_file, limit=limit, search=search), paths,
                            chunksize=1)
    else:
        results = (_prepare_file(p, limit, search) for p in paths)
    links = Links()
    try:
        for done, chunk in enumerate(results, 1):
            if progress is not None:
                progress(done, len(paths))
            if chunk is None:
                return False
            on_file(chunk)
            links.add(chunk)
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
    return links.sound()


def check_packs(directories: list[Path],
                limit: int = DEFAULT_MAX_FILE_BYTES) -> tuple[dict, list[str]]:
    """The strict reader: every problem reported with its file and line."""
    try:
        from .validate import check_records

        records, _where, problems = check_records(read_packs(directories, limit=limit))
    except DataError as exc:
        return {}, exc.problems
    return records, problems


def resolve_packs(extra: list[str | Path], builtin: bool = True) -> list[Path]:
    """The pack directories to load: the built-in one first, then the user's."""
    dirs = [builtin_pack()] if builtin else []
    seen, out = set(), []
    for path in dirs + [Path(p) for p in extra]:
        key = os.path.realpath(path)  # the same folder twice would duplicate every id
        if key not in seen:
            seen.add(key)
            out.append(path)
    return out


def load_dataset(extra: list[str | Path] = (), builtin: bool = True, use_cache: bool = True,
                 progress=None, cache_dir: Path | None = None,
                 limit: int = DEFAULT_MAX_FILE_BYTES, search: bool = False):
    """Load, validate and merge packs into a Dataset, through the cache when possible.

    `progress(done, total)` is called as files are read on a cold load; `cache_dir` (no
    cache without one) and `limit` (bytes per pack file) come from the Environment
    (MERIDA_CACHE_DIR, MERIDA_MAX_FILE_MB), which reads them once. `search`: the caller is
    about to search, so packs read now get their search index in the same pass (the
    workers fold the texts while they parse) instead of in a second one."""
    from .cachefile import fingerprint
    from .dataset import Dataset
    from .recordstore import Store

    directories = resolve_packs(list(extra), builtin)
    key = fingerprint(directories, cache_dir, limit) if use_cache and cache_dir else None
    if key is not None:
        store = Store.open(key)
        if store is not None:
            return Dataset(store, directories)
    store = _fast_build(directories, key, progress, limit, search)
    if store is not None:
        return Dataset(store, directories)
    records, problems = check_packs(directories, limit)
    if problems:
        raise DataError(problems)
    return Dataset(Store.build(records, key), directories)


def _fast_build(directories: list[Path], key: str | None, progress=None,
                limit: int = DEFAULT_MAX_FILE_BYTES, search: bool = False):
    """Read valid packs on the fast path while filling the store: the store, or None when
    the strict reader must explain a problem. A cache that cannot be written (a full disk)
    is built again in memory for this run."""
    import sqlite3

    from .recordstore import Builder
    from .searchindex import IndexingBuilder

    gc.disable()  # hundreds of thousands of new objects: the cyclic collector only slows this
    try:
        for attempt in ([key] if key is not None else []) + [None]:
            builder = IndexingBuilder(attempt) if search else Builder(attempt)
            try:
                if not fast_read(directories, builder.add, progress, limit, search):
                    builder.discard()
                    return None
                if progress is not None:
                    progress(1, 1, "indexing")
                return builder.finish()
            except (OSError, sqlite3.Error):
                builder.discard()
                if attempt is None:
                    raise
            except BaseException:
                builder.discard()
                raise
        raise AssertionError("unreachable: the last attempt returns or raises")
    finally:
        gc.enable()


def validate_packs(extra: list[str | Path] = (), builtin: bool = True,
                   use_cache: bool = True, progress=None, cache_dir: Path | None = None,
                   limit: int = DEFAULT_MAX_FILE_BYTES) -> tuple[dict, list[str]]:
    """Every problem in the packs. Valid packs leave the cache that the next command opens,
    so validating a new pack does not make the first real command parse it again."""
    from .cachefile import fingerprint

    directories = resolve_packs(list(extra), builtin)
    key = fingerprint(directories, cache_dir, limit) if use_cache and cache_dir else None
    store = _fast_build(directories, key, progress, limit)
    if store is not None:
        records = {kind: store.kind(kind) for kind in KINDS}
        store.conn.close()
        return records, []
    records, problems = check_packs(directories, limit)
    return records, problems
