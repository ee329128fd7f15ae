"""Generated briefs: a program or a topic as a document whose every factual sentence is a
record's own-words summary or title, footnoted with its verbatim quotes and citations.

`build_brief` gathers the content (pure: no I/O but the optional source texts);
`to_markdown`, `to_html` and `to_pdf` lay it out. matplotlib and weasyprint are
imported only here, only when a chart or a PDF is made.
"""

from __future__ import annotations

import datetime as _dt
import html as _html
import io
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import query
from .cite import STYLE_FILES, csl_item, in_text_citations, render
from .commitments import STATUSES, commitments, counts
from .errors import MeridaError, UsageError
from .extras import require
from .model import RECIPIENTS, record_cites, title_of
from .render.formats import md_table, md_text
from .results import Result
from .text import counted, normalize_quote, printable
from .verify import TextIndex

# funding measures, in the order a chart prefers them
MEASURE_PREFERENCE = ("cumulative-appropriation", "appropriation", "request", "obligated",
                      "spent", "released", "release", "delivered")
STANCE_GROUPS = (("For", ("positive",)), ("Mixed or neutral", ("mixed", "neutral")),
                 ("Against", ("negative",)))


@dataclass
class Sentence:
    """One sentence of the brief and the footnotes (numbers) that support it."""

    text: str
    notes: list[int] = field(default_factory=list)
    lead: str = ""  # a label before the sentence ("2008-06-30", "Pillar 1")


@dataclass
class Section:
    title: str
    sentences: list[Sentence] = field(default_factory=list)
    groups: list[tuple[str, list[Sentence]]] = field(default_factory=list)
    paragraph: bool = False  # the sentences read as one paragraph, not a list


@dataclass
class Footnote:
    number: int
    source: str
    quote: str
    page: object = None
    in_text: str = ""
    verified: bool | None = None  # None: the source text was not given


@dataclass(repr=False)
class Brief(Result):
    """What a brief says, with its footnotes; `render_brief` lays it out."""

    title: str
    subject: str
    kind: str  # "program" or "topic"
    generated: str
    style: str
    sections: list[Section]
    money: list[dict]
    measure: str | None
    footnotes: list[Footnote]
    bibliography: list[str]
    bibliography_html: list[str]
    urls: dict[str, str]
    texts_given: bool = False
    paper: str = "a4"  # the PDF's page size: a4 or letter
    length: str = "full"  # full, or short: one page of key facts

    def to_json(self):
        return asdict(self)

    def verified(self) -> tuple[list[Footnote], list[Footnote]]:
        ok = [n for n in self.footnotes if n.verified]
        return ok, [n for n in self.footnotes if not n.verified]


# ---- gathering -------------------------------------------------------------------------

class _Notes:
    """Footnotes numbered in order of first use; one per distinct (source, quote, page)."""

    def __init__(self, first_only: bool = False):
        self.by_key: dict[tuple, Footnote] = {}
        self.first_only = first_only  # a one-page brief: one note per record

    def add(self, record: dict) -> list[int]:
        numbers = []
        cites = record_cites(record) if "items" not in record else record.get("cite", [])
        for c in cites[:1] if self.first_only else cites:
            key = (c["source"], c["quote"], c.get("page"))
            if key not in self.by_key:
                self.by_key[key] = Footnote(len(self.by_key) + 1, c["source"], c["quote"],
                                            c.get("page"))
            numbers.append(self.by_key[key].number)
        return list(dict.fromkeys(numbers))

    def quote(self, source: str, quote: str) -> int:
        """The footnote of one quote that is not a record's own cite (a follow-through link's)."""
        key = (source, quote, None)
        if key not in self.by_key:
            self.by_key[key] = Footnote(len(self.by_key) + 1, source, quote)
        return self.by_key[key].number

    def sentence(self, record: dict, text: str | None = None, lead: str = "") -> Sentence:
        return Sentence(_sentence(text or record.get("summary") or title_of("", record)),
                        self.add(record), lead)


def _sentence(text: str) -> str:
    text = " ".join(str(text).split())
    return text if text.endswith((".", "?", "!", "\u201d", '"', ")")) else text + "."


def resolve_subject(ds, subject: str) -> tuple[str, str]:
    """('program', id) or ('topic', id); one usage error naming both when neither fits."""
    try:
        return "program", ds.resolve_program(subject)
    except UsageError:
        try:
            return "topic", ds.resolve_topic(subject)
        except UsageError:
            raise UsageError(f"'{subject}' is neither a program nor a topic "
                             "(see: merida programs, merida topics)") from None


def chart_measure(lines: list[dict]) -> str | None:
    """The one measure a chart shows: cumulative appropriations by preference."""
    counts = Counter(measure_of(line) for line in lines if line.get("amount_usd") is not None)
    for measure in MEASURE_PREFERENCE:
        if counts.get(measure):
            return measure
    return counts.most_common(1)[0][0] if counts else None


def measure_of(line: dict) -> str:
    return line["measure"]


# money that is not assistance: shown in a brief only when asked (--all-money), labelled
NOT_ASSISTANCE = ("partner-spending", "domestic-spending", "other")


def is_assistance(line: dict) -> bool:
    """A line counting U.S. assistance (not Mexico's or U.S. domestic spending, not other
    sums such as recovered funds)."""
    return line["measure"] not in NOT_ASSISTANCE and line.get("recipient") != "united-states"


LENGTHS = ("full", "short")
PAPERS = {"a4": "A4", "letter": "letter"}


def build_brief(ds, subject: str, style: str = "chicago", texts: list[Path] | None = None,
                today: _dt.date | None = None, all_money: bool = False,
                length: str = "full", paper: str = "a4") -> Brief:
    """Everything a brief says about a program or topic, with its footnotes. The money
    section holds assistance only unless all_money; a short brief keeps one page of key
    facts: the overview, the latest count by each publisher, the open commitments."""
    if style not in STYLE_FILES:
        raise UsageError(f"unknown style '{style}' for a brief; choose from "
                         + ", ".join(STYLE_FILES))
    if length not in LENGTHS:
        raise UsageError(f"--length '{length}': expected one of {', '.join(LENGTHS)}")
    if paper not in PAPERS:
        raise UsageError(f"--paper '{paper}': expected one of {', '.join(PAPERS)}")
    kind, sid = resolve_subject(ds, subject)
    notes = _Notes(first_only=length == "short")
    if length == "short":
        sections, money = short_sections(ds, kind, sid, notes), []
        name = (ds.get("programs", sid)["name"] if kind == "program"
                else ds.get("topics", sid)["label"])
        return _finish(ds, notes, sections, f"{name}: a one-page brief", sid, kind, style,
                       texts, today, money, None, length, paper)
    sections: list[Section] = []
    if kind == "program":
        program = ds.get("programs", sid)
        name = program["name"]
        filters = {"program": sid}
        sections.append(Section("Overview", overview_sentences(ds, kind, sid, notes),
                                paragraph=True))
        structures = Section("Structure over time")
        for structure in query.structures_of(ds, sid):
            adopted = structure.get("adopted")
            head = structure["label"] + (f" (adopted {adopted})" if adopted
                                         and adopted not in structure["label"] else "")
            items = [notes.sentence(item, item["title"],
                                    lead=str(item.get("number", "")))
                     for item in structure["items"] if not item.get("parent")]
            structures.groups.append((head, [notes.sentence(structure)] + items))
        if structures.groups:
            sections.append(structures)
    else:
        topic = ds.get("topics", sid)
        name = topic["label"]
        filters = {"topic": sid}
        sections.append(Section("Overview", overview_sentences(ds, kind, sid, notes),
                                paragraph=True))
        programs = query.filter_records(ds, "programs", topic=sid)
        if programs:
            sections.append(Section("Programs", [notes.sentence(p, lead=p["name"])
                                                 for p in programs]))

    every_line = query.filter_records(ds, "funding", **filters)
    money = sorted((line for line in every_line if all_money or is_assistance(line)),
                   key=query.funding_sort_key)
    measure = chart_measure([line for line in money if is_assistance(line)])
    money_section = Section("The money, by whose count")
    left_out = len(every_line) - len(money)
    if left_out:
        money_section.sentences.append(Sentence(
            ("U.S. assistance only" if money else "merida holds no line of U.S. assistance "
             "here") + f": {left_out} line(s) counting other money (U.S. domestic or Mexican "
            "spending, recovered funds) are left out; --all-money shows them."))
    for line in money:
        cells = _money_cells(line)
        money_section.sentences.append(notes.sentence(
            line, line["title"], lead=" ".join(c for c in (cells[3], cells[4]) if c)))
    if money_section.sentences:
        sections.append(money_section)

    events = query.timeline(ds, topic=filters.get("topic"), program=filters.get("program"))
    if events:
        sections.append(Section("Key events", [notes.sentence(
            e, lead=_event_date(e))
                                               for e in events]))

    recs = query.filter_records(ds, "recommendations", **filters)
    if recs:
        by_topic: dict[str, list[Sentence]] = {}
        for rec in recs:
            label = _topic_label(ds, (rec.get("topics") or ["other"])[0])
            by_topic.setdefault(label, []).append(
                notes.sentence(rec, rec["text"], lead=rec["actor"]))
        sections.append(Section("Recommendations", groups=sorted(by_topic.items())))

    assessments = (query.filter_records(ds, "assessments", program=sid) if kind == "program"
                   else query.filter_records(ds, "assessments", topic=sid))
    if assessments:
        groups = []
        for label, stances in STANCE_GROUPS:
            found = [notes.sentence(a, a.get("summary") or a["text"], lead=a["actor"])
                     for a in assessments if a["stance"] in stances]
            if found:
                groups.append((label, found))
        sections.append(Section("Assessments for and against", groups=groups))

    if kind == "program":
        follow = follow_through_section(ds, sid, notes)
        if follow:
            sections.append(follow)
    return _finish(ds, notes, sections, f"{name}: a brief", sid, kind, style, texts, today,
                   money, measure, length, paper)


# whose running totals a one-page brief shows: the U.S. government's own and its auditors'
OFFICIAL_PUBLISHERS = ("crs", "gao", "state", "white-house", "embassy")


def official_counts(ds, filters: dict) -> list[dict]:
    """The latest running total of U.S. assistance to Mexico by each official publisher
    (the U.S. government's own and its auditors'), oldest first."""
    lines = [line for line in query.filter_records(ds, "funding", **filters)
             if is_assistance(line) and line["measure"] == "cumulative-appropriation"
             and line.get("recipient") == "mexico"
             and query.publisher_id(ds, line.get("source")) in OFFICIAL_PUBLISHERS]
    return sorted(query.latest_counts(ds, lines, "9999"),
                  key=lambda line: (line["as_of"], line["id"]))


def short_sections(ds, kind: str, sid: str, notes: _Notes) -> list[Section]:
    """One page: what the subject is, the latest count of U.S. assistance by each
    publisher, and the commitments still open with a later report (stalled, under way)."""
    filters = {"program": sid} if kind == "program" else {"topic": sid}
    sections = [Section("Key facts", overview_sentences(ds, kind, sid, notes, money=False),
                        paragraph=True)]
    latest = official_counts(ds, filters)
    if latest:
        sections.append(Section(
            "The official count of U.S. assistance to Mexico, latest by each publisher",
            [notes.sentence(
            line, line["title"], lead=" ".join(c for c in _money_cells(line)[3:5] if c))
            for line in latest]))
    if kind == "program":
        follow = follow_through_section(ds, sid, notes, OPEN_GROUPS, "Open commitments")
        if follow:
            sections.append(follow)
    return sections


def overview_sentences(ds, kind: str, sid: str, notes: _Notes,
                       money: bool = True) -> list[Sentence]:
    """The overview paragraph, built from the records: what the subject is (its summary),
    its span and lineage, its current structure, the largest official count of the money,
    and what merida holds on it. Every sentence names its subject, so each stands alone."""
    if kind == "topic":
        topic = ds.get("topics", sid)
        name = topic["label"]
        about = topic.get("summary") or topic.get("description")
        out = [Sentence(_sentence(f"{name}: {about}"))] if about else []
        programs = query.filter_records(ds, "programs", topic=sid)
        if programs:
            out.append(Sentence(_sentence(
                f"{counted(len(programs), 'program')} in merida address {name}: "
                + "; ".join(p["name"] for p in programs[:6])
                + ("; and others" if len(programs) > 6 else ""))))
        return out + [_holdings(ds, name, {"topic": sid})]
    program = ds.get("programs", sid)
    name = program["name"]
    lineage = [f"{words} {ds.get('programs', program[key])['name']}"
               for key, words in (("predecessor", "succeeding"), ("successor", "succeeded by"),
                                  ("parent", "part of"))
               if program.get(key) and ds.get("programs", program[key])]
    span = (f"{program['start']} to {program['end']}" if program.get("end")
            else f"since {program['start']}" if program.get("start") else "")
    out = [notes.sentence(program, lead=", ".join(p for p in (name, span, *lineage) if p))]
    structure = query.current_structure(ds, sid)
    if structure and structure.get("items"):
        parts = [i["title"].rstrip(".") for i in structure["items"] if not i.get("parent")]
        adopted = f", adopted {structure['adopted']}" if structure.get("adopted") else ""
        out.append(Sentence(_sentence(
            f"{name}'s {'last' if program.get('end') else 'current'} structure is "
            f"{structure['label']}{adopted}, in {counted(len(parts), 'part')}: "
            + "; ".join(parts)), notes.add(structure)))
    counts = official_counts(ds, {"program": sid}) if money else []
    if counts:
        top = max(counts, key=lambda line: (line.get("amount_usd") or 0, line["as_of"]))
        cells = _money_cells(top)
        source = ds.get("sources", cells[6]) or {}
        amounts = sorted(line["amount_usd"] for line in counts if line.get("amount_usd"))
        told = sorted(line["as_of"][:4] for line in counts)
        out.append(Sentence(_sentence(
            f"The largest official count of U.S. assistance to Mexico under {name} is "
            f"{cells[3]}" + (f" for {cells[4]}" if cells[4] else "")
            + f", by {source.get('publisher') or cells[6]} as of {top['as_of']}"
            + (f"; the latest counts of {len(counts)} official publishers, made from "
               f"{told[0]} to {told[-1]}, run from ${amounts[0]:,.0f} to ${amounts[-1]:,.0f}"
               if len(counts) > 1 else "")),
            notes.add(top)))
    return out + [_holdings(ds, name, {"program": sid})]


def _holdings(ds, name: str, filters: dict) -> Sentence:
    """What merida holds on a subject, by kind: a reader knows how much evidence there is."""
    recs = query.filter_records(ds, "recommendations", **filters)
    assessments = query.filter_records(ds, "assessments", **filters)
    events = query.timeline(ds, topic=filters.get("topic"), program=filters.get("program"))
    stances = Counter(a["stance"] for a in assessments)
    authors = len({r["actor"] for r in recs})
    years = sorted(e["date"][:4] for e in events if e.get("date"))
    parts = [f"{counted(len(recs), 'recommendation')} from {counted(authors, 'author')}",
             (f"{counted(len(assessments), 'assessment')} ({stances['positive']} favourable, "
              f"{stances['negative']} critical, {stances['mixed'] + stances['neutral']} "
              "mixed or neutral)"),
             counted(len(events), "event") + (
                 "" if not years else f", {years[0]}" if years[0] == years[-1]
                 else f", {years[0]} to {years[-1]}")]
    return Sentence(_sentence(f"The records merida holds on {name}: " + "; ".join(parts)))


def _finish(ds, notes, sections, title, sid, kind, style, texts, today, money, measure,
            length, paper) -> Brief:
    """The footnotes' citations and the bibliography, once the sections are gathered."""
    footnotes = list(notes.by_key.values())
    sources = {s["id"]: s for s in ds.records["sources"]}
    cited = list(dict.fromkeys(n.source for n in footnotes))
    items = [csl_item(sources[s]) for s in cited]
    in_text = in_text_citations([(n.source, n.page) for n in footnotes], sources, style)
    for note in footnotes:
        note.in_text = in_text[(note.source, note.page)]
    references = render(items, style)
    if texts:
        _verify(footnotes, sources, texts)
    return Brief(
        title=title,
        subject=sid, kind=kind,
        generated=(today or _dt.date.today()).isoformat(),
        style=style, sections=sections, money=money, measure=measure,
        footnotes=footnotes,
        bibliography=[r.reference for r in references],
        bibliography_html=[r.reference_html for r in references],
        urls={s: sources[s]["url"] for s in cited if sources[s].get("url")},
        texts_given=bool(texts), paper=paper, length=length)


# (heading, status, how): "each" gives a sentence per commitment, "titles" one sentence
# naming them all with the reports' notes (the one-page brief's room)
FOLLOW_GROUPS = (("Reported done", "reported-done", "each"),
                 ("Reported stalled", "reported-stalled", "each"))
# a one-page brief names the stalled ones and counts those under way (listing them with
# their reports' notes took the Mérida page onto a second once 11 more were linked)
OPEN_GROUPS = (("Reported stalled", "reported-stalled", "each"),
               ("Reported under way", "reported-under-way", "count"))


def follow_through_section(ds, program: str, notes: _Notes, groups=FOLLOW_GROUPS,
                           title: str = "Follow-through") -> Section | None:
    """What became of the program's commitments: the count by status, then each one reported
    done or stalled, told by its own title and the later record's, footnoted with both
    quotes (the commitment's and the report's)."""
    rows = commitments(ds, program)
    if not rows:
        return None
    tally = counts(rows)
    parts = [f"{tally[s]} {s.replace('-', ' ')}" for s in STATUSES if tally[s]]
    section = Section(title, [Sentence(
        f"Of the {len(rows)} commitments merida records for "
        f"{ds.get('programs', program)['name']}: "
        + ", ".join(parts) + ". A status rests only on a later record whose quote reports "
        "on the commitment (see merida commitments).")])
    for head, status, how in groups:
        found, named, named_notes, sources = [], [], [], set()
        matching = [r for r in rows if r["status"] == status]
        if how == "count":
            if matching:
                section.groups.append((head, [Sentence(_sentence(
                    f"{len(matching)}: merida commitments {program} --status {status} lists "
                    f"each with the reports it rests on"))]))
            continue
        for row in matching:
            reports = [e for e in row["evidence"] if e["status"] == status.split("-", 1)[1]]
            if how == "titles":  # one note per reporting source, not per report
                named.append(f"{row['title']} ({reports[-1]['date']})")
                for e in reports:
                    if e["source"] not in sources:
                        sources.add(e["source"])
                        named_notes.append(e)
                continue
            numbers = notes.add(ds.items[row["id"]][0]) + [
                notes.quote(e["source"], e["quote"]) for e in reports]
            said = "; ".join(f"{e['date']}: {e['title'].rstrip('.')}" for e in reports)
            found.append(Sentence(_sentence(f"{row['title']}. Reported {said}"),
                                  list(dict.fromkeys(numbers)), lead=row["made"] or ""))
        if named:
            found.append(Sentence(_sentence(
                f"{len(named)}, each report quoted by merida commitments --status {status}: "
                + "; ".join(named)), [
                notes.quote(e["source"], e["quote"]) for e in named_notes]))
        if found:
            section.groups.append((head, found))
    return section


def _event_date(event: dict) -> str:
    """An event's date as the brief shows it: inferred dates and other sources' dates marked."""
    text = event["date"] + (" (date inferred)" if event.get("date_inferred") else "")
    others = [f"{alt['date']} per {alt['source']}" for alt in event.get("alt_dates", [])]
    return text + (f" (also dated {'; '.join(others)})" if others else "")


def _topic_label(ds, tid: str) -> str:
    topic = ds.get("topics", tid)
    return topic["label"] if topic else tid


def _verify(footnotes: list[Footnote], sources: dict, folders: list[Path]) -> None:
    """Mark each footnote's quote verified (True), missing (False) or unchecked (None)."""
    index, texts = TextIndex.scan(folders), {}
    for note in footnotes:
        if note.source not in texts:
            path = index.find(sources[note.source])
            texts[note.source] = (normalize_quote(path.read_text(encoding="utf-8",
                                                                 errors="replace"))
                                  if path else None)
        text = texts[note.source]
        note.verified = None if text is None else normalize_quote(note.quote) in text


# ---- Markdown ----------------------------------------------------------------------------

def _md(text: str) -> str:
    """Data as Markdown text, never markup: one line, escaped as every Markdown output is
    (`md_text`: a newline in a title would end a heading or a bold label and start a
    list, a heading or a rule of the data's making), and `#` too (a heading's closing
    sequence)."""
    return md_text(text).replace("#", "\\#")


def _money_cells(line: dict) -> list[str]:
    amount = line.get("amount_usd")
    value = (f"${amount:,.0f}" if amount is not None
             else f"{line['share_pct']}%" if line.get("share_pct") is not None else "")
    when = line.get("fiscal_years") or line.get("period") or ""
    recipient = RECIPIENTS.get(line.get("recipient") or "", ("",))[0]
    return [line["title"], measure_of(line), recipient,
            (_QUALIFIER.get(line.get("qualifier", ""), "") + value), when, line["as_of"], line.get("source") or record_cites(line)[0]["source"],
            "; ".join(part for part in (
                "same count as " + ", ".join(line["same_as"]) if line.get("same_as") else "",
                "disagrees with " + ", ".join(line["conflicts_with"])
                if line.get("conflicts_with") else "") if part)]


_QUALIFIER = {"about": "about ", "almost": "almost ", "over": "over ", "up-to": "up to "}
MONEY_HEADERS = ["Line", "Measure", "Recipient", "Amount", "Period", "As of", "Source",
                 "Other counts"]


def to_markdown(brief: Brief) -> str:
    out = [f"# {_md(brief.title)}", "", f"*{_md(_colophon(brief))}*", ""]
    for section in brief.sections:
        out += [f"## {section.title}", ""]
        if section.title.startswith("The money") and brief.money:
            out += md_table(MONEY_HEADERS, (_money_cells(line) for line in brief.money), _md)
            out.append("")
        if section.paragraph and section.sentences:
            out.append(" ".join(_md_sentence(s)[2:] for s in section.sentences))
        else:
            out += [_md_sentence(sentence) for sentence in section.sentences]
        if section.sentences:
            out.append("")
        for head, sentences in section.groups:
            out += [f"### {_md(head)}", ""] + [_md_sentence(s) for s in sentences] + [""]
    out += ["## Notes", ""]
    for note in brief.footnotes:
        out.append(f"[^{note.number}]: \u201c{_md(note.quote)}\u201d {_md(note.in_text)}")
    out += ["", "## Bibliography", ""]
    out += [f"- {_md(ref)}" for ref in brief.bibliography]
    if brief.texts_given:
        out += ["", "## Appendix: quotes checked against their texts", ""]
        out += _appendix_lines(brief, _md)
    return "\n".join(out) + "\n"


def _colophon(brief: Brief) -> str:
    return (f"Generated {brief.generated} by merida from its curated records. Every factual "
            "sentence is a record's own-words summary or title, footnoted with the verbatim "
            f"quote it rests on. Citations: {STYLE_NAMES[brief.style]}.")


STYLE_NAMES = {"apa": "APA 7th edition", "chicago": "Chicago author-date (18th edition)",
               "mla": "MLA 9th edition"}


def _md_sentence(sentence: Sentence) -> str:
    lead = f"**{_md(sentence.lead)}**: " if sentence.lead else ""
    refs = "".join(f"[^{n}]" for n in sentence.notes)
    return f"- {lead}{_md(sentence.text)}{refs}"


def _appendix_lines(brief: Brief, esc) -> list[str]:
    ok, rest = brief.verified()
    lines = [(f"{len(ok)} of {len(brief.footnotes)} quotes were found verbatim in their "
              "source texts (after folding whitespace, quotes, dashes and accents).")]
    if ok:
        lines.append(f"Verified: notes {_ranges([n.number for n in ok])}.")
    missing = [n for n in rest if n.verified is False]
    unchecked = [n for n in rest if n.verified is None]
    if missing:
        lines.append(f"Not found in their texts: notes {', '.join(str(n.number) for n in missing)}.")
    if unchecked:
        srcs = sorted({n.source for n in unchecked})
        lines.append(f"Could not be checked ({len(unchecked)}; their texts were not given): "
                     + ", ".join(esc(s) for s in srcs) + ".")
    return lines


def _ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 5] -> '1-3, 5'."""
    spans: list[list[int]] = []
    for n in sorted(numbers):
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in spans)


# ---- HTML --------------------------------------------------------------------------------

CSS = """
body{font:11pt/1.45 Georgia,'Times New Roman',serif;color:#1b1b1b;max-width:46em;
margin:2em auto;padding:0 1em}
h1{font-size:1.7em;margin:.2em 0}h2{font-size:1.25em;border-bottom:1px solid #bbb;
margin-top:1.6em}h3{font-size:1.05em;margin-bottom:.3em}
.meta{color:#555;font-style:italic}.lead{font-weight:bold}
ul{padding-left:1.2em}li{margin:.2em 0}sup a{text-decoration:none}
table{border-collapse:collapse;width:100%;font-size:.85em;margin:.6em 0}
th,td{border:1px solid #ccc;padding:.2em .4em;vertical-align:top;text-align:left}
td.num{text-align:right;white-space:nowrap}th:first-child{width:38%}
td:last-child{word-break:break-all}
.notes{font-size:.85em}.bib li{padding-left:1.5em;text-indent:-1.5em;list-style:none}
figure{margin:1em 0}figure svg{width:100%;height:auto}
@page{size:PAPER;margin:MARGIN;@bottom-center{content:counter(page)}}
figure,tr{break-inside:avoid}
@media print{body{max-width:none;margin:0}a{color:inherit}h2,h3{break-after:avoid}}
body.short{font-size:SHORTpt;line-height:1.3}body.short h2{margin-top:.8em}
body.short .notes,body.short .bib{font-size:.75em;columns:2;column-gap:1.5em}
body.short .notes li,body.short .bib li{margin:0;break-inside:avoid}
"""


# a one-page brief's type sizes in points, largest first: the PDF takes the first that fits
SHORT_SIZES = (8.5, 8.0, 7.5, 7.0)


def page_css(brief: Brief, short_size: float = SHORT_SIZES[0]) -> str:
    """The style sheet for the brief's paper size; a one-page brief has narrower margins."""
    margin = "1.2cm 1.4cm" if brief.length == "short" else "2cm 1.8cm"
    return (CSS.replace("PAPER", PAPERS[brief.paper]).replace("MARGIN", margin)
            .replace("SHORT", f"{short_size:g}"))


def to_html(brief: Brief, short_size: float = SHORT_SIZES[0]) -> str:
    e = _html.escape
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>{e(brief.title)}</title>",
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<style>{page_css(brief, short_size)}</style></head>"
           + ('<body class="short">' if brief.length == "short" else "<body>"),
           f"<h1>{e(brief.title)}</h1>",
           f'<p class="meta">{e(_colophon(brief))}</p>']
    uses: Counter = Counter()
    for section in brief.sections:
        out.append(f"<h2>{e(section.title)}</h2>")
        if section.title.startswith("The money") and brief.money:
            chart = money_chart_svg(brief.money, brief.measure)
            if chart:
                out.append(f"<figure>{chart}<figcaption>{e(_chart_caption(brief.measure))}"
                           "</figcaption></figure>")
            out.append("<table><thead><tr>" + "".join(f"<th>{h}</th>" for h in MONEY_HEADERS)
                       + "</tr></thead><tbody>")
            for line in brief.money:
                cells = _money_cells(line)
                out.append("<tr>" + "".join(
                    f'<td class="num">{e(c)}</td>' if i == 2 else f"<td>{e(c)}</td>"
                    for i, c in enumerate(cells)) + "</tr>")
            out.append("</tbody></table>")
        if section.sentences and section.paragraph:
            out.append("<p>" + " ".join(_html_sentence(s, uses)[4:-5] for s in section.sentences)
                       + "</p>")
        elif section.sentences:
            out.append("<ul>" + "".join(_html_sentence(s, uses) for s in section.sentences)
                       + "</ul>")
        for head, sentences in section.groups:
            out.append(f"<h3>{e(head)}</h3><ul>"
                       + "".join(_html_sentence(s, uses) for s in sentences) + "</ul>")
    out.append('<h2>Notes</h2><ol class="notes">')
    for note in brief.footnotes:
        backs = " ".join(f'<a href="#r{note.number}-{k}">\u21a9</a>'
                         for k in range(1, uses[note.number] + 1))
        out.append(f'<li id="n{note.number}" data-source="{e(note.source)}">'
                   f'<span class="quote">\u201c{e(note.quote)}'
                   f'\u201d</span> {e(note.in_text)} {backs}</li>')
    out.append('</ol><h2>Bibliography</h2><ul class="bib">')
    # citeproc's HTML formatter escapes the data; it only adds <i>, <b> and the like
    out += [f"<li>{_link_url(ref, set(brief.urls.values()))}</li>"
            for ref in brief.bibliography_html]
    out.append("</ul>")
    if brief.texts_given:
        out.append("<h2>Appendix: quotes checked against their texts</h2>")
        out += [f"<p>{line}</p>" for line in _appendix_lines(brief, e)]
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _html_sentence(sentence: Sentence, uses: Counter) -> str:
    e = _html.escape
    lead = f'<span class="lead">{e(sentence.lead)}</span>: ' if sentence.lead else ""
    refs = []
    for n in sentence.notes:
        uses[n] += 1
        refs.append(f'<a id="r{n}-{uses[n]}" href="#n{n}">{n}</a>')
    sup = f"<sup>{','.join(refs)}</sup>" if refs else ""
    return f"<li>{lead}{e(sentence.text)}{sup}</li>"


def _link_url(reference_html: str, urls: set[str]) -> str:
    """A reference with its source's url made a link; only that: a URL-like text in a
    pack's title or author name stays text (red team 2: it was linked too)."""
    def link(m: re.Match) -> str:
        if _html.unescape(m.group(1)) not in urls:
            return m.group(0)
        return f'<a href="{m.group(1)}">{m.group(1)}</a>{m.group(2)}'

    return re.sub(r"(https?://[^\s<>\"]+?)(\.?)(?=$|\s|<)", link, reference_html)


def _chart_caption(measure: str | None) -> str:
    return (f"Funding lines counting {measure}, in USD million, each as one source states "
            "it at one date; lines are not added up or averaged.")


def money_chart_svg(lines: list[dict], measure: str | None) -> str | None:
    """A horizontal bar chart of the lines of one measure, as inline SVG (reproducible:
    fixed hash salt, no date, text kept as text)."""
    chosen = [line for line in lines if measure_of(line) == measure
              and line.get("amount_usd") is not None and is_assistance(line)]
    if not chosen:
        return None
    matplotlib = require("charts")
    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    # text.parse_math off: a '$' in a label is a dollar sign, never TeX
    with matplotlib.rc_context({"svg.hashsalt": "merida", "svg.fonttype": "none",
                                "text.parse_math": False,
                                "font.family": "DejaVu Sans", "font.size": 8}):
        labels = [f"{line.get('fiscal_years') or line.get('period') or 'period not stated'}"
                  f"\n{line.get('source') or record_cites(line)[0]['source']}, {line['as_of']}"
                  for line in chosen]
        values = [line["amount_usd"] / 1e6 for line in chosen]
        fig, ax = plt.subplots(figsize=(7.5, 0.42 * len(chosen) + 0.9))
        ax.barh(range(len(chosen)), values, color="#3b6e8f")
        ax.set_yticks(range(len(chosen)), labels)
        ax.invert_yaxis()
        ax.set_xlabel(f"{measure}, USD million")
        for i, v in enumerate(values):
            ax.text(v, i, f" {v:,.0f}", va="center")
        ax.tick_params(axis="y", labelsize=6.5)
        ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None})
        plt.close(fig)
    svg = buffer.getvalue()
    return svg[svg.index("<svg"):]


# ---- PDF ---------------------------------------------------------------------------------

def to_pdf(brief: Brief) -> bytes:
    """The HTML brief printed by weasyprint (the optional `pdf` extra). A one-page brief
    steps its type down (SHORT_SIZES) until it fits one page, so more evidence in the data
    does not push it onto a second; at the smallest size it prints whatever pages it needs,
    nothing cut."""
    try:
        HTML = require("pdf").HTML
    except OSError as exc:  # weasyprint is there but pango is not
        raise MeridaError(f"PDF output needs the pango library for weasyprint ({exc}); "
                          "on Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0") from None
    if brief.length != "short":
        return HTML(string=inert(to_html(brief))).write_pdf()
    for size in SHORT_SIZES:
        document = HTML(string=inert(to_html(brief, size))).render()
        if len(document.pages) == 1:
            break
    return document.write_pdf()


def render_brief(brief: Brief, fmt: str) -> bytes:
    if fmt == "markdown":
        return inert(to_markdown(brief)).encode("utf-8")
    if fmt == "html":
        return inert(to_html(brief)).encode("utf-8")
    return to_pdf(brief)


def inert(document: str) -> str:
    """A control character from the data (ESC, CR, BEL, a bidi override) written as an
    escape, line by line: the brief can neither drive a terminal nor hide text."""
    return "\n".join(printable(line) for line in document.split("\n"))
