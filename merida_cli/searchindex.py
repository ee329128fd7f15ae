"""The search index: each record's folded texts in SQLite FTS5 tables beside the records.

Each record (and structure item) becomes a document of folded texts (accents, case,
punctuation gone) that `search.Searcher` queries. The tables live in the same cache file
as the record store. They are built with the store when a search is the first command on
a new pack (the loader's workers make the documents while they parse:
`IndexingBuilder`), or from the stored rows by the first search on a cache built without
them (`SearchIndex`), into the file for later runs or, when it cannot be written, into
memory for this run.
"""

from __future__ import annotations

import gc
import os
import re
import sqlite3

from .errors import StoreError
from .model import title_of
from .recordstore import Builder, Store, dumps, record_of, statements
from .text import fold, fold_all

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

# ---- documents --------------------------------------------------------------------
_BODY_FIELDS = ("summary", "description", "actor", "place", "note", "recipient", "account",
                "publisher", "author", "label", "unit")


class DocumentRows:
    """A batch's search documents as the rows of the search tables, each document numbered
    from 1 in the batch (`SearchTables.add` numbers them on from the rows already in, in
    SQL): made whole where the records are (a loader's worker), so the process that
    writes the tables only inserts them. Plain tuples of text and ints: cheap to send."""

    __slots__ = ("docs", "names", "texts", "topics")

    def __init__(self):
        self.docs: list[tuple] = []  # (n, kind, id, title, topics, names), lists `_joined`
        self.names: list[tuple] = []  # (folded name, n)
        self.topics: list[tuple] = []  # (topic id, n)
        self.texts: list[tuple] = []  # (n, title_text, topics, body_text, quote_text)


def documents_of(records) -> DocumentRows:
    """Search documents of (kind, record) pairs, in order: each record, then its structure
    items. Pure: the loader's workers make them while they parse (a search as the first
    command), a search on an older cache from its rows. The topic labels are added by
    `SearchTables`, which knows every topic.

    A document's texts are the folded title and aliases, the other prose fields and the
    quotes, each with its hyphenated words also joined ('spill-over' -> ' spillover'); its
    names are its id and folded title and aliases. The batch's titles, aliases, texts and
    hyphenated words are folded in one `fold_all` each, not one `fold` per text: the calls
    were most of the cost."""
    heads, titles, aliases, texts, hyphenated = [], [], [], [], []
    for kind, rec in records:
        items = rec.get("items")
        with_items = [(kind, rec), *(("items", i) for i in items)] if items else [(kind, rec)]
        for doc_kind, doc in with_items:
            title = title_of(doc_kind, doc)
            own = [a for a in doc.get("aliases", ()) if isinstance(a, str)]
            body = " ".join([value for key in _BODY_FIELDS
                             if isinstance(value := doc.get(key), str) and value != title])
            quotes = " ".join([c["quote"] for c in doc.get("cite", ())])
            slot = 3 * len(heads)  # of this document's three hyphen joins
            heads.append((doc_kind, doc["id"], title, doc.get("topics", []), len(own)))
            titles.append(title)
            aliases += own
            texts += (body, quotes)
            for field, text in enumerate((title, body, quotes)):
                if "-" in text or "\u2010" in text or "\u2011" in text:
                    hyphenated += [(slot + field, word) for word in _hyphen_joined(text)]
    titles, aliases = fold_all(titles), fold_all(aliases)
    texts = fold_all(texts, split_numbers=False)
    joins = [""] * len(titles) * 3
    for (slot, _), word in zip(hyphenated, fold_all([word for _, word in hyphenated])):
        joins[slot] += " " + word
    rows = DocumentRows()
    name_rows, topic_rows, at = rows.names, rows.topics, 0
    for n, (doc_kind, rid, title, topics, count) in enumerate(heads, 1):
        folded_title, slug = titles[n - 1], rid.replace("-", " ")  # a slug folds to itself
        if count:
            own = aliases[at:at + count]
            at += count
            names = list(dict.fromkeys(name for name in (slug, folded_title, *own) if name))
            title_text = " ".join([folded_title, *own])
        else:
            names = [slug] if folded_title in ("", slug) else [slug, folded_title]
            title_text = folded_title
        joined_topics = _joined(topics)
        rows.docs.append((n, doc_kind, rid, title, joined_topics, _joined(names)))
        name_rows += [(name, n) for name in names]
        topic_rows += [(topic, n) for topic in topics]
        slot = 3 * n - 3
        rows.texts.append((n, title_text + joins[slot], joined_topics,
                           texts[2 * n - 2] + joins[slot + 1], texts[2 * n - 1] + joins[slot + 2]))
    return rows


_HYPHENATED = re.compile(r"\b(\w+)-(\w+)\b")


def _hyphen_joined(text: str) -> list[str]:
    """The hyphenated words of a text joined ('spill-over' -> 'spillover', to be folded),
    so that 'spillover' finds it. A match never holds a space, so the regex reads only
    the words with a hyphen (the whole text took a tenth of the time an index took)."""
    if "\u2010" in text or "\u2011" in text:  # the other hyphens join words alike
        text = text.replace("\u2010", "-").replace("\u2011", "-")
    words = " ".join([word for word in text.split() if "-" in word])
    return [a + b for a, b in _HYPHENATED.findall(words)]


def _documents_of_rows(rows: list[tuple]) -> DocumentRows:
    """Search documents of stored (kind, id, JSON, checksum) rows (picklable: big packs
    fold their texts on every core)."""
    return documents_of((row[0], record_of(*row)) for row in rows)


# ---- writing the tables -------------------------------------------------------------
class SearchTables:
    """Fills the search tables from batches of documents as they come, numbered in the
    order they come (the order of the store's rows), with the indexes built once at the
    end. A document whose topics are not all known yet (a topic defined in a later file)
    waits for `finish`: its row in the full-text index needs their folded labels."""

    def __init__(self, conn: sqlite3.Connection, labels: dict[str, str] | None = None):
        # statement by statement, in the caller's transaction (executescript would commit
        # it first); what a build that died left of these tables goes first
        for statement in statements(_DROP_SEARCH + "CREATE TABLE IF NOT EXISTS meta("
                                    "key TEXT PRIMARY KEY, value TEXT);" + SEARCH_SCHEMA):
            conn.execute(statement)
        self.conn, self.doc = conn, 0
        self.labels: dict[str, str] = dict(labels or {})
        # joined topics -> their labels' text: a pack has few distinct sets of topics
        self.label_texts: dict[str, str] = {}
        self.waiting: list[tuple] = []

    def add(self, documents: DocumentRows, labels: dict[str, str] | None = None) -> None:
        """Index a batch of documents (`documents_of`), knowing these topics' folded labels
        too. The rows come numbered from 1: they are numbered on in SQL, so the only
        Python loop here is the one that gives each full-text row its topic labels."""
        if labels:
            if any(self.labels.get(topic, label) != label for topic, label in labels.items()):
                self.label_texts.clear()  # a label changed: the texts made with it go
            self.labels.update(labels)
        base, conn = self.doc, self.conn
        conn.executemany(f"INSERT INTO docs VALUES (? + {base:d}, ?, ?, ?, ?, ?)",
                         documents.docs)
        conn.executemany(f"INSERT INTO names VALUES (?, ? + {base:d})", documents.names)
        conn.executemany(f"INSERT INTO doc_topics VALUES (?, ? + {base:d})", documents.topics)
        label_texts, fts_rows = self.label_texts, []
        for n, title_text, topics, body_text, quotes in documents.texts:
            label_text = label_texts.get(topics)
            if label_text is None:
                label_text = self._label_text(topics)
                if label_text is None:  # a topic defined in a later file
                    self.waiting.append((base + n, title_text, topics, body_text, quotes))
                    continue
            fts_rows.append((base + n, title_text, label_text, body_text, quotes))
        self.doc = base + len(documents.docs)
        self._insert_fts(fts_rows)

    def _label_text(self, topics: str) -> str | None:
        """The folded labels of joined topics, space-separated (kept for the next document
        with the same topics), or None while one of them is not known yet."""
        ids = _split(topics)
        if not all(topic in self.labels for topic in ids):
            return None
        self.label_texts[topics] = text = " ".join(self.labels[topic] for topic in ids)
        return text

    def _fts_row(self, row: tuple) -> tuple:
        doc, title_text, topics, body_text, quotes = row
        labels = self.labels
        return (doc, title_text, " ".join(labels.get(t, "") for t in _split(topics)), body_text,
                quotes)

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
        for statement in statements(SEARCH_INDEXES):
            conn.execute(statement)
        conn.execute("INSERT INTO terms SELECT term FROM vocab")  # the vocabulary, indexed
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('search', '1')")


class IndexingBuilder(Builder):
    """A store `Builder` that fills the search tables too, from each chunk's documents
    (made by the loader's workers while they parse: a search as the first command on a
    new pack)."""

    def __init__(self, key):
        super().__init__(key)
        self.search = SearchTables(self.conn)

    def add(self, chunk) -> None:
        super().add(chunk)
        self.search.add(chunk.documents, chunk.topic_labels)

    def finish_tables(self) -> None:
        super().finish_tables()
        self.search.finish()


# a document's topics (ids) and names (folded: letters, digits and spaces) never hold a
# line break, so one joins them: splitting is 4 ms of a 100k-pack search that json.loads
# of 3,000 little lists took
_LIST_SEPARATOR = "\n"


def _joined(values: list[str]) -> str:
    return _LIST_SEPARATOR.join(values)


def _split(text: str) -> list[str]:
    return text.split(_LIST_SEPARATOR) if text else []


def _has_search(conn: sqlite3.Connection) -> bool:
    try:
        rows = conn.execute("SELECT value FROM meta WHERE key = 'search'").fetchall()
    except sqlite3.Error:
        return False
    return rows == [("1",)]


# ---- reading ------------------------------------------------------------------------
class SearchIndex:
    """The search tables of a store, built on first use: what `search.Searcher` asks."""

    def __init__(self, store: Store):
        self.store = store
        self._conn: sqlite3.Connection | None = None

    def ensure(self) -> sqlite3.Connection:
        """The connection that has the search tables, built on first use."""
        if self._conn is None:
            self._conn = self._connect()
        return self._conn

    def _query(self, sql: str, args=()):
        conn = self.ensure()
        try:
            return conn.execute(sql, args).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(str(exc)) from None

    def _connect(self) -> sqlite3.Connection:
        """The store's database once a search has added the tables (for every later run
        too), else an in-memory copy for this run. (A cold load for a search builds them
        with the store: `IndexingBuilder`.)"""
        store = self.store
        if _has_search(store.conn):
            return store.conn
        if store.path is None:
            self._fill(store.conn)
            return store.conn
        try:
            writer = sqlite3.connect(str(store.path), timeout=30)
            try:
                writer.execute("BEGIN IMMEDIATE")  # one builder at a time; others wait
                if not _has_search(writer):
                    self._fill(writer)
                writer.commit()
            finally:
                writer.close()
            if _has_search(store.conn):
                return store.conn
        except (OSError, sqlite3.Error):
            pass
        memory = sqlite3.connect(":memory:")  # the documents again: a rare case
        self._fill(memory)
        return memory

    def _fill(self, conn: sqlite3.Connection) -> None:
        """Add the search tables to `conn` from the store's records (the cyclic garbage
        collector paused, as for a cold load: millions of new objects, no cycles)."""
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            tables = SearchTables(conn, {t["id"]: fold(t["label"])
                                         for t in self.store.kind("topics")})
            for documents in self._documents():
                tables.add(documents)
            tables.finish()
            conn.commit()
        finally:
            if was_enabled:
                gc.enable()

    def _documents(self):
        """Every record's search documents, a batch at a time: big packs fold on the other
        cores while the index takes the batches already done."""
        rows = self.store.rows()
        pool = None
        if len(rows) > PARALLEL_RECORDS and (os.cpu_count() or 1) > 1:
            # imported here: only a big pack's index uses workers, and multiprocessing
            # costs a command 11-12 ms to import (python -X importtime, 2026-12-07)
            import multiprocessing

            workers = os.cpu_count() or 1
            size = -(-len(rows) // (workers * 8))
            chunks = [rows[i:i + size] for i in range(0, len(rows), size)]
            pool = multiprocessing.get_context("fork").Pool(workers)
            parts = pool.imap(_documents_of_rows, chunks, chunksize=1)
        else:
            parts = [_documents_of_rows(rows)]
        try:
            yield from parts
        finally:
            if pool is not None:
                pool.terminate()
                pool.join()

    def has_term(self, term: str) -> bool:
        return bool(self._query("SELECT 1 FROM terms WHERE term = ?", (term,)))

    def terms_starting(self, prefix: str, limit: int) -> list[str]:
        """Indexed words that begin with prefix (shortest first: closest to what was typed)."""
        rows = self._query("SELECT term FROM terms WHERE term > ? AND term < ? LIMIT ?",
                           (prefix, prefix + "\uffff", limit * 4))
        return sorted((t for (t,) in rows), key=len)[:limit]

    def vocabulary(self) -> list[str]:
        return [t for (t,) in self._query("SELECT term FROM terms")]

    def match(self, expression: str, limit: int) -> list[int]:
        rows = self._query("SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY rank LIMIT ?",
                           (expression, limit))
        return [r for (r,) in rows]

    def docs_named(self, name: str) -> list[int]:
        return [d for (d,) in self._query("SELECT doc FROM names WHERE name = ?", (name,))]

    def docs_with_topics(self, topics: set[str], limit: int) -> list[int]:
        rows = self._query("SELECT DISTINCT doc FROM doc_topics WHERE topic IN "
                           "(SELECT value FROM json_each(?)) LIMIT ?",
                           (dumps(sorted(topics)), limit))
        return [d for (d,) in rows]

    def doc_texts(self, docs: list[int]) -> list[tuple]:
        """(doc, kind, id, title, topics, names, title_text, topic_text, body_text, quote_text)."""
        out = []
        for start in range(0, len(docs), 500):  # stay under SQLite's variable limit
            chunk = tuple(docs[start:start + 500])
            marks = ",".join("?" * len(chunk))
            out += self._query(
                f"SELECT d.doc, d.kind, d.id, d.title, d.topics, d.names, f.title, "
                f"f.topic_labels, f.body, f.quotes FROM docs d JOIN fts f ON f.rowid = d.doc "
                f"WHERE d.doc IN ({marks})", chunk)
        return [_doc_row(row) for row in out]


def _doc_row(row: tuple) -> tuple:
    """A search document row, its topic and name lists split; a broken row is StoreError."""
    if not all(isinstance(cell, str) for cell in row[2:]):
        raise StoreError("a cached search document does not match its table")
    return (*row[:4], _split(row[4]), _split(row[5]), *row[6:])
