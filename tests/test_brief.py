"""`merida brief`: Markdown footnotes resolve; the HTML is self-contained, every footnote
reference resolves and every footnote quote verifies against its text; the PDF has pages;
Chromium renders the HTML. Behaviour on a fixture pack, then the built-in Mérida brief."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import SEEDS, SOURCES, needs_shared, run_cli, write_pack
from helpers import BRIEF_PACK as PACK
from helpers import BRIEF_TEXT as TEXT
from helpers import run_on_pack

from merida_cli.text import normalize_quote


@pytest.fixture
def pack(tmp_path):
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "notes.txt").write_text(TEXT, encoding="utf-8")
    return write_pack(tmp_path / "pack", {"a.yaml": PACK}), texts


def _brief(pack, *args):
    return run_cli("--no-builtin", "--data", pack, "brief", *args)


class Page(HTMLParser):
    """What a reader's browser would load or follow, and the footnotes."""

    def __init__(self):
        super().__init__()
        self.refs, self.ids, self.loads, self.quotes, self.tags = [], set(), [], [], set()
        self.sources = []
        self._in_quote = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.add(tag)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if "data-source" in attrs:
            self.sources.append(attrs["data-source"])
        if tag == "a" and attrs.get("href", "").startswith("#"):
            self.refs.append(attrs["href"][1:])
        for key in ("src", "srcset", "data"):
            if key in attrs:
                self.loads.append(attrs[key])
        if tag == "link" or (tag == "image" and "href" in attrs):
            self.loads.append(attrs.get("href", ""))
        if tag == "span" and attrs.get("class") == "quote":
            self._in_quote, self.quotes = True, self.quotes + [""]

    def handle_endtag(self, tag):
        if tag == "span":
            self._in_quote = False

    def handle_data(self, data):
        if self._in_quote:
            self.quotes[-1] += data


def parse(html_text: str) -> Page:
    page = Page()
    page.feed(html_text)
    return page


def assert_self_contained(html_text: str, page: Page) -> None:
    assert page.loads == [], page.loads
    assert "script" not in page.tags and "link" not in page.tags and "iframe" not in page.tags
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html_text)
    assert not re.search(r"@import", html_text)


def footnote_quotes_verify(page: Page, folders: list[Path], data=()) -> list[str]:
    """The footnote quotes not found in their own source's text (verify.py's matching)."""
    from merida_cli import load_data
    from merida_cli.verify import TextIndex

    records = load_data(data, builtin=not data).records
    sources = {s["id"]: s for s in records["sources"]}
    index = TextIndex.scan(folders)
    missing = []
    for sid, quote in zip(page.sources, page.quotes):
        path = index.find(sources[sid])
        text = normalize_quote(path.read_text(encoding="utf-8", errors="replace"))
        if normalize_quote(quote.strip("\u201c\u201d")) not in text:
            missing.append(quote)
    return missing


# ---- behaviour ------------------------------------------------------------------

def test_markdown_footnotes_resolve_and_appendix_reports(pack):
    data, texts = pack
    result = _brief(data, "plan", "--texts", texts)
    assert result.code == 0, result.err
    md = result.out
    assert md.startswith("# The Plan: a brief\n")
    assert re.search(r"Generated \d{4}-\d{2}-\d{2} by merida", md)
    used = set(re.findall(r"\[\^(\d+)\](?!:)", md))
    defined = set(re.findall(r"^\[\^(\d+)\]:", md, re.MULTILINE))
    assert used and used == defined
    for heading in ("## Overview", "## Structure over time", "## The money, by whose count",
                    "## Key events", "## Recommendations", "### Guns",
                    "## Assessments for and against", "### For", "### Against",
                    "## Bibliography", "## Appendix: quotes checked against their texts"):
        assert heading + "\n" in md, heading
    assert ("| Total by 2012 | cumulative-appropriation |  | $300,000,000 | FY2009-FY2012 | 2013 "
            "| notes | disagrees with plan-2009 |") in md
    assert "- **2008 (date inferred) (also dated 2009 per notes)**: The plan begins." in md
    assert "5 of 6 quotes were found verbatim" in md
    assert "Verified: notes 1-5." in md
    assert "Not found in their texts: notes 6." in md
    assert "[^6]: \u201cThe plan worked wonderfully.\u201d (Writer 2013)" in md
    assert "[^1]: \u201cThe plan began in 2008.\u201d (Writer 2013, 1)" in md  # its page
    assert "- Writer, Ana B. 2013. Notes on the Plan. A Think Tank." in md
    assert "- **$300,000,000 FY2009-FY2012**: Total by 2012.[^4]" in md
    assert "<svg" not in md


def test_markdown_sentences_come_from_records(pack):
    md = _brief(pack[0], "plan").out
    assert "**The Plan, since 2008**: A plan that began in 2008.[^1]" in md  # its summary
    assert "- **Ana B. Writer (A Think Tank)**: Trace more guns.[^5]" in md
    assert "Appendix" not in md  # no --texts, no appendix


def _overview(markdown: str) -> str:
    return markdown.split("## Overview\n\n", 1)[1].split("\n\n", 1)[0]


def test_overview_is_one_paragraph_built_from_the_records(pack):
    """What the program is and since when, its structure's parts and what merida holds on
    it, counted from the records; each sentence names the program, so it stands alone."""
    overview = _overview(_brief(pack[0], "plan").out)
    assert "\n" not in overview and not overview.startswith("- ")
    assert "The Plan's current structure is Two goals, adopted 2009, in 1 part: Fewer guns." \
        in overview
    assert ("The records merida holds on The Plan: 1 recommendation from 1 author; "
            "2 assessments (1 favourable, 1 critical, 0 mixed or neutral); 1 event, 2008.") \
        in overview
    assert "official count" not in overview  # a think tank's total is not an official count
    sentences = re.split(r"(?<=[.\]])\s+(?=[A-Z*])", overview)
    assert all("The Plan" in s for s in sentences), sentences


def test_overview_gives_the_largest_official_count_and_the_range(tmp_path):
    official = PACK.replace("publisher: A Think Tank", "publisher: Congressional Research "
                            "Service").replace("    conflicts_with: [plan-2009]\n",
                                               "    conflicts_with: [plan-2009]\n"
                                               "    recipient: mexico\n")
    pack = write_pack(tmp_path / "pack", {"a.yaml": official})
    result = _brief(pack, "plan")
    assert result.code == 0, result.err
    assert ("The largest official count of U.S. assistance to Mexico under The Plan is "
            "$300,000,000 for FY2009-FY2012, by Congressional Research Service as of 2013.[^"
            ) in _overview(result.out)


def test_html_is_self_contained_and_every_reference_resolves(pack):
    data, texts = pack
    result = _brief(data, "plan", "-f", "html", "--style", "apa", "--texts", texts)
    assert result.code == 0, result.err
    page = parse(result.out)
    assert_self_contained(result.out, page)
    assert page.refs and all(ref in page.ids for ref in page.refs)
    assert {f"n{i}" for i in range(1, 7)} <= page.ids
    assert footnote_quotes_verify(page, [texts], [data]) == ["\u201cThe plan worked wonderfully.\u201d"]
    assert "<svg" in result.out and "<style>" in result.out
    # the chart shows one measure, cumulative appropriations by preference
    assert "Funding lines counting cumulative-appropriation" in result.out
    assert "(Writer, 2013, p. 1)" in result.out


def test_data_is_text_never_markup(tmp_path):
    hostile = PACK.replace("title: Notes on the plan", 'title: "Notes <script>x()</script> & plan"')
    data = write_pack(tmp_path / "pack", {"a.yaml": hostile})
    result = _brief(data, "plan", "-f", "html")
    assert result.code == 0, result.err
    page = parse(result.out)
    assert "script" not in page.tags
    assert "Notes &lt;script&gt;x()&lt;/script&gt; &amp; Plan" in result.out
    cited = run_cli("--no-builtin", "--data", data, "cite", "notes", "--style", "chicago").out
    assert "Notes <script>x()</script> & Plan" in cited  # plain text keeps every character


def test_markdown_titles_stay_one_line_of_text(tmp_path):
    """A newline in a record's title ended the brief's heading or bold label and began a
    heading, a list or a rule of the pack's making (red team 2)."""
    markdown_it = pytest.importorskip("markdown_it")
    evil = "\n\n## Injected\n\n- fake bullet\n\n---\nend"
    hostile = PACK
    for line, title in (("name: The Plan", "The Plan"), ("label: Two goals", "Two goals"),
                        ("label: Guns", "Guns"), ("actor: Critics", "Critics")):
        hostile = hostile.replace(line, line.split(": ")[0] + ": " + json.dumps(title + evil))
    data = write_pack(tmp_path / "pack", {"a.yaml": hostile})
    result = _brief(data, "plan")
    assert result.code == 0, result.err
    tokens = markdown_it.MarkdownIt().parse(result.out)
    headings = [tokens[i + 1].content for i, token in enumerate(tokens)
                if token.type == "heading_open"]
    items = [tokens[i + 2].content for i, token in enumerate(tokens)
             if token.type == "list_item_open"]
    assert "hr" not in {token.type for token in tokens}
    assert not [h for h in headings if "Injected" in h and not h.startswith(
        ("The Plan", "Two goals", "Guns"))], headings
    assert not [i for i in items if i.startswith("fake bullet")], items
    # the title is all there, as text on its heading's line
    assert headings[0] == "The Plan \\#\\# Injected - fake bullet --- end: a brief"


def test_html_links_a_sources_url_and_no_url_like_text(tmp_path):
    """The bibliography linked any http(s):// text in a reference, so a pack's title or
    author named 'http://evil.example/x' became a link in a curated brief (red team 2)."""
    hostile = PACK.replace("title: Notes on the plan",
                           'title: "Notes on the plan, see http://evil.example/x"\n'
                           "    url: https://think.example/notes")
    data = write_pack(tmp_path / "pack", {"a.yaml": hostile})
    result = _brief(data, "plan", "-f", "html", "--style", "apa")  # APA keeps the case
    assert result.code == 0, result.err
    links = re.findall(r'<a href="([^"#][^"]*)"', result.out)
    assert links == ["https://think.example/notes"], links
    assert "http://evil.example/x" in result.out  # shown, as text


def test_html_is_reproducible(pack, tmp_path):
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    assert _brief(pack[0], "plan", "-f", "html", "-o", first).code == 0
    assert _brief(pack[0], "plan", "-f", "html", "-o", second).code == 0
    assert first.read_bytes() == second.read_bytes()


def test_topic_brief(pack):
    result = _brief(pack[0], "guns")
    assert result.code == 0, result.err
    assert result.out.startswith("# Guns: a brief\n")
    assert "Trace more guns" in result.out and "## Programs" in result.out


@pytest.mark.parametrize(("args", "message"), [
    (("nothing",), "'nothing' is neither a program nor a topic"),
    (("plan", "-f", "pdf"), "--format pdf needs --output FILE"),
    (("plan", "--texts", "/no/such/dir"), "not a directory"),
    (("plan", "--style", "bibtex"), "unknown style 'bibtex' for a brief"),
], ids=["unknown-subject", "pdf-to-stdout", "texts-missing", "style-not-for-prose"])
def test_usage_errors(pack, args, message):
    result = _brief(pack[0], *args)
    assert result.code == 2
    assert message in result.err and result.err.count("\n") == 1


def test_pdf_without_weasyprint_is_one_clear_line(pack, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if not installed
    out = tmp_path / "b.pdf"
    result = _brief(pack[0], "plan", "-f", "pdf", "-o", out)
    assert result.code == 1
    assert result.err.startswith("error: merida brief --format pdf needs the pdf extra "
                                 "(weasyprint), not installed: ")
    assert result.err.endswith("[pdf]' (or use --format html and print it)\n")
    assert not out.exists()


def test_brief_does_not_slow_startup():
    code = ("import sys, merida_cli.cli; "
            "print(any(m in sys.modules for m in ('matplotlib', 'citeproc', 'weasyprint')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"


# ---- the built-in Mérida brief ------------------------------------------------------

@pytest.fixture(scope="module")
def merida_html(tmp_path_factory):
    path = tmp_path_factory.mktemp("brief") / "merida.html"
    result = run_cli("brief", "merida", "-f", "html", "-o", path, "--texts", SEEDS,
                     "--texts", SOURCES)
    assert result.code == 0, result.err
    return path


@needs_shared
def test_merida_brief_html_footnotes_resolve_and_verify(merida_html):
    html_text = merida_html.read_text(encoding="utf-8")
    page = parse(html_text)
    assert_self_contained(html_text, page)
    assert len(page.quotes) > 50 and len(page.sources) == len(page.quotes)
    assert all(ref in page.ids for ref in page.refs)
    assert footnote_quotes_verify(page, [SEEDS, SOURCES]) == []
    for heading in ("Structure over time", "The money, by whose count", "Key events",
                    "Recommendations", "Assessments for and against", "Bibliography"):
        assert f"<h2>{heading}</h2>" in html_text
    assert "Olson, Eric L." in html_text  # Chicago name form in the bibliography
    bibliography = re.findall(r"<li>(.*?)</li>", html_text.split("<h2>Bibliography</h2>")[1])
    firsts = [re.sub(r"\W+", " ", re.sub(r"<[^>]+>|^The ", "", b)).casefold().strip()
              for b in bibliography]
    from merida_cli.text import fold  # alphabetical as a reader sorts: accents aside

    assert len(firsts) > 20 and firsts == sorted(firsts, key=fold)


@needs_shared
@pytest.mark.skipif(not (shutil.which("chromium") or shutil.which("chromium-browser")),
                    reason="chromium is not installed (Debian: apt-get install chromium)")
def test_chromium_renders_the_brief(merida_html, tmp_path):
    shot = tmp_path / "shot.png"
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                    f"--screenshot={shot}", "--window-size=1000,1400",
                    merida_html.as_uri()], capture_output=True, timeout=120, check=False)
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 20_000  # a page, not a blank


def _pdf_ready() -> str | None:
    if importlib.util.find_spec("pypdf") is None:
        return "pypdf is not installed (it is in the dev extra)"
    try:
        import weasyprint  # noqa: F401
    except ImportError:
        return "weasyprint is not installed (pip install 'merida[pdf]')"
    except OSError as exc:
        return f"weasyprint cannot load pango ({exc})"
    return None


@pytest.mark.skipif(_pdf_ready() is not None, reason=str(_pdf_ready()))
def test_merida_brief_pdf_runs_to_pages(tmp_path):
    from pypdf import PdfReader

    out = tmp_path / "merida.pdf"
    result = run_cli("brief", "merida", "-f", "pdf", "-o", out)
    assert result.code == 0, result.err
    reader = PdfReader(out)
    assert len(reader.pages) >= 2
    assert "Mérida Initiative: a brief" in reader.pages[0].extract_text()


DOMESTIC = """\
  - id: plan-home-spending
    title: Spending at home on treatment
    program: plan
    measure: domestic-spending
    recipient: united-states
    amount_usd: 900000000
    as_of: "2013"
    cite:
      - source: notes
        quote: "By 2012 the total had reached $300 million."
events:
"""


def test_brief_money_is_assistance_unless_all_money_is_asked(tmp_path):
    pack = write_pack(tmp_path / "pack", {"a.yaml": PACK.replace("events:\n", DOMESTIC, 1)})
    default = _brief(pack, "plan")
    assert default.code == 0, default.err
    money = default.out.split("## The money", 1)[1].split("\n## ", 1)[0]
    assert "Spending at home" not in money and "$900,000,000" not in money
    assert "1 line(s) counting other money" in money and "--all-money" in money
    assert "| Recipient |" in money
    everything = _brief(pack, "plan", "--all-money")
    money = everything.out.split("## The money", 1)[1].split("\n## ", 1)[0]
    row = next(line for line in money.splitlines() if line.startswith("| Spending at home"))
    assert "domestic-spending" in row and "The United States (money spent at home)" in row
    assert "other money" not in money


DANGLING = re.compile(r"^(He|She|It|They|This|These|His|Her|Its|Their)\b|\bhim\b|\bthe Act\b"
                      r"|\b[Tt]he ([Ff]ramework|[Ii]nitiative)\b(?! of)")


def test_builtin_sentences_a_brief_lifts_name_their_referents():
    """A brief sentence is a record's summary, text or title read without its paragraph
    (a topic brief mixes programs): no 'OFAC designated him…', no 'passed the Act…', no
    'another focus of the framework' — which one?"""
    from merida_cli import load_data

    records = load_data().records
    dangling = [(owner["id"], key) for kind, recs in records.items() if kind != "sources"
                for r in recs for owner in (r, *r.get("items", []))
                for key in ("summary", "text", "title")
                if DANGLING.search(owner.get(key) or "")]
    assert dangling == []


@pytest.mark.skipif(_pdf_ready() is not None, reason=str(_pdf_ready()))
@pytest.mark.parametrize("program", ("merida", "bicentennial"))
@pytest.mark.parametrize("paper, size", (("a4", (595, 842)), ("letter", (612, 792))))
def test_short_brief_is_one_page_of_the_paper_asked(tmp_path, program, paper, size):
    from pypdf import PdfReader

    out = tmp_path / "short.pdf"
    result = run_cli("brief", program, "--length", "short", "--paper", paper, "-f", "pdf",
                     "-o", out)
    assert result.code == 0, result.err
    reader = PdfReader(out)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == size
    assert "a one-page brief" in reader.pages[0].extract_text()


def test_short_brief_keeps_key_facts_the_official_count_and_open_commitments():
    md = run_cli("brief", "merida", "--length", "short").out
    heads = re.findall(r"^## (.+)$", md, re.MULTILINE)
    assert heads == ["Key facts",
                     "The official count of U.S. assistance to Mexico, latest by each publisher",
                     "Open commitments", "Notes", "Bibliography"]
    count = md.split("## The official count", 1)[1].split("\n## ", 1)[0]
    assert "CRS In Focus, October 2024" in count  # the latest CRS total
    assert "Garza" not in count and "news 2017" not in count  # not official counts
    assert "Both governments have struggled" in md.split("## Open commitments", 1)[1]
    # those under way are counted, with the command that lists each (one page)
    assert "- 2: merida commitments merida --status reported-under-way lists each" in md


@pytest.mark.parametrize("args, message", (
    (("--length", "long"), "--length 'long': expected one of full, short"),
    (("--paper", "a3"), "--paper 'a3': expected one of a4, letter"),
))
def test_brief_length_and_paper_refuse_unknown_values(pack, args, message):
    result = _brief(pack[0], "plan", *args)
    assert result.code == 2 and message in result.err and "Traceback" not in result.err


def test_brief_html_page_size_follows_paper(pack):
    assert "size:letter" in _brief(pack[0], "plan", "-f", "html", "--paper", "letter").out
    assert "size:A4" in _brief(pack[0], "plan", "-f", "html").out


# ---- hostile values in a brief -----------------------------------------------------

def test_a_dollar_sign_in_a_chart_label_is_text_not_tex(tmp_path):
    text = PACK.replace("    fiscal_years: FY2009-FY2012\n",
                                   '    period: "$\\\\notacommand{$ then $^ more"\n')
    assert "notacommand" in text
    pack = write_pack(tmp_path / "p", {"a.yaml": text})
    out = tmp_path / "b.html"
    result = run_on_pack("brief", "plan", "-f", "html", "-o", out, pack=pack)
    assert result.code == 0, result.err
    assert "notacommand" in out.read_text()


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_bidi_and_zero_width_characters_never_reach_a_brief(tmp_path, fmt):
    """(A control character never loads: tests/test_rules.py.)"""
    text = PACK.replace('title: Notes on the plan', 'title: "Notes \\u202eX\\u200bY"')
    pack = write_pack(tmp_path / "p", {"a.yaml": text})
    result = run_on_pack("brief", "plan", "-f", fmt, pack=pack)
    assert result.code == 0, result.err
    assert "\u202e" not in result.out and "\u200b" not in result.out
    assert "\\u202eX" in result.out and "\\u200bY" in result.out  # Markdown doubles the backslash
