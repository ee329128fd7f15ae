"""Records as typed tables: the shape spreadsheets, SQLite, Datasette and Frictionless want.

Everything here is derived from the schema in model.KINDS, so a field added
there gets a column without touching this module. One table per kind; the
nested parts of a record get tables of their own (structure items, citations,
alternative dates) and two link tables (record_topics, record_programs) carry
the many-to-many references; `records` has one row per record of any kind, for
a search over everything.

A column's type is one of: string, number, integer, boolean, list (of strings).
Rows hold Python values of that type (None when absent); each writer decides
how a list is spelt (JSON in SQLite, "; " in CSV).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import evidence
from .commitments import STATUSES, commitment_row
from .errors import UsageError
from .model import (
    ALT_DATE,
    CITE,
    ITEM,
    KINDS,
    PLEDGERS,
    REPORT,
    Field,
    record_cites,
    report_cites,
    title_of,
)
from .render.formats import csv_line
from .text import cell_text, did_you_mean

LIST_SEPARATOR = "; "
DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
# what identifies a record in the tables shared by every kind
OWNER = ("record_kind", "record_id")


@dataclass(frozen=True)
class Column:
    name: str
    type: str = "string"
    description: str = ""
    required: bool = False
    ref: str | None = None  # the table whose `id` this column holds
    choices: tuple[str, ...] = ()
    pattern: str | None = None
    unit: str | None = None


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    search: tuple[str, ...] = ()  # columns of its full-text index
    facets: tuple[str, ...] = ()
    rows: list[dict] = field(default_factory=list, compare=False)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


TABLE_HELP = {
    "sources": "Documents the records cite: one row per source text.",
    "topics": "The controlled vocabulary records are tagged with.",
    "programs": "Initiatives, frameworks, sub-programs, mechanisms, bodies and policies.",
    "structures": "How a program organised its work at one time (objectives, pillars, goals); "
                  "their parts are in items.",
    "items": "The parts of a structure (a pillar, a goal, an action-plan area), in order.",
    "funding": "One money line as one source states it; lines are never merged or averaged, "
               "so several lines may count the same thing (see measure, same_as, "
               "conflicts_with).",
    "recommendations": "What a source says should be done, and by whom.",
    "events": "Dated happenings.",
    "figures": "Indicators (homicides, extraditions, people trained ...) as a source gives them.",
    "assessments": "Findings and critiques about a program, with their stance.",
    "alt_dates": "Other dates that other sources give for an event.",
    "follow_through": "Passages of later records that report what became of a commitment "
                      "(record_kind/record_id: the reporting record; commitment: the item).",
    "commitments": "What a program committed to (items of structures marked commitments), "
                   "with the status derived from its follow-through reports.",
    "citations": "Every verbatim quote that supports a record, with its source and page.",
    "record_topics": "Which records carry which topic (structure items included).",
    "record_programs": "Which records concern which program, and through which field.",
    "records": "One row per record of every kind, with all its quotes: search everything here.",
}

COLUMN_HELP = {
    "id": "identifier, unique in this table",
    "title": "short title, in the curators' own words",
    "name": "name",
    "label": "short label",
    "text": "the statement, in the curators' own words",
    "summary": "summary, in the curators' own words",
    "note": "caveats",
    "topics": "topic ids",
    "programs": "ids of the programs it concerns",
    "aliases": "other names",
    "program": "id of the program",
    "about": "id of the program assessed",
    "source": "id of the source stating it (the first citation's source when not given)",
    "date": "date (ISO, as precise as the source: 2014, 2014-09 or 2014-09-26)",
    "as_of": "date of the source statement (ISO, with its precision)",
    "adopted": "when it was adopted or took effect (ISO date)",
    "start": "start date (ISO, with its precision)",
    "end": "end date (ISO, with its precision)",
    "amount_usd": "amount in US dollars, as the source states it (see qualifier)",
    "share_pct": "share, in percent",
    "qualifier": "the source's hedge: about, almost, over, up-to or exact",
    "fiscal_years": "U.S. fiscal year(s): FY2008 or FY2008-FY2010",
    "period": "period, when it is not in fiscal years",
    "actor": "who says it",
    "actors": "who took part",
    "stance": "positive, negative, mixed or neutral",
    "value": "the figure, in unit",
    "unit": "what value counts",
    "record_kind": "the kind (table) of the record",
    "record_id": "the record's id in that table",
    "position": "its place in the record's list (1 = first)",
    "structure": "id of the structure it belongs to",
    "number": "its number in the structure (1, 2 or 1.1.2)",
    "parent": "id of the enclosing one",
    "quote": "verbatim passage of the source text",
    "quotes": "every quote citing the record",
    "page": "page or section of the source",
    "topic": "topic id",
    "field": "the record's field that names the program",
    "author": "author(s)",
    "publisher": "organisation or outlet",
    "url": "where the document is published (the publisher's own page)",
    "retrieved_from": "where the stored text was copied from (a mirror or archive)",
    "sha256": "SHA-256 of the source text file",
    "completeness": "full or partial: how much of the document the text holds",
    "sources.type": "report, op-ed, column, news, statement, fact-sheet, transcript ...",
    "programs.type": "initiative, framework, sub-program, project, mechanism, body, policy ...",
    "description": "what the topic covers",
    "predecessor": "id of the program it followed",
    "successor": "id of the program that followed it",
    "related": "ids of related programs",
    "implementer": "agency or organisation that runs it",
    "current": "whether this is the program's current structure",
    "kind": "what the line counts (older field; see measure)",
    "account": "U.S. budget account (INCLE, ESF, FMF ...)",
    "recipient": "country or agency that receives it",
    "addressee": "who should act",
    "place": "where",
}

# default Datasette facets: the columns analysts filter by (list columns facet as arrays)
FACET_COLUMNS = ("record_kind", "structure", "program", "about", "measure", "stance", "source",
                 "topic", "unit", "topics", "programs")
# the title-like columns of a kind, for its full-text index
_TEXT_COLUMNS = ("title", "name", "label", "text", "summary", "description", "quote", "quotes")
_LISTS = {"strs": "list", "refs": "list", "number": "number", "bool": "boolean"}
_NESTED = {"cites": "citations", "alt_dates": "alt_dates", "items": "items",
           "reports": "follow_through"}
# Datasette's units (pint); dollars stay plain numbers: pint would print 1.5 GUSD
_UNITS = {"share_pct": "percent"}


def _column(table: str, name: str, spec: Field, ref: str | None = None) -> Column:
    pattern = {"date": DATE_PATTERN, "slug": SLUG_PATTERN, "ref": SLUG_PATTERN,
               "fiscal_years": r"^FY\d{4}(-FY\d{4})?$"}.get(spec.type)
    described = spec.help or COLUMN_HELP.get(f"{table}.{name}") or COLUMN_HELP.get(name, "")
    return Column(name, _LISTS.get(spec.type, "string"), described,
                  spec.required, ref or (spec.ref if spec.type == "ref" else None),
                  spec.choices, pattern, _UNITS.get(name))


def _owner_columns() -> tuple[Column, ...]:
    return (Column("record_kind", required=True, description=COLUMN_HELP["record_kind"]),
            Column("record_id", required=True, pattern=SLUG_PATTERN,
                   description=COLUMN_HELP["record_id"]),)


def _position() -> Column:
    return Column("position", "integer", COLUMN_HELP["position"], True)


def _table(name: str, columns, primary_key, **extra) -> Table:
    columns = tuple(columns)
    names = [c.name for c in columns]
    return Table(name, TABLE_HELP.get(name, ""), columns, tuple(primary_key),
                 search=tuple(c for c in _TEXT_COLUMNS if c in names),
                 facets=tuple(c for c in FACET_COLUMNS if c in names), **extra)


def _fields(table: str, fields: dict[str, Field], refs: dict[str, str] | None = None) -> list:
    """The columns of a schema's plain fields (nested lists become tables of their own)."""
    refs = refs or {}
    return [_column(table, n, s, refs.get(n)) for n, s in fields.items() if s.type not in _NESTED]


def schemas() -> dict[str, Table]:
    """Every table's columns and keys (no rows), in the order a reader meets them."""
    owner = _owner_columns()
    out: dict[str, Table] = {}
    for kind, fields in KINDS.items():
        out[kind] = _table(kind, _fields(kind, fields), ["id"])
        if kind == "structures":
            item_id, *rest = _fields("items", ITEM, {"parent": "items"})
            structure = Column("structure", "string", COLUMN_HELP["structure"], True,
                               "structures", (), SLUG_PATTERN)
            out["items"] = _table("items", [item_id, structure, _position(), *rest], ["id"])
    for name, fields in (("alt_dates", ALT_DATE), ("citations", CITE),
                         ("follow_through", REPORT)):
        out[name] = _table(name, [*owner, _position(), *_fields(name, fields)],
                           [*OWNER, "position"])
    out["commitments"] = _table("commitments", [
        Column("id", "string", "the committed structure item", True, "items", (), SLUG_PATTERN),
        Column("title", "string", "the commitment in own words", True),
        Column("made", "string", "when it was made", pattern=DATE_PATTERN),
        Column("by", "string", "who made it", choices=PLEDGERS),
        Column("source", "string", "the source of the commitment", ref="sources"),
        Column("status", "string", "derived from the follow-through reports (docs/DATA.md)",
               True, choices=STATUSES),
        Column("latest", "string", "date of the latest report", pattern=DATE_PATTERN),
        Column("reports", "integer", "how many later reports speak to it", True),
        Column("program", "string", COLUMN_HELP["program"], True, "programs"),
        Column("structure", "string", COLUMN_HELP["structure"], True, "structures"),
        Column("topics", "list", "topics of the commitment")], ["id"])
    topic = Column("topic", "string", COLUMN_HELP["topic"], True, "topics")
    out["record_topics"] = _table("record_topics", [*owner, topic], [*OWNER, "topic"])
    field_ = Column("field", "string", COLUMN_HELP["field"], True)
    program = Column("program", "string", COLUMN_HELP["program"], True, "programs")
    out["record_programs"] = _table("record_programs", [*owner, field_, program],
                                    [*OWNER, "field", "program"])
    out["records"] = _table("records", [
        *owner, Column("title", "string", "title, name, label or text", True),
        Column("summary", "string", COLUMN_HELP["summary"]),
        Column("quotes", "list", COLUMN_HELP["quotes"])], OWNER)
    return out


TABLE_NAMES = tuple(schemas())


def table_name(name: str) -> str:
    """A table name as the user typed it, checked ('did you mean' when unknown)."""
    if name in TABLE_NAMES:
        return name
    raise UsageError(f"unknown table '{name}'{did_you_mean(name, TABLE_NAMES)} "
                     f"(one of: {', '.join(TABLE_NAMES)})")


# ---- rows -----------------------------------------------------------------------


def _value(column: Column, value):
    if value is None:
        return None
    if column.type == "list":
        return [str(v) for v in value]
    if column.type in ("number", "integer", "boolean"):
        return value
    return str(value)


def _row(table: Table, record: dict, **extra) -> dict:
    values = {**record, **extra}
    return {c.name: _value(c, values.get(c.name)) for c in table.columns}


def tables(records) -> dict[str, Table]:
    """The schemas filled with the rows of these records (kind -> list of record dicts)."""
    out = schemas()
    rows: dict[str, list[dict]] = {name: [] for name in out}

    def owned(kind: str, rec: dict) -> None:
        owner = {"record_kind": kind, "record_id": rec["id"]}
        cites = rec.get("cite", [])
        for i, cite in enumerate(cites, 1):
            rows["citations"].append(_row(out["citations"], cite, **owner, position=i))
        for i, alt in enumerate(rec.get("alt_dates", []), 1):
            rows["alt_dates"].append(_row(out["alt_dates"], alt, **owner, position=i))
        for i, cite in enumerate(report_cites(rec), 1):  # each link with its source
            report = rec["reports_on"][i - 1]
            rows["follow_through"].append(_row(out["follow_through"], report | cite, **owner,
                                               position=i))
        for topic in dict.fromkeys(rec.get("topics", [])):
            rows["record_topics"].append({**owner, "topic": topic})
        if kind != "programs":
            for name, spec in KINDS.get(kind, {}).items():
                if spec.ref == "programs" and name in rec:
                    values = rec[name] if spec.type == "refs" else [rec[name]]
                    for program in dict.fromkeys(values):
                        rows["record_programs"].append({**owner, "field": name,
                                                        "program": program})
        rows["records"].append({**owner, "title": title_of(kind, rec),
                                "summary": rec.get("summary"),
                                "quotes": [c["quote"] for c in record_cites(rec)] or None})

    for kind in KINDS:
        for rec in records.get(kind, []):
            extra = {}
            if "source" in KINDS[kind] and "source" not in rec and rec.get("cite"):
                extra["source"] = rec["cite"][0]["source"]
            rows[kind].append(_row(out[kind], rec, **extra))
            owned(kind, rec)
            for i, item in enumerate(rec.get("items", []), 1):
                rows["items"].append(_row(out["items"], item, structure=rec["id"], position=i))
                owned("items", item)
    rows["commitments"] = [_row(out["commitments"], row, reports=len(row["evidence"]))
                           for row in commitment_rows(records)]
    for name, table in out.items():
        table.rows.extend(rows[name])
    return out


def commitment_rows(records) -> list[dict]:
    """Every commitment in these records with its derived status (commitments.py)."""
    ds = evidence.PlainRecords({kind: list(records.get(kind, [])) for kind in KINDS})
    reports = evidence.follow_through(ds)
    return [commitment_row(item, s, reports.get(item["id"], []))
            for s in ds.records["structures"] if evidence.is_commitment_structure(s)
            for item in s["items"]]


# ---- CSV ------------------------------------------------------------------------


def csv_cell(column: Column, value) -> object:
    """A value as a CSV cell: numbers stay numbers; text is `cell_text` (no formula, no
    terminal escape)."""
    if value is None:
        return ""
    if column.type == "boolean":
        return "true" if value else "false"
    if column.type in ("number", "integer"):
        return value
    return cell_text(LIST_SEPARATOR.join(value) if column.type == "list" else value)


def csv_text(table: Table) -> str:
    """One table as RFC 4180 CSV: CRLF line ends, and a CR inside a value quoted."""
    lines = [csv_line((c.name for c in table.columns), "\r\n")]
    lines += [csv_line((str(csv_cell(c, row[c.name])) for c in table.columns), "\r\n")
              for row in table.rows]
    return "".join(lines)
