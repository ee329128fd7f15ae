"""The record store: the loaded packs' records as SQLite tables, with the filter index.

Built once from the validated records (on the first run, or when any pack file changes)
and then opened by every command, which reads only the kinds and rows it needs: a
100,000-record pack answers `recs --topic firearms` without turning every record into a
Python object. Where the database lives and how it is written is the cache file's
(`cachefile`); the search tables in the same file are the search index's (`searchindex`).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from .cachefile import SCHEMA_VERSION, CacheKey, TempCache, discard_opened, open_cache
from .errors import StoreError
from .model import KIND_ORDER
from .rowsum import checksum
from .version import __version__

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


class Store:
    """Read access to a built database."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None = None,
                 counts: dict | None = None, identity: tuple | None = None):
        self.conn = conn
        self.path = path
        self.identity = identity  # the file this store opened (device, inode)
        self.counts = counts if counts is not None else {}  # records per kind, as built

    # ---- opening and building ---------------------------------------------------
    @classmethod
    def open(cls, key: CacheKey) -> Store | None:
        """The cached database for this key, or None if it is missing or unusable."""
        opened = open_cache(key)
        if opened is None:
            return None
        conn, meta, path, identity = opened
        counts = _counts(meta.get("counts"))
        if counts is None:
            conn.close()
            return None
        return cls(conn, path, counts, identity)

    @classmethod
    def build(cls, records: dict[str, list[dict]], key: CacheKey | None) -> Store:
        """Write the validated records to the cache (atomically) and open it; in memory if
        that fails."""
        # imported here: only a build encodes records, and fastcheck (msgspec) costs a
        # warm command about 30 ms to import (python -X importtime, 2026-12-07)
        from .fastcheck import judge

        chunk = judge(records)  # the fast check is the one judge (fastcheck's docstring)
        if chunk is None:
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
        store opened (`cachefile.discard_opened`)."""
        discard_opened(self.conn, self.path, self.identity)

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
        return [record_of(*row) for row in rows]

    def rows(self) -> list[tuple]:
        """Every stored row (kind, id, JSON body, checksum), in file order, unread: workers
        can turn them into records (`record_of`) on other cores."""
        return self._query("SELECT kind, id, body, crc FROM records ORDER BY seq")

    def get(self, kind: str, rid: str) -> dict | None:
        rows = self._query("SELECT kind, id, body, crc FROM records WHERE kind = ? AND id = ?",
                           (kind, rid))
        return record_of(*rows[0]) if rows else None

    def find(self, rid: str) -> list[tuple[str, dict]]:
        rows = self._query("SELECT kind, id, body, crc FROM records WHERE id = ?", (rid,))
        return [(row[0], record_of(*row)) for row in rows]

    def ids(self) -> list[str]:
        """Every record id, kind by kind (model order), each kind in file order: the order a
        store built from the strict validator's records has too, so a 'did you mean' (the
        first of equally close ids) does not depend on which path built the cache."""
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
            (kind, dumps(sorted(topics))))
        return [record_of(*row) for row in rows]


def record_of(kind, rid, body, crc) -> dict:
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


def statements(script: str) -> list[str]:
    """The statements of a schema script (none of them holds a ';' of its own)."""
    return [part.strip() for part in script.split(";") if part.strip()]


dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class Builder:
    """Writes a store as records arrive: `add` a file's worth at a time (the loader calls it
    while other files are still being parsed), then `finish`. Into a cache file
    (`cachefile.TempCache`: renamed into place at the end), or into memory when there is
    no key or the directory is unusable. A subclass fills more tables from the same
    chunks (`searchindex.IndexingBuilder`: a search as the first command on a new pack)."""

    def __init__(self, key: CacheKey | None):
        self.file = TempCache(key)
        self.key, self.conn, self.seq = self.file.key, self.file.conn, 0
        self.counts: dict[str, int] = {}
        self.conn.executescript(SCHEMA)

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
        for kind, count in chunk.counts.items():
            self.counts[kind] = self.counts.get(kind, 0) + count

    def finish_tables(self) -> None:
        """The indexes, built once after the bulk inserts (a subclass adds its own)."""
        self.conn.executescript(INDEXES)

    def finish(self) -> Store:
        """Create the indexes, mark the database complete, rename it into place, open it."""
        conn = self.conn
        self.finish_tables()
        conn.executemany("INSERT INTO meta VALUES (?, ?)", [
            ("key", self.key or ""), ("version", __version__), ("schema", SCHEMA_VERSION),
            ("counts", dumps(self.counts)), ("complete", "1")])
        conn.commit()
        if self.key is None:
            return Store(conn, None, self.counts)
        self.file.put_in_place()
        store = Store.open(self.key)
        if store is None:
            raise OSError("cache written but not readable")
        return store

    def discard(self) -> None:
        """Give up: close and remove the temp file."""
        self.file.discard()
