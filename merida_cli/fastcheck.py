"""The cold load's record check and cache encoding, in C: msgspec structs made from model.py.

`prepare` takes a parsed file (or the strict validator's records) and returns what the
store keeps of it, a `Chunk`. msgspec checks types, patterns, ranges, required and
unknown fields, and writes each record's JSON, several times faster than walking the
schema in Python (BENCHMARKS.md). It only ever accepts: whatever it does not take (a
null, a bare string for a list, a number where text is expected, ...) returns None, and
the loader hands the packs to the strict validator in validate.py, which explains or
accepts them. tests/test_fastcheck.py checks that the two agree on every record this
one takes.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

from . import model
from .model import KINDS, MAX_NUMBER, MAX_QUOTE_WORDS
from .model import valid_date as _valid_date
from .rowsum import checksum

_SLUG = Annotated[str, Meta(pattern=model.SLUG.pattern)]
_TEXT = Annotated[str, Meta(pattern=r"\S")]  # not blank: str.strip() and \s agree
_NUMBER = (Annotated[int, Meta(ge=0, le=MAX_NUMBER)]
           | Annotated[float, Meta(ge=0, le=MAX_NUMBER)])  # NaN fails `ge`, inf `le`

# model.DATE with the month 01-12, the day 01-31 and the year not 0000 (what valid_date
# checks), so that only a day past the 28th needs the calendar (`_add`)
_DATE = (r"^(?!0000)[0-9]{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12][0-9]|3[01]))?)?\Z")

_SCALARS = {
    # a reference is only text here: it must name a record, whose id is checked (Links);
    # each pattern is a call back into Python's re (a third of the check's time)
    "slug": _SLUG, "ref": str, "str": _TEXT, "text": _TEXT,
    "sha256": Annotated[str, Meta(pattern=model.SHA256.pattern)],
    "fiscal_years": Annotated[str, Meta(pattern=model.FISCAL_YEARS.pattern)],
    "date": Annotated[str, Meta(pattern=_DATE)],
    "number": _NUMBER,
    "bool": bool,
    "label": Annotated[int, Meta(ge=-MAX_NUMBER, le=MAX_NUMBER)] | str,
    "strs": list[_TEXT],
    "refs": list[str],
}


def _struct(name: str, schema: dict):
    """A struct with the schema's fields in its order (the cache keeps that order)."""
    fields = []
    for key, spec in schema.items():
        if spec.type == "enum":
            kind = Literal[spec.choices]
        elif spec.type in _NESTED:
            kind = Annotated[list[_NESTED[spec.type]], Meta(min_length=1)]
        else:
            kind = _SCALARS[spec.type]
        fields.append((key, kind) if spec.required else (key, kind | UnsetType, UNSET))
    return msgspec.defstruct(name, fields, kw_only=True, forbid_unknown_fields=True)


_NESTED: dict = {}
for _type, (_schema, _what) in model.NESTED.items():  # entries before what contains them
    _NESTED[_type] = _struct(_what.title().replace(" ", "").replace("-", ""), _schema)
_LISTS = {kind: list[_struct(kind.title(), schema)] for kind, schema in KINDS.items()}


class _Plan:
    """What the per-record pass looks at in one kind: its date fields and references."""

    def __init__(self, schema: dict):
        self.dates = [k for k, s in schema.items() if s.type == "date"]
        self.refs = [(k, s.ref) for k, s in schema.items() if s.ref and s.type == "ref"]
        # topics are gathered with the items' (they fill the topic index too)
        self.ref_lists = [(k, s.ref) for k, s in schema.items() if s.ref and s.type == "refs"
                          and k != "topics"]
        self.topics = "topics" in schema
        self.source = "source" in schema
        self.parent = "parent" in schema
        self.cites = "cite" in schema
        self.items = "items" in schema
        self.alt_dates = "alt_dates" in schema
        self.reports = "reports_on" in schema


_PLANS = {kind: _Plan(schema) for kind, schema in KINDS.items()}
_REF_KINDS = sorted({s.ref for schema in (*KINDS.values(), *(n[0] for n in model.NESTED.values()))
                     for s in schema.values() if s.ref})
_encode = msgspec.json.Encoder().encode


class Chunk:
    """One file's worth of store rows, made in a worker and inserted by the main process.

    rows: (n, kind, id, JSON body, checksum), n counting from 1 in the file; topic_rows:
    (kind, topic, n); item_rows: (item id, structure id); ids: {kind: record ids};
    item_ids: every item id; refs: {kind: ids referenced}; parents: (kind, id, parent);
    documents: the rows' search documents (`searchindex.documents_of`) and topic_labels their
    topics' folded labels, when the load is for a search (`load.fast_read`).
    Plain lists of text, bytes and ints: sending it between processes is nearly a copy."""

    def __init__(self):
        self.rows: list[tuple] = []
        self.topic_rows: list[tuple] = []
        self.item_rows: list[tuple] = []
        self.ids: dict[str, list[str]] = {}
        self.item_ids: list[str] = []
        self.refs: dict[str, set] = {kind: set() for kind in _REF_KINDS}
        self.parents: list[tuple] = []
        self.documents: list[tuple] = []
        self.topic_labels: dict[str, str] = {}

    @property
    def counts(self) -> dict[str, int]:
        return {kind: len(ids) for kind, ids in self.ids.items()}


def prepare(document) -> Chunk | None:
    """A parsed file's records checked and encoded, or None when the strict validator must
    decide (anything invalid or unusual). `document` maps record kinds to lists of records,
    in file order."""
    if not isinstance(document, dict):
        return None
    records = {}
    for kind, raw in document.items():
        if kind not in _LISTS or not (raw is None or isinstance(raw, list)):
            return None
        try:
            records[kind] = msgspec.convert(raw or [], _LISTS[kind])
        except Exception:  # noqa: BLE001 - a type error, a lone surrogate (UnicodeError),
            return None  # nesting too deep: whatever msgspec refuses, validate explains
    return _chunk(records)


def _chunk(records: dict[str, list]) -> Chunk | None:
    """The rows of a file's checked structs, by kind in file order; None if one fails."""
    chunk = Chunk()
    for kind, recs in records.items():
        plan = _PLANS[kind]
        chunk.ids.setdefault(kind, [])
        for rec in recs:
            if not _add(chunk, kind, plan, rec):
                return None
    return chunk


def _add(chunk: Chunk, kind: str, plan: _Plan, rec) -> bool:
    """The checks a struct cannot express, then the record's rows; False if it fails one."""
    rid = rec.id
    for name in plan.dates:
        value = getattr(rec, name)
        if value is not UNSET and value[8:] > "28" and not _valid_date(value):
            return False
    refs = chunk.refs
    topics = rec.topics if plan.topics else UNSET
    topics = set() if topics is UNSET else set(topics)
    if plan.topics and rec.topics is not UNSET and len(topics) != len(rec.topics):
        return False  # an id listed twice: validate says which
    cites = rec.cite if plan.cites else UNSET
    cites = [] if cites is UNSET else cites
    reports = []  # (the link, the source it quotes when it names none)
    if plan.reports and rec.reports_on is not UNSET:
        default = rec.source if rec.source is not UNSET else (cites[0].source if cites else None)
        reports += [(r, default) for r in rec.reports_on]
    if plan.items:
        cites = list(cites)
        known = {item.id for item in rec.items}
        parents = {item.id: item.parent for item in rec.items if item.parent is not UNSET}
        if parents and (not set(parents.values()) <= known or _cyclic(parents)):
            return False
        for item in rec.items:
            if item.topics is not UNSET:
                if len(set(item.topics)) != len(item.topics):
                    return False
                topics.update(item.topics)
            cites += item.cite
            if item.reports_on is not UNSET:
                reports += [(r, item.cite[0].source) for r in item.reports_on]
            chunk.item_rows.append((item.id, rid))
            chunk.item_ids.append(item.id)
    for report, default in reports:
        refs["items"].add(report.commitment)
        refs["sources"].add(report.source if report.source is not UNSET else default)
    if plan.parent and rec.parent is not UNSET:
        if rec.parent == rid:
            return False
        chunk.parents.append((kind, rid, rec.parent))
    limit = 2 * MAX_QUOTE_WORDS - 2  # 45 words need 89 characters: a shorter quote is not split
    for cite in (*cites, *(report for report, _default in reports)):  # quotes alike
        quote = cite.quote
        if len(quote) > limit and len(quote.split()) > MAX_QUOTE_WORDS:
            return False
    if cites:
        refs["sources"].update([cite.source for cite in cites])
    if plan.alt_dates and rec.alt_dates is not UNSET:
        for alt in rec.alt_dates:
            if alt.date[8:] > "28" and not _valid_date(alt.date):
                return False
            refs["sources"].add(alt.source)
    if plan.source and rec.source is UNSET and cites:
        rec.source = rec.cite[0].source  # the first citation's source, as validate does
    for key, ref_kind in plan.refs:
        value = getattr(rec, key)
        if value is not UNSET:
            refs[ref_kind].add(value)
    for key, ref_kind in plan.ref_lists:
        values = getattr(rec, key)
        if values is not UNSET:
            if len(set(values)) != len(values):
                return False
            refs[ref_kind].update(values)
    try:
        body = _encode(rec)
    except UnicodeEncodeError:  # a lone surrogate (JSON "\ud800"): validate explains
        return False
    n = len(chunk.rows) + 1
    chunk.rows.append((n, kind, rid, body, checksum(kind, rid, body)))
    chunk.ids[kind].append(rid)
    if topics:
        refs["topics"].update(topics)
        chunk.topic_rows += [(kind, topic, n) for topic in topics]
    return True


def _cyclic(parents: dict[str, str]) -> bool:
    """Whether any item is its own parent or ancestor (validate says which)."""
    from .validate import parent_cycles

    return any(rid == parent for rid, parent in parents.items()) or bool(
        parent_cycles([{"id": rid, "parent": parent} for rid, parent in parents.items()]))


class Links:
    """The cross-record checks over every file's chunk, fed as chunks arrive (so the work
    overlaps the parsing): ids unique (records within their kind, structure items across
    all) and every reference resolved. No messages: the strict reader explains a failure."""

    def __init__(self):
        self.ids: dict[str, set[str]] = {kind: set() for kind in KINDS}
        self.item_ids: set[str] = set()
        self.refs: dict[str, set[str]] = {kind: set() for kind in _REF_KINDS}
        self.parents: list[tuple] = []
        self.unique = True

    def add(self, chunk: Chunk) -> None:
        for kind, ids in chunk.ids.items():
            known = self.ids[kind]
            before = len(known)
            known.update(ids)
            self.unique &= len(known) - before == len(ids)  # else an id used twice
        before = len(self.item_ids)
        self.item_ids.update(chunk.item_ids)
        self.unique &= len(self.item_ids) - before == len(chunk.item_ids)
        for kind, wanted in chunk.refs.items():
            self.refs[kind] |= wanted
        self.parents += chunk.parents

    def sound(self) -> bool:
        from .validate import parent_cycles

        known = {**self.ids, "items": self.item_ids}
        if not self.unique or any(not wanted <= known[kind]
                                  for kind, wanted in self.refs.items()):
            return False
        return not any(parent_cycles([{"id": rid, "parent": parent}
                                      for k, rid, parent in self.parents if k == kind])
                       for kind in ("topics", "programs"))
