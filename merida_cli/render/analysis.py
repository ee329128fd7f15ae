"""Views of search hits and of compare, crosswalk, diff and gaps (every output format)."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from ..model import year_of
from ..text import clip_words, printable
from . import Column, Format, Listing, dumps
from .formats import md_text, plain_rows, to_csv, to_markdown


def search_listing(hits) -> Listing:
    return Listing("records", [h.as_json() for h in hits], [
        Column("Kind", lambda h: h.kind, no_wrap=True, priority=1),
        Column("Id", lambda h: h.id, no_wrap=True, ratio=2, priority=0),
        Column("Title", lambda h: h.title, ratio=2, priority=0, min_width=20),
        Column("Match", lambda h: h.snippet, ratio=3, priority=0, min_width=24),
    ], rows=hits)


def highlight_hits(mode, hits):
    """A Rich table whose Match column highlights the matched words."""
    from rich.text import Text

    from .terminal import make_table

    def match(hit):
        text = Text(hit.snippet)
        text.highlight_words(hit.terms, style="bold yellow", case_sensitive=False)
        return text

    columns = search_listing(hits).columns
    columns[-1] = replace(columns[-1], get=match)
    return make_table(mode, columns, hits)


# ---- compare, crosswalk, diff, gaps: a method line and titled tables ----------------


@dataclass
class Report:
    """A multi-table answer: the method line, the tables a reader sees (table, plain,
    Markdown) and the one long table CSV gets (one row per piece of evidence)."""

    method: str
    listings: list[Listing]
    csv: Listing


def _name(ev: dict) -> str:
    number = f"{ev['number']}. " if ev.get("number") is not None else ""
    return f"{number}{ev['title']} [{ev['id']}]"


def labelled(label: str, adopted: str | None) -> str:
    """'Four pillars (2009)'; the year once only ('Original objectives (2007)')."""
    year = str(year_of(adopted) or "undated")
    return label if year in label else f"{label} ({year})"


KIND_WORDS = {"commitment": "commitment", "item": "item", "follow-through": "follow-through",
              "assessment": "assessment", "event": "event", "funding": "funding line",
              "figure": "figure", "program": "program record"}
STRENGTH_WORDS = {"intent": "stated intent", "practice": "reported practice",
                  "intent+practice": "intent and practice", None: "no evidence"}
QUOTE_CHARS = 110  # a quote in a table cell, cut at a word boundary


def evidence_text(ev: dict, structures, quote_chars: int = QUOTE_CHARS) -> str:
    """'commitment 2021-10-08: 1. Title — "quote…" (source) [id]': what the evidence is,
    when, its words and where to find it (`merida show ID` resolves every id)."""
    kind = KIND_WORDS.get(ev.get("kind") or "item", ev.get("kind") or "")
    date = ev.get("date") or ev.get("adopted")
    head = f"{kind} {date}" if date else kind
    st = structures.get(ev.get("structure") or "")
    where = f" ({labelled(st['label'], ev.get('adopted'))})" if st and \
        ev.get("kind") in ("item", "commitment") else ""
    number = f"{ev['number']}. " if ev.get("number") is not None else ""
    quote = f' — "{clip_words(ev["quote"], quote_chars)}"' if ev.get("quote") else ""
    source = f" ({ev['source']})" if ev.get("source") else ""
    return f"{head}: {number}{clip_words(ev['title'], 90)}{where}{quote}{source} [{ev['id']}]"


def _joined(texts, multiline: bool) -> str:
    return ("\n" if multiline else "; ").join(texts) or "-"


def _evidence_cell(evs, structures, multiline, every: bool = False):
    """The strongest piece and how many more (`--evidence all`: every piece)."""
    shown = evs if every else evs[:1]
    texts = [evidence_text(ev, structures) for ev in shown]
    if len(evs) > len(shown):
        texts.append(f"(+{len(evs) - len(shown)} more: --evidence all)")
    return _joined(texts, multiline)


def _side_cell(row, side, structures, multiline, every):
    outside = row.get("outside")
    if not row[side]:
        if outside and outside["side"] == side:  # --structure: said elsewhere, not new
            return "[outside the chosen structures] " + _evidence_cell(
                outside["evidence"], structures, multiline, every)
        return "-"
    strength = STRENGTH_WORDS[row["strength"][side]]
    return f"[{strength}] " + _evidence_cell(row[side], structures, multiline, every)


def _status_words(status: str, a: str, b: str) -> str:
    return {"both": "both", "only-a": f"only {a}", "only-b": f"only {b}"}[status]


def _status_cell(row, a: str, b: str) -> str:
    words = _status_words(row["status"], a, b)
    if row.get("outside"):
        words = f"{words} structures; {a if row['outside']['side'] == 'a' else b} elsewhere"
    return f"{words}, disputed" if row.get("disputed") else words


def _dispute_text(row, structures) -> str:
    """Each side of a dispute: who says new, who says continued, with their words."""
    d = row.get("disputed")
    if not d:
        return ""
    parts = []
    for side, word in (("new", "new"), ("continued", "continued")):
        for ev in d[side]:
            parts.append(f"{word}: {evidence_text(ev, structures)}")
    return "; ".join(parts)


EVIDENCE_CSV = ["id", "kind", "date", "number", "title", "structure", "structure_label",
                "adopted", "source", "quote"]


def _evidence_csv_rows(base: dict, program: str, evs, structures) -> list[dict]:
    return [base | {"program": program, "structure_label":
                    structures.get(ev.get("structure") or "", {}).get("label", "")}
            | {k: ev.get(k) for k in EVIDENCE_CSV if k != "structure_label"} for ev in evs]


def _csv_listing(noun: str, keys: list[str], rows: list[dict]) -> Listing:
    return Listing(noun, rows, [Column(k, lambda r, k=k: r.get(k)) for k in keys])


def programs_listing(result: dict, multiline: bool) -> Listing:
    a, b = result["a"], result["b"]

    def used(side):
        return _joined([f"{labelled(s['label'], s.get('adopted'))} [{s['id']}]"
                        for s in side["structures"]], multiline)

    rows = [("Name", a["name"], b["name"]),
            ("Period", a["period"] or "-", b["period"] or "-"),
            ("Structures used", used(a), used(b)),
            ("Components", a["components"], b["components"]),
            ("Funding lines", a["funding_lines"], b["funding_lines"]),
            ("Recommendations", a["recommendations"], b["recommendations"])]
    return Listing("programs", rows, [Column("Field", lambda r: r[0], no_wrap=True),
                                      Column(a["id"], lambda r: r[1], ratio=1),
                                      Column(b["id"], lambda r: r[2], ratio=1)],
                   title="Programs")


def _topic_listing(rows, a, b, labels, multiline, every, title):
    status = Column("Status", lambda r: _status_cell(r, a, b), no_wrap=True)
    topic = Column("Topic", lambda r: r["label"], ratio=1)
    if multiline:  # on a terminal the status goes under the topic: more room for evidence
        topic = Column("Topic", lambda r: f"{r['label']}\n({status.get(r)})", ratio=1)
    columns = [topic, *([] if multiline else [status]),
               Column(a, lambda r: _side_cell(r, "a", labels, multiline, every), ratio=3),
               Column(b, lambda r: _side_cell(r, "b", labels, multiline, every), ratio=3)]
    if any(r.get("disputed") for r in rows):
        columns.append(Column("Disputed", lambda r: _dispute_text(r, labels) or "-", ratio=2))
    return Listing("topics", rows, columns, title=title)


def _topic_csv_rows(rows, result, labels, extra):
    out = []
    for t in rows:
        base = extra(t) | {"topic": t["topic"], "label": t["label"], "status": t["status"],
                           "disputed": bool(t.get("disputed"))}
        for side in ("a", "b"):
            pid = result[side]["id"] if isinstance(result[side], dict) else result[side]
            out += _evidence_csv_rows(base | {"strength": t["strength"][side]}, pid, t[side],
                                      labels)
    return out


def compare_report(result: dict, labels, multiline: bool, every: bool = False) -> Report:
    """`labels`: structure id -> structure record (for labels in the evidence)."""
    a, b = result["a"]["id"], result["b"]["id"]
    topics = _topic_listing(result["topics"], a, b, labels, multiline, every,
                            "Aligned by policy topic (each side: the strongest evidence)")
    listings = [programs_listing(result, multiline), topics]
    bookkeeping = result.get("bookkeeping") or []
    if bookkeeping:
        listings.append(_topic_listing(bookkeeping, a, b, labels, multiline, every,
                                       "Bookkeeping topics (not policies: never added or "
                                       "dropped)"))
    rows = _topic_csv_rows(result["topics"], result, labels, lambda t: {"group": "policy"}) \
        + _topic_csv_rows(bookkeeping, result, labels, lambda t: {"group": "bookkeeping"})
    csv = _csv_listing("topics", ["group", "topic", "label", "status", "disputed", "program",
                                  "strength", *EVIDENCE_CSV], rows)
    return Report(result["method"], listings, csv)


def crosswalk_report(result: dict, labels, multiline: bool) -> Report:
    listings, rows = [], []
    for key, own, other in (("a_to_b", "a", "b"), ("b_to_a", "b", "a")):
        pid, oid = result[own]["id"], result[other]["id"]

        def matches(r):
            return _joined([f"{_name(m)}: {', '.join(m['shared'])}" for m in r["matches"]],
                           multiline)

        listings.append(Listing("components", result[key], [
            Column(f"{pid} component", lambda r: evidence_text(r["component"], labels),
                   ratio=2),
            Column("Topics", lambda r: r["topics"], ratio=1),
            Column(f"{oid} components sharing them", matches, ratio=3),
        ], title=f"Each {pid} component and the {oid} components sharing its topics"))
        for r in result[key]:
            ev = r["component"]
            for m in r["matches"] or [{}]:
                rows.append({"direction": f"{pid}->{oid}", "program": pid, "id": ev["id"],
                             "number": ev.get("number"), "title": ev["title"],
                             "structure": ev.get("structure"), "topics": r["topics"],
                             "match_program": oid if m else "", "match_id": m.get("id"),
                             "match_number": m.get("number"), "match_title": m.get("title"),
                             "match_structure": m.get("structure"),
                             "shared": m.get("shared", [])})
    keys = ["direction", "program", "id", "number", "title", "structure", "topics",
            "match_program", "match_id", "match_number", "match_title", "match_structure",
            "shared"]
    return Report(result["method"], listings, _csv_listing("components", keys, rows))


DIFF_MARKS = (("dropped", "-", "red"), ("added", "+", "green"), ("continued", "=", "dim"),
              ("outside_structures", "~", "yellow"))


def diff_report(result: dict, labels, multiline: bool,
                color: bool = False, every: bool = False) -> Report:
    """Grouped like diff -u: '-' dropped (only A), '+' added (only B), '=' continued; the
    bookkeeping topics apart, under their own title."""
    a, b = result["a"], result["b"]
    entries = [(mark, style, key, e) for key, mark, style in DIFF_MARKS for e in result[key]]

    def mark(row):
        text = row[0] + ("?" if row[3].get("disputed") else "")
        if not color:
            return text
        from rich.text import Text

        return Text(text, style=row[1])

    counts = ", ".join(f"{len(result[k])} {k}" for k in ("added", "dropped", "continued"))
    if result.get("outside_structures"):
        counts += (f", {len(result['outside_structures'])} in one side's chosen structures "
                   "and the other's other records (marked ~)")
    n_disputed = sum(1 for e in entries if e[3].get("disputed"))
    if n_disputed:
        counts += f" ({n_disputed} disputed: marked ?)"
    columns = [
        Column("±", mark, no_wrap=True),
        Column("Topic", lambda r: r[3]["label"], ratio=1),
        Column(a, lambda r: _side_cell(r[3], "a", labels, multiline, every), ratio=3),
        Column(b, lambda r: _side_cell(r[3], "b", labels, multiline, every), ratio=3),
    ]
    if n_disputed:
        columns.append(Column("Disputed", lambda r: _dispute_text(r[3], labels) or "-",
                              ratio=2))
    listings = [Listing("topics", entries, columns,
                        title=f"{a} -> {b} by policy topic: {counts}")]
    bookkeeping = result.get("bookkeeping") or []
    if bookkeeping:
        listings.append(_topic_listing(bookkeeping, a, b, labels, multiline, every,
                                       "Bookkeeping topics (not policies: never added or "
                                       "dropped)"))
    rows = []
    for _m, _s, key, e in entries:
        rows += _topic_csv_rows([e], {"a": a, "b": b}, labels, lambda t, key=key: {"change": key})
    rows += _topic_csv_rows(bookkeeping, {"a": a, "b": b}, labels,
                            lambda t: {"change": "bookkeeping"})
    csv = _csv_listing("topics", ["change", "topic", "label", "status", "disputed", "program",
                                  "strength", *EVIDENCE_CSV], rows)
    return Report(result["method"], listings, csv)


def _near_text(near, labels) -> str:
    shared = ", ".join(near.get("shared", []))
    return (f"{near['score']}% near ({shared}) — {near['program']}: "
            f"{evidence_text(near, labels, 80)}")


def _nearest_text(r, labels) -> str:
    """The nearest of what the program did or pledged, then a critique or stalled report
    as near as a match (it shows the program fell short, so it addresses nothing)."""
    near, critique = r.get("nearest"), r.get("critique")
    text = _near_text(near, labels) if near else "nothing carries its topics"
    if critique:
        what = "reported stalled" if critique.get("reported") == "stalled" else "a critique"
        text += f"; {what}: {_near_text(critique, labels)}"
    return text


def gaps_report(result: dict, multiline: bool, labels=None) -> Report:
    labels = labels or {}
    recs = Listing("recommendations", result["recommendations_unaddressed"], [
        Column("Id", lambda r: r["id"], no_wrap=True, ratio=2),
        Column("Recommendation", lambda r: r["text"], ratio=3),
        Column("Topics", lambda r: r["topics"], ratio=1),
        Column("Source", lambda r: r.get("source") or ""),
        Column("Nearest evidence", lambda r: _nearest_text(r, labels), ratio=3),
    ], title="Recommendations nothing near addresses (the nearest evidence shown)")
    comps = Listing("components", result["components_without_recommendations"], [
        Column("Program", lambda r: r["program"], no_wrap=True),
        Column("Component", _name, ratio=3),
        Column("Structure", lambda r: r.get("structure") or "", ratio=1),
        Column("Topics", lambda r: r["topics"], ratio=1),
    ], title="Components no recommendation speaks to")
    listings = [recs, comps]
    later = result.get("recommendations_after_end") or []
    if later:  # only for one program that has ended
        listings.append(Listing("recommendations", later, [
            Column("Id", lambda r: r["id"], no_wrap=True, ratio=2),
            Column("Recommendation", lambda r: r["text"], ratio=3),
            Column("Date", lambda r: r.get("date") or "", no_wrap=True),
            Column("Source", lambda r: r.get("source") or ""),
        ], title=f"Recommendations made after {result['program']} ended (not judged "
                 "against it)"))

    def near_cols(r):
        near = r.get("nearest") or {}
        return {"nearest_program": near.get("program"), "nearest_id": near.get("id"),
                "nearest_kind": near.get("kind"), "nearest_score": near.get("score")}

    rows = ([{"gap": "recommendation-unaddressed", "program": "", "id": r["id"],
              "text": r["text"], "topics": r["topics"], "structure": "",
              "source": r.get("source")} | near_cols(r)
             for r in result["recommendations_unaddressed"]]
            + [{"gap": "component-without-recommendation", "program": c["program"],
                "id": c["id"], "text": c["title"], "topics": c["topics"],
                "structure": c.get("structure"), "source": c.get("source")}
               for c in result["components_without_recommendations"]]
            + [{"gap": "recommendation-after-end", "program": "", "id": r["id"],
                "text": r["text"], "topics": r["topics"], "structure": "",
                "source": r.get("source")} for r in later])
    keys = ["gap", "program", "id", "text", "topics", "structure", "source",
            "nearest_program", "nearest_id", "nearest_kind", "nearest_score"]
    return Report(result["method"], listings, _csv_listing("gaps", keys, rows))


def emit_report(env, report: Report, mode, data) -> None:
    """JSON: the result itself. CSV: the long table (method on stderr). Markdown, table
    and plain: the method line, then each table under its title (drawn on a terminal)."""
    if mode.json:
        env.out(dumps(data))
        return
    if mode.format is Format.csv:
        env.err(report.method)
        env.stdout.write(to_csv(report.csv.columns, report.csv.records))
        return
    if mode.format is Format.markdown:
        env.out("\n\n".join([md_text(report.method)] + [to_markdown(lst.columns, lst.records,
                                                                lst.title)
                                                    for lst in report.listings]))
        return
    from .terminal import console, make_table, print_view

    if mode.terminal:
        from rich.text import Text

        console(env, mode).print(Text(printable(report.method),
                                      style="italic" if mode.color else ""))
        for lst in report.listings:
            env.out()
            print_view(env, mode, make_table(mode, lst.columns, lst.records, lst.title,
                                             None if lst.records else "none"))
    else:
        env.out(report.method)
        for lst in report.listings:
            env.out()
            env.out(lst.title)
            env.stdout.write(plain_rows(lst.columns, lst.records))
    for lst in report.listings:
        if not lst.records:
            env.err(f"{lst.title}: none")

def pack_diff_lines(result: dict) -> list[tuple[str, str]]:
    lines = [("bold", f"--- {result['a']}"), ("bold", f"+++ {result['b']}")]
    for entry in result["removed"]:
        lines.append(("red", f"- {entry['kind']}/{entry['id']}"))
    for entry in result["added"]:
        lines.append(("green", f"+ {entry['kind']}/{entry['id']}"))
    for entry in result["changed"]:
        lines.append(("yellow", f"~ {entry['kind']}/{entry['id']}"))
        for name, change in entry["fields"].items():
            if "a" in change:
                lines.append(("red", f"    - {name}: {_short(change['a'])}"))
            if "b" in change:
                lines.append(("green", f"    + {name}: {_short(change['b'])}"))
    counts = (f"{len(result['added'])} added, {len(result['removed'])} removed, "
              f"{len(result['changed'])} changed")
    lines.append(("bold", counts))
    return lines


def _short(value) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 160 else text[:157] + "..."
