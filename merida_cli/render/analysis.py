"""Views of search hits, compare, diff and gaps (terminal and plain text)."""

from __future__ import annotations

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


def _names(comps) -> str:
    return "\n".join(f"{c['number']}. {c['title']}" if c.get("number") is not None
                     else c["title"] for c in comps)


def compare_table(env, result: dict):
    from rich.table import Table

    from .terminal import make_table

    a, b = result["a"], result["b"]
    header = [
        ("Name", a["name"], b["name"]),
        ("Period", a["period"], b["period"]),
        ("Structure", a["structure"] or "-", b["structure"] or "-"),
        ("Components", str(a["components"]), str(b["components"])),
        ("Funding lines", str(a["funding_lines"]), str(b["funding_lines"])),
        ("Recommendations", str(a["recommendations"]), str(b["recommendations"])),
    ]
    head = make_table(env, [Column("", lambda r: r[0], no_wrap=True),
                            Column(a["id"], lambda r: r[1], ratio=1),
                            Column(b["id"], lambda r: r[2], ratio=1)], header)
    rows = [(row["label"],
             _names(row["a"]) or "-", _names(row["b"]) or "-",
             {"a": f"only {a['id']}", "b": f"only {b['id']}", None: "both"}[row["only"]])
            for row in result["topics"]]
    body: Table = make_table(env, [Column("Topic", lambda r: r[0], ratio=1),
                                   Column(a["id"], lambda r: r[1], ratio=2),
                                   Column(b["id"], lambda r: r[2], ratio=2),
                                   Column("Covered", lambda r: r[3], no_wrap=True)], rows,
                             title="Aligned by topic")
    return head, body


def diff_lines(result: dict, names: dict[str, str]) -> list[tuple[str, str]]:
    """(style, text) lines in the manner of diff -u: '-' dropped, '+' added, '=' continued."""
    a, b = result["a"], result["b"]
    lines = [("bold", f"--- {a}  {names.get(a, '')}"), ("bold", f"+++ {b}  {names.get(b, '')}")]
    entries = ([("-", "red", e) for e in result["dropped"]] +
               [("+", "green", e) for e in result["added"]] +
               [("=", "dim", e) for e in result["continued"]])
    for mark, style, entry in entries:
        lines.append((style, f"{mark} {entry['label']} [{entry['topic']}]"))
        for side, comps in ((a, entry["a"]), (b, entry["b"])):
            for comp in comps:
                number = f"{comp['number']}. " if comp.get("number") is not None else ""
                lines.append((style, f"    {side}: {number}{comp['title']}"))
    counts = (f"{len(result['added'])} added, {len(result['dropped'])} dropped, "
              f"{len(result['continued'])} continued")
    lines.append(("bold", counts))
    return lines


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


def gaps_listings(result: dict) -> tuple[Listing, Listing]:
    recs = Listing("recommendations", result["recommendations_unaddressed"], [
        Column("Id", lambda r: r["id"], no_wrap=True, ratio=2),
        Column("Recommendation", lambda r: r["text"], ratio=4),
        Column("Topics", lambda r: r["topics"], ratio=1),
        Column("Source", lambda r: r.get("source", "")),
    ], title="Recommendations no component addresses")
    comps = Listing("components", result["components_without_recommendations"], [
        Column("Program", lambda r: r["program"], no_wrap=True),
        Column("Id", lambda r: r["id"], no_wrap=True, ratio=2),
        Column("Component", lambda r: r["title"], ratio=3),
        Column("Topics", lambda r: r["topics"], ratio=1),
    ], title="Components no recommendation speaks to")
    return recs, comps
