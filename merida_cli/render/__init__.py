"""One dispatcher for every listing: table on a terminal, plain when piped,
JSON / CSV / Markdown on request. A command builds a Listing and calls emit."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from ..errors import NoResults


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


@dataclass
class Column:
    header: str
    get: Callable[[dict], object]
    no_wrap: bool = False
    ratio: int | None = None
    style: str | None = None
    min_width: int | None = None


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


def pick_format(json_flag: bool, fmt: Format | None) -> Format:
    return Format.json if json_flag else (fmt or Format.table)


def dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def emit(env, listing: Listing, fmt: Format) -> None:
    """Render a listing in the chosen format; an empty one says so and exits 1."""
    if fmt is Format.json:
        env.out(dumps(listing.records))
    rows = listing.rows if listing.rows is not None else listing.records
    if not rows:
        raise NoResults(f"no {listing.noun} match")
    if fmt is Format.csv:
        from .formats import to_csv

        env.stdout.write(to_csv(listing.columns, rows))
    elif fmt is Format.markdown:
        from .formats import to_markdown

        env.out(to_markdown(listing.columns, rows, listing.title))
    elif fmt is Format.table:
        from .terminal import print_table

        print_table(env, listing, rows)
