"""Prove every citation: each quote must occur in its source's text file."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .text import normalize_quote


@dataclass
class TextIndex:
    """Source texts found in the given folders, by sha256 and by file name."""

    by_hash: dict[str, Path]
    by_name: dict[str, Path]

    @classmethod
    def scan(cls, folders: list[Path]) -> TextIndex:
        by_hash, by_name = {}, {}
        for folder in folders:
            for path in sorted(Path(folder).iterdir()):
                if path.is_file():
                    by_hash.setdefault(hashlib.sha256(path.read_bytes()).hexdigest(), path)
                    by_name.setdefault(path.name, path)
        return cls(by_hash, by_name)

    def find(self, source: dict) -> Path | None:
        return self.by_hash.get(source.get("sha256", "")) or self.by_name.get(source["file"])


def citations(records: dict[str, list[dict]]):
    """Yield (record id, cite) for every citation, structure items included."""
    for recs in records.values():
        for rec in recs:
            for cite in rec.get("cite", []):
                yield rec["id"], cite
            for item in rec.get("items", []):
                for cite in item.get("cite", []):
                    yield item["id"], cite


def verify(records: dict[str, list[dict]], folders: list[Path]) -> tuple[int, list[str], list[str]]:
    """Return (quotes checked, failures, warnings); failures read `id: quote not found in FILE`."""
    index = TextIndex.scan(folders)
    sources = {s["id"]: s for s in records.get("sources", [])}
    texts: dict[str, str | None] = {}
    failures, warnings, checked = [], [], 0
    for sid, source in sources.items():
        path = index.find(source)
        if path is None:
            texts[sid] = None
            continue
        if source.get("sha256") and index.by_hash.get(source["sha256"]) != path:
            warnings.append(f"source '{sid}': {path.name} does not match its sha256; "
                            "checked by file name")
        texts[sid] = normalize_quote(path.read_text(encoding="utf-8", errors="replace"))
    for rid, cite in citations(records):
        checked += 1
        text = texts.get(cite["source"])
        if text is None:
            name = sources.get(cite["source"], {}).get("file", cite["source"])
            failures.append(f"{rid}: source text {name} not found in "
                            + ", ".join(str(f) for f in folders))
        elif normalize_quote(cite["quote"]) not in text:
            failures.append(f"{rid}: quote not found in {sources[cite['source']]['file']}: "
                            f"\"{cite['quote'][:60]}\"")
    return checked, failures, warnings
