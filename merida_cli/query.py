"""Filters, structures, listings: pure functions over a Dataset (alignment: align.py).

Nothing here prints or reads files; commands call these and hand the result
to a renderer.
"""

from __future__ import annotations

from collections import Counter

from .errors import UsageError
from .model import KINDS, record_cites, year_of
from .text import fold

# ---- structures and components --------------------------------------------


def structures_of(ds, program_id: str) -> list[dict]:
    """A program's structures, oldest first (by adoption date, then file order)."""
    found = [s for s in ds.records["structures"] if s["program"] == program_id]
    return sorted(found, key=lambda s: (s.get("adopted") or "9999"))


def current_structure(ds, program_id: str) -> dict | None:
    """The structure marked current, else the most recently adopted one."""
    found = structures_of(ds, program_id)
    marked = [s for s in found if s.get("current")]
    return (marked or found or [None])[-1]


def children_of(ds, program_id: str) -> list[dict]:
    return [p for p in ds.records["programs"] if p.get("parent") == program_id]


def components(ds, program_id: str) -> list[dict]:
    """What a program is made of: its current structure's items (pillars, goals and their
    objectives); failing that its sub-programs; failing that the program itself, so any
    two programs can be compared."""
    structure = current_structure(ds, program_id)
    if structure:
        return [{"kind": "item", "id": i["id"], "number": i.get("number"), "title": i["title"],
                 "topics": i.get("topics", []), "structure": structure["id"]}
                for i in structure["items"]]
    children = children_of(ds, program_id)
    programs = children or [ds.get("programs", program_id)]
    return [{"kind": "program", "id": p["id"], "title": p["name"], "topics": p.get("topics", [])}
            for p in programs]


def program_period(program: dict) -> str:
    start, end = program.get("start"), program.get("end")
    if start and end:
        return f"{start} to {end}"
    return f"{start} to" if start else (f"to {end}" if end else "")


def program_rows(ds) -> list[dict]:
    """One summary row per program: counts of components, funding, recommendations."""
    funding = Counter(line["program"] for line in ds.records["funding"])
    recs: dict[str, int] = {}
    for r in ds.records["recommendations"]:
        for pid in r.get("programs", []):
            recs[pid] = recs.get(pid, 0) + 1
    return [{"id": p["id"], "name": p["name"], "period": program_period(p),
             "parent": p.get("parent", ""), "components": len(components(ds, p["id"])),
             "funding_lines": funding.get(p["id"], 0), "recommendations": recs.get(p["id"], 0)}
            for p in ds.records["programs"]]


# ---- filters ----------------------------------------------------------------


def filter_records(ds, record_kind: str, topic=None, source=None, actor=None, program=None,
                   **fields) -> list[dict]:
    """Records of one kind matching every given filter (topics through aliases and children).

    Extra keyword filters match a field's value by folded equality or as one of its words
    (`account="incle"`, `recipient="Mexico"`).
    """
    if record_kind not in KINDS:
        raise UsageError(f"unknown kind '{record_kind}'")
    topics = [topic] if isinstance(topic, str) else list(topic or [])
    if topics:
        wanted = set().union(*(ds.topic_family(t) for t in topics))
        records = ds.with_topics(record_kind, wanted)
    else:
        records = ds.records[record_kind]
    if source:
        sid = ds.resolve_id("sources", source)
        records = [r for r in records if sid in record_sources(r)]
    if actor:
        needle = fold(actor)
        records = [r for r in records if needle in fold(r.get("actor", ""))]
    if program:
        pid = ds.resolve_program(program)
        records = [r for r in records if pid in record_programs(r)]
    for key, value in fields.items():
        if value is not None:
            needle = fold(str(value))
            records = [r for r in records if needle == fold(str(r.get(key, "")))
                       or needle in fold(str(r.get(key, ""))).split()]
    return records


def record_topics(rec: dict) -> list[str]:
    topics = list(rec.get("topics", []))
    for item in rec.get("items", []):
        topics += item.get("topics", [])
    return topics


def record_sources(rec: dict) -> set[str]:
    found = {c["source"] for c in record_cites(rec)}
    if "source" in rec:
        found.add(rec["source"])
    return found


def record_programs(rec: dict) -> set[str]:
    found = set(rec.get("programs", []))
    for key in ("program", "about", "parent"):
        if key in rec:
            found.add(rec[key])
    return found


def funding_lines(ds, program=None, kind=None, account=None, recipient=None) -> list[dict]:
    """Funding lines sorted by the period they cover, then by the date they were stated."""
    if kind is not None:
        kinds = KINDS["funding"]["kind"].choices
        if kind not in kinds:
            from .text import did_you_mean

            raise UsageError(f"unknown funding kind '{kind}'{did_you_mean(kind, kinds)}")
    lines = filter_records(ds, "funding", program=program, kind=kind, account=account,
                           recipient=recipient)
    return sorted(lines, key=funding_sort_key)


def funding_sort_key(line: dict):
    start = year_of(line.get("fiscal_years")) or year_of(line.get("period")) \
        or year_of(line.get("as_of"))
    return (start or 0, line.get("as_of", ""), line["id"])


def timeline(ds, start=None, end=None, topic=None, program=None) -> list[dict]:
    """Events in date order; a year-precision date sorts before the dates inside it."""
    events = filter_records(ds, "events", topic=topic, program=program)
    if start is not None:
        events = [e for e in events if year_of(e["date"]) >= start]
    if end is not None:
        events = [e for e in events if year_of(e["date"]) <= end]
    return sorted(events, key=lambda e: (e["date"], e["id"]))


def topic_rows(ds) -> list[dict]:
    """Each topic with how many records of each kind carry it."""
    counts: dict[str, dict[str, int]] = {t["id"]: {} for t in ds.records["topics"]}
    for kind in ("programs", "structures", "funding", "recommendations", "events", "figures",
                 "assessments"):
        for rec in ds.records[kind]:
            for tid in set(record_topics(rec)):
                if tid in counts:
                    counts[tid][kind] = counts[tid].get(kind, 0) + 1
    return [{**t, "counts": counts[t["id"]], "total": sum(counts[t["id"]].values())}
            for t in ds.records["topics"]]


def source_rows(ds) -> list[dict]:
    """Each source with the number of records (and quotes) citing it."""
    records: dict[str, set] = {s["id"]: set() for s in ds.records["sources"]}
    quotes: dict[str, int] = {s["id"]: 0 for s in ds.records["sources"]}
    by_kind: dict[str, dict[str, int]] = {s["id"]: {} for s in ds.records["sources"]}
    for kind, recs in ds.records.items():
        for rec in recs:
            cites = record_cites(rec)
            for sid in {c["source"] for c in cites}:
                if sid in records:
                    records[sid].add((kind, rec["id"]))
                    by_kind[sid][kind] = by_kind[sid].get(kind, 0) + 1
            for c in cites:
                if c["source"] in quotes:
                    quotes[c["source"]] += 1
    return [{**s, "records_citing": len(records[s["id"]]), "quotes": quotes[s["id"]],
             "by_kind": by_kind[s["id"]]} for s in ds.records["sources"]]


def related(ds, kind: str, rec: dict) -> dict[str, list[str]]:
    """Ids linked to a record: for a program its parts and everything about it."""
    links: dict[str, list[str]] = {}
    if kind == "programs":
        pid = rec["id"]
        links["sub-programs"] = [p["id"] for p in children_of(ds, pid)]
        links["structures"] = [s["id"] for s in structures_of(ds, pid)]
        for other in ("funding", "recommendations", "events", "figures", "assessments"):
            links[other] = [r["id"] for r in ds.records[other] if pid in record_programs(r)]
    elif kind == "topics":
        fam = ds.topic_family(rec["id"])
        for other in ("programs", "recommendations", "events", "assessments", "figures"):
            links[other] = [r["id"] for r in ds.records[other] if fam & set(record_topics(r))]
    elif kind == "sources":
        for other, recs in ds.records.items():
            links[other] = [r["id"] for r in recs if rec["id"] in record_sources(r)]
    else:
        for key in ("program", "about", "parent"):
            if key in rec:
                links.setdefault("programs", []).append(rec[key])
        links.setdefault("programs", []).extend(rec.get("programs", []))
    return {k: v for k, v in links.items() if v}
