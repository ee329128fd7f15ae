"""The loaded packs as an SQLite database: the cache, the filter index and the search index.

Built once from the validated records (on the first run, or when any pack
file changes) and then opened by every command, which reads only the kinds
and rows it needs: a 100,000-record pack answers `recs --topic firearms`
without turning every record into a Python object.

The file lives in the cache directory, named by a fingerprint of every pack
file's path, size and mtime plus merida's version; it is written to a temp
file and renamed into place (atomic). Anything wrong with it (unreadable,
truncated, corrupt, another version, a read-only directory) means it is
ignored and the packs are loaded from YAML; when it cannot be written, the
same database is built in memory for that run.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

from .errors import MeridaError, StoreError
from .rowsum import checksum
from .version import __version__

SCHEMA_VERSION = "8"

# what every command needs, written on the cold load
SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE records(seq INTEGER PRIMARY KEY, kind TEXT, id TEXT, body BLOB, crc INTEGER);
CREATE TABLE items(id TEXT, structure TEXT);
CREATE TABLE topics_of(kind TEXT, topic TEXT, seq INTEGER);
"""
# indexes are created after the bulk insert: several times faster than maintaining them.
# (id, kind) serves both lookups, by id alone and by kind and id (one index less to build)
INDEXES = """
CREATE INDEX records_by_id ON records(id, kind);
CREATE INDEX records_by_kind ON records(kind, seq);
CREATE INDEX items_id ON items(id);
CREATE INDEX topics_of_topic ON topics_of(kind, topic);
"""
# the search index: built by the first search, not by the cold load (most commands on a
# new pack never search, and folding every text is most of a cold load's work)
SEARCH_SCHEMA = """
CREATE TABLE doc_topics(topic TEXT, doc INTEGER);
CREATE TABLE names(name TEXT, doc INTEGER);
CREATE TABLE docs(doc INTEGER PRIMARY KEY, kind TEXT, id TEXT, title TEXT, topics TEXT,
                  names TEXT);
CREATE VIRTUAL TABLE fts USING fts5(title, topic_labels, body, quotes, tokenize='unicode61',
                                    detail='none');
CREATE VIRTUAL TABLE vocab USING fts5vocab(fts, 'row');
CREATE TABLE terms(term TEXT PRIMARY KEY) WITHOUT ROWID;
"""
SEARCH_INDEXES = """
CREATE INDEX doc_topics_topic ON doc_topics(topic);
CREATE INDEX names_name ON names(name);
"""
_DROP_SEARCH = "".join(f"DROP TABLE IF EXISTS {table};" for table in
                       ("vocab", "fts", "terms", "docs", "names", "doc_topics"))
PARALLEL_RECORDS = 20000  # below this, worker processes cost more than they save


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
    from .packfiles import pack_files

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


def _identity(path: Path) -> tuple | None:
    """Which file a path names now (device, inode), or None when there is none."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


def cache_path(key: CacheKey) -> Path:
    import zlib  # a builtin module: the file name only needs to spread keys, not secure them

    raw = key.encode("utf-8", "surrogateescape")
    digest = zlib.crc32(raw) ^ (zlib.adler32(raw) << 32)
    return key.directory / f"packs-{digest:016x}.sqlite"


class Store:
    """Read access to a built database."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None = None,
                 counts: dict | None = None, identity: tuple | None = None):
        self.conn = conn
        self.path = path
        self.identity = identity  # the file this store opened (device, inode)
        self._search: sqlite3.Connection | None = None
        self.counts = counts if counts is not None else {}  # records per kind, as built

    # ---- opening and building ---------------------------------------------------
    @classmethod
    def open(cls, key: str) -> Store | None:
        """The cached database for this key, or None if it is missing or unusable."""
        path = cache_path(key)
        if not path.is_file():
            return None
        try:
            # a URI built by pathlib: '#', '?' and '%' in the path stay part of the path
            conn = sqlite3.connect(path.absolute().as_uri() + "?mode=ro", uri=True)
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
            # the key holds merida's version and the schema version too (fingerprint)
            counts = _counts(meta.get("counts"))
            if meta.get("key") != key or meta.get("complete") != "1" or counts is None:
                conn.close()
                return None
            return cls(conn, path, counts, _identity(path))
        except (sqlite3.Error, UnicodeDecodeError):  # a damaged text cell
            return None

    @classmethod
    def build(cls, records: dict[str, list[dict]], key: str | None) -> Store:
        """Write the validated records to the cache (atomically) and open it; in memory if
        that fails."""
        from .fastcheck import prepare

        chunk = prepare(records)
        if chunk is None:  # tests/test_fastcheck.py: what validate accepts, prepare takes
            raise StoreError("the validated records could not be encoded for the cache")
        for attempt_key in ([key] if key is not None else []) + [None]:
            builder = Builder(attempt_key)
            try:
                builder.add(chunk)
                return builder.finish()
            except (OSError, sqlite3.Error):
                builder.discard()
        raise AssertionError("unreachable: the in-memory build cannot fail on I/O")

    def discard(self) -> None:
        """Remove a cache file that turned out to be broken, if it is still the file this
        store opened: another process may have renamed a good cache into its place (the
        error may have been meeting that write), and that one stays."""
        try:
            self.conn.close()
            if self.path and self.identity and _identity(self.path) == self.identity:
                self.path.unlink()
        except OSError:
            pass

    # ---- reads --------------------------------------------------------------------
    def _query(self, sql: str, args=()):
        try:
            return self.conn.execute(sql, args).fetchall()
        except (sqlite3.Error, UnicodeDecodeError) as exc:  # damaged bytes in a cell
            raise StoreError(str(exc)) from None

    def kind(self, kind: str) -> list[dict]:
        rows = self._query("SELECT kind, id, body, crc FROM records WHERE kind = ? ORDER BY seq",
                           (kind,))
        if len(rows) != self.counts.get(kind, 0):
            raise StoreError(f"the cache holds {len(rows)} {kind}, built with "
                             f"{self.counts.get(kind, 0)}")
        return [_record(*row) for row in rows]

    def get(self, kind: str, rid: str) -> dict | None:
        rows = self._query("SELECT kind, id, body, crc FROM records WHERE kind = ? AND id = ?",
                           (kind, rid))
        return _record(*rows[0]) if rows else None

    def find(self, rid: str) -> list[tuple[str, dict]]:
        rows = self._query("SELECT kind, id, body, crc FROM records WHERE id = ?", (rid,))
        return [(row[0], _record(*row)) for row in rows]

    def ids(self) -> list[str]:
        """Every record id, kind by kind (model order), each kind in file order: the order a
        store built from the strict validator's records has too, so a 'did you mean' (the
        first of equally close ids) does not depend on which path built the cache."""
        from .model import KIND_ORDER

        rank = {kind: n for n, kind in enumerate(KIND_ORDER)}
        rows = self._query("SELECT kind, id FROM records ORDER BY seq")
        if not all(isinstance(rid, str) and kind in rank for kind, rid in rows):
            raise StoreError("a record id in the cache is not text, or its kind unknown")
        return [rid for _kind, rid in sorted(rows, key=lambda row: rank[row[0]])]

    def with_topics(self, kind: str, topics: set[str]) -> list[dict]:
        """Records of a kind carrying any of the topics, in file order (one parameter,
        a JSON list: no limit on how many topics)."""
        rows = self._query(
            "SELECT kind, id, body, crc FROM records WHERE seq IN (SELECT seq FROM topics_of "
            "WHERE kind = ? AND topic IN (SELECT value FROM json_each(?))) ORDER BY seq",
            (kind, _dumps(sorted(topics))))
        return [_record(*row) for row in rows]

    # ---- search support ---------------------------------------------------------
    def ensure_search(self) -> sqlite3.Connection:
        """The search tables, built on first use."""
        if self._search is None:
            self._search = self._search_index()
        return self._search

    def _search_query(self, sql: str, args=()):
        self.ensure_search()
        try:
            return self._search.execute(sql, args).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(str(exc)) from None

    def _search_index(self) -> sqlite3.Connection:
        """The connection that has the search tables: this database once a search has added
        them (for every later run too), else an in-memory copy for this run. (A cold load
        for a search builds them with the store: `Builder(key, search=True)`.)"""
        if _has_search(self.conn):
            return self.conn
        if self.path is None:
            self._fill_search(self.conn)
            return self.conn
        try:
            writer = sqlite3.connect(str(self.path), timeout=30)
            try:
                writer.execute("BEGIN IMMEDIATE")  # one builder at a time; others wait
                if not _has_search(writer):
                    self._fill_search(writer)
                writer.commit()
            finally:
                writer.close()
            if _has_search(self.conn):
                return self.conn
        except (OSError, sqlite3.Error):
            pass
        memory = sqlite3.connect(":memory:")  # the documents again: a rare case
        self._fill_search(memory)
        return memory

    def _fill_search(self, conn: sqlite3.Connection) -> None:
        """Add the search tables to `conn` from this store's records (the cyclic garbage
        collector paused, as for a cold load: millions of new objects, no cycles)."""
        import gc

        from .text import fold

        was_enabled = gc.isenabled()
        gc.disable()
        try:
            index = SearchIndex(conn, {t["id"]: fold(t["label"]) for t in self.kind("topics")})
            for documents in self._documents():
                index.add(documents)
            index.finish()
            conn.commit()
        finally:
            if was_enabled:
                gc.enable()

    def _documents(self):
        """Every record's search documents, a batch at a time: big packs fold on the other
        cores while the index takes the batches already done."""
        rows = self._query("SELECT kind, id, body, crc FROM records ORDER BY seq")
        pool = None
        if len(rows) > PARALLEL_RECORDS and (os.cpu_count() or 1) > 1:
            import multiprocessing

            workers = os.cpu_count() or 1
            size = -(-len(rows) // (workers * 8))
            chunks = [rows[i:i + size] for i in range(0, len(rows), size)]
            pool = multiprocessing.get_context("fork").Pool(workers)
            parts = pool.imap(_documents_of, chunks, chunksize=1)
        else:
            parts = [_documents_of(rows)]
        try:
            yield from parts
        finally:
            if pool is not None:
                pool.terminate()
                pool.join()

    def has_term(self, term: str) -> bool:
        return bool(self._search_query("SELECT 1 FROM terms WHERE term = ?", (term,)))

    def terms_starting(self, prefix: str, limit: int) -> list[str]:
        """Indexed words that begin with prefix (shortest first: closest to what was typed)."""
        rows = self._search_query("SELECT term FROM terms WHERE term > ? AND term < ? LIMIT ?",
                           (prefix, prefix + "\uffff", limit * 4))
        return sorted((t for (t,) in rows), key=len)[:limit]

    def vocabulary(self) -> list[str]:
        return [t for (t,) in self._search_query("SELECT term FROM terms")]

    def match(self, expression: str, limit: int) -> list[int]:
        rows = self._search_query("SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY rank LIMIT ?",
                           (expression, limit))
        return [r for (r,) in rows]

    def docs_named(self, name: str) -> list[int]:
        return [d for (d,) in self._search_query("SELECT doc FROM names WHERE name = ?", (name,))]

    def docs_with_topics(self, topics: set[str], limit: int) -> list[int]:
        rows = self._search_query("SELECT DISTINCT doc FROM doc_topics WHERE topic IN "
                                  "(SELECT value FROM json_each(?)) LIMIT ?",
                                  (_dumps(sorted(topics)), limit))
        return [d for (d,) in rows]

    def doc_texts(self, docs: list[int]) -> list[tuple]:
        """(doc, kind, id, title, topics, names, title_text, topic_text, body_text, quote_text)."""
        out = []
        for start in range(0, len(docs), 500):  # stay under SQLite's variable limit
            chunk = tuple(docs[start:start + 500])
            marks = ",".join("?" * len(chunk))
            out += self._search_query(
                f"SELECT d.doc, d.kind, d.id, d.title, d.topics, d.names, f.title, "
                f"f.topic_labels, f.body, f.quotes FROM docs d JOIN fts f ON f.rowid = d.doc "
                f"WHERE d.doc IN ({marks})", chunk)
        return [_doc_row(row) for row in out]


def _doc_row(row: tuple) -> tuple:
    """A search document row, its topic and name lists split; a broken row is StoreError."""
    if not all(isinstance(cell, str) for cell in row[2:]):
        raise StoreError("a cached search document does not match its table")
    return (*row[:4], _split(row[4]), _split(row[5]), *row[6:])


# a document's topics (ids) and names (folded: letters, digits and spaces) never hold a
# line break, so one joins them: splitting is 4 ms of a 100k-pack search that json.loads
# of 3,000 little lists took
_LIST_SEPARATOR = "\n"


def _joined(values: list[str]) -> str:
    return _LIST_SEPARATOR.join(values)


def _split(text: str) -> list[str]:
    return text.split(_LIST_SEPARATOR) if text else []


def _record(kind, rid, body, crc) -> dict:
    """A cached row as a record. Each row carries a checksum of its kind, id and body:
    anything else (not JSON, {}, NULL, a changed byte, a row moved to another kind) means
    the cache is broken (StoreError: `cli.main` deletes it and reloads from the YAML)."""
    if not (isinstance(kind, str) and isinstance(rid, str) and isinstance(body, bytes)
            and crc == checksum(kind, rid, body)):
        raise StoreError("a cached record does not match its checksum")
    try:
        rec = json.loads(body)
    except ValueError:
        raise StoreError("a cached record is not JSON") from None
    if not isinstance(rec, dict) or rec.get("id") != rid:
        raise StoreError("a cached record does not match its row")
    return rec


def _counts(text) -> dict | None:
    try:
        counts = json.loads(text)
    except (TypeError, ValueError):
        return None
    ok = isinstance(counts, dict) and all(isinstance(v, int) for v in counts.values())
    return counts if ok else None


KEEP_CACHES = 4
# every cache file carries this in its SQLite header (PRAGMA application_id, bytes 68-71):
# pruning deletes only files merida made, never a user's own packs-*.sqlite
APPLICATION_ID = 0x4D455244  # "MERD"
STALE_TEMP_SECONDS = 24 * 3600


def is_merida_cache(path: Path) -> bool:
    import stat

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


def _prune(directory: Path, keep: Path) -> None:
    """Delete all but the most recent cache files (each pack set has its own), and the
    temp files of builds that died (killed: their process is gone, or a day old)."""
    import time

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


def _documents_of(rows: list[tuple]) -> list[tuple]:
    """Search documents of cached (kind, id, JSON, checksum) rows (picklable: big packs
    fold their texts on every core)."""
    return documents_of((row[0], _record(*row)) for row in rows)


def documents_of(records) -> list[tuple]:
    """Search documents of (kind, record) pairs, in order: each record, then its structure
    items. Pure: the loader's workers make them while they parse (a search as the first
    command), a search on an older cache from its rows. The topic labels are added by
    `SearchIndex`, which knows every topic."""
    from .search import document

    docs = []
    for kind, rec in records:
        for doc_kind, doc_rec in [(kind, rec)] + [("items", i) for i in rec.get("items", [])]:
            d = document(doc_kind, doc_rec)
            docs.append((doc_kind, doc_rec["id"], d["title"], doc_rec.get("topics", []),
                         d["names"], d["title_text"], d["body_text"], d["quote_text"]))
    return docs


def _has_search(conn: sqlite3.Connection) -> bool:
    try:
        rows = conn.execute("SELECT value FROM meta WHERE key = 'search'").fetchall()
    except sqlite3.Error:
        return False
    return rows == [("1",)]


class SearchIndex:
    """Fills the search tables from batches of documents as they come, numbered in the
    order they come (the order of the store's rows), with the indexes built once at the
    end. A document whose topics are not all known yet (a topic defined in a later file)
    waits for `finish`: its row in the full-text index needs their folded labels."""

    def __init__(self, conn: sqlite3.Connection, labels: dict[str, str] | None = None):
        # statement by statement, in the caller's transaction (executescript would commit
        # it first); what a build that died left of these tables goes first
        for statement in _statements(_DROP_SEARCH + "CREATE TABLE IF NOT EXISTS meta("
                                     "key TEXT PRIMARY KEY, value TEXT);" + SEARCH_SCHEMA):
            conn.execute(statement)
        self.conn, self.doc = conn, 0
        self.labels: dict[str, str] = dict(labels or {})
        self.waiting: list[tuple] = []

    def add(self, documents: list[tuple], labels: dict[str, str] | None = None) -> None:
        """Index documents (`documents_of`), knowing these topics' folded labels too."""
        if labels:
            self.labels.update(labels)
        known = self.labels
        doc_rows, name_rows, topic_rows, fts_rows = [], [], [], []
        doc = self.doc
        for kind, rid, title, topics, names, title_text, body_text, quotes in documents:
            doc += 1
            doc_rows.append((doc, kind, rid, title, _joined(topics), _joined(names)))
            name_rows += [(n, doc) for n in names]
            topic_rows += [(t, doc) for t in topics]
            row = (doc, title_text, topics, body_text, quotes)
            if all(t in known for t in topics):
                fts_rows.append(self._fts_row(row))
            else:
                self.waiting.append(row)
        self.doc = doc
        conn = self.conn
        conn.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?)", doc_rows)
        conn.executemany("INSERT INTO names VALUES (?, ?)", name_rows)
        conn.executemany("INSERT INTO doc_topics VALUES (?, ?)", topic_rows)
        self._insert_fts(fts_rows)

    def _fts_row(self, row: tuple) -> tuple:
        doc, title_text, topics, body_text, quotes = row
        labels = self.labels
        return doc, title_text, " ".join(labels.get(t, "") for t in topics), body_text, quotes

    def _insert_fts(self, rows: list[tuple]) -> None:
        self.conn.executemany(
            "INSERT INTO fts(rowid, title, topic_labels, body, quotes) VALUES (?, ?, ?, ?, ?)",
            rows)

    def finish(self) -> None:
        """The waiting documents, the indexes and the vocabulary; marked built (the caller
        commits)."""
        self._insert_fts([self._fts_row(row) for row in self.waiting])
        self.waiting = []
        conn = self.conn
        for statement in _statements(SEARCH_INDEXES):
            conn.execute(statement)
        conn.execute("INSERT INTO terms SELECT term FROM vocab")  # the vocabulary, indexed
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('search', '1')")


def _statements(script: str) -> list[str]:
    """The statements of a schema script (none of them holds a ';' of its own)."""
    return [part.strip() for part in script.split(";") if part.strip()]


_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class Builder:
    """Writes a store as records arrive: `add` a file's worth at a time (the loader calls it
    while other files are still being parsed), then `finish`. Into a temp file in the cache
    directory, renamed into place at the end; into memory when there is no key or the
    directory is unusable. With `search`, the search tables are filled too, from each
    chunk's documents (made by the workers while they parse: a search as the first
    command on a new pack)."""

    def __init__(self, key: str | None, search: bool = False):
        self.key, self.tmp, self.seq = key, None, 0
        self.counts: dict[str, int] = {}
        self.conn = None
        if key is not None:
            try:
                target = cache_path(key)
                target.parent.mkdir(parents=True, exist_ok=True)
                import tempfile  # only a build writes a file

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
        self.conn.executescript(SCHEMA)
        self.search = SearchIndex(self.conn) if search else None

    def add(self, chunk) -> None:
        """Insert a file's `fastcheck.Chunk`: its rows are numbered from 1, so they are
        numbered on from the rows already in (in SQL: no Python loop over them here)."""
        base = self.seq
        conn = self.conn
        conn.executemany(f"INSERT INTO records VALUES (? + {base:d}, ?, ?, ?, ?)", chunk.rows)
        conn.executemany("INSERT INTO items VALUES (?, ?)", chunk.item_rows)
        conn.executemany(f"INSERT INTO topics_of VALUES (?, ?, ? + {base:d})",
                         chunk.topic_rows)
        self.seq += len(chunk.rows)
        if self.search is not None:
            self.search.add(chunk.documents, chunk.topic_labels)
        for kind, count in chunk.counts.items():
            self.counts[kind] = self.counts.get(kind, 0) + count

    def finish(self) -> Store:
        """Create the indexes, mark the database complete, rename it into place, open it."""
        conn = self.conn
        conn.executescript(INDEXES)
        if self.search is not None:
            self.search.finish()
        conn.executemany("INSERT INTO meta VALUES (?, ?)", [
            ("key", self.key or ""), ("version", __version__), ("schema", SCHEMA_VERSION),
            ("counts", _dumps(self.counts)), ("complete", "1")])
        conn.commit()
        if self.key is None:
            return Store(conn, None, self.counts)
        conn.close()
        target = cache_path(self.key)
        os.replace(self.tmp, target)
        self.tmp = None
        store = Store.open(self.key)
        if store is None:
            raise OSError("cache written but not readable")
        _prune(target.parent, keep=target)
        return store

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
