"""Views of search hits and of compare, crosswalk, diff and gaps (every output format)."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import year_of
from . import Column, Listing


def search_listing(hits) -> Listing:
    return Listing("records", [h.as_json() for h in hits], [
        Column("Kind", lambda h: h.kind, no_wrap=True),
        Column("Id", lambda h: h.id, no_wrap=True, ratio=2),
        Column("Title", lambda h: h.title, ratio=2),
        Column("Match", lambda h: h.snippet, ratio=3),
    ], rows=hits)


def highlight_hits(env, hits):
    """A Rich table whose Match column highlights the matched words."""
    from rich.text import Text

    from .terminal import make_table

    def match(hit):
        text = Text(hit.snippet)
        text.highlight_words(hit.terms, style="bold yellow", case_sensitive=False)
        return text

    columns = search_listing(hits).columns[:3] + [Column("Match", match, ratio=3)]
    return make_table(env, columns, hits)


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


def evidence_text(ev: dict, structures) -> str:
    """'1. Title [id] — Structure label (2008), source': enough to find and cite it."""
    st = structures.get(ev.get("structure") or "")
    where = labelled(st["label"] if st else "program record", ev.get("adopted"))
    source = f", {ev['source']}" if ev.get("source") else ""
    return f"{_name(ev)} — {where}{source}"


def _joined(texts, multiline: bool) -> str:
    return ("\n" if multiline else "; ").join(texts) or "-"


def _evidence_cell(evs, structures, multiline):
    return _joined([evidence_text(ev, structures) for ev in evs], multiline)


def _status_words(status: str, a: str, b: str) -> str:
    return {"both": "both", "only-a": f"only {a}", "only-b": f"only {b}"}[status]


EVIDENCE_CSV = ["id", "number", "title", "structure", "structure_label", "adopted", "source"]


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


def compare_report(result: dict, labels, multiline: bool) -> Report:
    """`labels`: structure id -> structure record (for labels in the evidence)."""
    a, b = result["a"]["id"], result["b"]["id"]
    status = Column("Status", lambda r: _status_words(r["status"], a, b), no_wrap=True)
    topic = Column("Topic", lambda r: r["label"], ratio=1)
    if multiline:  # on a terminal the status goes under the topic: more room for evidence
        topic = Column("Topic", lambda r: f"{r['label']}\n({status.get(r)})", ratio=1)
    topics = Listing("topics", result["topics"], [
        topic, *([] if multiline else [status]),
        Column(a, lambda r: _evidence_cell(r["a"], labels, multiline), ratio=3),
        Column(b, lambda r: _evidence_cell(r["b"], labels, multiline), ratio=3),
    ], title="Aligned by topic (evidence: the items carrying each topic)")
    rows = [row for t in result["topics"] for side in ("a", "b") for row in _evidence_csv_rows(
        {"topic": t["topic"], "label": t["label"], "status": t["status"]},
        result[side]["id"], t[side], labels)]
    csv = _csv_listing("topics", ["topic", "label", "status", "program", *EVIDENCE_CSV], rows)
    return Report(result["method"], [programs_listing(result, multiline), topics], csv)


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


DIFF_MARKS = (("dropped", "-", "red"), ("added", "+", "green"), ("continued", "=", "dim"))


def diff_report(result: dict, labels, multiline: bool,
                color: bool = False) -> Report:
    """Grouped like diff -u: '-' dropped (only A), '+' added (only B), '=' continued."""
    a, b = result["a"], result["b"]
    entries = [(mark, style, key, e) for key, mark, style in DIFF_MARKS for e in result[key]]

    def mark(row):
        if not color:
            return row[0]
        from rich.text import Text

        return Text(row[0], style=row[1])

    counts = ", ".join(f"{len(result[k])} {k}" for k in ("added", "dropped", "continued"))
    table = Listing("topics", entries, [
        Column("±", mark, no_wrap=True),
        Column("Topic", lambda r: r[3]["label"], ratio=1),
        Column(a, lambda r: _evidence_cell(r[3]["a"], labels, multiline), ratio=3),
        Column(b, lambda r: _evidence_cell(r[3]["b"], labels, multiline), ratio=3),
    ], title=f"{a} -> {b} by topic: {counts}")
    rows = [row for _m, _s, key, e in entries for side in ("a", "b")
            for row in _evidence_csv_rows({"change": key, "topic": e["topic"],
                                           "label": e["label"]}, result[side], e[side], labels)]
    csv = _csv_listing("topics", ["change", "topic", "label", "program", *EVIDENCE_CSV], rows)
    return Report(result["method"], [table], csv)


def gaps_report(result: dict, multiline: bool) -> Report:
    recs = Listing("recommendations", result["recommendations_unaddressed"], [
        Column("Id", lambda r: r["id"], no_wrap=True, ratio=2),
        Column("Recommendation", lambda r: r["text"], ratio=4),
        Column("Topics", lambda r: r["topics"], ratio=1),
        Column("Source", lambda r: r.get("source") or ""),
    ], title="Recommendations no item addresses")
    comps = Listing("components", result["components_without_recommendations"], [
        Column("Program", lambda r: r["program"], no_wrap=True),
        Column("Component", _name, ratio=3),
        Column("Structure", lambda r: r.get("structure") or "", ratio=1),
        Column("Topics", lambda r: r["topics"], ratio=1),
    ], title="Components no recommendation speaks to")
    rows = ([{"gap": "recommendation-unaddressed", "program": "", "id": r["id"],
              "text": r["text"], "topics": r["topics"], "structure": "",
              "source": r.get("source")} for r in result["recommendations_unaddressed"]]
            + [{"gap": "component-without-recommendation", "program": c["program"],
                "id": c["id"], "text": c["title"], "topics": c["topics"],
                "structure": c.get("structure"), "source": c.get("source")}
               for c in result["components_without_recommendations"]])
    keys = ["gap", "program", "id", "text", "topics", "structure", "source"]
    return Report(result["method"], [recs, comps], _csv_listing("gaps", keys, rows))


def emit_report(env, report: Report, fmt, data) -> None:
    """JSON: the result itself. CSV: the long table (method on stderr). Markdown, table
    and plain: the method line, then each table under its title."""
    from . import Format, dumps

    if fmt is Format.json:
        env.out(dumps(data))
        return
    if fmt is Format.csv:
        from .formats import to_csv

        env.err(report.method)
        env.stdout.write(to_csv(report.csv.columns, report.csv.records))
        return
    if fmt is Format.markdown:
        from .formats import md_text, to_markdown

        env.out("\n\n".join([md_text(report.method)] + [to_markdown(lst.columns, lst.records,
                                                                lst.title)
                                                    for lst in report.listings]))
        return
    from ..text import printable
    from .formats import plain_rows
    from .terminal import make_table, print_view

    if env.is_tty:
        from rich.text import Text

        env.console().print(Text(printable(report.method), style="italic" if env.color else ""))
        for lst in report.listings:
            env.out()
            print_view(env, make_table(env, lst.columns, lst.records, lst.title,
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
    import json

    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 160 else text[:157] + "..."
