"""One dispatcher for every listing: table on a terminal, plain (tab-separated) when piped,
JSON / CSV / Markdown on request, as the command's Mode (`mode.py`) says. A view builds a
Listing (or several) and calls emit.

Data is text, never markup: every value shown on a terminal, piped or in Markdown goes
through `text.printable`; JSON and CSV keep the raw values (machine formats)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import UsageError
from ..model import KINDS
from ..text import did_you_mean, json_text, printable
from .base import cell  # noqa: F401 - re-exported: views and callers take it from here
from .formats import md_block, plain_rows, to_csv, to_markdown
from .mode import Format, Mode, output_mode, pick_format  # noqa: F401 - re-exported


@dataclass
class Column:
    header: str
    get: Callable[[dict], object]
    no_wrap: bool = False
    ratio: int | None = None
    style: str | None = None
    min_width: int | None = None
    # when a table cannot fit: 0 = never hidden; higher numbers are hidden first
    # (None: the Id column and the widest text column are kept, the rest hide right to left)
    priority: int | None = None
    key: str | None = None  # the name --fields uses (default: the header, lower-case)

    @property
    def name(self) -> str:
        return self.key or self.header.lower().replace(" ", "_")


@dataclass
class Listing:
    """What a listing command shows: records (for JSON) and columns (for tables)."""

    noun: str  # plural, for "no recommendations match"
    records: list
    columns: list[Column]
    title: str | None = None
    caption: str | None = None
    rows: list | None = None  # rows to tabulate when they differ from the JSON records
    extra: list = field(default_factory=list)  # renderables after the table (charts)

    @property
    def table_rows(self) -> list:
        return self.rows if self.rows is not None else self.records


def dumps(data) -> str:
    return json_text(data)


def emit(env, listing: Listing, mode: Mode) -> None:
    """Render a listing in the mode's format; an empty one says so on stderr."""
    listing = with_fields(listing, mode.fields, mode.format)
    if mode.json:
        env.out(dumps(listing.records))
    if not listing.table_rows:
        env.err(f"no {listing.noun} match")  # the result's exit status says 1
    elif not mode.json:
        _emit_rows(env, listing, mode, titled=False)


def emit_all(env, listings: list[Listing], mode: Mode, data=None) -> None:
    """Several tables in one output (pillars --all, compare, gaps): JSON prints `data` as
    one document; otherwise each table follows its title line (piped too) and an empty
    one is reported on stderr."""
    if mode.json:
        env.out(dumps(data))
        return
    shown = 0
    for listing in listings:
        listing = with_fields(listing, mode.fields, mode.format)
        if not listing.table_rows:
            env.err(f"{listing.title or listing.noun}: none")
            continue
        if shown:
            env.out()
        _emit_rows(env, listing, mode, titled=len(listings) > 1)
        shown += 1


def _emit_rows(env, listing: Listing, mode: Mode, titled: bool) -> None:
    """A listing's rows as CSV, Markdown, a table drawn on the terminal, or plain lines."""
    rows = listing.table_rows
    if mode.format is Format.csv:
        env.stdout.write(to_csv(listing.columns, rows))
    elif mode.format is Format.markdown:
        env.out(to_markdown(listing.columns, rows, listing.title))
    elif mode.terminal:
        from .terminal import print_table

        print_table(env, mode, listing, rows)
    else:
        if titled and listing.title:
            env.out(printable(listing.title))
        env.stdout.write(plain_rows(listing.columns, rows))


def emit_document(env, data, mode: Mode, lines, listings=()) -> None:
    """A result that is not one list of records (show, diff, coverage, validate, verify):
    JSON prints `data`; table and plain print its (style, text) lines, Markdown the same
    lines as a code block (a pack's `<script>` or `**` inert); CSV prints its listings,
    if it has any."""
    refuse_fields(mode)
    if mode.json:
        env.out(dumps(data))
    elif mode.format is Format.markdown:
        env.out(md_block(text for _style, text in lines))
    elif mode.format is Format.csv:
        if not listings:
            raise UsageError("--format csv: this command's result is not a table; "
                             "use --format json")
        emit_all(env, list(listings), mode)
    else:
        from .terminal import print_lines

        print_lines(env, lines, mode)


def refuse_fields(options) -> None:
    """--fields picks the columns of a listing; a document (show, validate, a citation,
    a brief, an export) has none, and a silently ignored option would mislead.
    `options`: the Mode, or the Environment for a command that prints no Mode's output."""
    if getattr(options, "fields", None):
        raise UsageError("--fields picks the columns of a listing; this command prints a "
                         "document (use --json and pick the keys you need)")


def with_fields(listing: Listing, fields: list[str] | None, fmt: Format) -> Listing:
    """The listing cut to --fields: JSON keeps those keys of each record, tables and
    CSV those columns (a record field that is not a column becomes one)."""
    if not fields:
        return listing
    records = listing.records if all(isinstance(r, dict) for r in listing.records) else []
    # the kind's own fields count whether or not a record matched (no results is no reason
    # to call a field unknown)
    keys = list(dict.fromkeys([*(k for r in records for k in r), *kind_fields(listing.noun)]))
    by_name = {}
    for col in listing.columns:
        by_name.setdefault(col.name, col)
        by_name.setdefault(col.header.lower(), col)
    unknown = [f for f in fields if f not in keys and f.lower() not in by_name]
    if unknown:
        choices = list(dict.fromkeys([c.name for c in listing.columns] + keys))
        raise UsageError(f"--fields: unknown field '{unknown[0]}'"
                         f"{did_you_mean(unknown[0], choices)}; fields: {', '.join(choices)}")
    if fmt is Format.json:
        return Listing(listing.noun, [{k: r[k] for k in fields if k in r} for r in records],
                       listing.columns, listing.title)
    columns = [by_name.get(f.lower()) or Column(f, lambda r, f=f: _field(r, f), key=f)
               for f in fields]
    return Listing(listing.noun, listing.records, columns, listing.title, listing.caption,
                   listing.rows, listing.extra)


def kind_fields(noun: str) -> list[str]:
    """The fields a record of a listing's kind can carry (its schema), by the listing's noun."""
    kind = {"funding lines": "funding"}.get(noun, noun)
    return list(KINDS.get(kind, {}))


def _field(row, name: str):
    return row.get(name) if isinstance(row, dict) else getattr(row, name, None)
