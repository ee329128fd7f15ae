"""Machine and document formats of a listing: CSV and Markdown."""

from __future__ import annotations

import csv
import io

from . import cell


def to_csv(columns, rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c.header for c in columns])
    for row in rows:
        writer.writerow([cell(c.get(row)) for c in columns])
    return buffer.getvalue()


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(columns, rows, title: str | None = None) -> str:
    lines = [f"## {title}", ""] if title else []
    lines.append("| " + " | ".join(c.header for c in columns) + " |")
    lines.append("|" + "|".join("---" for _ in columns) + "|")
    for row in rows:
        lines.append("| " + " | ".join(_md(cell(c.get(row))) for c in columns) + " |")
    return "\n".join(lines)
