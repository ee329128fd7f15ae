"""How each kind of result looks: Listings for tables, and the richer views
(show, compare, diff, funding chart). Data in, renderables/strings out."""

from __future__ import annotations

from ..model import SINGULAR, record_cites, title_of
from ..text import clip_words, printable
from . import Column, Listing, cell


def fmt_usd(amount, qualifier: str | None = None) -> str:
    """$1.4 billion / $420.7 million / $25,000, with the source's hedge in front."""
    if amount is None:
        return ""
    if amount >= 1e9:
        text = f"${amount / 1e9:,.2f}".rstrip("0").rstrip(".") + " billion"
    elif amount >= 1e6:
        text = f"${amount / 1e6:,.2f}".rstrip("0").rstrip(".") + " million"
    else:
        text = f"${amount:,.0f}"
    hedge = {"about": "about ", "almost": "almost ", "over": "over ", "up-to": "up to "}
    return hedge.get(qualifier or "", "") + text


def fmt_amount(line: dict) -> str:
    if "amount_usd" in line:
        return fmt_usd(line["amount_usd"], line.get("qualifier"))
    if "share_pct" in line:
        return f"{line['share_pct']:g}%"
    return ""


def fmt_value(fig: dict) -> str:
    value = fig["value"]
    if fig["unit"] in ("usd", "dollars", "USD"):
        return fmt_usd(value, fig.get("qualifier"))
    hedge = {"about": "about ", "almost": "almost ", "over": "over ", "up-to": "up to "}
    number = f"{value:,}" if isinstance(value, int) else f"{value:,.2f}".rstrip("0").rstrip(".")
    unit = "%" if fig["unit"] in ("percent", "%") else " " + fig["unit"]
    return hedge.get(fig.get("qualifier") or "", "") + number + unit


def topics_cell(rec: dict) -> str:
    return ", ".join(rec.get("topics", []))


def structure_listing(structure: dict, program: dict) -> Listing:
    columns = [Column("#", lambda i: i.get("number", ""), no_wrap=True),
               Column("Title", lambda i: i["title"], ratio=2, priority=0),
               Column("Summary", lambda i: i.get("summary", ""), ratio=4),
               Column("Topics", topics_cell, ratio=1, min_width=20),
               Column("Id", lambda i: i["id"], no_wrap=True)]  # what `merida show` takes
    if any("share_pct" in i for i in structure["items"]):
        columns.insert(2, Column("Share", lambda i: f"{i['share_pct']:g}%"
                                 if "share_pct" in i else "", no_wrap=True))
    adopted = f", adopted {structure['adopted']}" if structure.get("adopted") else ""
    return Listing("items", structure["items"], columns,
                   title=f"{program['name']}: {structure['label']}{adopted}",
                   caption=_cited(structure))


def _cited(rec: dict) -> str:
    sources = list(dict.fromkeys(c["source"] for c in record_cites(rec)))
    return "Sources: " + "; ".join(sources) if sources else ""


def program_listing(rows: list[dict]) -> Listing:
    return Listing("programs", rows, [
        Column("Id", lambda r: r["id"], no_wrap=True, ratio=2),
        Column("Name", lambda r: r["name"], ratio=3),
        Column("Period", lambda r: r["period"]),
        Column("Parent", lambda r: r["parent"], no_wrap=True),
        Column("Components", lambda r: r["components"]),
        Column("Funding", lambda r: r["funding_lines"]),
        Column("Recs", lambda r: r["recommendations"]),
    ])


def recs_listing(recs: list[dict]) -> Listing:
    """What is recommended, by whom, on what topic: never hidden (the id goes on a line
    of its own when it leaves them too little room); the source hides first."""
    return Listing("recommendations", recs, [
        Column("Id", lambda r: r["id"], no_wrap=True, ratio=2, priority=0),
        Column("Recommendation", lambda r: r["text"], ratio=4, priority=0, min_width=28),
        Column("Actor", lambda r: r["actor"], ratio=1, priority=0),
        Column("Topics", topics_cell, ratio=1, priority=0),
        Column("Source", lambda r: r.get("source", ""), ratio=1, priority=1),
    ])


def _latest_evidence(row: dict) -> str:
    if not row["evidence"]:
        return "-"
    last = row["evidence"][-1]
    more = f" (+{len(row['evidence']) - 1} earlier)" if len(row["evidence"]) > 1 else ""
    return (f'{last["status"]}: "{clip_words(last["quote"], 120)}" ({last["source"]}, '
            f'{last["kind"]} {last["id"]}){more}')


COMMITTED_BY = {"us": "U.S.", "mexico": "Mexico", "both": "both"}


def commitments_listing(rows: list[dict]) -> Listing:
    """Title, status and the latest evidence's date stay whole at 80 columns; the id and
    the evidence's words hide first (`merida show ID` and --json give them whole)."""
    return Listing("commitments", rows, [
        Column("Commitment", lambda r: r["title"], ratio=3, priority=0, key="title"),
        Column("Status", lambda r: r["status"], no_wrap=True, priority=0),
        Column("Latest", lambda r: r["latest"] or "-", no_wrap=True, priority=0),
        Column("By", lambda r: COMMITTED_BY.get(r["by"], r["by"] or "-"), no_wrap=True,
               priority=1),
        Column("Made", lambda r: r["made"] or "-", no_wrap=True, priority=2),
        Column("Evidence", _latest_evidence, ratio=3, priority=3),
        Column("Id", lambda r: r["id"], no_wrap=True, priority=4),
        Column("Source", lambda r: r["source"] or "", priority=5),
    ])


MEASURE_TITLES = {
    "cumulative-appropriation": "Cumulative appropriations (running totals, in the order stated)",
    "appropriation": "Appropriations for a fiscal year or a range",
    "request": "Budget requests",
    "released": "Funds released",
    "delivered": "Assistance delivered",
    "obligated": "Funds obligated",
    "spent": "Funds spent",
    "withheld": "Funds withheld",
    "share": "Shares (percent)",
    "partner-spending": "Mexico's own spending (not U.S. aid)",
    "domestic-spending": "U.S. domestic spending (not aid to Mexico)",
    "other": "Other amounts",
}


def _links_cell(line: dict) -> str:
    parts = [f"DISAGREES with {x}" for x in line.get("conflicts_with", [])]
    parts += [f"same as {x}" for x in line.get("same_as", [])]
    return "; ".join(parts)


def funding_listing(lines: list[dict], title: str | None = None, chart=None) -> Listing:
    """A titled table is one measure's (its title names it): no Measure column, which
    leaves the room for the amounts, dates and ids on an 80- or 100-column terminal."""
    measure = [] if title else [Column("Measure", lambda r: r["measure"], no_wrap=True,
                                       priority=1)]
    return Listing("funding lines", lines, [
        *measure,
        # how much, for which years, what the line counts and by whose count: never hidden
        Column("Amount", fmt_amount, no_wrap=True, priority=0),
        Column("Years", lambda r: r.get("fiscal_years") or r.get("period", ""), no_wrap=True,
               priority=0),
        Column("Line", line_title, ratio=3, priority=0, min_width=30, key="title"),
        Column("Recipient", lambda r: r.get("recipient", ""), ratio=1, priority=2),
        Column("Source", lambda r: r.get("source", ""), ratio=1, priority=0),
        Column("As of", lambda r: r["as_of"], no_wrap=True, priority=1),
        Column("Id", lambda r: r["id"], ratio=2, priority=3),
        Column("Links", _links_cell, ratio=1, priority=4),
    ], title=title, extra=[chart] if chart is not None else [])


def line_title(line: dict) -> str:
    """What a funding line counts: its title, with the account when it names one."""
    account = line.get("account")
    title = line.get("title", "")
    return f"{title} [{account}]" if account and account not in title else title or account


def funding_listings(groups: list[tuple[str, list[dict]]], grouped: bool, chart=None,
                     charted: str | None = None) -> list[Listing]:
    """One table per measure (the chart under its own measure's), or one for all."""
    if not grouped:
        return [funding_listing([line for _name, group in groups for line in group])]
    return [funding_listing(group, MEASURE_TITLES[name], chart if name == charted else None)
            for name, group in groups]


def funding_chart(lines: list[dict], width: int, measure: str):
    """Horizontal bars of one measure's dollar amounts in the order they were stated
    (as_of), so successive counts show how a running total grew; never two measures."""
    from rich.text import Text

    money = sorted((line for line in lines if "amount_usd" in line
                    and line["measure"] == measure),
                   key=lambda line: (line["as_of"], -line["amount_usd"], line["id"]))
    if not money:
        return None
    top = max(line["amount_usd"] for line in money) or 1
    amount_w = max(len(fmt_usd(line["amount_usd"], line.get("qualifier"))) for line in money)
    label_w = max(len(printable(line["id"])) for line in money)
    # ids are never cut: when they leave too little room for the bars, each id gets
    # a line of its own, above its date and bar
    own_line = width - 11 - label_w - 1 - amount_w - 1 < 10
    bar_w = max(10, width - amount_w - 2 - (11 if own_line else 11 + label_w + 1))
    text = Text()
    text.append(f"\n{measure} by the date it was stated (as_of); --measure draws another\n",
                style="bold")
    for line in money:
        bar = "█" * max(1, round(line["amount_usd"] / top * bar_w))
        mark = " ≠" if line.get("conflicts_with") else ""
        label = printable(line["id"])
        if own_line:
            text.append(f"{label}\n{printable(line['as_of']):<10} ")
        else:
            text.append(f"{printable(line['as_of']):<10} {label:<{label_w}} ")
        text.append(bar, style="cyan")
        text.append(f" {fmt_usd(line['amount_usd'], line.get('qualifier'))}{mark}\n")
    return text


def event_date(event: dict) -> str:
    """The date as the timeline prints it: '~2023-07' when it is not printed in the source."""
    return ("~" if event.get("date_inferred") else "") + event["date"]


def events_listing(events: list[dict]) -> Listing:
    """A compact timeline: the date and what happened never hide, and get the room for a
    line or two per event; the id, the source, other dates and programs follow, in that
    order, when the terminal has the width (--wide and --json give every field)."""
    columns = [
        Column("Date", event_date, no_wrap=True, priority=0),
        Column("Id", lambda r: r["id"], no_wrap=True, ratio=2, priority=1),
        Column("Event", lambda r: r["title"], ratio=4, priority=0, min_width=50),
        Column("Programs", lambda r: r.get("programs", []), ratio=1, priority=4),
        Column("Source", lambda r: r.get("source", ""), ratio=1, priority=2),
    ]
    if any(e.get("alt_dates") for e in events):
        columns.insert(1, Column("Other dates", alt_dates_cell, ratio=1, priority=3))
    caption = ("~ the date is inferred (not printed in the source)"
               if any(e.get("date_inferred") for e in events) else None)
    return Listing("events", events, columns, caption=caption)


def alt_dates_cell(rec: dict) -> str:
    return ", ".join(f"{a['date']} ({a['source']})" for a in rec.get("alt_dates", []))


def topics_listing(rows: list[dict]) -> Listing:
    return Listing("topics", rows, [
        Column("Id", lambda r: r["id"], no_wrap=True, ratio=2),
        Column("Label", lambda r: r["label"], ratio=2, priority=0),
        Column("Aliases", lambda r: r.get("aliases", []), ratio=3),
        Column("Records", lambda r: r["total"]),
        Column("By kind", lambda r: [f"{k} {v}" for k, v in r["counts"].items()], ratio=2),
    ])


def sources_listing(rows: list[dict]) -> Listing:
    return Listing("sources", rows, [
        Column("Id", lambda r: r["id"], no_wrap=True, ratio=2),
        Column("Title", lambda r: r["title"], ratio=4),
        Column("Date", lambda r: r.get("date", ""), no_wrap=True),
        Column("Publisher", lambda r: r.get("publisher") or r.get("author", ""), ratio=2),
        Column("Records", lambda r: r["records_citing"]),
        Column("Quotes", lambda r: r["quotes"]),
    ])


def figures_listing(figures: list[dict]) -> Listing:
    return Listing("figures", figures, [
        Column("Id", lambda r: r["id"], no_wrap=True, ratio=2),
        Column("Figure", lambda r: r["label"], ratio=3),
        Column("Value", fmt_value, ratio=1, priority=0),
        Column("Period", lambda r: r.get("period") or r.get("as_of", ""), no_wrap=True),
        Column("Place", lambda r: r.get("place", "")),
        Column("Source", lambda r: r.get("source", "")),
    ])


def assessments_listing(rows: list[dict]) -> Listing:
    return Listing("assessments", rows, [
        Column("Id", lambda r: r["id"], no_wrap=True, ratio=2),
        Column("About", lambda r: r["about"], no_wrap=True),
        Column("Stance", lambda r: r["stance"]),
        Column("Finding", lambda r: r["text"], ratio=4),
        Column("Actor", lambda r: r["actor"], ratio=1),
    ])


# ---- show ------------------------------------------------------------------

# fields shown under a reader's name rather than the data's key
FIELD_LABELS = {"retrieved_from": "retrieved from"}


def show_lines(sources: dict, kind: str, rec: dict, links: dict,
               context: dict | None) -> list[tuple[str, str]]:
    """(style, text) lines describing one record, its citations (`sources`: the cited
    sources by id) and its links."""
    label = "structure item" if kind == "items" else SINGULAR[kind]
    lines = [("bold", title_of(kind, rec)), ("dim", f"{label} · {rec['id']}"), ("", "")]
    if context:
        lines.append(("", f"part of: {context['structure']} ({context['program']})"))
    for key, value in rec.items():
        if key in ("id", "cite", "items") or value in (None, [], "", title_of(kind, rec)):
            continue
        if key in ("amount_usd",):
            value = fmt_usd(value, rec.get("qualifier"))
        elif key == "alt_dates":
            value = alt_dates_cell(rec)
        lines.append(("", f"{FIELD_LABELS.get(key, key)}: {cell(value)}"))
    for item in rec.get("items", []):
        lines.append(("", f"  {item.get('number', '-')}. {item['title']} [{item['id']}]"))
    cites = rec.get("cite", [])
    if cites:
        lines += [("", ""), ("bold", "Citations:")]
        for cite in cites:
            src = sources.get(cite["source"]) or {}
            date = f", {src['date']}" if src.get("date") else ""
            page = f", p. {cite['page']}" if cite.get("page") else ""
            lines.append(("italic", f"  “{cite['quote']}”"))
            origin = f"{src.get('title', cite['source'])} [{cite['source']}{date}{page}]"
            lines.append(("dim", f"    — {origin}"))
    if links:
        lines += [("", ""), ("bold", "Links:")]
        for name, ids in links.items():
            lines.append(("", f"  {name}: {', '.join(ids)}"))
    return lines
