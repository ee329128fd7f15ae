"""Citations: a source record as CSL-JSON (the canonical form), rendered by citeproc-py
with the vendored CSL styles (APA 7, Chicago author-date, MLA 9), or as BibTeX or RIS
generated from the same CSL-JSON.

citeproc-py and lxml are imported only here, only when a citation is rendered.
"""

from __future__ import annotations

import html
import io
import re
import warnings
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from .errors import UsageError
from .extras import require
from .model import DATE, record_cites
from .results import Result
from .text import did_you_mean, fold, json_text, printable

STYLE_FILES = {
    "apa": "apa.csl",                                   # APA 7th edition
    "chicago": "chicago-author-date.csl",               # Chicago 18th, author-date
    "mla": "modern-language-association.csl",           # MLA 9th edition
}
STYLES = (*STYLE_FILES, "bibtex", "ris", "csl-json")
STYLE_DIR = Path(__file__).with_name("styles")

# source `type` -> (CSL type, genre); CSL has no press release or fact sheet type, so
# those are documents with a genre, as Zotero does it
CSL_TYPES = {
    "report": ("report", None),
    "op-ed": ("article-newspaper", "Op-ed"),
    "column": ("article-newspaper", "Column"),
    "editorial": ("article-newspaper", "Editorial"),
    "news": ("article-newspaper", None),
    "press-release": ("document", "Press release"),
    "fact-sheet": ("document", "Fact sheet"),
    "statement": ("document", "Statement"),
    "transcript": ("document", "Transcript"),
    "web-page": ("webpage", None),
}
# CRS report-number prefixes and the series each one is
CRS_SERIES = {"IF": "CRS In Focus", "IN": "CRS Insight", "R": "CRS Report", "RS": "CRS Report",
              "RL": "CRS Report"}
_REPORT_PREFIX = re.compile(r"^([A-Z]+)\d")


# ---- CSL-JSON --------------------------------------------------------------------

def people(author: str) -> list[dict]:
    """'Antonio Garza; Stephanie Leutert' -> CSL names. A person is 'Given Family' (the
    last word is the family name); 'Family, Given' is kept as written; a name given in
    braces, '{Congressional Research Service}', is an organisation (a literal)."""
    names = []
    for part in (p.strip() for p in author.split(";")):
        if not part:
            continue
        if part.startswith("{") and part.endswith("}"):
            names.append({"literal": part[1:-1]})
        elif "," in part:
            family, given = (s.strip() for s in part.split(",", 1))
            names.append({"family": family, "given": given})
        elif " " in part:
            given, family = part.rsplit(" ", 1)
            names.append({"family": family, "given": given})
        else:
            names.append({"literal": part})
    return names


def date_parts(value: str) -> list[int]:
    m = DATE.match(value)
    return [int(g) for g in m.groups() if g] if m else []


def one_line(value):
    """A text field as one line: a newline or CR in a title or an author would split a
    RIS or BibTeX record (or a pasted reference) in two."""
    return " ".join(value.split()) if isinstance(value, str) else value


def csl_item(source: dict) -> dict:
    """A source record as one CSL-JSON item. A work with no personal author has its
    publisher as corporate author (the CRS, the White House), as the styles expect."""
    source = {key: one_line(value) for key, value in source.items()}
    csl_type, genre = CSL_TYPES.get(source.get("type", ""), ("document", None))
    item: dict = {"id": source["id"], "type": csl_type, "title": source["title"]}
    if ": " in source["title"]:  # the short title (MLA's in-text form) drops the subtitle
        item["title-short"] = source["title"].split(": ", 1)[0]
    if source.get("author"):
        item["author"] = people(source["author"])
    elif source.get("publisher"):
        item["author"] = [{"literal": source["publisher"]}]
    number = source.get("report_number")
    if number:
        item["number"] = number
        prefix = _REPORT_PREFIX.match(number)
        if prefix and "Congressional Research Service" in source.get("publisher", ""):
            genre = CRS_SERIES.get(prefix.group(1), genre)
    if genre:
        item["genre"] = genre
    if source.get("container"):
        item["container-title"] = source["container"]
    if source.get("publisher") and csl_type not in ("article-newspaper",):
        item["publisher"] = source["publisher"]
    if source.get("title_descriptive"):  # CSL 1.0.2's `custom`: data no style variable holds
        item["custom"] = {"title_descriptive": True}
    if source.get("date"):
        item["issued"] = {"date-parts": [date_parts(source["date"])]}
        if source.get("date_inferred"):
            item["issued"]["circa"] = True
    if source.get("url"):
        item["URL"] = source["url"]
    if source.get("retrieved_from"):  # the copy's address: an archive, never the work's URL
        item["archive"] = _host(source["retrieved_from"])
        item["archive_location"] = source["retrieved_from"]
    return item


ARCHIVE_VARIABLES = ("archive", "archive_location")


def _host(url: str) -> str:
    return urlsplit(url).netloc or url


# ---- citeproc ----------------------------------------------------------------------

CSL_NS = "{http://purl.org/net/xbiblio/csl}"


@cache
def style_xml(style: str, disambiguate: bool = False) -> bytes:
    """The vendored CSL file, corrected for three things citeproc-py gets wrong.

    - It ignores `initialize="false"` on a `<name>`, so a style-wide `initialize-with`
      turns 'Eric L. Olson' into 'Olson, E. L.' in Chicago and MLA, which spell given
      names out. The style-wide value is moved onto every `<name>` that does not say
      `initialize="false"`, which is what the CSL specification means.
    - It prints a `<label variable="edition">` term when the variable is empty
      ('Edition. Edition.' in Chicago); each such label is made conditional on its variable.
    - It takes `<if disambiguate="true">` as always true (MLA's in-text citations would
      always carry the title); the branch is kept only in the `disambiguate` variant,
      which `render` uses for the works whose short citations would otherwise collide.
    """
    from lxml import etree

    tree = etree.parse(str(STYLE_DIR / STYLE_FILES[style]))
    root = tree.getroot()
    mark = root.attrib.pop("initialize-with", None)
    if mark is not None:
        for name in root.iter(CSL_NS + "name"):
            if name.get("initialize") != "false" and "initialize-with" not in name.attrib:
                name.set("initialize-with", mark)
    for label in list(root.iter(CSL_NS + "label")):
        variable = label.get("variable")
        if variable and variable != "locator":
            parent, choose = label.getparent(), etree.Element(CSL_NS + "choose")
            parent.replace(label, choose)
            etree.SubElement(choose, CSL_NS + "if", variable=variable).append(label)
    if not disambiguate:
        for cond in root.iter(CSL_NS + "if", CSL_NS + "else-if"):
            if cond.attrib.pop("disambiguate", None) == "true" and not any(
                    key in cond.attrib for key in ("type", "variable", "locator", "position",
                                                   "is-numeric", "is-uncertain-date")):
                cond.set("type", "x-merida-never")
    return etree.tostring(tree, xml_declaration=True, encoding="utf-8")


@dataclass
class Rendered:
    """One source rendered in a style: its reference (plain and HTML) and in-text citation."""

    id: str
    reference: str
    in_text: str
    reference_html: str = ""


def render(items: list[dict], style: str, locators: dict[str, object] | None = None,
           references: bool = True) -> list[Rendered]:
    """References and in-text citations of CSL items in a CSL style, in bibliography
    order; locators maps an item id to a page/section. Without `references` only the
    in-text citations are made (citeproc-py is slow: a bibliography costs most)."""
    require("cite")
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source import Locator
    from citeproc.source.json import CiteProcJSON

    # citeproc-py's HTML formatter does not escape: data goes in escaped, so the HTML is
    # safe and the plain form (tags stripped, entities undone) keeps every character
    # where a copy was retrieved from is no part of the work's reference in these styles
    items = [_escaped(_descriptive_title(
        {k: v for k, v in item.items() if k not in ARCHIVE_VARIABLES}, style))
             for item in items]
    locators = {k: html.escape(str(v), quote=False) for k, v in (locators or {}).items()}
    if style == "apa":  # APA 7 leaves the publisher out when it is the author
        items = [{k: v for k, v in item.items() if k != "publisher"}
                 if item.get("author") == [{"literal": item.get("publisher")}] else item
                 for item in items]

    def run(disambiguate: bool, wanted):
        csl = CitationStylesStyle(io.BytesIO(style_xml(style, disambiguate)), validate=False)
        bib = CitationStylesBibliography(csl, CiteProcJSON(items), formatter.html)
        citations = {}
        for item in items:
            locator = (locators or {}).get(item["id"])
            extra = {"locator": Locator(_label(locator), str(locator))} if locator else {}
            citations[item["id"]] = Citation([CitationItem(item["id"], **extra)])
            bib.register(citations[item["id"]])
        cites = {key: _plain(_clean(str(bib.cite(citations[key], lambda _item: None))))
                 for key in wanted}
        return bib, cites

    with warnings.catch_warnings():  # citeproc-py warns about CSL 1.0.2 attributes it skips
        warnings.simplefilter("ignore")
        bib, in_text = run(False, [item["id"] for item in items])
        seen = Counter(in_text.values())
        clashes = [key for key, text in in_text.items() if seen[text] > 1]
        if clashes:  # two works cite alike: tell them apart
            in_text.update(run(True, clashes)[1])
        refs = [_clean(str(entry)) for entry in bib.bibliography()] if references else []
    if not references:
        return [Rendered(item["id"], "", in_text[item["id"]]) for item in items]
    by_id = {item["id"].lower(): item for item in items}
    out = []
    for key, ref in zip(bib.keys, refs):
        item = by_id[key.lower()]
        if not item.get("author"):
            ref = _drop_repeated_title(ref, item["title"])
        out.append(Rendered(item["id"], _plain(ref), in_text[item["id"]], ref))
    # citeproc-py does not apply these styles' sort keys: alphabetical by the entry, as all
    # three styles order a reference list, leading "The" aside
    return sorted(out, key=lambda r: fold(_LEADING_THE.sub("", r.reference)))


_LEADING_THE = re.compile(r"^the ", re.IGNORECASE)


def _descriptive_title(item: dict, style: str) -> dict:
    """A title that describes a work with none of its own: APA puts it in square brackets;
    Chicago and MLA give it plain, as here. `custom` is no variable of the styles."""
    descriptive = item.pop("custom", {}).get("title_descriptive")
    if descriptive and style == "apa":
        item = {**item, "title": f"[{item['title']}]"}
        item.pop("title-short", None)
        item.pop("genre", None)  # the bracketed description already says what it is
    return item


def _escaped(value, key: str = ""):
    if isinstance(value, str):
        return value if key == "id" else html.escape(value, quote=False)
    if isinstance(value, dict):
        return {k: _escaped(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    return value


def _drop_repeated_title(reference: str, title: str) -> str:
    """A work with no author is listed under its title; citeproc-py then prints the title a
    second time (it does not suppress a substituted variable). Drop the repeat."""
    words = r"\W+".join(re.escape(w) for w in re.findall(r"\w+", title))
    repeat = re.compile(r"(?:<i>|\u201c)?" + words + r"\W*?(?:</i>|\u201d)?[.,]?\s*",
                        re.IGNORECASE)
    matches = list(repeat.finditer(reference))
    if len(matches) < 2:
        return reference
    second = matches[1]
    return (reference[:second.start()] + reference[second.end():]).rstrip()


def _label(locator) -> str:
    return "page" if re.fullmatch(r"[\divxlc–-]+", str(locator)) else "section"


_DOUBLED_PUNCT = re.compile(r"([.?!])\.")
_RETRIEVED = re.compile(r"Retrieved (?=https?://|<a )")


def _clean(text: str) -> str:
    """Small repairs of citeproc-py output: a period after a title's own '?' or '.',
    and APA's 'Retrieved' left before a URL when there is no access date."""
    return _RETRIEVED.sub("", _DOUBLED_PUNCT.sub(r"\1", text))


_TAG = re.compile(r"<[^>]+>")


def _plain(html_text: str) -> str:
    return html.unescape(_TAG.sub("", html_text))


# ---- BibTeX and RIS from CSL-JSON ----------------------------------------------------

BIBTEX_TYPES = {"report": "techreport", "article-newspaper": "article", "webpage": "online",
                "document": "misc"}
RIS_TYPES = {"report": "RPRT", "article-newspaper": "NEWS", "webpage": "ELEC", "document": "GEN"}
# BibTeX counts every brace, a backslashed one too, so a lone `{` or `}` from the data
# (escaped as \{ or not) would end a field early or never: braces, and the backslash and
# the two accent characters TeX reads as commands, are written as text commands
_BIBTEX_SPECIAL = re.compile(r"[\\{}&%$#_~^]")
_BIBTEX_TEXT = {"\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
                "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
_BIBTEX_AND = re.compile(r"(?i)(?<=\s)and(?=\s)")  # BibTeX's name separator
_URL_UNSAFE = re.compile(r"[\s{}\\]")


def _name_text(name: dict, bibtex: bool) -> str:
    if "literal" in name:
        return "{" + _bib_escape(name["literal"]) + "}" if bibtex else name["literal"]
    text = f"{name['family']}, {name['given']}"
    # an "and" inside one name would make two people of it
    return _BIBTEX_AND.sub("{and}", _bib_escape(text)) if bibtex else text


def _bib_escape(text: str) -> str:
    """Text as a BibTeX field value reads it back: balanced braces whatever the data, and a
    control character's visible escape (ESC as `\\x1b`) a backslash, not a TeX command."""
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX_TEXT.get(m.group(), "\\" + m.group()),
                               printable(text))


def _bib_url(url: str) -> str:
    """A URL for biblatex's verbatim url field: a brace, backslash or space
    percent-encoded (the same address), so the field cannot end early."""
    return _URL_UNSAFE.sub(lambda m: f"%{ord(m.group()):02X}", printable(url))


def bibtex(item: dict) -> str:
    """A CSL-JSON item as a BibTeX entry (biblatex field names for url and date)."""
    fields = [("title", "{" + _bib_escape(item["title"]) + "}")]
    if item.get("author"):
        fields.append(("author", " and ".join(_name_text(n, True)
                                              for n in item["author"])))
    key = {"report": "institution", "article-newspaper": "journal"}.get(item["type"],
                                                                       "publisher")
    if item.get("container-title"):
        fields.append(("journal" if item["type"] == "article-newspaper" else "organization",
                       _bib_escape(item["container-title"])))
    if item.get("publisher"):
        fields.append((key, _bib_escape(item["publisher"])))
    if item.get("number"):
        fields.append(("number", _bib_escape(item["number"])))
    if item.get("genre"):
        fields.append(("type", _bib_escape(item["genre"])))
    parts = item.get("issued", {}).get("date-parts", [[]])[0]
    if parts:
        fields.append(("year", str(parts[0])))
        fields.append(("date", "-".join(f"{p:02d}" if i else str(p)
                                        for i, p in enumerate(parts))))
    if item.get("issued", {}).get("circa"):
        fields.append(("note", "Date inferred"))
    if item.get("URL"):
        fields.append(("url", _bib_url(item["URL"])))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{BIBTEX_TYPES.get(item['type'], 'misc')}{{{item['id']},\n{body}\n}}"


def ris(item: dict) -> str:
    """A CSL-JSON item as an RIS record."""
    lines = [("TY", RIS_TYPES.get(item["type"], "GEN")), ("ID", item["id"]),
             ("TI", item["title"])]
    lines += [("AU", _name_text(n, False)) for n in item.get("author", [])]
    if item.get("container-title"):
        lines.append(("T2", item["container-title"]))
    if item.get("publisher"):
        lines.append(("PB", item["publisher"]))
    if item.get("number"):
        lines.append(("IS" if item["type"] != "report" else "SN", item["number"]))
    if item.get("genre"):
        lines.append(("M3", item["genre"]))
    parts = item.get("issued", {}).get("date-parts", [[]])[0]
    if parts:
        lines.append(("PY", str(parts[0])))
        lines.append(("DA", "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))
                      + ("/" if len(parts) < 3 else "")))
    if item.get("issued", {}).get("circa"):
        lines.append(("N1", "Date inferred"))
    if item.get("URL"):
        lines.append(("UR", item["URL"]))
    if item.get("archive_location"):  # RIS's 'location in archives': the copy's address
        lines.append(("AV", item["archive_location"]))
    lines.append(("ER", ""))
    return "\n".join(f"{tag}  - {value}".rstrip() for tag, value in lines)


# ---- the cite command's result ---------------------------------------------------------

@dataclass
class CiteResult(Result):
    """What `merida cite` prints: references, or quotes each with its citation."""

    style: str
    items: list[dict]
    references: list[Rendered] = field(default_factory=list)
    quotes: list[dict] = field(default_factory=list)  # {quote, page, source, in_text, ...}
    retrieved: bool = False  # add where each copy was retrieved from (--retrieved)

    def text(self) -> str:
        """The printed form; a control character from the data is shown escaped (\\x1b),
        so a reference can neither drive a terminal nor split a line it is pasted into."""
        return "\n".join(printable(line) for line in self._text().split("\n"))

    def _text(self) -> str:
        if self.style == "csl-json":
            return json_text(self.quotes or self.items)
        if self.quotes:
            return "\n\n".join(f"\u201c{one_line(q['quote'])}\u201d {q['in_text']}\n"
                                 f"{q['reference']}" for q in self.quotes)
        if self.style == "bibtex":
            return "\n\n".join(bibtex(i) for i in self.items)
        if self.style == "ris":
            return "\n\n".join(ris(i) for i in self.items)
        copies = {i["id"]: i.get("archive_location") for i in self.items}
        return "\n".join(r.reference + (f" Copy retrieved from {copies[r.id]}."
                                        if self.retrieved and copies.get(r.id) else "")
                         for r in self.references)


def cited_sources(ds, kind: str, record: dict) -> list[str]:
    """The source ids a record rests on, in first-cited order (itself for a source)."""
    if kind == "sources":
        return [record["id"]]
    ids = [c["source"] for c in record_cites(record)]
    if record.get("source"):
        ids.insert(0, record["source"])
    return list(dict.fromkeys(ids))


def cite(ds, record_id: str, style: str = "apa", quotes: bool = False,
         retrieved: bool = False) -> CiteResult:
    """References (or quotes with citations) for any record id; `retrieved` adds to each
    reference where the copy merida quotes was retrieved from (a mirror, never the work)."""
    if style not in STYLES:
        raise UsageError(f"unknown style '{style}'{did_you_mean(style, STYLES)}; "
                         f"choose from {', '.join(STYLES)}")
    found = ds.find(record_id.strip())
    if not found:
        names = {rid: rid for rid in ds.all_ids()}
        raise UsageError(f"unknown id '{record_id}'{did_you_mean(record_id, names)}")
    kind, record = found[0]
    sources = {s["id"]: s for s in ds.records["sources"]}
    items = [csl_item(sources[sid]) for sid in cited_sources(ds, kind, record)
             if sid in sources]
    result = CiteResult(style, items, retrieved=retrieved)
    if quotes:
        if kind == "sources":
            raise UsageError(f"'{record_id}' is a source: it has no quotes of its own "
                             "(cite a record that quotes it)")
        result.quotes = quote_citations(record_cites(record), sources, style)
    elif style in STYLE_FILES:
        result.references = render(items, style)
    return result


def in_text_citations(pairs: list[tuple[str, object]], sources: dict[str, dict],
                      style: str) -> dict[tuple[str, object], str]:
    """In-text citations for (source id, page or None) pairs, rendered together so that
    works that would cite alike are told apart (MLA adds the title)."""
    located: dict[str, dict] = {}
    locators: dict[str, object] = {}
    keys = {}
    for sid, page in dict.fromkeys(pairs):
        key = f"{sid}@{page}" if page is not None else sid
        keys[(sid, page)] = key
        located[key] = {**csl_item(sources[sid]), "id": key}
        if page is not None:
            locators[key] = page
    rendered = {r.id: r.in_text for r in render(list(located.values()), style, locators,
                                                references=False)}
    return {pair: rendered[key] for pair, key in keys.items()}


def quote_citations(cites: list[dict], sources: dict[str, dict], style: str) -> list[dict]:
    """Each quote with its in-text citation (page or section included) and reference."""
    pairs = [(c["source"], c.get("page")) for c in cites]
    items = {sid: csl_item(sources[sid]) for sid, _page in pairs}
    if style in STYLE_FILES:
        in_text = in_text_citations(pairs, sources, style)
        references = {r.id: r.reference for r in render(list(items.values()), style)}
    else:
        in_text = {(sid, page): f"[{sid}" + (f", {page}]" if page is not None else "]")
                   for sid, page in pairs}
        make = {"bibtex": bibtex, "ris": ris}.get(style, lambda item: item)
        references = {sid: make(item) for sid, item in items.items()}
    out = []
    for c in cites:
        entry = {"quote": c["quote"], "source": c["source"]}
        if c.get("page") is not None:
            entry["page"] = c["page"]
        entry["in_text"] = in_text[(c["source"], c.get("page"))]
        entry["reference"] = references[c["source"]]
        out.append(entry)
    return out
