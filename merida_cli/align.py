"""Programs aligned by topic over their whole history: compare, crosswalk, diff, gaps.

A program's components are every structure it had (objectives, baskets, pillars, goals,
action plans, commitments), each item carrying the topics its own quotes support; a
program with no structure of its own is read through its sub-programs' structures, then
its sub-program records, then its own record, so any two programs can be compared.
Its evidence is those components (stated intent) and everything else the data holds
about it and its sub-programs (reported practice: evidence.py). Topic presence and gaps
are judged on the evidence; the crosswalk maps components. Pure functions: no printing,
no files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import evidence as ev_
from .errors import MeridaError, UsageError
from .model import record_cites, valid_date, year_of
from .query import children_of, current_structure, program_period, structures_of
from .text import fold

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
    practice: list[tuple[dict, list[str]]] = field(default_factory=list)  # reported practice
    # with --structure: the program's evidence the chosen structures leave out (its other
    # structures' items and its reported practice), asked before a topic is called new
    outside: list[tuple[dict, list[str]]] | None = None

    @property
    def evidence(self) -> list[tuple[dict, list[str]]]:
        """Everything a judgement about this program rests on."""
        return self.components + self.practice

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
        out.components = [(ev_.program_piece(ds, p), list(p.get("topics", [])))
                          for p in records]
        out.practice = ev_.practice(ds, ev_.family(ds, pid), as_of)
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
    out.components = _items(out.structures)
    practice = ev_.practice(ds, ev_.family(ds, pid), as_of)
    if mine:  # --structure asks about those structures alone; the rest is kept apart
        rest = [s for s in structures if s not in out.structures
                and (as_of is None or adopted_by(s.get("adopted"), as_of))]
        out.outside = _items(rest) + practice
    else:
        out.practice = practice
    return out


def _items(structures: list[dict]) -> list[tuple[dict, list[str]]]:
    return [(ev_.item_piece(item, s), list(item.get("topics", [])))
            for s in structures for item in s["items"]]


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


def method_line(*all_sides: Side, components: bool = False) -> str:
    every = all(not s.narrowed for s in all_sides)
    if components:  # the crosswalk maps structure items, not the whole record
        what = ("components of every structure each program had" if every
                else "components of the selected structures of each program")
        return f"{what}: " + "; ".join(side_phrase(s) for s in all_sides)
    if not any(s.outside is not None for s in all_sides):
        what = ("every structure item and commitment each program had (stated intent) and "
                "every assessment, event, figure, funding line and follow-through report "
                "about it or its sub-programs (reported practice); bookkeeping topics apart")
    else:
        what = ("the items of the chosen structures (stated intent), and the rest of a "
                "program's evidence only to say so when a topic its chosen structures lack "
                "is in its other records (outside the chosen structures, never added or "
                "dropped)")
    return f"weighed {what}: " + "; ".join(side_phrase(s) for s in all_sides)


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


def _carrying(evidence: list[tuple[dict, list[str]]], topic: dict) -> list[dict]:
    """The pieces of evidence carrying a topic, strongest first, each piece once; among
    equally strong ones, those whose title or quote names the topic (its label, id or an
    alias) first: the piece shown is then one whose words say why it is there."""
    tid, names = topic["id"], _topic_words(topic)
    seen, out = set(), []
    for piece, topics in evidence:
        key = (piece["kind"], piece["id"], piece.get("commitment"))
        if tid in topics and key not in seen:
            seen.add(key)
            out.append(piece)
    def order(piece):
        kind, date = ev_.rank(piece)
        words = f" {fold(' '.join(filter(None, [piece['title'], piece.get('quote')])))} "
        return kind, not any(f" {name} " in words for name in names), date

    return sorted(out, key=order)


def _topic_words(topic: dict) -> list[str]:
    """A topic's names as folded phrases ('firearms trafficking', 'firearms', 'guns')."""
    names = [topic["label"], topic["id"].replace("-", " "), *topic.get("aliases", [])]
    return [n for n in dict.fromkeys(fold(name) for name in names) if n]


def disputed(claims: dict | None, left: list[dict]) -> dict | bool:
    """Sources disagreeing on whether B's topic is new: a source calls it new while another
    calls it continued or A's own evidence carries it; or a source calls it continued while
    A has no evidence of it. False when no source takes a side against another."""
    if not claims:
        return False
    new, continued = claims["new"], claims["continued"]
    if new and (continued or left):
        return {"new": new, "continued": continued or left[:1]}
    if continued and not left:
        return {"new": [], "continued": continued}
    return False


def topic_rows(ds, a: Side, b: Side) -> tuple[list[dict], list[dict]]:
    """One row per topic either side's evidence carries, in vocabulary order: the policy
    topics, and apart from them the bookkeeping topics (`policy: false`)."""
    claims = ev_.novelty_claims(ds, ev_.family(ds, a.id), ev_.family(ds, b.id)) \
        if not (a.narrowed or b.narrowed) else {}
    rows, bookkeeping = [], []
    for topic in ds.records["topics"]:
        tid = topic["id"]
        left, right = _carrying(a.evidence, topic), _carrying(b.evidence, topic)
        if not (left or right):
            continue
        status = STATUS[bool(left), bool(right)]
        only = {"only-a": "a", "only-b": "b"}.get(status)
        row = {"topic": tid, "label": topic["label"], "status": status,
               "a": left, "b": right, "only": only,
               "strength": {"a": ev_.strength_of(p["kind"] for p in left),
                            "b": ev_.strength_of(p["kind"] for p in right)},
               "disputed": disputed(claims.get(tid), left),
               "outside": _outside(topic, only, a, b)}
        (rows if topic.get("policy", True) else bookkeeping).append(row)
    return rows, bookkeeping


def _outside(topic: dict, only: str | None, a: Side, b: Side) -> dict | None:
    """When only side `only`'s chosen structures carry a topic: the other side's evidence
    of it outside its chosen structures, if any (then it is no novelty, nor dropped)."""
    if only is None:
        return None
    key, other = ("b", b) if only == "a" else ("a", a)
    found = _carrying(other.outside, topic) if other.outside else []
    return {"side": key, "evidence": found} if found else None


def compare(ds, a: str, b: str, structures=(), as_of=None) -> dict:
    """Two programs aligned by topic on all the evidence each has."""
    sa, sb = sides(ds, a, b, structures, as_of)
    rows, bookkeeping = topic_rows(ds, sa, sb)
    return {"a": header(ds, sa), "b": header(ds, sb), "method": method_line(sa, sb),
            "topics": rows, "bookkeeping": bookkeeping}


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
    return {"a": header(ds, sa), "b": header(ds, sb),
            "method": method_line(sa, sb, components=True), "by": "component",
            "a_to_b": _matches(sa.components, sb.components),
            "b_to_a": _matches(sb.components, sa.components)}


def diff(ds, a: str, b: str, structures=(), as_of=None) -> dict:
    """By policy topic, what B added (only B's evidence), dropped (only A's) and continued
    (both); bookkeeping topics apart, never added or dropped. With --structure, a topic
    only one side's chosen structures carry but the other program's other records do is
    `outside_structures`, not added or dropped."""
    sa, sb = sides(ds, a, b, structures, as_of)
    method = (f"{method_line(sa, sb)}; added: no record of {sa.id} weighed carries the "
              f"topic, dropped: no record of {sb.id} does (an absence in the records, not a "
              f"source saying it was dropped)")
    out = {"a": sa.id, "b": sb.id, "method": method,
           "added": [], "dropped": [], "continued": [], "outside_structures": [],
           "bookkeeping": []}
    key = {"only-b": "added", "only-a": "dropped", "both": "continued"}
    keep = ("topic", "label", "status", "a", "b", "strength", "disputed", "outside")
    rows, bookkeeping = topic_rows(ds, sa, sb)
    for row in rows:
        change = "outside_structures" if row["outside"] else key[row["status"]]
        out[change].append({k: row[k] for k in keep})
    out["bookkeeping"] = [{k: row[k] for k in keep} for row in bookkeeping]
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


NEAR = 25  # percent of a recommendation's content words an evidence text must share,
NEAR_WORDS = 2  # and at least this many of them
_STOP = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "been", "by", "for", "from", "has", "have",
    "in", "into", "is", "it", "its", "of", "on", "or", "that", "the", "their", "this", "to",
    "was", "were", "which", "with", "will", "would", "should", "more", "than", "other",
    "also", "mexico", "mexican", "united", "states", "us", "government", "governments",
    "both",
})


def content_words(text: str) -> set[str]:
    """A text's content words, cut to six letters (trafficking ~ traffic), stop words out."""
    return {w[:6] for w in re.findall(r"[a-z0-9]+", fold(text))
            if len(w) > 2 and w not in _STOP}


def nearness(words: set[str], piece: dict) -> tuple[int, list[str]]:
    """How much of a recommendation (its content words) an evidence piece's title and quote
    share, in percent, and the shared words."""
    if not words:
        return 0, []
    other = content_words(" ".join(filter(None, [piece.get("title"), piece.get("quote")])))
    shared = sorted(words & other)
    return round(100 * len(shared) / len(words)), shared


def is_near(near: dict | None, words: int) -> bool:
    """Near: a quarter of the recommendation's content words, and two of them (one for a
    recommendation of two words or fewer)."""
    return bool(near) and near["score"] >= NEAR and \
        len(near["shared"]) >= min(NEAR_WORDS, max(1, words // 2))


def nearest(ds, rec: dict, used: list[Side], families: dict | None = None,
            critical: bool = False) -> dict | None:
    """The evidence piece nearest a recommendation among those carrying one of its topics
    or a broader one (a piece on courts speaks to police), with how near it is; None when
    no piece carries one. Only what the program did or pledged can address it; with
    `critical`, the nearest critique or stalled report instead (`evidence.is_critical`)."""
    families = {} if families is None else families

    def covers(topics) -> set[str]:
        out: set[str] = set()
        for tid in topics:
            if tid not in families:
                families[tid] = ds.topic_family(tid)
            out |= families[tid]
        return out

    wanted = set(rec.get("topics", []))
    words = content_words(rec["text"])
    best = None
    for s in used:
        for piece, topics in s.evidence:
            if ev_.is_critical(piece) != critical or not wanted & covers(topics):
                continue
            score, shared = nearness(words, piece)
            if best is None or score > best[0] or (score == best[0] and
                                                   ev_.rank(piece) < ev_.rank(best[2])):
                best = (score, shared, piece, s.id)
    if best is None:
        return None
    score, shared, piece, pid = best
    found = {"program": pid, "id": piece["id"], "kind": piece["kind"], "title": piece["title"],
             "date": piece.get("date"), "source": piece.get("source"),
             "quote": piece.get("quote"), "score": score, "shared": shared}
    return found | {k: piece[k] for k in ("stance", "reported") if piece.get(k)}


def gaps(ds, program: str | None = None) -> dict:
    """Recommendations the programs' evidence does not address (no piece carrying one of
    their topics is near in text), and items no recommendation speaks to. Without a
    program: the top-level initiatives and frameworks."""
    if program:
        used, left_out = [side(ds, ds.resolve_program(program))], []
    else:
        used, left_out = top_level(ds)
    recs = ds.records["recommendations"]
    addressed, unaddressed, later = [], [], []
    families: dict[str, set[str]] = {}
    end = used[0].program.get("end") if program else None
    for r in recs:
        if not r.get("topics"):
            continue
        entry = {"id": r["id"], "text": r["text"], "source": r.get("source"),
                 "topics": r.get("topics", []), "date": ev_.record_date(ds, "recommendations", r)}
        if made_after(entry["date"], end):  # advice to its successors, not a gap of its own
            later.append(entry)
            continue
        words = len(content_words(r["text"]))
        near = nearest(ds, r, used, families)
        critique = nearest(ds, r, used, families, critical=True)
        entry |= {"nearest": near, "critique": critique if is_near(critique, words) else None}
        (addressed if is_near(near, words) else unaddressed).append(entry)
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
            "recommendations_addressed": addressed,
            "recommendations_after_end": later,
            "components_without_recommendations": unspoken}


def made_after(date: str | None, end: str | None) -> bool:
    """Whether a recommendation dated `date` came after a program that ended `end`
    (compared at the coarser precision: one of 2021-10-08 is not after an end of 2021-10)."""
    return bool(date and end) and not ev_.on_or_before(date, end)


def gaps_method(used: list[Side], left_out: list[str], n_recs: int, one: bool) -> str:
    rule = (f"a recommendation counts as addressed when a piece of the program's evidence "
            f"(a structure item or commitment, an assessment, event, figure, funding line or "
            f"follow-through report) carries one of its topics or a broader one and shares at "
            f"least {NEAR}% and {NEAR_WORDS} of its content words (one of two); a critique or "
            f"a report that the work stalled never counts, and is shown when it is that near; "
            f"the nearest piece is shown either way")
    phrases = "; ".join(side_phrase(s) for s in used)
    if one:
        return (f"all {n_recs} recommendations against the program's evidence ({rule}; those "
                f"made after the program ended are listed apart, not judged): {phrases}")
    text = (f"all {n_recs} recommendations against the top-level initiatives and frameworks, "
            f"not every sub-program ({rule}): {phrases}")
    if left_out:
        text += "; left out, no structure recorded: " + ", ".join(left_out)
    return text
