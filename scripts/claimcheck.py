#!/usr/bin/env python3
"""Claim check: a fresh random sample of cited records, each claim printed beside its
quotes and the paragraph of the source text that holds each quote (marked »like this«),
so a reviewer reads a claim against its source in seconds (issue 26's standing check).

    .venv/bin/python scripts/claimcheck.py --n 60 [--seed S] [--kind assessments]

Without --seed a fresh seed is drawn and printed at the top; the same seed on the same
data draws the same sample. Texts are found the way `merida verify --texts` finds them.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import re
import secrets
import sys
import textwrap
from pathlib import Path

import merida_cli
from merida_cli.errors import DataError, MeridaError
from merida_cli.text import excerpt, locate_quote, printable
from merida_cli.verify import TextIndex

REPO = Path(__file__).resolve().parents[1]
DEFAULT_TEXTS = [REPO.parent / "shared" / "seeds", REPO.parent / "shared" / "sources"]
ITEMS = "structure-items"  # a structure's items are claims of their own, drawn apart
LONG_LINE = 200  # a block with a line this long holds one paragraph per line (web copy)
MAX_PARAGRAPH = 900  # characters of a longer paragraph shown around the quote, cut with …
WIDTH = 100
INDENT = "    "
_LINE = re.compile(r"[^\n]*\S[^\n]*")  # a line that is not blank
_SENTENCE_END = (".", "!", "?", ":", "\"", "\u201d", ")")


def cited_records(records) -> list[tuple[str, dict, dict | None]]:
    """Every record that cites a source, as (kind, record, its structure if an item), in
    the pack's order: the population a sample is drawn from."""
    found = []
    for kind, recs in records.items():
        for rec in recs:
            if rec.get("cite"):
                found.append((kind, rec, None))
            if kind == "structures":
                found.extend((ITEMS, item, rec) for item in rec.get("items", [])
                             if item.get("cite"))
    return found


def draw(population: list, n: int, seed: int, kind: str | None = None) -> list:
    """`n` records drawn without replacement (every one when there are fewer); the same
    seed on the same population draws the same records in the same order."""
    pool = [unit for unit in population if kind is None or unit[0] == kind]
    return random.Random(seed).sample(pool, min(n, len(pool)))


def paragraph_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The paragraph around text[start:end], as (start, end) offsets in `text`.

    Texts come as web copy (a paragraph per long line), PDF lines in blocks between blank
    lines, or double-spaced PDF lines (a blank line after every line). A paragraph is a
    run of lines ended by a blank line (unless the text is double-spaced), a long line,
    or a short line ending a sentence (the last line of a PDF paragraph)."""
    lines = [(m.start(), m.end()) for m in _LINE.finditer(text)]
    full = sorted(b - a for a, b in lines)[len(lines) * 9 // 10] if lines else 0
    double_spaced = _double_spaced(text, lines)

    def ends_paragraph(i: int) -> bool:
        a, b = lines[i]
        line = text[a:b].rstrip()
        if len(line) >= LONG_LINE or i + 1 == len(lines):
            return True
        if not double_spaced and text[b:lines[i + 1][0]].count("\n") > 1:
            return True
        return line.endswith(_SENTENCE_END) and len(line) < full * 4 // 5

    first = next(i for i, (a, b) in enumerate(lines) if b > start)
    last = next(i for i, (a, b) in enumerate(lines) if b >= end)
    while first > 0 and not ends_paragraph(first - 1):
        first -= 1
    while not ends_paragraph(last):
        last += 1
    return lines[first][0], lines[last][1]


def _double_spaced(text: str, lines: list[tuple[int, int]]) -> bool:
    """Most lines followed by a blank line: blank lines then say nothing of paragraphs."""
    gaps = [text[b:nxt[0]].count("\n") > 1 for (_, b), nxt in itertools.pairwise(lines)]
    return len(gaps) >= 10 and sum(gaps) > len(gaps) * 4 // 5


def marked_paragraph(text: str, start: int, end: int) -> str:
    """The paragraph holding text[start:end] on one line, the quote marked »…«; a paragraph
    longer than MAX_PARAGRAPH is cut between words around the quote, each cut shown as …."""
    lo, hi = paragraph_bounds(text, start, end)
    marked = " ".join(f"{text[lo:start]}»{text[start:end]}«{text[end:hi]}".split())
    quote_at = marked.index("»")
    width = max(MAX_PARAGRAPH, (marked.index("«") - quote_at) * 3 // 2 + 60)
    return excerpt(marked, quote_at, width)


def quotes_of(rec: dict) -> list[tuple[str, str, str]]:
    """(label, source id, quote) for each citation and each follow-through report."""
    found = [(f"cite {i}", c["source"], c["quote"]) for i, c in enumerate(rec["cite"], 1)]
    default = rec["cite"][0]["source"]
    found += [(f"reports_on {r['commitment']} ({r['status']})", r.get("source", default),
               r["quote"]) for r in rec.get("reports_on", [])]
    return found


def _value(value) -> str:
    if isinstance(value, bool) or value is None:
        return str(value).lower()
    if isinstance(value, (int, float)):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    if isinstance(value, dict):
        return ", ".join(f"{k} {_value(v)}" for k, v in value.items() if k != "quote")
    if isinstance(value, list):
        return ("; " if any(isinstance(v, dict) for v in value) else ", ").join(map(_value, value))
    return str(value)


def claim_fields(rec: dict, structure: dict | None) -> list[tuple[str, str]]:
    """The record's claim, field by field (its quotes are printed apart, with their
    paragraphs; a structure's items are drawn as records of their own)."""
    fields = []
    if structure is not None:
        fields.append(("structure", f"{structure['id']} ({structure['label']})"))
    for key, value in rec.items():
        if key in ("id", "cite"):
            continue
        if key == "items":
            fields.append(("items", f"{len(value)} (drawn as {ITEMS})"))
        elif key == "reports_on":
            fields.append((key, "; ".join(f"{r['commitment']} {r['status']}" for r in value)))
        else:
            fields.append((key, _value(value)))
    return fields


def _wrapped(label: str, text: str, indent: str = INDENT) -> list[str]:
    """`label: text` wrapped at WIDTH, never inside a word; control characters escaped."""
    return textwrap.wrap(printable(text), WIDTH, initial_indent=f"{label}: ",
                         subsequent_indent=indent, break_long_words=False,
                         break_on_hyphens=False) or [f"{label}:"]


def render_block(number: int, total: int, unit, sources: dict, texts: TextIndex) -> str:
    """One record: header, claim fields, then each quote with its marked paragraph."""
    kind, rec, structure = unit
    lines = [f"=== {number}/{total} · {kind} · {printable(rec['id'])} ".ljust(WIDTH, "=")]
    for key, value in claim_fields(rec, structure):
        lines += _wrapped(key, value)
    for label, sid, quote in quotes_of(rec):
        source = sources.get(sid)
        where = (f"{sid} — {source['title']}, {source.get('date', 'undated')}, {source['file']}"
                 if source else f"{sid} (no such source in the pack)")
        lines.append("")
        lines += _wrapped(label, where)
        lines += _wrapped(f"{INDENT}quote", f"“{quote}”", INDENT * 2)
        lines += _wrapped(f"{INDENT}paragraph", paragraph_of(source, quote, texts), INDENT * 2)
    return "\n".join(lines)


def paragraph_of(source: dict | None, quote: str, texts: TextIndex) -> str:
    """The marked paragraph, or why there is none (no text, quote not in it)."""
    if source is None:
        return "(no source record)"
    path = texts.find(source)
    if path is None:
        return f"(text {source['file']} not in the --texts folders)"
    text = texts.text(path)
    span = locate_quote(text, quote)
    if span is None:
        return f"(QUOTE NOT FOUND in {path.name}: `merida verify` reports it)"
    return marked_paragraph(text, *span)


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="claimcheck.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=60, help="records to draw (default 60)")
    parser.add_argument("--seed", type=int, help="seed of the draw (default: a fresh one, printed)")
    parser.add_argument("--kind", help=f"only this kind (events, assessments, ..., {ITEMS})")
    parser.add_argument("--data", action="append", default=[], metavar="DIR",
                        help="extra data pack directory (repeatable)")
    parser.add_argument("--no-builtin", action="store_true", help="leave out the built-in pack")
    parser.add_argument("--texts", action="append", metavar="DIR",
                        help="folder of source texts (repeatable; default ../shared/seeds "
                             "and ../shared/sources beside the repository)")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error(f"argument --n: must be at least 1, not {args.n}")
    return parser, args


def main(argv=None) -> int:
    parser, args = parse_args(argv)
    try:
        catalog = merida_cli.open(args.data, builtin=not args.no_builtin)
        population = cited_records(catalog.records)  # the first question loads the packs
    except DataError as exc:
        more = len(exc.problems) - 1
        print(f"claimcheck.py: error: {printable(exc.problems[0])}"
              + (f" (and {more} more: `merida validate` lists them)" if more else ""),
              file=sys.stderr)
        return 1
    except MeridaError as exc:
        print(f"claimcheck.py: error: {printable(exc)}", file=sys.stderr)
        return 1
    kinds = sorted({unit[0] for unit in population})
    if args.kind is not None and args.kind not in kinds:
        parser.error(f"argument --kind: no cited records of kind '{args.kind}' "
                     f"(kinds: {', '.join(kinds)})")
    seed = secrets.randbelow(1_000_000) if args.seed is None else args.seed
    sample = draw(population, args.n, seed, args.kind)
    texts = TextIndex.scan(args.texts or DEFAULT_TEXTS)
    for warning in texts.warnings:
        print(f"claimcheck.py: warning: {warning}", file=sys.stderr)
    sources = {s["id"]: s for s in catalog.records.get("sources", [])}
    pool = sum(1 for unit in population if args.kind in (None, unit[0]))
    print(f"claimcheck: {len(sample)} of {pool} cited records"
          f"{f' of kind {args.kind}' if args.kind else ''}, seed {seed} "
          f"(the same draw again: --seed {seed})")
    for number, unit in enumerate(sample, 1):
        print()
        print(render_block(number, len(sample), unit, sources, texts))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # a reader that stops early (`| head`) is not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
