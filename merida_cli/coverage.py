"""Completeness: which sentences of a source carry a number or a date and are not cited.

A sentence counts as covered when any citation quote of that source overlaps
it, or when `meta/coverage-skip.yaml` lists it (a fragment it contains, a regex
pattern, or a from/to range such as a paper's endnotes) with a reason.
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import UsageError
from .packfiles import builtin_pack
from .text import normalize_quote
from .verify import TextIndex, citations

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]*[A-Z0-9¿¡])")
_HAS_FIGURE = re.compile(
    r"\d|\b(January|February|March|April|May|June|July|August|September|October|November|"
    r"December|hundreds?|thousands?|millions?|billions?|dozens?|percent)\b")


def skip_rules() -> dict[str, list[dict]]:
    from .yamlsafe import parse_yaml

    path = builtin_pack() / "meta" / "coverage-skip.yaml"
    if not path.exists():
        return {}
    return parse_yaml(path.read_text(encoding="utf-8"), str(path)) or {}


def sentences(text: str) -> list[tuple[int, int, str]]:
    """(start, end, sentence) over the normalised text."""
    out, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        out.append((start, match.start(), text[start:match.start()].strip()))
        start = match.end()
    out.append((start, len(text), text[start:].strip()))
    return [s for s in out if s[2]]


def cited_spans(text: str, quotes: list[str]) -> list[tuple[int, int]]:
    spans = []
    for quote in quotes:
        q = normalize_quote(quote)
        at = text.find(q)
        while q and at >= 0:
            spans.append((at, at + len(q)))
            at = text.find(q, at + 1)
    return spans


def uncovered(text_raw: str, quotes: list[str], rules: list[dict]) -> list[str]:
    """Sentences with a digit that no quote overlaps and no skip rule excuses."""
    text = normalize_quote(text_raw)
    spans = cited_spans(text, quotes)
    ranges = []
    for rule in rules:
        if "from" in rule:
            a = text.find(normalize_quote(rule["from"]))
            b = text.find(normalize_quote(rule["to"]), max(a, 0))
            if a >= 0 and b >= 0:
                ranges.append((a, b + len(normalize_quote(rule["to"]))))
    fragments = [normalize_quote(r["match"]) for r in rules if "match" in r]
    patterns = [re.compile(r["pattern"]) for r in rules if "pattern" in r]
    out = []
    for start, end, sentence in sentences(text):
        if not _HAS_FIGURE.search(sentence):
            continue
        if any(s < end and start < e for s, e in spans):
            continue
        if any(s <= start and end <= e for s, e in ranges):
            continue
        if any(f in sentence for f in fragments) or any(p.search(sentence) for p in patterns):
            continue
        out.append(sentence)
    return out


def coverage_report(ds, source_id: str, folders: list[Path]) -> dict:
    source = ds.get("sources", source_id)
    index = TextIndex.scan(folders)
    path = index.find(source)
    if path is None:
        skipped = [w for w in index.warnings if source["file"] in w]
        raise UsageError(f"text of source '{source_id}' ({source['file']}) not found in "
                         + ", ".join(str(f) for f in folders)
                         + "".join(f" ({w})" for w in skipped[:1]))
    quotes = [c["quote"] for _rid, c in citations(ds.records) if c["source"] == source_id]
    missing = uncovered(index.text(path), quotes,
                        skip_rules().get(source_id, []))
    return {"source": source_id, "file": path.name, "quotes": len(quotes),
            "uncited_sentences": missing, "warnings": index.warnings}
