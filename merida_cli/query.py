"""Filters, structures, listings: pure functions over a Dataset (alignment: align.py).

Nothing here prints or reads files; commands call these and hand the result
to a renderer.
"""

from __future__ import annotations

import re
from collections import Counter

from .errors import UsageError
from .model import KINDS, MEASURES, RECIPIENTS, date_bounds, record_cites, valid_date, year_of
from .text import did_you_mean, fold

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
        records = [r for r in records if needle in fold(actor_name(r.get("actor", "")))]
    if program:
        pid = ds.resolve_program(program)
        records = [r for r in records if pid in record_programs(r)]
    for key, value in fields.items():
        if value is not None:
            needle = fold(str(value))
            records = [r for r in records if needle == fold(str(r.get(key, "")))
                       or needle in fold(str(r.get(key, ""))).split()]
    return records


def actor_name(actor: str) -> str:
    """An actor without the attributions that name someone else: 'Sigrid Arzt (former
    adviser, as reported by Eric L. Olson)' is Arzt's, not Olson's."""

    return re.sub(r"\s*\([^()]*\b(?:by|cited|quoted)\b[^()]*\)", "", actor)


MERGING_KINDS = ("events", "assessments", "recommendations")


def replaced_by(ds, rid: str) -> list[tuple[str, dict]]:
    """The records that list `rid` among the ids merged into them."""
    return [(kind, rec) for kind in MERGING_KINDS
            for rec in ds.records[kind] if rid in rec.get("replaces", [])]


def merged_ids(ds) -> list[str]:
    """Every id merged away into another record (they keep resolving)."""
    return [old for kind in MERGING_KINDS for rec in ds.records[kind]
            for old in rec.get("replaces", [])]


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


def parse_date_option(value: str | None, option: str) -> str | None:
    """A --from/--to/--on/--as-of value: YYYY, YYYY-MM or YYYY-MM-DD, or a usage error."""
    if value is None:
        return None
    value = value.strip()
    if not valid_date(value):
        raise UsageError(f"{option} '{value}': expected a date like 2021, 2021-10 or 2021-10-08")
    return value


def check_measure(measure: str | None) -> None:
    if measure is not None and measure not in MEASURES:
        starts = [m for m in MEASURES if measure and (m.startswith(measure) or m.endswith(measure))]
        hint = f" (did you mean '{starts[0]}'?)" if len(starts) == 1 else did_you_mean(measure, MEASURES)
        raise UsageError(f"unknown measure '{measure}'{hint} "
                         f"(one of {', '.join(MEASURES)})")


def funding_lines(ds, program=None, measure=None, account=None, recipient=None,
                  as_of=None, publisher=None) -> list[dict]:
    """Funding lines sorted by the period they cover, then by the date they were stated.

    `recipient` and `publisher` match one id of their vocabulary exactly (an alias or a
    label resolves to it); `as_of` keeps, per publisher, measure and recipient, the latest
    line stated by then.
    """
    check_measure(measure)
    wanted_recipient = resolve_recipient(recipient) if recipient is not None else None
    wanted_publisher = resolve_publisher(ds, publisher) if publisher is not None else None
    lines = filter_records(ds, "funding", program=program, account=account)
    if wanted_recipient is not None:
        lines = [x for x in lines if x.get("recipient") == wanted_recipient]
    if wanted_publisher is not None:
        lines = [x for x in lines if publisher_id(ds, x.get("source")) == wanted_publisher]
    if measure is not None:
        lines = [x for x in lines if x["measure"] == measure]
    if as_of is not None:
        lines = latest_counts(ds, lines, as_of)
    return sorted(lines, key=funding_sort_key)


def _recipient_names() -> dict[str, str]:
    """Folded id, label and alias -> recipient id: what --recipient accepts."""
    names = {}
    for rid, (label, aliases) in RECIPIENTS.items():
        for name in (rid, label, *aliases):
            names.setdefault(fold(name), rid)
    return names


def resolve_recipient(value: str) -> str:
    """A --recipient value as a recipient id ('Mexico', 'méxico' -> mexico), or a usage
    error with the closest id: 'Mexico' never widens to 'Mexico and Central America'."""
    found = _recipient_names().get(fold(value))
    if found is None:
        raise UsageError(f"unknown recipient '{value}'{did_you_mean(value, list(RECIPIENTS))} "
                         f"(one of {', '.join(RECIPIENTS)})")
    return found


# a publisher's short id (`funding --publisher`), from the words of the source's
# `publisher`; a source without a publisher goes by its author's or its own id
PUBLISHERS = (
    ("Congressional Research Service", "crs"),
    ("Government Accountability Office", "gao"),
    ("Department of State", "state"),
    ("White House", "white-house"),
    ("Embassy", "embassy"),
    ("Secretaría de Relaciones Exteriores", "sre"),
    ("Governments of", "joint-statement"),
    ("Wilson Center", "wilson-center"),
    ("InSight Crime", "insight-crime"),
    ("Voice of America", "voa"),
)


def publisher_id(ds, source_id: str | None) -> str:
    """The short id of whoever gave a count: 'U.S. Embassy Mexico City' is embassy, the
    Congressional Research Service crs; otherwise the publisher's name as a slug, or the
    source id when the source names no publisher."""

    source = (ds.get("sources", source_id) if source_id else None) or {}
    name = source.get("publisher")
    if not name:
        return source_id or ""
    folded = fold(name)
    for words, pid in PUBLISHERS:
        if fold(words) in folded:
            return pid
    return re.sub(r"[^a-z0-9]+", "-", fold(re.split(r"[(;,]", name)[0])).strip("-")


def resolve_publisher(ds, value: str) -> str:
    """A --publisher value as a publisher id of the loaded sources, or a usage error."""
    known = {publisher_id(ds, s["id"]): s for s in ds.records["sources"]}
    names = {fold(pid): pid for pid in known}
    for pid, source in known.items():
        if source.get("publisher"):
            names.setdefault(fold(re.split(r"[(;,]", source["publisher"])[0]), pid)
    found = names.get(fold(value))
    if found is None:
        raise UsageError(f"unknown publisher '{value}'{did_you_mean(value, sorted(known))} "
                         f"(one of {', '.join(sorted(known))})")
    return found


def no_funding_message(ds, program, measure, account, recipient, as_of,
                       publisher=None) -> str:
    """'no funding lines match', with the measures the rest of the question does have."""
    others = (funding_lines(ds, program, None, account, recipient, as_of, publisher)
              if measure else [])
    if not others:
        return "no funding lines match"
    found = sorted({x["measure"] for x in others}, key=MEASURES.index)
    return f"no {measure} lines match (recorded for this selection: {', '.join(found)})"


def latest_counts(ds, lines: list[dict], as_of: str) -> list[dict]:
    """The latest line each publisher had stated by `as_of`, per measure and recipient."""
    cutoff = date_bounds(as_of)[1]
    latest: dict[tuple, dict] = {}
    for line in lines:
        if date_bounds(line["as_of"])[0] > cutoff:
            continue
        key = (publisher_id(ds, line.get("source")), line["measure"], line.get("recipient"))
        if key not in latest or line["as_of"] >= latest[key]["as_of"]:
            latest[key] = line
    return list(latest.values())


def funding_sort_key(line: dict):
    start = year_of(line.get("fiscal_years")) or year_of(line.get("period")) \
        or year_of(line.get("as_of"))
    return (start or 0, line.get("as_of", ""), line["id"])


# fields every line of `funding --json` carries, null or [] when the source does not say
FUNDING_JSON_FIELDS = ("measure", "recipient", "recipient_as_written", "amount_usd", "share_pct", "qualifier",
                       "fiscal_years", "period", "as_of", "source", "same_as", "conflicts_with")


def funding_json(line: dict, publisher: str | None = None) -> dict:
    """A line with every field `funding --json` promises, and whose count it is."""
    out = dict(line)
    if publisher is not None:
        out["publisher"] = publisher
    for key in FUNDING_JSON_FIELDS:
        out.setdefault(key, [] if key in ("same_as", "conflicts_with") else None)
    return out


CUMULATIVE = "cumulative-appropriation"


def funding_groups(lines: list[dict]) -> list[tuple[str, list[dict]]]:
    """(measure, lines): running totals first in the order they were stated, then every other
    measure in schema order, each by period."""
    groups = []
    cumulative = sorted((x for x in lines if x["measure"] == CUMULATIVE),
                        key=lambda x: (x["as_of"], -x.get("amount_usd", 0), x["id"]))
    if cumulative:
        groups.append((CUMULATIVE, cumulative))
    for measure in MEASURES:
        if measure != CUMULATIVE:
            found = [x for x in lines if x["measure"] == measure]
            if found:
                groups.append((measure, sorted(found, key=funding_sort_key)))
    return groups


def unanswerable(ds, lines: list[dict], program=None, measure=None) -> str | None:
    """What the data cannot tell for this question, in one sentence (or None).

    Per-fiscal-year appropriations stop where the sources stop giving them; later money
    is only inside running totals."""
    if measure != "appropriation":
        return None
    pool = filter_records(ds, "funding", program=program)
    last_year = max((y for y in map(_last_fiscal_year, lines) if y), default=None)
    later = [x for x in pool if x["measure"] == CUMULATIVE
             and (_last_fiscal_year(x) or year_of(x["as_of"]) or 0) > (last_year or 0)]
    if not later:
        return None
    upto = f"only up to FY{last_year}" if last_year else "for no fiscal year"
    return (f"appropriations by fiscal year are recorded {upto}; the sources give later money "
            f"only as running totals (merida funding --measure {CUMULATIVE}"
            + (f" --program {program}" if program else "") + ")")


def _last_fiscal_year(line: dict) -> int | None:

    years = [int(y) for y in re.findall(r"FY(\d{4})", line.get("fiscal_years", ""))]
    return max(years) if years else None


def timeline(ds, start=None, end=None, topic=None, program=None, on=None) -> list[dict]:
    """Events in date order; a year-precision date sorts before the dates inside it.

    `start`/`end`/`on` are dates of any precision; an event is selected when the whole span
    of its own date (a day, a month or a year) lies inside the range."""
    events = filter_records(ds, "events", topic=topic, program=program)
    if on is not None:
        start = end = on
    low = date_bounds(start)[0] if start else None
    high = date_bounds(end)[1] if end else None
    if low and high and low > high:
        raise UsageError(f"--from {start} is after --to {end}")
    if low or high:
        kept = []
        for event in events:
            first, last = date_bounds(event["date"])
            if (low is None or first >= low) and (high is None or last <= high):
                kept.append(event)
        events = kept
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
