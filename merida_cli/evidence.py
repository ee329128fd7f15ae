"""What the data holds about a program, as evidence: every record, each with its kind,
date, source and quote.

A program's judgements (a topic present, a recommendation addressed, a commitment
delivered) rest on all of it, not on the topic tags of its structure items alone:
structure items and commitments say what was intended; assessments, events, figures,
funding lines and follow-through reports say what was reported in practice. Pure
functions over a Dataset: no printing, no files.
"""

from __future__ import annotations

from .model import record_cites

INTENT, PRACTICE = "intent", "practice"

# evidence kinds, strongest first: what a row shows when it shows one piece
KIND_RANK = ("commitment", "item", "follow-through", "assessment", "event", "funding",
             "figure", "program")
STRENGTH = {"commitment": INTENT, "item": INTENT, "program": INTENT}  # else practice


def strength_of(kinds) -> str | None:
    """'intent', 'practice', 'intent+practice' or None: what kinds of evidence a side has."""
    found = {STRENGTH.get(k, PRACTICE) for k in kinds}
    return "+".join(s for s in (INTENT, PRACTICE) if s in found) or None


def family(ds, pid: str) -> list[str]:
    """A program and every program nested under it, the program first."""
    out, todo = [], [pid]
    children: dict[str, list[str]] = {}
    for p in ds.records["programs"]:
        if p.get("parent"):
            children.setdefault(p["parent"], []).append(p["id"])
    while todo:
        current = todo.pop(0)
        if current not in out:
            out.append(current)
            todo += children.get(current, [])
    return out


def source_of(rec: dict) -> str | None:
    cites = record_cites(rec)
    return rec.get("source") or (cites[0]["source"] if cites else None)


def first_quote(rec: dict) -> str | None:
    cites = rec.get("cite") or []
    return cites[0]["quote"] if cites else None


def source_date(ds, source_id: str | None) -> str | None:
    source = ds.get("sources", source_id) if source_id else None
    return source.get("date") if source else None


def record_date(ds, kind: str, rec: dict) -> str | None:
    """When a record's claim was made or its happening took place: an event's date, a
    funding line's or figure's as_of, else its source's publication date."""
    own = {"events": "date", "funding": "as_of", "figures": "as_of",
           "programs": "start"}.get(kind)
    return (rec.get(own) if own else None) or source_date(ds, source_of(rec))


def not_before(date: str | None, bound: str | None) -> bool:
    """Whether `date` is not before `bound`, compared at the coarser precision (a report
    of 2021-10 may follow a pledge of 2021-10-08). Unknown dates are not before."""
    if not date or not bound:
        return True
    n = min(len(date), len(bound))
    return date[:n] >= bound[:n]


def on_or_before(date: str | None, as_of: str | None) -> bool:
    if as_of is None:
        return True
    if not date:
        return False
    n = min(len(date), len(as_of))
    return date[:n] <= as_of[:n]


# ---- commitments ----------------------------------------------------------------------


def is_commitment_structure(structure: dict) -> bool:
    return bool(structure.get("commitments"))


def commitment_made(item: dict, structure: dict) -> str | None:
    return item.get("made") or structure.get("adopted")


def commitment_by(item: dict, structure: dict) -> str | None:
    return item.get("by") or structure.get("by")


def follow_through(ds) -> dict[str, list[dict]]:
    """Commitment item id -> the reports on it, each {id, kind, title, date, source, quote,
    status}, oldest first. A report dated before its commitment is left out (validate
    reports it)."""
    items = ds.items
    found: dict[str, list[dict]] = {}
    for kind, rec, report, owner in _reports(ds):
        target = items.get(report["commitment"])
        if target is None:
            continue
        item, structure = target
        date = owner_date(ds, kind, rec, owner)
        if not not_before(date, commitment_made(item, structure)):
            continue
        source = report.get("source") or (source_of(owner) if owner else source_of(rec))
        found.setdefault(item["id"], []).append({
            "id": owner["id"] if owner else rec["id"],
            "kind": "item" if owner else _KIND[kind],
            "title": (owner or rec).get("title") or _title(rec),
            "date": date, "source": source, "quote": report["quote"],
            "status": report["status"]})
    for reports in found.values():
        reports.sort(key=lambda e: e["date"] or "")
    return found


def _title(rec: dict) -> str:
    for key in ("title", "text", "label", "name"):
        if key in rec:
            return str(rec[key])
    return rec["id"]


def owner_date(ds, kind: str, rec: dict, item: dict | None) -> str | None:
    """The date of the record (or structure item) that carries a report."""
    if item is not None:
        return item.get("made") or rec.get("adopted")
    return record_date(ds, kind, rec)


def _reports(ds):
    """(kind, record, report, item or None) for every follow-through link in the data."""
    for kind in ("events", "figures", "assessments", "funding"):
        for rec in ds.records[kind]:
            for report in rec.get("reports_on", []):
                yield kind, rec, report, None
    for structure in ds.records["structures"]:
        for item in structure["items"]:
            for report in item.get("reports_on", []):
                yield "structures", structure, report, item


def commitment_problems(ds) -> list[str]:
    """Follow-through links that point at no commitment, or are dated before it."""
    problems = []
    items = ds.items
    for kind, rec, report, owner in _reports(ds):
        who = f"{'structure item' if owner else kind.rstrip('s')} '{(owner or rec)['id']}'"
        target = items.get(report["commitment"])
        if target is None:
            continue  # an unknown id: the reference check reports it
        item, structure = target
        if not is_commitment_structure(structure):
            problems.append(f"{who}: reports_on '{item['id']}', an item of structure "
                            f"'{structure['id']}', which is not marked `commitments: true`")
            continue
        date, made = owner_date(ds, kind, rec, owner), commitment_made(item, structure)
        if not not_before(date, made):
            problems.append(f"{who}: dated {date}, reports on commitment '{item['id']}' "
                            f"made {made}, before it was made")
    return problems


# ---- evidence per program ---------------------------------------------------------------


def _piece(kind: str, rec: dict, title: str, date: str | None, source: str | None,
           quote: str | None, **extra) -> dict:
    return {"id": rec["id"], "kind": kind, "strength": STRENGTH.get(kind, PRACTICE),
            "title": title, "number": extra.get("number"),
            "structure": extra.get("structure"), "adopted": extra.get("adopted"),
            "date": date, "source": source, "quote": quote}


def item_piece(item: dict, structure: dict) -> dict:
    kind = "commitment" if is_commitment_structure(structure) else "item"
    return _piece(kind, item, item["title"], commitment_made(item, structure),
                  source_of(item), first_quote(item), number=item.get("number"),
                  structure=structure["id"], adopted=structure.get("adopted"))


def program_piece(ds, program: dict) -> dict:
    return _piece("program", program, program["name"], program.get("start"),
                  source_of(program), first_quote(program), adopted=program.get("start"))


_ABOUT = {"assessments": "about", "funding": "program"}  # else `programs`
_KIND = {"assessments": "assessment", "events": "event", "funding": "funding",
         "figures": "figure"}


def practice(ds, pids: list[str], as_of: str | None = None) -> list[tuple[dict, list[str]]]:
    """Reported practice about these programs: assessments about them, events, figures and
    funding lines tied to them, and the follow-through reports on their commitments, each
    (evidence, topics)."""
    wanted = set(pids)
    out = []
    for kind, piece_kind in _KIND.items():
        key = _ABOUT.get(kind)
        for rec in ds.records[kind]:
            owners = {rec[key]} if key else set(rec.get("programs", []))
            if not owners & wanted or not rec.get("topics"):
                continue
            date = record_date(ds, kind, rec)
            if on_or_before(date, as_of):
                piece = _piece(piece_kind, rec, _title(rec), date, source_of(rec),
                               first_quote(rec))
                if "stance" in rec:  # a critique can be near a recommendation, not do it
                    piece["stance"] = rec["stance"]
                out.append((piece, list(rec["topics"])))
    reports = follow_through(ds)
    for structure in ds.records["structures"]:
        if structure["program"] not in wanted or not is_commitment_structure(structure):
            continue
        for item in structure["items"]:
            for report in reports.get(item["id"], []):
                if on_or_before(report["date"], as_of) and item.get("topics"):
                    piece = {**report, "kind": "follow-through", "strength": PRACTICE,
                             "title": f"{report['title']} (on: {item['title']})",
                             "number": None, "structure": structure["id"],
                             "adopted": structure.get("adopted"), "commitment": item["id"]}
                    piece.pop("status")
                    piece["reported"] = report["status"]
                    out.append((piece, list(item["topics"])))
    return out


def is_critical(piece: dict) -> bool:
    """A critique (a negative assessment) or a report that the work stalled: evidence that
    a program fell short on something, never that it did it."""
    return piece.get("stance") == "negative" or piece.get("reported") == "stalled"


def rank(piece: dict) -> tuple:
    """Strongest first: stated commitments and items, then reports, oldest first."""
    kind = piece["kind"]
    return (KIND_RANK.index(kind) if kind in KIND_RANK else len(KIND_RANK),
            piece.get("date") or "9999")


# ---- what sources say is new or continued -----------------------------------------------


def novelty_claims(ds, a_pids: list[str], b_pids: list[str]) -> dict[str, dict[str, list]]:
    """topic -> {"new": [...], "continued": [...]}: assessments whose quote says a topic is
    new in B compared with A, or continued from A (each claim with its source and quote)."""
    a_set, b_set = set(a_pids), set(b_pids)
    claims: dict[str, dict[str, list]] = {}
    for rec in ds.records["assessments"]:
        if rec.get("about") not in b_set or rec.get("compared_to") not in a_set:
            continue
        piece = _piece("assessment", rec, rec["text"], record_date(ds, "assessments", rec),
                       source_of(rec), first_quote(rec))
        piece["actor"] = rec.get("actor")
        for side, key in (("new", "new_topics"), ("continued", "continued_topics")):
            for topic in rec.get(key, []):
                claims.setdefault(topic, {"new": [], "continued": []})[side].append(piece)
    return claims


class PlainRecords:
    """Records by kind (a dict) with the lookups the functions here use, for callers that
    hold records but no Dataset (validate)."""

    def __init__(self, records: dict[str, list[dict]]):
        self.records = records
        self.items = {item["id"]: (item, s) for s in records.get("structures", [])
                      for item in s["items"]}
        self._ids = {kind: {r["id"]: r for r in recs} for kind, recs in records.items()}

    def get(self, kind: str, rid: str) -> dict | None:
        return self._ids.get(kind, {}).get(rid)
