"""Listings at 80, 100 and 160 columns: what identifies a record stays whole, and a
snippet is cut between words."""

from __future__ import annotations

import re

import pytest
from conftest import run_cli, write_pack
from helpers import SGR, needs_merida, spawn, whole
from hypothesis import given
from hypothesis import strategies as st

from merida_cli.text import excerpt

FIREWALL = ('The two governments coordinated in the announcement of the "Mission Firewall: '
            'United Against Firearms Trafficking Initiative." to dismantle the networks '
            "that move weapons south across the border")


def _words(piece: str) -> list[str]:
    return piece.strip("…").rstrip("…").split()


def test_a_snippet_starts_and_ends_between_words():
    at = FIREWALL.index("dismantle")
    piece = excerpt(FIREWALL, at, 60)
    assert piece.startswith("…") and piece.endswith("…")
    assert "dismantle" in piece.split()
    assert set(_words(piece)) <= set(FIREWALL.split())  # no half word ("…ntle the")


def test_a_short_text_is_not_cut():
    assert excerpt("Trace seized arms", 6, 100) == "Trace seized arms"


def test_a_word_longer_than_the_window_is_kept_whole():
    text = "see " + "x" * 50 + " here and more words after it"
    piece = excerpt(text, 4, 20)
    assert "x" * 50 in piece and piece.endswith("…")


word = st.text("abcdefghij", min_size=1, max_size=14)


@given(st.lists(word, min_size=1, max_size=60), st.integers(0, 2000), st.integers(10, 120))
def test_a_snippet_is_a_run_of_whole_words_around_the_match(words, at, width):
    text = " ".join(words)
    at = at % len(text)
    matched = text[:at + 1].count(" ") - (text[at] == " ")  # the index of the word at `at`
    piece = excerpt(text, at, width)
    shown = _words(piece)
    # a run words[first:first + len(shown)] that holds the matched word, with "…" exactly
    # on the sides where words were left out
    assert any(words[first:first + len(shown)] == shown
               and first <= matched < first + len(shown)
               and piece.startswith("…") == (first > 0)
               and piece.endswith("…") == (first + len(shown) < len(words))
               for first in range(len(words) - len(shown) + 1)), (text, at, piece)
    assert len(piece) <= width + 2 + max(map(len, words))  # about `width`: one word more


# ---- every listing on a real terminal at 80, 100 and 160 columns ---------------------

PR = "us-mexico-bicentennial-framework-for-security-public-health-and-safe-communities"
PR_SHORT = "framework"
PACK = f"""\
sources:
  - id: white-house-fact-sheet-high-level-security-dialogue-2021-10-08
    title: Fact sheet on the High-Level Security Dialogue
    date: "2021-10-08"
    file: wh.txt
  - id: congressional-research-service-in-focus-if10578-2024-10-01
    title: Mexico and U.S. security cooperation
    date: "2024-10-01"
    file: crs.txt
topics:
  - id: firearms-trafficking
    label: Firearms trafficking
  - id: public-health-and-addiction
    label: Public health and addiction
  - id: institutional-capacity
    label: Institutional capacity
programs:
  - id: {PR_SHORT}
    name: Security framework
    start: "2021-10"
    cite: [{{source: white-house-fact-sheet-high-level-security-dialogue-2021-10-08,
             quote: framework}}]
structures:
  - id: framework-pledges-of-the-high-level-security-dialogue
    program: {PR_SHORT}
    label: Pledges
    adopted: "2021-10-08"
    commitments: true
    by: both
    cite: [{{source: white-house-fact-sheet-high-level-security-dialogue-2021-10-08,
             quote: pledges}}]
    items:
      - id: framework-pledge-reduce-arms-trafficking-across-the-border
        number: 1
        title: Reduce arms trafficking across the shared border with joint investigations
        summary: Both governments pledged to work together against the trafficking of
          arms across the border, to set up joint investigations, to share ballistics
          data through the national laboratories and to prosecute the networks that
          buy and smuggle weapons southward
        topics: [firearms-trafficking]
        cite: [{{source: white-house-fact-sheet-high-level-security-dialogue-2021-10-08,
                 quote: reduce arms trafficking}}]
      - id: framework-pledge-expand-treatment-for-substance-use-disorders
        number: 2
        title: Expand prevention and treatment for substance use disorders
        topics: [public-health-and-addiction]
        cite: [{{source: white-house-fact-sheet-high-level-security-dialogue-2021-10-08,
                 quote: expand treatment}}]
recommendations:
  - id: congressional-research-service-recommends-tracing-seized-firearms
    text: Trace every firearm seized in Mexico through eTrace and share the results with
      prosecutors on both sides of the border so that straw purchasers are charged
    actor: Congressional Research Service (analysts of the Foreign Affairs division)
    source: congressional-research-service-in-focus-if10578-2024-10-01
    topics: [firearms-trafficking, institutional-capacity]
    cite: [{{source: congressional-research-service-in-focus-if10578-2024-10-01,
             quote: trace firearms}}]
  - id: white-house-recommends-prevention-and-treatment-programmes-2021
    text: Fund prevention, treatment and recovery support as part of the joint effort
    actor: The White House
    source: white-house-fact-sheet-high-level-security-dialogue-2021-10-08
    topics: [public-health-and-addiction]
    cite: [{{source: white-house-fact-sheet-high-level-security-dialogue-2021-10-08,
             quote: fund prevention}}]
events:
  - id: high-level-security-dialogue-adopts-the-framework-2021-10-08
    title: The High-Level Security Dialogue in Mexico City adopts the security framework
    date: "2021-10-08"
    programs: [{PR_SHORT}]
    source: white-house-fact-sheet-high-level-security-dialogue-2021-10-08
    cite: [{{source: white-house-fact-sheet-high-level-security-dialogue-2021-10-08,
             quote: adopted}}]
  - id: joint-firearms-trafficking-investigations-begin-at-two-ports-2022
    title: Joint firearms trafficking investigations begin at two ports of entry
    date: "2022-10-13"
    programs: [{PR_SHORT}]
    source: congressional-research-service-in-focus-if10578-2024-10-01
    reports_on:
      - {{commitment: framework-pledge-reduce-arms-trafficking-across-the-border,
          status: under-way, quote: investigations began}}
    cite: [{{source: congressional-research-service-in-focus-if10578-2024-10-01,
             quote: investigations began}}]
funding:
  - id: framework-appropriation-international-narcotics-control-fy2022-fy2023
    title: Appropriations for the framework's law enforcement assistance to Mexico in the
      FY2022 and FY2023 acts
    program: {PR_SHORT}
    measure: appropriation
    amount_usd: 147500000
    qualifier: about
    fiscal_years: FY2022-FY2023
    account: INCLE
    recipient: mexico
    as_of: "2024-10-01"
    source: congressional-research-service-in-focus-if10578-2024-10-01
    cite: [{{source: congressional-research-service-in-focus-if10578-2024-10-01,
             quote: appropriated}}]
"""
RECS = ["congressional-research-service-recommends-tracing-seized-firearms",
        "white-house-recommends-prevention-and-treatment-programmes-2021"]
WIDTHS = [80, 100, 160]


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    return write_pack(tmp_path_factory.mktemp("listings"), {"pack.yaml": PACK})


def screen(pack, columns: int, *args) -> list[str]:
    """The lines a terminal of `columns` shows for `merida ARGS` (no colour codes)."""
    code, out, err = spawn(["--no-pager", "--no-builtin", "--data", pack, *args], columns,
                           env={"NO_COLOR": "1"})
    assert code == 0, err
    lines = SGR.sub("", out).splitlines()
    assert all(len(line) <= columns for line in lines), "\n".join(lines)
    assert not any(re.match(r"\w[\w ]*: ", line) for line in lines), "a record view"
    return lines


def words_whole(value: str, lines: list[str]) -> bool:
    """Every word of `value` appears whole on some line (a value may wrap between words)."""
    text = "\n".join(lines)
    return all(whole(word, text) for word in value.split())


def json_of(pack, *args):
    result = run_cli("--no-builtin", "--data", pack, *args, "--json")
    assert result.code == 0, result.err
    return result.json()


@needs_merida
@pytest.mark.parametrize("columns", WIDTHS)
def test_recs_keep_id_recommendation_actor_and_topics(pack, columns):
    lines = screen(pack, columns, "recs")
    for rec in json_of(pack, "recs"):
        assert any(whole(rec["id"], line) for line in lines)  # on one line, whole
        assert words_whole(rec["text"], lines) and words_whole(rec["actor"], lines)
        assert all(words_whole(topic, lines) for topic in rec["topics"])
    assert sorted(r["id"] for r in json_of(pack, "recs")) == RECS


@needs_merida
@pytest.mark.parametrize("columns", WIDTHS)
def test_search_keeps_id_title_and_a_snippet_cut_between_words(pack, columns):
    lines = screen(pack, columns, "search", "ballistics")
    hits = json_of(pack, "search", "ballistics")
    assert [h["id"] for h in hits] == [
        "framework-pledge-reduce-arms-trafficking-across-the-border"]
    assert any(whole(hits[0]["id"], line) for line in lines)
    assert words_whole(hits[0]["title"], lines)
    text = " ".join(" ".join(lines).split())
    assert "ballistics" in text.split()  # the matched word, in the snippet
    # the snippet is cut on both sides, each time beside a whole word of the summary
    summary = hits[0]["record"]["summary"].split()
    cut = re.findall(r"…([^\s…]+)|([^\s…]+)…", text)
    assert len(cut) == 2 and all(w in summary for pair in cut for w in pair if w), cut


@needs_merida
@pytest.mark.parametrize("columns", WIDTHS)
def test_timeline_shows_each_event_in_one_or_two_lines(pack, columns):
    lines = screen(pack, columns, "timeline")
    for event in json_of(pack, "timeline"):
        at = next(i for i, line in enumerate(lines) if line.startswith(event["date"]))
        first = event["title"].split()[0]
        assert whole(first, lines[at])  # the date and the title start on one line
        two = lines[at:at + 2]
        assert words_whole(event["title"], two)  # and the title ends by the next


@needs_merida
@pytest.mark.parametrize("columns", WIDTHS)
def test_funding_says_how_much_for_which_years_what_and_whose_count(pack, columns):
    lines = screen(pack, columns, "funding")
    for line in json_of(pack, "funding"):
        assert any("about $147.5 million" in x for x in lines)
        assert any(whole(line["fiscal_years"], x) for x in lines)
        assert words_whole(line["title"], lines) and words_whole(line["account"], lines)
        assert any(whole(line["source"], x) for x in lines)


@needs_merida
@pytest.mark.parametrize("columns", WIDTHS)
def test_commitments_keep_title_status_and_latest_evidence_date(pack, columns):
    lines = screen(pack, columns, "commitments", PR_SHORT)
    rows = json_of(pack, "commitments", PR_SHORT)
    assert {r["status"] for r in rows} == {"reported-under-way", "no-later-report"}
    for row in rows:
        assert words_whole(row["title"], lines)
        assert any(whole(row["status"], x) for x in lines)
        if row["latest"]:
            assert any(whole(row["latest"], x) for x in lines)
