"""Text formats of a listing: plain (tab-separated), CSV and Markdown."""

from __future__ import annotations

import csv
import io

from ..text import printable
from . import cell


def plain_value(value) -> str:
    """A cell as one line of text: highlighted text as its plain text, control
    characters (TAB and newline included) escaped so they cannot break a row."""
    return printable(value.plain if hasattr(value, "plain") else cell(value))


def plain_rows(columns, rows) -> str:
    """Piped output: a header line and one tab-separated line per row (like gh)."""
    lines = ["\t".join(printable(c.header) for c in columns)]
    lines += ["\t".join(plain_value(c.get(row)) for c in columns) for row in rows]
    return "\n".join(lines) + "\n"


def to_csv(columns, rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c.header for c in columns])
    for row in rows:
        writer.writerow([cell(c.get(row)) for c in columns])
    return buffer.getvalue()


def _md(text: str) -> str:
    return printable(text).replace("|", "\\|")


def to_markdown(columns, rows, title: str | None = None) -> str:
    lines = [f"## {printable(title)}", ""] if title else []
    lines.append("| " + " | ".join(_md(c.header) for c in columns) + " |")
    lines.append("|" + "|".join("---" for _ in columns) + "|")
    for row in rows:
        lines.append("| " + " | ".join(_md(cell(c.get(row))) for c in columns) + " |")
    return "\n".join(lines)
