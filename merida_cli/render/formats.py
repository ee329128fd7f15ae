"""Text formats of a listing: plain (tab-separated), CSV and Markdown.

CSV and Markdown are read by other programs, so data is made inert for them here, in one
place each: `csv_row` neutralises spreadsheet formulas and terminal escapes
(`text.cell_text`) and quotes every line break (a bare CR too), `md_text` escapes Markdown
and HTML so a value never adds headings, tables, links or raw HTML. There is one CSV
writer, `csv_line`, and one Markdown table writer, `md_table`: listings, the exports
(packs.py, the typed tables of tables.py) and the brief's money table all use them.
"""

from __future__ import annotations

import re

from ..text import cell_text, printable
from .base import cell

_NEEDS_QUOTES = re.compile(r'[",\r\n]|^\s|\s$')


def csv_field(text: str) -> str:
    """One CSV field as written: quoted when it holds a comma, a quote or any line break,
    or starts or ends with white space (which a reader may trim)."""
    if _NEEDS_QUOTES.search(text):
        text = '"' + text.replace('"', '""') + '"'
    return text


def csv_line(fields, end: str = "\n") -> str:
    """The one CSV writer: fields, already text, as one line (`end`: CRLF for RFC 4180)."""
    return ",".join(csv_field(f) for f in fields) + end


def csv_cell(value) -> str:
    """A value as one CSV field: its cell text (`cell_text`), quoted as it needs."""
    return csv_field(cell_text(value))


def csv_row(cells) -> str:
    return csv_line(cell_text(c) for c in cells)


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
    return csv_row(c.header for c in columns) + "".join(
        csv_row(cell(c.get(row)) for c in columns) for row in rows)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")  # inline only: values never start a line
_SCHEME = re.compile(r"(?i)\b(javascript|vbscript|data|file)\s*:")


def md_text(value) -> str:
    """Text as inert inline Markdown: one line, HTML escaped (no raw tags), every character
    that could start emphasis, code, a link or image (`[`) or a table cell escaped, and
    the colon of a `javascript:`-style scheme escaped so nothing links it. (`#` and list
    markers matter only at a line's start, where no value is ever put.)"""
    text = printable(" ".join(("" if value is None else str(value)).split()))
    # & and < are all HTML needs to start an entity or a tag ('->' stays readable)
    text = _MD_SPECIAL.sub(r"\\\1", text.replace("&", "&amp;").replace("<", "&lt;"))
    return _SCHEME.sub(lambda m: m.group(0)[:-1] + "\\:", text)


def md_block(lines) -> str:
    """A document's lines (show, validate, diff) as a Markdown code block: its layout kept
    and nothing in it markup (no tag, link or emphasis), the fence longer than any run of
    backticks in the text, so no line of the data can close it."""
    body = [printable(line) for line in lines]
    longest = max((len(run) for line in body for run in re.findall("`+", line)), default=0)
    fence = "`" * max(3, longest + 1)
    return "\n".join([fence, *body, fence])


def md_table(headers, rows, escape=md_text) -> list[str]:
    """The one Markdown table writer: a header line, the rule, a line per row of cells;
    every header and cell through `escape` (inert inline text)."""
    lines = ["| " + " | ".join(escape(h) for h in headers) + " |",
             "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(escape(c) for c in row) + " |" for row in rows]
    return lines


def to_markdown(columns, rows, title: str | None = None) -> str:
    lines = [f"## {md_text(title)}", ""] if title else []
    lines += md_table([c.header for c in columns],
                      ([cell(c.get(row)) for c in columns] for row in rows))
    return "\n".join(lines)
