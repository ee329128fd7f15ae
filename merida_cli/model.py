"""Record kinds: one declarative schema drives validation, field order, JSON Schema and docs.

Records stay plain dicts (fast to load, trivial to export); the schema says
which fields each kind has, their types and which other kinds they reference.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

# \Z, not $: `$` also matches before a final newline, which let an id "abc\n" through
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*\Z")
# ASCII digits only: \d would take '２０１４', which then sorts after every real date
DATE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?\Z")
FISCAL_YEARS = re.compile(r"^FY([0-9]{4})(?:-FY([0-9]{4}))?\Z")
SHA256 = re.compile(r"^[0-9a-f]{64}\Z")
MAX_QUOTE_WORDS = 45
MAX_NUMBER = 10 ** 15  # a quadrillion dollars: beyond it a number is a typo, and
# a 400-digit integer would overflow every float computation


@dataclass(frozen=True)
class Field:
    """One field of a record: its type, whether it is required, what it references.

    type is one of: slug, str, text (str, may be long), date, fiscal_years,
    number, bool, label (int or str), strs (list of str), ref, refs, cites, items,
    enum.
    """

    type: str
    required: bool = False
    ref: str | None = None
    choices: tuple[str, ...] = ()
    help: str = ""


def _f(type_: str, required: bool = False, ref: str | None = None,
       choices: tuple[str, ...] = (), help: str = "") -> Field:
    return Field(type_, required, ref, choices, help)


QUALIFIERS = ("about", "almost", "over", "up-to", "exact")
STANCES = ("positive", "negative", "mixed", "neutral")
# who made a commitment (issue 25)
PLEDGERS = ("us", "mexico", "both")
# what a later record reports of a commitment; `merida commitments` derives a status from it
FOLLOW_THROUGH = ("done", "under-way", "stalled")
# what a funding line counts (issue 13): one measure per line, never mixed in one chart
MEASURES = ("request", "appropriation", "cumulative-appropriation", "obligated", "spent",
            "released", "delivered", "share", "partner-spending", "domestic-spending",
            "withheld", "other")

# whom a funding line's money is for (issue 26): one vocabulary, so `funding --recipient`
# matches exactly; id -> (label, aliases). A line keeps the quote's own words beside the
# id in `recipient_as_written`. Extend it as the texts need.
RECIPIENTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "mexico": ("Mexico", ("México", "Mexican government", "Government of Mexico")),
    "central-america": ("Central America", ("Central American countries", "CARSI")),
    "caribbean": ("Caribbean countries", ("Caribbean", "CBSI")),
    "central-america-haiti-dominican-republic": (
        "Central America, Haiti and the Dominican Republic",
        ("Central America, the Dominican Republic and Haiti",)),
    "mexico-and-central-america": ("Mexico and Central America",
                                   ("Mexico and Central American countries",)),
    "region": ("Mexico, Central America and the Caribbean (the whole Mérida region)",
               ("whole region", "Mexico, Central America, Haiti and the Dominican Republic")),
    "peru": ("Peru", ()),
    "united-states": ("The United States (money spent at home)", ("U.S.", "domestic")),
}

CITE = {
    "source": _f("ref", True, "sources", help="id of the cited source"),
    "quote": _f("str", True, help="verbatim passage of the source text (about 30 words at most)"),
    "page": _f("label", help="page or section of the source"),
    "note": _f("text"),
}

ALT_DATE = {
    "date": _f("date", True),
    "source": _f("ref", True, "sources"),
    "note": _f("text"),
}

# fields every happening or claim carries (issue 13: one happening, one record)
# a follow-through link (issue 25): a later record's passage that reports on a commitment
REPORT = {
    "commitment": _f("ref", True, "items", help="id of the committed structure item"),
    "status": _f("enum", True, choices=FOLLOW_THROUGH,
                 help="what the passage reports: done, under way or stalled"),
    "quote": _f("str", True, help="verbatim passage reporting on the commitment"),
    "source": _f("ref", ref="sources", help="defaults to the record's source"),
    "page": _f("label"),
    "note": _f("text"),
}
_REPORTS = {"reports_on": _f("reports", help="commitments this record reports on")}

_MERGED = {
    "replaces": _f("strs", help="ids merged into this record; they keep resolving"),
    "distinct_from": _f("strs", help="look-alike records that are another happening or claim"),
}

ITEM = {
    "id": _f("slug", True),
    "number": _f("label", help="position: 1, 2 or '1.1.2'"),
    "title": _f("str", True),
    "summary": _f("text"),
    "share_pct": _f("number", help="share of the budget, in percent"),
    "parent": _f("slug", help="id of the enclosing item (nested action-plan areas)"),
    "by": _f("enum", choices=PLEDGERS, help="who made the commitment (else the structure's)"),
    "made": _f("date", help="when the commitment was made (else the structure's adopted)"),
    **_REPORTS,
    "topics": _f("refs", ref="topics"),
    "note": _f("text"),
    "cite": _f("cites", True),
}

_COMMON_TAIL = {
    "topics": _f("refs", ref="topics"),
    "note": _f("text"),
    "cite": _f("cites", True),
}

KINDS: dict[str, dict[str, Field]] = {
    "sources": {
        "id": _f("slug", True),
        "title": _f("str", True),
        "title_descriptive": _f("bool", help="the title is a description (the work has none "
                                             "of its own); APA puts it in brackets"),
        "author": _f("str", help="person(s), 'Given Family; Given Family'; "
                                 "an organisation in braces"),
        "publisher": _f("str", help="organisation that issued the text"),
        "container": _f("str", help="outlet or site the text appeared in"),
        "report_number": _f("str", help="report number as printed, e.g. IF10578"),
        "date": _f("date"),
        "date_inferred": _f("bool", help="the date is not printed in the text (say how in note)"),
        "url": _f("str", help="the publisher's own page for the work (never a mirror's)"),
        "retrieved_from": _f("str", help="where the stored text was copied from (a mirror "
                                         "or archive), when that is not the url"),
        "file": _f("str", True, help="file name of the source text"),
        "sha256": _f("sha256"),
        "type": _f("str"),
        "scope": _f("enum", choices=tuple(RECIPIENTS),
                    help="the one recipient the whole text is about (a CRS In Focus on "
                         "Mexico): its funding lines must say their recipient"),
        "completeness": _f("enum", choices=("full", "partial")),
        "reproduction": _f("text", help="set when the text is a third-party copy"),
        "summary": _f("text"),
        "note": _f("text"),
    },
    "topics": {
        "id": _f("slug", True),
        "label": _f("str", True),
        "aliases": _f("strs"),
        "description": _f("text"),
        "parent": _f("ref", ref="topics"),
        "policy": _f("bool", help="false for bookkeeping topics (funding levels): never "
                                  "reported as added or dropped"),
    },
    "programs": {
        "id": _f("slug", True),
        "name": _f("str", True),
        "summary": _f("text"),
        "type": _f("str"),
        "aliases": _f("strs"),
        "start": _f("date"),
        "end": _f("date"),
        "predecessor": _f("ref", ref="programs"),
        "successor": _f("ref", ref="programs"),
        "parent": _f("ref", ref="programs"),
        "related": _f("refs", ref="programs"),
        "implementer": _f("str"),
        **_COMMON_TAIL,
    },
    "structures": {
        "id": _f("slug", True),
        "program": _f("ref", True, "programs"),
        "label": _f("str", True),
        "adopted": _f("date"),
        "current": _f("bool"),
        "commitments": _f("bool", help="the items are commitments the governments made"),
        "by": _f("enum", choices=PLEDGERS, help="who made the commitments"),
        "summary": _f("text"),
        "items": _f("items", True),
        **_COMMON_TAIL,
    },
    "funding": {
        "id": _f("slug", True),
        "title": _f("str", True),
        "summary": _f("text"),
        "program": _f("ref", True, "programs"),
        "measure": _f("enum", True, choices=MEASURES, help="what the line counts"),
        "amount_usd": _f("number"),
        "share_pct": _f("number"),
        "qualifier": _f("enum", choices=QUALIFIERS),
        "fiscal_years": _f("fiscal_years"),
        "period": _f("str"),
        "account": _f("str"),
        "recipient": _f("enum", choices=tuple(RECIPIENTS),
                        help="whom the money is for: an id of the recipient vocabulary"),
        "recipient_as_written": _f("str", help="the quote's own words for the recipient"),
        "as_of": _f("date", True),
        "source": _f("ref", ref="sources"),
        "same_as": _f("refs", ref="funding", help="lines counting the same thing"),
        "conflicts_with": _f("refs", ref="funding", help="lines that disagree with this one"),
        "distinct_from": _f("refs", ref="funding",
                            help="look-alike lines that count something else"),
        **_REPORTS,
        **_COMMON_TAIL,
    },
    "recommendations": {
        "id": _f("slug", True),
        "text": _f("str", True),
        "summary": _f("text"),
        "source": _f("ref", ref="sources"),
        "actor": _f("str", True),
        "addressee": _f("str"),
        "number": _f("label"),
        "programs": _f("refs", ref="programs"),
        **_MERGED,
        **_COMMON_TAIL,
    },
    "events": {
        "id": _f("slug", True),
        "title": _f("str", True),
        "date": _f("date", True),
        "date_inferred": _f("bool", help="the date is not printed in the source (say how in note)"),
        "alt_dates": _f("alt_dates", help="other dates other sources give"),
        "summary": _f("text"),
        "place": _f("str"),
        "actors": _f("strs"),
        "programs": _f("refs", ref="programs"),
        "source": _f("ref", ref="sources"),
        **_MERGED,
        **_REPORTS,
        **_COMMON_TAIL,
    },
    "figures": {
        "id": _f("slug", True),
        "label": _f("str", True),
        "value": _f("number", True),
        "unit": _f("str", True),
        "qualifier": _f("enum", choices=QUALIFIERS),
        "period": _f("str"),
        "place": _f("str"),
        "as_of": _f("date"),
        "summary": _f("text"),
        "programs": _f("refs", ref="programs"),
        "source": _f("ref", ref="sources"),
        "same_as": _f("refs", ref="figures", help="figures counting the same thing"),
        "conflicts_with": _f("refs", ref="figures",
                             help="figures that count the same thing and disagree"),
        "distinct_from": _f("refs", ref="figures",
                            help="look-alike figures that count something else"),
        **_REPORTS,
        **_COMMON_TAIL,
    },
    "assessments": {
        "id": _f("slug", True),
        "text": _f("str", True),
        "about": _f("ref", True, "programs"),
        "actor": _f("str", True),
        "stance": _f("enum", True, choices=STANCES),
        "summary": _f("text"),
        "source": _f("ref", ref="sources"),
        "compared_to": _f("ref", ref="programs",
                          help="the program its new_topics / continued_topics are relative to"),
        "new_topics": _f("refs", ref="topics", help="topics the quote calls new in `about`"),
        "continued_topics": _f("refs", ref="topics",
                               help="topics the quote says `about` continued"),
        **_MERGED,
        **_REPORTS,
        **_COMMON_TAIL,
    },
}

# the list-of-mapping field types, each with its entry schema and what an entry is called
# (validation, the fast check, JSON Schema and exports read this one table); an entry
# type is listed before any type whose entries contain it
NESTED = {
    "cites": (CITE, "citation"),
    "alt_dates": (ALT_DATE, "alternative date"),
    "reports": (REPORT, "follow-through link"),
    "items": (ITEM, "item"),
}

KIND_ORDER = tuple(KINDS)
# what `search --kind` takes: every kind, and structure items on their own
SEARCH_KINDS = ("sources", "topics", "programs", "structures", "items", "funding",
                "recommendations", "events", "figures", "assessments")
SINGULAR = {
    "sources": "source", "topics": "topic", "programs": "program", "structures": "structure",
    "funding": "funding line", "recommendations": "recommendation", "events": "event",
    "figures": "figure", "assessments": "assessment",
}


def record_cites(record: dict) -> list[dict]:
    """A record's citations, those of its structure items and of its follow-through links
    included (a link's quote is verified like any other)."""
    cites = list(record.get("cite", []))
    cites += report_cites(record)
    for item in record.get("items", []):
        cites += item.get("cite", [])
        cites += report_cites(item)
    return cites


def report_cites(record: dict) -> list[dict]:
    """A record's follow-through links as citations: a link without a source quotes the
    record's own source (its first citation's)."""
    reports = record.get("reports_on")
    if not reports:
        return []
    cites = record.get("cite") or [{}]
    default = record.get("source") or cites[0].get("source")
    out = []
    for report in reports:
        source = report.get("source", default)
        if source is not None and "quote" in report:
            out.append({"source": source, "quote": report["quote"]}
                       | ({"page": report["page"]} if "page" in report else {}))
    return out


def title_of(kind: str, record: dict) -> str:
    """The one-line human name of a record, whatever its kind calls it."""
    for key in ("title", "name", "label", "text"):
        if key in record:
            return str(record[key])
    return record.get("id", "")


def valid_date(value: str) -> bool:
    """A date string with year, year-month or full precision that exists."""
    m = DATE.match(value)
    if not m or m.group(1) == "0000":
        return False
    month, day = m.group(2), m.group(3)
    if month and not 1 <= int(month) <= 12:
        return False
    return not day or 1 <= int(day) <= calendar.monthrange(int(m.group(1)), int(month))[1]


def date_bounds(value: str) -> tuple[str, str]:
    """The first and last day a date of any precision covers: '2014' -> 2014-01-01, 2014-12-31."""
    m = DATE.match(value)
    year, month, day = m.group(1), m.group(2), m.group(3)
    if day:
        return value, value
    if month:
        last = calendar.monthrange(int(year), int(month))[1]
        return f"{year}-{month}-01", f"{year}-{month}-{last:02d}"
    return f"{year}-01-01", f"{year}-12-31"


def year_of(value: str | None) -> int | None:
    """First four-digit year in a date, period or fiscal-year string."""
    if not value:
        return None
    m = re.search(r"(\d{4})", str(value))
    return int(m.group(1)) if m else None
