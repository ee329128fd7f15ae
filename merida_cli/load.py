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
from pathlib import Path

from .errors import DataError, MeridaError
from .model import KINDS
from .validate import Located, check_records, suggest

MAX_FILE_BYTES = 8 * 1024 * 1024
PACK_SUFFIXES = (".yaml", ".yml", ".json")


class LinedDict(dict):
    """A mapping that remembers the line it starts on and the line of each key."""

    __slots__ = ("keylines", "line")


def builtin_pack() -> Path:
    """The pack shipped inside the package (works for wheels and editable installs).

    The package directory itself when it is one (every pip install), else
    importlib.resources, which costs a few milliseconds of imports at startup.
    """
    here = Path(__file__).with_name("data")
    if here.is_dir():
        return here
    from importlib.resources import files

    return Path(str(files("merida_cli") / "data"))


def pack_files(directory: Path) -> list[Path]:
    """The record files of a pack, sorted so merges are deterministic."""
    directory = Path(directory)
    if not directory.exists():
        raise MeridaError(f"{directory}: no such data directory", 2)
    if not directory.is_dir():
        raise MeridaError(f"{directory}: not a directory (--data expects a pack directory)", 2)
    try:
        entries = sorted(directory.iterdir())
    except OSError as exc:
        raise MeridaError(f"{directory}: cannot read directory: {exc.strerror}", 2) from None
    # not only regular files: a FIFO or a dangling link named *.yaml is reported, unread
    return [p for p in entries if p.suffix in PACK_SUFFIXES and not p.is_dir()]


class TooBig(OSError):
    """A file over the size limit of what is being read."""


def read_regular(path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes. A FIFO, a device (/dev/zero)
    or a socket is refused without reading (opened non-blocking, checked on the open file,
    so nothing can be swapped in between); OSError otherwise, TooBig over the limit."""
    import stat

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


def read_text(path: Path) -> str:
    """A pack file's text, refusing what cannot be a record file (size, binary, encoding)."""
    try:
        raw = read_regular(path, MAX_FILE_BYTES)
    except TooBig as exc:
        raise DataError([(f"{path}:1: {exc.strerror}, over the {MAX_FILE_BYTES // 1048576} "
                          "MiB limit for a pack file; split it")]) from None
    except OSError as exc:
        raise DataError([f"{path}:1: cannot read file: {exc.strerror}"]) from None
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise DataError([f"{path}:{line}: binary file (NUL byte), not YAML or JSON"])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError([f"{path}:{line}: not valid UTF-8 (byte 0x{raw[exc.start]:02x})"]) from None
    return text.lstrip("\ufeff")


def parse_file(path: Path, fast: bool = False) -> object:
    """Parse one YAML or JSON file into plain data, with line information unless `fast`."""
    text = read_text(path)
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


def locate_records(path: Path, document: object) -> list[Located]:
    """Split a parsed file into records of known kinds, with their lines."""
    name = str(path)
    if not isinstance(document, dict):
        raise DataError([(f"{name}:1: expected a mapping of record kinds "
                          f"({', '.join(KINDS)}), got {type(document).__name__}")])
    keylines = getattr(document, "keylines", {})
    out, problems = [], []
    finder = _LineFinder(path)
    for kind, records in document.items():
        line = keylines.get(kind, 1)
        if kind not in KINDS:
            problems.append(f"{name}:{line}: unknown record kind '{kind}'{suggest(kind, KINDS)}")
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

    def __init__(self, path: Path):
        self.path = path
        self.text: str | None = None
        self.lines: dict[str, int] = {}

    def for_record(self, record, default: int):
        rid = record.get("id") if isinstance(record, dict) else None
        return lambda: self.find(rid) if isinstance(rid, str) else default

    def find(self, rid: str) -> int:
        if self.text is None:
            try:
                self.text = read_regular(self.path, MAX_FILE_BYTES).decode("utf-8", "replace")
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


def read_packs(directories: list[Path], fast: bool = False) -> list[Located]:
    """All records of all packs, in order; every file's problems are collected."""
    located: list[Located] = []
    problems: list[str] = []
    for directory in directories:
        for path in pack_files(directory):
            try:
                located += locate_records(path, parse_file(path, fast))
            except DataError as exc:
                problems += exc.problems
    if problems:
        raise DataError(problems)
    return located


PARALLEL_BYTES = 4 * 1024 * 1024  # below this, starting worker processes costs more


def _prepare_file(path: Path):
    """Read, check and prepare one file on the fast path; None if anything is wrong."""
    from .store import prepare
    from .validate import check_record

    try:
        located = locate_records(path, parse_file(path, fast=True))
    except (DataError, MeridaError):
        return None
    problems: list[str] = []
    out = []
    for loc in located:
        rec = check_record(loc, problems)
        if problems or rec is None:
            return None
        out.append((loc.kind, *prepare(loc.kind, rec)))
    return out


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # a dangling link: reported when it is read
        return 0


def _quiet_worker() -> None:
    """Ctrl-C is the parent's to handle (exit 130, one line); workers are terminated."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def fast_read(directories: list[Path], on_file=None):
    """Valid packs read quickly: (records, prepared store rows), or None when the strict
    reader must run (anything invalid or unusual). Big packs use every core; `on_file`
    receives each file's prepared rows as they arrive, so the store fills meanwhile."""
    from .validate import links_are_sound

    paths = [p for d in directories for p in pack_files(d)]
    size = sum(_size(p) for p in paths)
    workers = min(len(paths), os.cpu_count() or 1)
    pool = None
    if size > PARALLEL_BYTES and workers > 1:
        import multiprocessing

        pool = multiprocessing.get_context("fork").Pool(workers, initializer=_quiet_worker)
        results = pool.imap(_prepare_file, paths, chunksize=1)
    else:
        results = (_prepare_file(p) for p in paths)
    records: dict[str, list[dict]] = {kind: [] for kind in KINDS}
    prepared = []
    try:
        for result in results:
            if result is None:
                return None
            entries = []
            for kind, body, docs in result:
                rec = json.loads(body)
                records[kind].append(rec)
                entries.append((kind, rec, body, docs))
            prepared += entries
            if on_file is not None:
                on_file(entries)
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
    return (records, prepared) if links_are_sound(records) else None


def check_packs(directories: list[Path], fast: bool = True) -> tuple[dict, list[str], list | None]:
    """Read and validate packs: the fast reader first (unless `fast` is False), and when
    anything is wrong the strict one, so that every problem is reported with its file and
    line. Returns (records, problems, prepared store rows or None)."""
    result = fast_read(directories) if fast else None
    if result is not None:
        return result[0], [], result[1]
    try:
        records, _where, problems = check_records(read_packs(directories))
    except DataError as exc:
        return {}, exc.problems, None
    return records, problems, None


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


def load_dataset(extra: list[str | Path] = (), builtin: bool = True, use_cache: bool = True):
    """Load, validate and merge packs into a Dataset, through the cache when possible."""
    import sqlite3

    from .dataset import Dataset
    from .store import Builder, Store, fingerprint

    directories = resolve_packs(list(extra), builtin)
    key = fingerprint(directories) if use_cache else None
    if key is not None:
        store = Store.open(key)
        if store is not None:
            return Dataset(store, directories)
    gc.disable()  # hundreds of thousands of new dicts: the cyclic collector only slows this
    try:
        builder = Builder(key)
        try:
            fast = fast_read(directories, builder.add)
        except BaseException:
            builder.discard()
            raise
        if fast is not None:
            try:
                return Dataset(builder.finish(fast[0]["topics"]), directories)
            except (OSError, sqlite3.Error):
                builder.discard()
                return Dataset(Store.build(fast[0], None, fast[1]), directories)
        builder.discard()
        records, problems, _prepared = check_packs(directories, fast=False)
        if problems:
            raise DataError(problems)
        return Dataset(Store.build(records, key), directories)
    finally:
        gc.enable()


def validate_packs(extra: list[str | Path] = (), builtin: bool = True) -> tuple[dict, list[str]]:
    """Every problem in the packs (no cache), for `merida validate`."""
    records, problems, _prepared = check_packs(resolve_packs(list(extra), builtin))
    return records, problems


def env_packs() -> list[str]:
    """Pack directories named in MERIDA_DATA (os.pathsep-separated)."""
    return [p for p in os.environ.get("MERIDA_DATA", "").split(os.pathsep) if p]
