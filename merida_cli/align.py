"""Programs aligned by topic over their whole history: compare, crosswalk, diff, gaps.

A program's evidence is every structure it had (objectives, baskets, pillars, goals,
action plans), each item carrying the topics its own quotes support. A program with no
structure of its own is read through its sub-programs' structures, then its sub-program
records, then its own record, so any two programs can be compared. Pure functions: no
printing, no files.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import MeridaError, UsageError
from .model import record_cites, valid_date, year_of
from .query import children_of, current_structure, program_period, structures_of

TOP_LEVEL_TYPES = ("initiative", "framework")


@dataclass
class Side:
    """One program as the alignment sees it: the structures used and their items."""

    program: dict
    basis: str  # "structures", "sub-program structures", "sub-programs" or "program"
    structures: list[dict]  # the structures used, oldest first
    available: int  # structures before --structure / --as-of narrowed them
    narrowed: str = ""  # how they were narrowed, for the method line
    components: list[tuple[dict, list[str]]] = field(default_factory=list)  # (evidence, topics)

    @property
    def id(self) -> str:
        return self.program["id"]


# ---- one side ---------------------------------------------------------------------


def adopted_by(adopted: str | None, as_of: str) -> bool:
    """Whether a date of any precision is not after `as_of` (compared at the coarser one)."""
    if not adopted:
        return False
    n = min(len(adopted), len(as_of))
    return adopted[:n] <= as_of[:n]


def check_as_of(as_of: str | None) -> None:
    if as_of is not None and not valid_date(as_of):
        raise UsageError(f"--as-of '{as_of}': expected a date like 2015, 2015-06 or 2015-06-30")


def _source(rec: dict) -> str | None:
    cites = record_cites(rec)
    return rec.get("source") or (cites[0]["source"] if cites else None)


def item_evidence(item: dict, structure: dict) -> dict:
    """What a reader needs to find an item again: `merida show ID` resolves every id."""
    return {"id": item["id"], "title": item["title"], "number": item.get("number"),
            "structure": structure["id"], "adopted": structure.get("adopted"),
            "source": _source(item)}


def program_evidence(program: dict) -> dict:
    return {"id": program["id"], "title": program["name"], "number": None, "structure": None,
            "adopted": program.get("start"), "source": _source(program)}


def _own_or_children_structures(ds, pid: str) -> tuple[str, list[dict]]:
    own = structures_of(ds, pid)
    if own:
        return "structures", own
    found = [s for child in children_of(ds, pid) for s in structures_of(ds, child["id"])]
    return "sub-program structures", sorted(found, key=lambda s: s.get("adopted") or "9999")


def side(ds, pid: str, chosen: set[str] = frozenset(), as_of: str | None = None) -> Side:
    """A program's evidence: every structure it had, narrowed to `chosen` ids (when any of
    them is its own) and to those adopted by `as_of`."""
    program = ds.get("programs", pid)
    basis, structures = _own_or_children_structures(ds, pid)
    if not structures:
        children = children_of(ds, pid)
        records = children or [program]
        out = Side(program, "sub-programs" if children else "program", [], 0)
        out.components = [(program_evidence(p), list(p.get("topics", []))) for p in records]
        return out
    out = Side(program, basis, structures, len(structures))
    mine = [s for s in structures if s["id"] in chosen]
    if mine:
        out.structures, out.narrowed = mine, "chosen"
    if as_of is not None:
        kept = [s for s in out.structures if adopted_by(s.get("adopted"), as_of)]
        if not kept:
            first = min((s["adopted"] for s in structures if s.get("adopted")), default=None)
            hint = f" (its first: {first})" if first else " (none has an adoption date)"
            raise MeridaError(f"no structure of {pid} was adopted by {as_of}{hint}")
        undated = sum(1 for s in out.structures if not s.get("adopted"))
        out.narrowed = ", ".join(filter(None, [out.narrowed, f"adopted by {as_of}"]
                                        + ([f"{undated} undated left out"] if undated else [])))
        out.structures = kept
    out.components = [(item_evidence(item, s), list(item.get("topics", [])))
                      for s in out.structures for item in s["items"]]
    return out


def check_structures(ds, chosen: list[str], pids: list[str]) -> set[str]:
    """--structure ids: each a structure of one of the programs compared (exit 2 if not)."""
    ids = set()
    own = {s["id"] for pid in pids for s in _own_or_children_structures(ds, pid)[1]}
    for name in chosen:
        sid = ds.resolve_id("structures", name)
        if sid not in own:
            owner = ds.get("structures", sid)["program"]
            raise UsageError(f"--structure {sid} is a structure of {owner}, "
                             f"not of {' or '.join(dict.fromkeys(pids))}")
        ids.add(sid)
    return ids


def sides(ds, a: str, b: str, structures=(), as_of=None) -> tuple[Side, Side]:
    check_as_of(as_of)
    a, b = ds.resolve_program(a), ds.resolve_program(b)
    chosen = check_structures(ds, list(structures or []), [a, b])
    return side(ds, a, chosen, as_of), side(ds, b, chosen, as_of)


# ---- describing a side ---------------------------------------------------------


def period(program: dict) -> str:
    start, end = year_of(program.get("start")), year_of(program.get("end"))
    if not start and not end:
        return ""
    return f"{start or ''}–{end or ''}"


def side_phrase(s: Side) -> str:
    """'merida 2007–2021, all 5 structures' and the like, for the method line."""
    head = " ".join(filter(None, [s.id, period(s.program)]))
    if s.basis == "program":
        return f"{head}, no structure recorded: the program record's own topics"
    if s.basis == "sub-programs":
        n = len(s.components)
        return f"{head}, no structure recorded: the topics of its {n} sub-program records"
    n = len(s.structures)
    noun = "structure" if s.available == 1 else "structures"
    count = f"all {n} {noun}" if n == s.available and not s.narrowed else \
        f"{n} of {s.available} {noun} ({s.narrowed})"
    if s.basis == "sub-program structures":
        owners = sorted({st["program"] for st in s.structures})
        count += " of its sub-program " + ", ".join(owners)
    return f"{head}, {count}"


def method_line(*all_sides: Side) -> str:
    every = all(not s.narrowed for s in all_sides)
    what = ("topics of every structure each program had" if every
            else "topics of the selected structures of each program")
    return f"{what}: " + "; ".join(side_phrase(s) for s in all_sides)


def header(ds, s: Side) -> dict:
    """The program facts shown above a comparison (the keys compare always had, and the
    structures used, each with its label, adoption date and source)."""
    pid = s.id
    current = current_structure(ds, pid)
    return {"id": pid, "name": s.program["name"],
            "period": program_period(s.program),
            "structure": current["label"] if current else None,
            "structure_id": current["id"] if current else None,
            "components": len(s.components),
            "funding_lines": sum(1 for f in ds.records["funding"] if f["program"] == pid),
            "recommendations": sum(1 for r in ds.records["recommendations"]
                                   if pid in r.get("programs", [])),
            "basis": s.basis,
            "structures": [{"id": st["id"], "label": st["label"], "adopted": st.get("adopted"),
                            "program": st["program"], "source": _source(st)}
                           for st in s.structures]}


# ---- alignment -------------------------------------------------------------------


STATUS = {(True, True): "both", (True, False): "only-a", (False, True): "only-b"}


def topic_rows(ds, a: Side, b: Side) -> list[dict]:
    """One row per topic either side carries, in vocabulary order, with the evidence."""
    rows = []
    for topic in ds.records["topics"]:
        tid = topic["id"]
        left = [ev for ev, topics in a.components if tid in topics]
        right = [ev for ev, topics in b.components if tid in topics]
        if left or right:
            status = STATUS[bool(left), bool(right)]
            rows.append({"topic": tid, "label": topic["label"], "status": status,
                         "a": left, "b": right,
                         "only": {"only-a": "a", "only-b": "b"}.get(status)})
    return rows


def compare(ds, a: str, b: str, structures=(), as_of=None) -> dict:
    """Two programs aligned by topic over every structure each had."""
    sa, sb = sides(ds, a, b, structures, as_of)
    return {"a": header(ds, sa), "b": header(ds, sb), "method": method_line(sa, sb),
            "topics": topic_rows(ds, sa, sb)}


def _matches(own: list[tuple[dict, list[str]]], other: list[tuple[dict, list[str]]]):
    out = []
    for ev, topics in own:
        found = []
        for oev, otopics in other:
            shared = [t for t in topics if t in otopics]
            if shared:
                found.append(oev | {"shared": shared})
        found.sort(key=lambda m: -len(m["shared"]))  # stable: oldest first among equals
        out.append({"component": ev, "topics": topics, "matches": found})
    return out


def crosswalk(ds, a: str, b: str, structures=(), as_of=None) -> dict:
    """For each component of A the components of B sharing its topics, and the reverse."""
    sa, sb = sides(ds, a, b, structures, as_of)
    return {"a": header(ds, sa), "b": header(ds, sb), "method": method_line(sa, sb),
            "by": "component",
            "a_to_b": _matches(sa.components, sb.components),
            "b_to_a": _matches(sb.components, sa.components)}


def diff(ds, a: str, b: str, structures=(), as_of=None) -> dict:
    """By topic, what B added (only B), dropped (only A) and continued (both)."""
    sa, sb = sides(ds, a, b, structures, as_of)
    out = {"a": sa.id, "b": sb.id, "method": method_line(sa, sb),
           "added": [], "dropped": [], "continued": []}
    key = {"only-b": "added", "only-a": "dropped", "both": "continued"}
    for row in topic_rows(ds, sa, sb):
        out[key[row["status"]]].append({k: row[k] for k in ("topic", "label", "a", "b")})
    return out


def differ(result: dict) -> bool:
    return bool(result["added"] or result["dropped"])


# ---- gaps ---------------------------------------------------------------------------


def top_level(ds) -> tuple[list[Side], list[str]]:
    """Initiatives and frameworks that belong to no other program and have a recorded
    structure (their own or a sub-program's); and those left out for lack of one."""
    used, left_out = [], []
    for p in ds.records["programs"]:
        if p.get("type") in TOP_LEVEL_TYPES and not p.get("parent"):
            s = side(ds, p["id"])
            if s.structures:
                used.append(s)
            else:
                left_out.append(p["id"])
    return used, left_out


def gaps(ds, program: str | None = None) -> dict:
    """Recommendations whose topics no item of the programs' structures carries, and items
    no recommendation speaks to. Without a program: the top-level initiatives and frameworks."""
    if program:
        used, left_out = [side(ds, ds.resolve_program(program))], []
    else:
        used, left_out = top_level(ds)
    covered: set[str] = set()
    for s in used:
        for _ev, topics in s.components:
            for tid in topics:
                covered |= ds.topic_family(tid)
    recs = ds.records["recommendations"]
    unaddressed = [{"id": r["id"], "text": r["text"], "source": r.get("source"),
                    "topics": r.get("topics", [])}
                   for r in recs if r.get("topics") and not set(r["topics"]) & covered]
    spoken: set[str] = set()
    for r in recs:
        for tid in r.get("topics", []):
            spoken |= ds.topic_family(tid)
    unspoken = [ev | {"program": s.id, "topics": topics}
                for s in used for ev, topics in s.components
                if not set(topics) & spoken]
    return {"program": used[0].id if program else None,
            "method": gaps_method(used, left_out, len(recs), bool(program)),
            "programs": [s.id for s in used],
            "recommendations_unaddressed": unaddressed,
            "components_without_recommendations": unspoken}


def gaps_method(used: list[Side], left_out: list[str], n_recs: int, one: bool) -> str:
    rule = ("a recommendation counts as addressed when an item carries one of its topics "
            "or a broader topic it belongs to")
    phrases = "; ".join(side_phrase(s) for s in used)
    if one:
        return (f"all {n_recs} recommendations against the topics of every structure "
                f"the program had ({rule}): {phrases}")
    text = (f"all {n_recs} recommendations against the top-level initiatives and frameworks, "
            f"not every sub-program ({rule}): {phrases}")
    if left_out:
        text += "; left out, no structure recorded: " + ", ".join(left_out)
    return text
