"""The one judge of a pack, in C where it can be: msgspec structs made from model.py, and the
rules beyond the fields (rules.py), on the cold load.

`prepare` takes a parsed file and returns what the store keeps of it, a `Chunk`; `Links`
checks the chunks against each other. msgspec checks types, patterns, ranges, required
and unknown fields, and writes each record's JSON, several times faster than walking the
schema in Python (BENCHMARKS.md); `_add` asks each record the rules of rules.RULES a
struct cannot express. Neither says why: whatever they refuse (a null, a bare string for
a list, a day past the month's end, ...) goes to the strict reader in validate.py, which
asks the same rules and explains the refusal at file:line, or normalises the record (a
bare string for a list, a number written as text). The strict reader only explains: its
records are judged again here (`judge`, from Store.build) before anything is stored, so
nothing this refuses is ever kept, and a record the strict reader took that this refuses
is a bug of the two readers (StoreError). tests/test_fastcheck.py checks that they agree
on records either takes; tests/test_rules.py that both read every rule of the table.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

from . import model
from .model import KINDS, MAX_NUMBER
from .rowsum import checksum
from .rules import (
    DATE,
    LISTED_TWICE,
    OWN_PARENT,
    PARENT_CYCLE,
    PARENT_KNOWN,
    QUOTE_LENGTH,
    REFERENCE,
    control_in_json,
    default_source,
)

_SLUG = Annotated[str, Meta(pattern=model.SLUG.pattern)]
_TEXT = Annotated[str, Meta(pattern=r"\S")]  # not blank: str.strip() and \s agree
_NUMBER = (Annotated[int, Meta(ge=0, le=MAX_NUMBER)]
           | Annotated[float, Meta(ge=0, le=MAX_NUMBER)])  # NaN fails `ge`, inf `le`

# model.DATE with the month 01-12, the day 01-31 and the year not 0000 (what rules.DATE
# checks), so that only a day past the 28th needs the rule (`_add`)
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


def judge(records: dict[str, list[dict]]) -> Chunk | None:
    """The strict reader's records (every pack's, by kind) judged again as one file, record
    by record and link by link: the chunk to store, or None when this refuses what the
    strict reader took (the module's docstring)."""
    chunk = prepare(records)
    if chunk is None:
        return None
    links = Links()
    links.add(chunk)
    return chunk if links.sound() else None


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


_bad_date = DATE.check
_too_long = QUOTE_LENGTH.check
_twice = LISTED_TWICE.check


def _add(chunk: Chunk, kind: str, plan: _Plan, rec) -> bool:
    """The rules a struct cannot express (rules.py: the strict reader says which is broken),
    then the record's rows; False if it breaks one."""
    rid = rec.id
    for name in plan.dates:
        value = getattr(rec, name)
        if value is not UNSET and value[8:] > "28" and _bad_date(value):
            return False
    refs = chunk.refs
    topics = rec.topics if plan.topics else UNSET
    if topics is UNSET:
        topics = set()
    elif _twice(topics):
        return False
    else:
        topics = set(topics)
    cites = rec.cite if plan.cites else UNSET
    cites = [] if cites is UNSET else cites
    reports = []  # (the link, the source it quotes when it names none)
    if plan.reports and rec.reports_on is not UNSET:
        default = default_source(None if rec.source is UNSET else rec.source,
                                 cites[0].source if cites else None)
        reports += [(r, default) for r in rec.reports_on]
    if plan.items:
        cites = list(cites)
        known = {item.id for item in rec.items}
        parents = {item.id: item.parent for item in rec.items if item.parent is not UNSET}
        if parents and (PARENT_KNOWN.check(parents, known) or OWN_PARENT.check(parents)
                        or PARENT_CYCLE.check(parents)):
            return False
        for item in rec.items:
            if item.topics is not UNSET:
                if _twice(item.topics):
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
        if OWN_PARENT.check({rid: rec.parent}):
            return False
        chunk.parents.append((kind, rid, rec.parent))
    for cite in (*cites, *(report for report, _default in reports)):  # quotes alike
        if _too_long(cite.quote):
            return False
    if cites:
        refs["sources"].update([cite.source for cite in cites])
    if plan.alt_dates and rec.alt_dates is not UNSET:
        for alt in rec.alt_dates:
            if alt.date[8:] > "28" and _bad_date(alt.date):
                return False
            refs["sources"].add(alt.source)
    if plan.source and rec.source is UNSET and cites:
        rec.source = default_source(None, rec.cite[0].source)
    for key, ref_kind in plan.refs:
        value = getattr(rec, key)
        if value is not UNSET:
            refs[ref_kind].add(value)
    for key, ref_kind in plan.ref_lists:
        values = getattr(rec, key)
        if values is not UNSET:
            if _twice(values):
                return False
            refs[ref_kind].update(values)
    try:
        body = _encode(rec)
    except UnicodeEncodeError:  # rules.ENCODABLE, asked of the whole record at once
        return False
    if control_in_json(body):  # rules.CONTROL, likewise
        return False
    n = len(chunk.rows) + 1
    chunk.rows.append((n, kind, rid, body, checksum(kind, rid, body)))
    chunk.ids[kind].append(rid)
    if topics:
        refs["topics"].update(topics)
        chunk.topic_rows += [(kind, topic, n) for topic in topics]
    return True


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
        known = {**self.ids, "items": self.item_ids}
        if not self.unique or any(REFERENCE.check(wanted, known[kind])
                                  for kind, wanted in self.refs.items()):
            return False
        return not any(PARENT_CYCLE.check({rid: parent for k, rid, parent in self.parents
                                           if k == kind})
                       for kind in ("topics", "programs"))
