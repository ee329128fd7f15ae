"""Prove every citation: each quote must occur in its source's text file."""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from .load import read_regular
from .model import report_cites
from .text import normalize_quote

MAX_TEXT_BYTES = 64 * 1024 * 1024


def decode_text(raw: bytes) -> str:
    """A source text: UTF-16 when it starts with a UTF-16 byte-order mark (Windows
    exports), else UTF-8; invalid bytes become U+FFFD, so a quote around them verifies."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16", errors="replace")
    return raw.decode("utf-8", errors="replace").removeprefix("\ufeff")


@dataclass
class TextIndex:
    """Source texts found in the given folders, by sha256 and by file name. Only regular
    files of a bounded size are read; any other or unreadable entry is skipped with a
    warning (a FIFO, a device, a link to /proc/self/mem, a vanished file)."""

    by_hash: dict[str, Path]
    by_name: dict[str, Path]
    texts: dict[Path, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def scan(cls, folders: list[Path]) -> TextIndex:
        index = cls({}, {})
        for folder in folders:
            try:
                entries = sorted(Path(folder).iterdir())
            except OSError as exc:
                index.warnings.append(f"{folder}: cannot list: {exc.strerror}")
                continue
            for path in entries:
                if path.is_dir():
                    continue
                try:
                    raw = read_regular(path, MAX_TEXT_BYTES)
                except OSError as exc:
                    index.warnings.append(f"{path}: skipped: {exc.strerror or exc}")
                    continue
                index.by_hash.setdefault(hashlib.sha256(raw).hexdigest(), path)
                index.by_name.setdefault(path.name, path)
                index.texts.setdefault(path, decode_text(raw))
        return index

    def text(self, path: Path) -> str:
        return self.texts[path]

    def find(self, source: dict) -> Path | None:
        return self.by_hash.get(source.get("sha256", "")) or self.by_name.get(source["file"])


def citations(records: dict[str, list[dict]]):
    """Yield (record id, cite) for every citation, structure items and follow-through
    links (`reports_on`) included."""
    for recs in records.values():
        for rec in recs:
            for owner in (rec, *rec.get("items", [])):
                for cite in [*owner.get("cite", []), *report_cites(owner)]:
                    yield owner["id"], cite


@dataclass
class Verification:
    """What `verify` found: failures are quotes missing from a text that was there;
    quotes whose source text is in none of the folders are counted as skipped."""

    checked: int
    failures: list[str]
    skipped: dict[str, int]  # source id -> quotes not checked
    warnings: list[str]


def verify(records: dict[str, list[dict]], folders: list[Path], progress=None) -> Verification:
    """Check every quote whose source text is in the folders (`id: quote not found in FILE`).

    `progress(done, total)` is told after each source text is read."""
    index = TextIndex.scan(folders)
    sources = {s["id"]: s for s in records.get("sources", [])}
    texts: dict[str, str] = {}
    warnings = []
    for done, (sid, source) in enumerate(sources.items(), 1):
        if progress is not None:
            progress(done, len(sources))
        path = index.find(source)
        if path is None:
            continue
        if source.get("sha256") and index.by_hash.get(source["sha256"]) != path:
            warnings.append(f"source '{sid}': {path.name} does not match its sha256; "
                            "checked by file name")
        texts[sid] = normalize_quote(index.text(path))
    result = Verification(0, [], {}, index.warnings + warnings)
    for rid, cite in citations(records):
        text = texts.get(cite["source"])
        if text is None:
            result.skipped[cite["source"]] = result.skipped.get(cite["source"], 0) + 1
            continue
        result.checked += 1
        if normalize_quote(cite["quote"]) not in text:
            result.failures.append(f"{rid}: quote not found in "
                                   f"{sources[cite['source']]['file']}: \"{cite['quote'][:60]}\"")
    return result
