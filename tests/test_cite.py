"""`merida cite`: golden references in every style for a report, an op-ed, a press
release and a web page (fixture pack), the built-in sources' metadata, and control
characters in the data shown escaped in every style."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from conftest import SHARED, needs_shared, run_cli, write_pack
from helpers import notes_pack, run_on_pack

GOLDEN = Path(__file__).with_name("golden") / "cite"
STYLES = ("apa", "chicago", "mla", "bibtex", "ris", "csl-json")

PACK = """\
sources:
  - id: crs-report
    title: "U.S.-Mexican Security Cooperation: The Mérida Initiative and Beyond"
    author: Clare Ribando Seelke; Kristin M. Finklea
    publisher: Congressional Research Service
    report_number: R41349
    date: "2011-07-22"
    url: https://crsreports.congress.gov/product/details?prodcode=R41349
    retrieved_from: https://www.everycrsreport.com/reports/R41349.html
    file: crs.txt
    type: report
  - id: crs-in-focus
    title: "U.S.-Mexico Security Cooperation: From the Mérida Initiative to the Bicentennial Framework"
    publisher: Congressional Research Service
    report_number: IF10578
    date: "2022-12-12"
    file: if.txt
    type: report
  - id: op-ed
    title: Op-ed on Mexico's violent summer and the Bicentennial Framework
    author: Connor Pfeiffer
    date: "2023"
    date_inferred: true
    file: oped.txt
    type: op-ed
  - id: olson
    title: The Evolving Mérida Initiative
    author: Eric L. Olson
    publisher: Wilson Center Mexico Institute
    date: "2017"
    file: olson.txt
    type: report
  - id: press-release
    title: Mexico and United States begin work on Bicentennial Framework
    publisher: Secretaría de Relaciones Exteriores (SRE), Government of Mexico
    date: "2021-12-14"
    url: https://www.gob.mx/sre/prensa/mexico-and-united-states-begin-work-on-bicentennial-framework?idiom=en
    file: pr.txt
    type: press-release
  - id: web-page
    title: Mexico Summary
    publisher: U.S. Department of State, Bureau of International Narcotics and Law Enforcement Affairs
    container: Bureau of International Narcotics and Law Enforcement Affairs — Work by Country
    url: https://www.state.gov/mexico-summary/
    file: web.txt
    type: web-page
  - id: news
    title: America and Mexico to Tackle Increasing Drug Violence
    date: "2017-05"
    date_inferred: true
    file: news.txt
    type: news
  - id: crs-insight
    title: "New U.S.-Mexico Security Strategy: Issues for Congressional Consideration"
    publisher: Congressional Research Service
    report_number: IN11859
    date: "2022-02-17"
    file: in.txt
    type: report
programs:
  - id: crs-pair
    name: Two CRS works
    cite:
      - source: crs-in-focus
        quote: "one"
      - source: crs-insight
        quote: "two"
  - id: plan
    name: A plan
    cite:
      - source: olson
        quote: "Reaffirm and preserve the framework of shared responsibility."
        page: 3
      - source: crs-report
        quote: "Congress provided $1.5 billion"
"""
CASES = ("crs-report", "crs-in-focus", "op-ed", "press-release", "web-page", "olson")
SUFFIX = {"bibtex": "bib", "ris": "ris", "csl-json": "json"}


@pytest.fixture
def pack(tmp_path):
    return write_pack(tmp_path / "pack", {"sources.yaml": PACK})


def _cite(pack, *args):
    return run_cli("--no-builtin", "--data", pack, "cite", *args)


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("source", CASES)
def test_golden_reference(pack, source, style):
    result = _cite(pack, source, "--style", style)
    assert result.code == 0, result.err
    golden = GOLDEN / f"{source}.{SUFFIX.get(style, style)}"
    if os.environ.get("MERIDA_REGOLD"):  # regenerate after a deliberate change, then review
        golden.write_text(result.out, encoding="utf-8")
    assert result.out == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize(("style", "olson", "crs"), [
    ("apa", "Olson, E. L.", "Seelke, C. R., & Finklea, K. M."),
    ("chicago", "Olson, Eric L.", "Seelke, Clare Ribando, and Kristin M. Finklea"),
    ("mla", "Olson, Eric L.", "Seelke, Clare Ribando, and Kristin M. Finklea"),
])
def test_name_forms_as_each_style_requires(pack, style, olson, crs):
    # citeproc-py alone gives 'Olson, E. L.' in Chicago and MLA too (it ignores
    # initialize="false"); merida corrects the style when it loads it
    assert _cite(pack, "olson", "--style", style).out.startswith(olson)
    assert _cite(pack, "crs-report", "--style", style).out.startswith(crs)


@pytest.mark.parametrize(("style", "mark"), [("apa", "(ca. 2023)"), ("chicago", "[2023?]"),
                                             ("mla", "Circa 2023")])
def test_inferred_date_is_marked_and_undated_is_nd(pack, style, mark):
    assert mark in _cite(pack, "op-ed", "--style", style).out
    if style != "mla":  # MLA leaves an undated web page's date out
        assert "n.d." in _cite(pack, "web-page", "--style", style).out


def test_corporate_author_with_report_number(pack):
    out = _cite(pack, "crs-in-focus").out
    assert out.startswith("Congressional Research Service. (2022).")
    assert "(CRS In Focus No. IF10578)" in out


def test_json_is_csl_json(pack):
    result = _cite(pack, "crs-report", "--json")
    assert result.code == 0, result.err
    assert result.out == (GOLDEN / "crs-report.json").read_text(encoding="utf-8")


def test_record_cites_its_sources(pack):
    result = _cite(pack, "plan", "--style", "chicago")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert [line.split(".")[0] for line in lines] == [
        "Olson, Eric L", "Seelke, Clare Ribando, and Kristin M"]


def test_quote_with_in_text_citation_and_page(pack):
    result = _cite(pack, "plan", "--quote", "--style", "apa")
    assert result.code == 0, result.err
    first = result.out.split("\n\n")[0].splitlines()
    assert first[0] == ("\u201cReaffirm and preserve the framework of shared responsibility.\u201d "
                        "(Olson, 2017, p. 3)")
    assert first[1].startswith("Olson, E. L. (2017). The Evolving Mérida Initiative.")
    data = json.loads(_cite(pack, "plan", "--quote", "--json").out)
    assert data[0]["page"] == 3 and data[0]["reference"]["author"][0]["family"] == "Olson"


def test_mla_tells_apart_two_works_of_one_author(pack):
    # citeproc-py takes MLA's `disambiguate` branch as always true; merida adds the title
    # only where two works would otherwise cite alike
    blocks = _cite(pack, "crs-pair", "--quote", "--style", "mla").out.split("\n\n")
    assert blocks[0].splitlines()[0] == ("\u201cone\u201d (Congressional Research Service, "
                                         "U.S.-Mexico Security Cooperation)")
    assert blocks[1].splitlines()[0] == ("\u201ctwo\u201d (Congressional Research Service, "
                                         "New U.S.-Mexico Security Strategy)")
    alone = _cite(pack, "plan", "--quote", "--style", "mla").out.splitlines()[0]
    assert alone.endswith("(Olson 3)")


@pytest.mark.parametrize("style", ("apa", "chicago", "mla"))
def test_a_work_without_author_is_listed_once_under_its_title(pack, style):
    # citeproc-py prints a title it substituted for the author a second time
    out = _cite(pack, "news", "--style", style).out
    assert out.startswith("America and Mexico to Tackle Increasing Drug Violence.")
    assert out.lower().count("increasing drug violence") == 1


def test_apa_leaves_out_a_publisher_that_is_the_author(pack):
    out = _cite(pack, "crs-in-focus", "--style", "apa").out
    assert out.count("Congressional Research Service") == 1
    assert _cite(pack, "crs-in-focus", "--style", "chicago").out.count(
        "Congressional Research Service") == 2


def test_structure_item_cites_its_own_sources():
    result = run_cli("cite", "merida-pillar-1", "--style", "csl-json")
    assert result.code == 0, result.err
    ids = [item["id"] for item in json.loads(result.out)]
    assert ids
    from merida_cli import load_data

    item = load_data().record("merida-pillar-1").found[0][1]
    assert ids == list(dict.fromkeys(c["source"] for c in item["cite"]))


@pytest.mark.parametrize(("args", "code", "message"), [
    (("nosuch",), 2, "unknown id 'nosuch'"),
    (("olson", "--style", "harvard"), 2, "unknown style 'harvard'"),
    (("olson", "--quote"), 2, "is a source"),
], ids=["unknown-id", "unknown-style", "quote-of-a-source"])
def test_bad_input_is_one_line_error(pack, args, code, message):
    result = _cite(pack, *args)
    assert result.code == code
    assert message in result.err and result.err.count("\n") == 1
    assert "Traceback" not in result.err


# ---- the work's address, and the copy's ----------------------------------------------

MIRROR = "https://www.everycrsreport.com/reports/R41349.html"
OFFICIAL = "https://crsreports.congress.gov/product/details?prodcode=R41349"


@pytest.mark.parametrize("style", ("apa", "chicago", "mla", "bibtex"))
def test_a_copy_retrieved_from_a_mirror_is_not_the_works_address(pack, style):
    out = _cite(pack, "crs-report", "--style", style).out
    assert OFFICIAL in out
    assert "everycrsreport" not in out


def test_csl_json_and_ris_keep_the_copy_apart_from_the_url(pack):
    item = json.loads(_cite(pack, "crs-report", "--json").out)[0]
    assert item["URL"] == OFFICIAL
    assert item["archive_location"] == MIRROR and item["archive"] == "www.everycrsreport.com"
    ris_lines = _cite(pack, "crs-report", "--style", "ris").out.splitlines()
    assert f"UR  - {OFFICIAL}" in ris_lines and f"AV  - {MIRROR}" in ris_lines


def test_show_names_the_copy_retrieved_from(pack):
    out = run_cli("--no-builtin", "--data", pack, "show", "crs-report").out
    assert f"url: {OFFICIAL}" in out
    assert f"retrieved from: {MIRROR}" in out


def test_validate_flags_a_mirror_given_as_the_works_url(tmp_path):
    bad = PACK.replace(f"url: {OFFICIAL}\n    retrieved_from: {MIRROR}", f"url: {MIRROR}")
    assert bad != PACK
    pack = write_pack(tmp_path / "bad", {"sources.yaml": bad})
    lenient = run_cli("--no-builtin", "--data", pack, "validate")
    assert lenient.code == 0
    assert "'crs-report'" in lenient.err + lenient.out and "www.everycrsreport.com" in lenient.err + lenient.out
    strict = run_cli("--no-builtin", "--data", pack, "validate", "--strict")
    assert strict.code == 1
    assert "retrieved_from" in strict.err + strict.out
    good = run_cli("--no-builtin", "--data", write_pack(tmp_path / "good", {"sources.yaml": PACK}),
                   "validate", "--strict")
    assert good.code == 0, good.err


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScRiPt:alert(1)",
                                 "data:text/html,<script>alert(1)</script>", "file:///etc/passwd",
                                 "www.example.org/report", "https://example.org/a b",
                                 "https://", "https://example.org/\u202ereversed"],
                         ids=["javascript", "mixed-case", "data", "file", "no-scheme", "space",
                              "no-host", "bidi"])
@pytest.mark.parametrize("field", ["url", "retrieved_from"])
def test_validate_flags_an_address_that_is_no_web_address(tmp_path, url, field):
    """validate took `url: javascript:alert(1)` without a word, and cite, export and
    datasette hand a source's url on as a link (red team 2)."""
    bad = PACK.replace(f"url: {OFFICIAL}\n    retrieved_from: {MIRROR}",
                       f"{field}: {json.dumps(url)}")
    assert bad != PACK
    pack = write_pack(tmp_path / "bad", {"sources.yaml": bad})
    lenient = run_cli("--no-builtin", "--data", pack, "validate")
    assert lenient.code == 0, lenient.err
    assert f"source 'crs-report': {field} is not a web address" in lenient.err
    assert run_cli("--no-builtin", "--data", pack, "validate", "--strict").code == 1


def _index_official_pages() -> dict[str, str]:
    """file name -> the publisher's own page, as ../shared/sources/INDEX.yaml gives it."""
    import yaml

    index = yaml.safe_load((SHARED / "sources" / "INDEX.yaml").read_text(encoding="utf-8"))
    return {e["file"]: e["official_page"] for e in index["sources"] if e.get("official_page")}


@needs_shared
def test_builtin_sources_cite_the_publishers_page_not_a_mirror():
    from merida_cli import load_data
    from merida_cli.cite import csl_item
    from merida_cli.validate import mirror_host

    official = _index_official_pages()
    sources = load_data().records["sources"]
    with_page = [s for s in sources if s["file"] in official]
    assert with_page  # the CRS and GAO texts
    for source in with_page:
        assert csl_item(source).get("URL") == official[source["file"]], source["id"]
    for source in sources:
        url = csl_item(source).get("URL")
        assert not (url and mirror_host(url)), (source["id"], url)
        if source.get("retrieved_from"):
            assert source["retrieved_from"] != url


def test_builtin_crs_in_focus_cites_the_crs_product_page():
    result = run_cli("cite", "crs-if10578-2024-10-01")
    assert result.code == 0, result.err
    assert "https://crsreports.congress.gov/product/details?prodcode=IF10578" in result.out
    assert "documentine" not in result.out


# ---- the built-in sources' metadata ------------------------------------------------

def test_builtin_crs_reports_carry_their_numbers():
    from merida_cli import load_data

    sources = load_data().records["sources"]
    crs = [s for s in sources if s["id"].startswith("crs-")]
    assert crs and all(s.get("report_number") for s in crs)
    for s in crs:
        assert s["report_number"].lower() in s["id"]
        assert "(" not in s["publisher"]  # no notes about copies in the publisher


def test_builtin_crs_reference_in_every_style():
    out = run_cli("cite", "crs-r41349-2011-07-22", "--style", "chicago").out
    assert out.startswith("Seelke, Clare Ribando, and Kristin M. Finklea. 2011. U.S.-Mexican "
                          "Security Cooperation: The Mérida Initiative and Beyond. CRS Report No. R41349.")
    assert "R41349" in run_cli("cite", "crs-r41349-2011-07-22", "--style", "ris").out


@pytest.mark.parametrize("style", ("apa", "chicago", "mla"))
def test_every_builtin_source_renders_cleanly(style):
    from merida_cli import load_data
    from merida_cli.cite import csl_item, render

    sources = load_data().records["sources"]
    rendered = render([csl_item(s) for s in sources], style)
    assert len(rendered) == len(sources)
    for source, ref in zip(sorted(sources, key=lambda s: s["id"]),
                           sorted(rendered, key=lambda r: r.id)):
        assert ref.reference and "Edition" not in ref.reference, ref.reference
        assert "Retrieved" not in ref.reference and ".." not in ref.reference
        if source.get("url"):
            assert source["url"] in ref.reference
        if source.get("report_number"):
            assert source["report_number"] in ref.reference


def test_every_builtin_bibtex_entry_reads_back_with_pybtex():
    pybtex = pytest.importorskip("pybtex.database", reason="pybtex (dev extra) not installed")
    from merida_cli import load_data
    from merida_cli.cite import bibtex, csl_item

    sources = load_data().records["sources"]
    text = "\n\n".join(bibtex(csl_item(s)) for s in sources)
    entries = pybtex.parse_string(text, "bibtex").entries
    assert len(entries) == len(sources)
    for source in sources:
        entry = entries[source["id"]]
        # the title as TeX reads it: a backslash-escaped special character stands for itself
        title = re.sub(r"\\([#$%&_{}])", r"\1", entry.fields["title"].strip("{}"))
        assert title == source["title"], source["id"]
        names = [n.strip() for n in source.get("author", "").split(";") if n.strip()]
        if names:
            assert len(entry.persons["author"]) == len(names), source["id"]
        if source.get("date"):
            assert entry.fields["year"] == str(source["date"])[:4]
        assert entry.fields.get("url") == source.get("url")


def test_every_builtin_ris_record_round_trips_with_rispy():
    rispy = pytest.importorskip("rispy", reason="rispy (dev extra) not installed")
    from merida_cli import load_data
    from merida_cli.cite import csl_item, ris

    sources = load_data().records["sources"]
    records = rispy.loads("\n".join(ris(csl_item(s)) + "\n" for s in sources))
    assert [r["id"] for r in records] == [s["id"] for s in sources]
    for source, record in zip(sources, records):
        assert record["title"] == source["title"]
        names = [n.strip() for n in source.get("author", "").split(";") if n.strip()]
        assert len(record.get("authors", [])) == (len(names) or 1 if source.get("author")
                                                  or source.get("publisher") else 0)
        assert record.get("urls", [None])[0] == source.get("url")
    assert rispy.loads(rispy.dumps(records)) == records


DESCRIBED = """\
sources:
  - id: op-ed
    title: Op-ed on Mexico's violent summer and the Bicentennial Framework
    title_descriptive: true
    author: Connor Pfeiffer
    date: "2023"
    date_inferred: true
    file: oped.txt
    type: op-ed
"""


def test_descriptive_title_in_brackets_in_apa_only(tmp_path):
    pack = write_pack(tmp_path / "pack", {"a.yaml": DESCRIBED})
    apa = run_cli("--no-builtin", "--data", pack, "cite", "op-ed", "--style", "apa").out
    assert apa.startswith("Pfeiffer, C. (ca. 2023). [Op-ed on Mexico's violent summer")
    chicago = run_cli("--no-builtin", "--data", pack, "cite", "op-ed", "--style", "chicago").out
    assert "[Op-ed" not in chicago and "[2023?]" in chicago


STORAGE_LABELS = ("catalog abstract", "text as reproduced", "(summary)", "(fact sheet)",
                  "letter opening", "wikileaks", "everycrsreport")


def test_builtin_titles_carry_no_storage_labels_and_known_dates_are_never_nd():
    from merida_cli import load_data
    from merida_cli.cite import csl_item, render

    sources = load_data().records["sources"]
    for source in sources:
        assert not any(label in source["title"].lower() for label in STORAGE_LABELS), \
            source["id"]
    by_id = {r.id: r for r in render([csl_item(s) for s in sources], "apa")}
    undated = [s["id"] for s in sources if "(n.d.)" in by_id[s["id"]].reference]
    assert undated == [s["id"] for s in sources if not s.get("date")]


def test_crs_authors_are_persons_as_the_byline_gives_them():
    out = run_cli("cite", "crs-rs22837-2008-07-07-wikileaks-meta", "--style", "apa").out
    assert out.startswith("Cook, C. W., & Seelke, C. R. (2008). Merida Initiative")
    assert "C. R. S." not in out and "catalog abstract" not in out


def test_retrieved_adds_the_copys_address_only_when_asked(tmp_path):
    pack = write_pack(tmp_path / "pack", {"a.yaml": PACK})
    plain = run_cli("--no-builtin", "--data", pack, "cite", "crs-report").out
    assert "everycrsreport" not in plain
    asked = run_cli("--no-builtin", "--data", pack, "cite", "crs-report", "--retrieved").out
    assert asked.startswith(plain.rstrip("\n"))
    assert asked.rstrip().endswith(
        "Copy retrieved from https://www.everycrsreport.com/reports/R41349.html.")
    # a source with no copy elsewhere gains nothing
    assert (run_cli("--no-builtin", "--data", pack, "cite", "olson", "--retrieved").out
            == run_cli("--no-builtin", "--data", pack, "cite", "olson").out)


# ---- control characters in citations ----------------------------------------------

# (a control character, ESC or C1, never loads: below)
ESCAPES = [("bidi-title", {"title": "Notes \\u202e reversed"}),
           ("isolate-author", {"author": "Doe \\u2066x\\u2069 \\u200bzero-width"})]


@pytest.mark.parametrize("fields", [c[1] for c in ESCAPES], ids=[c[0] for c in ESCAPES])
@pytest.mark.parametrize("args", [["cite", "notes"], ["cite", "notes", "--style", "ris"],
                                  ["cite", "r1", "--quote"], ["cite", "notes", "--style",
                                                                "bibtex"]],
                         ids=["apa", "ris", "quote", "bibtex"])
def test_control_characters_in_citations_are_shown_escaped(tmp_path, fields, args):
    result = run_on_pack(*args, pack=notes_pack(tmp_path, **fields))
    assert result.code == 0, result.err
    assert not any(c in result.out for c in "\u202e\u2066\u200b"), repr(result.out)


# (id, the fields, the line of the message, the field named)
CONTROLS = [("esc-title", {"title": "Esc \\e]0;OWNED\\a \\e[2J"}, 3, "title"),
            ("c1-author", {"author": "Doe \\u009b31m"}, 4, "author"),
            ("cr-quote", {"quote": "q1\\rq2"}, 13, "quote")]


@pytest.mark.parametrize("fields,line,key", [c[1:] for c in CONTROLS],
                         ids=[c[0] for c in CONTROLS])
def test_a_control_character_in_a_citation_never_loads(tmp_path, fields, line, key):
    for args in (["cite", "notes"], ["cite", "r1", "--quote"], ["validate"]):
        result = run_on_pack(*args, pack=notes_pack(tmp_path, **fields))
        assert result.code == 1 and result.out == "", (args, result.out)
        assert f"a.yaml:{line}:" in result.err and f"field '{key}' must be text without " \
            "control characters" in result.err, (args, result.err)


def test_a_newline_in_an_author_cannot_split_a_ris_record(tmp_path):
    pack = notes_pack(tmp_path, author="Doe\\nTY  - JOUR\\nER  - ")
    result = run_on_pack("cite", "notes", "--style", "ris", pack=pack)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert sum(x.startswith("TY  -") for x in lines) == 1
    assert sum(x.startswith("ER  -") for x in lines) == 1


HOSTILE_BIBTEX = """\
sources:
  - id: braces
    title: 'A } closing brace, a { lone opening one, C:\\path, 50% & #1_x ~ ^'
    author: "Jane Doe and Roe; Richard {Roe}"
    publisher: "Pub } lisher"
    report_number: "R-}{1"
    url: "https://example.org/a}b{c\\\\d e"
    file: b.txt
    type: report
"""
_TEX_TEXT = {r"\textbackslash{}": "\\", r"\textbraceleft{}": "{", r"\textbraceright{}": "}",
             r"\textasciitilde{}": "~", r"\textasciicircum{}": "^"}


def _tex_to_text(value: str) -> str:
    for command, char in _TEX_TEXT.items():
        value = value.replace(command, char)
    return re.sub(r"\\([#$%&_])", r"\1", value)


def test_bibtex_keeps_every_field_whatever_braces_the_data_holds(tmp_path):
    """A lone } in a title ended the field (pybtex read the title and lost author and url);
    a lone { made the file unreadable; a backslash became a TeX command."""
    pybtex = pytest.importorskip("pybtex.database", reason="pybtex (dev extra) not installed")
    pack = write_pack(tmp_path / "pack", {"sources.yaml": HOSTILE_BIBTEX})
    result = _cite(pack, "braces", "--style", "bibtex")
    assert result.code == 0, result.err
    entry = pybtex.parse_string(result.out, "bibtex").entries["braces"]
    assert _tex_to_text(entry.fields["title"][1:-1]) == (
        "A } closing brace, a { lone opening one, C:\\path, 50% & #1_x ~ ^")
    assert _tex_to_text(entry.fields["institution"]) == "Pub } lisher"
    assert _tex_to_text(entry.fields["number"]) == "R-}{1"
    # one person per ';' of the data, an 'and' inside a name included
    assert len(entry.persons["author"]) == 2
    # the same address, its unsafe characters percent-encoded
    assert entry.fields["url"] == "https://example.org/a%7Db%7Bc%5Cd%20e"


@pytest.mark.parametrize("args", [["--style", "csl-json"], ["--json"]], ids=["style", "json"])
def test_csl_json_stays_json_whatever_a_title_holds(tmp_path, args):
    """Red team 2 case 15: DEL and C1 characters came out as \\x7f, \\x9b (invalid JSON);
    they no longer load (rules.CONTROL), and a bidi override or isolate and a zero-width
    space are JSON escapes: parseable, the same value."""
    title = "a\u200bb c \u202e d \u2066e\u2069"
    rec = {"id": "evil", "title": title, "file": "n.txt"}
    pack = write_pack(tmp_path / "p", {"a.json": json.dumps({"sources": [rec]})})
    result = run_cli("--no-builtin", "--data", pack, "cite", "evil", *args)
    assert result.code == 0, result.err
    assert not any(c in result.out for c in "\u200b\u202e\u2066\u2069")
    assert json.loads(result.out)[0]["title"] == title


def test_bibtex_shows_a_control_character_as_text_not_a_tex_command(tmp_path):
    """ESC was shown as \\x1b after the BibTeX escaping, so TeX read a command \\x (ESC no
    longer loads; a bidi override takes the same way, as \\u202e)."""
    pybtex = pytest.importorskip("pybtex.database", reason="pybtex (dev extra) not installed")
    pack = write_pack(tmp_path / "pack", {"sources.yaml": HOSTILE_BIBTEX.replace(
        "title: 'A } closing", 'title: "Bidi \\u202e \\u2066x"\n    note: \'A } closing')})
    result = _cite(pack, "braces", "--style", "bibtex")
    assert result.code == 0, result.err
    entry = pybtex.parse_string(result.out, "bibtex").entries["braces"]
    assert entry.fields["title"] == r"{Bidi \textbackslash{}u202e \textbackslash{}u2066x}"
    assert _tex_to_text(entry.fields["title"][1:-1]) == "Bidi \\u202e \\u2066x"
