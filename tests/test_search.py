"""Search: folding, ranking, typos, synonyms, JSON contract, and properties that always hold."""

from __future__ import annotations

import pytest
from conftest import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from merida_cli import load_data
from merida_cli.model import title_of
from merida_cli.search import Searcher
from merida_cli.text import fold


def ids(result, n=5):
    return [h["id"] for h in result.json()[:n]]


def test_json_contract(cli):
    result = cli("search", "straw purchases", "--json")
    assert result.code == 0
    hits = result.json()
    assert hits and set(hits[0]) == {"kind", "id", "title", "score", "close", "record"}
    closeness = [h["close"] for h in hits]
    assert closeness == sorted(closeness, reverse=True)  # close matches first
    for close in (True, False):
        scores = [h["score"] for h in hits if h["close"] is close]
        assert scores == sorted(scores, reverse=True)
    assert hits[0]["record"]["id"] == hits[0]["id"]


@pytest.mark.parametrize("query", ["Merida", "mérida", "MÉRIDA", "merida", "Mérida Initiative"])
def test_case_and_accents_do_not_matter(cli, query):
    assert ids(cli("search", query, "--json"), 1) == ["merida"]


def test_punctuation_and_hyphens_do_not_matter():
    assert fold("mil-mil") == fold("mil mil") == fold("Mil–Mil!")


@pytest.mark.parametrize("query,expected", [
    ("bicentenial framwork", "bicentennial"),
    ("Bicentennial Framework", "bicentennial"),
    ("iniciativa merida", "merida"),
    ("plan colombia", "plan-colombia"),
    ("kingpin strategy", "kingpin-strategy"),
    ("ventanilla unica", "ventanilla-unica"),
    ("Peña Nieto", "pena-nieto-security-strategy"),
])
def test_names_and_typos_find_the_program(cli, query, expected):
    assert expected in ids(cli("search", query, "--json"), 3)


def test_typo_in_a_phrase_finds_recommendations(cli):
    hits = cli("search", "straw purchses", "--kind", "recommendations", "--json").json()
    assert any("straw" in h["title"].lower() for h in hits[:3])


def test_synonym_through_topic_alias(cli):
    hits = cli("search", "guns", "--json", "--limit", "20").json()
    assert hits[0]["id"] == "firearms"
    assert sum("firearms" in h["record"].get("topics", []) for h in hits) >= 10


def test_kind_filter_and_limit(cli):
    hits = cli("search", "firearms", "--kind", "events", "--limit", "3", "--json").json()
    assert 0 < len(hits) <= 3 and all(h["kind"] == "events" for h in hits)


def test_structure_items_are_searchable(cli):
    assert "merida-pillar-4" in ids(cli("search", "resilient communities", "--json"), 5)


def test_unknown_kind_suggests(cli):
    result = cli("search", "x", "--kind", "recomendations")
    assert result.code == 2 and "did you mean 'recommendations'" in result.err


@pytest.mark.parametrize("query", ["", "   ", "\t"])
def test_empty_query_is_usage_error(cli, query):
    result = cli("search", query)
    assert result.code == 2 and "empty search query" in result.err


def test_huge_query_is_handled(cli):
    result = cli("search", "firearms " * 12000, "--json")
    assert result.code in (0, 1) and "Traceback" not in result.err


def test_no_match_exit_1(cli):
    result = cli("search", "zzqxwv", "--json")
    assert result.code == 1 and result.json() == [] and "no records match" in result.err


def test_a_guess_is_not_called_a_match(cli):
    """A term in no record ('zzyzx') with a common word: the hits that only share the
    common word are the nearest guesses, said so on stderr, exit 1; JSON marks them."""
    result = cli("search", "Project Zzyzx")
    assert result.code == 1
    assert result.err.startswith("no close match for 'Project Zzyzx'; nearest:")
    assert result.out.splitlines()[1:]  # the nearest are still shown
    hits = cli("search", "Project Zzyzx", "--json")
    assert hits.code == 1 and hits.json()
    assert all(h["close"] is False and h["score"] < 100 for h in hits.json())


def test_close_matches_only_when_there_are_some(cli):
    """Three of four words found is close; the listing shows only the close hits, in the
    JSON's order, and exits 0."""
    query = ("search", "firearms trafficking straw zzyzx", "--limit", "50")
    hits = cli(*query, "--json").json()
    close = [h["id"] for h in hits if h["close"]]
    assert close and len(close) < len(hits)
    plain = cli(*query, "--format", "plain")
    assert plain.code == 0 and "no close match" not in plain.err
    assert [line.split("\t")[1] for line in plain.out.splitlines()[1:]] == close


def test_terminal_highlights_matches(cli):
    result = cli("search", "straw purchases", tty=True, color=True, width=160)
    assert "\x1b[" in result.out and "straw" in result.out.lower()


# ---- properties -------------------------------------------------------------------

DATA = None


def searcher():
    global DATA
    if DATA is None:
        DATA = load_data().dataset
    return Searcher(DATA)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_any_query_returns_within_bounds(query):
    hits = searcher().search(query, limit=7)
    assert len(hits) <= 7
    assert all(0 < h.score <= 400 for h in hits)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=50)
       .map(lambda s: s + "\x00\x07\u202e" + s))
def test_control_characters_never_raise(query):
    searcher().search(query, limit=5)


def _records_with_titles():
    ds = searcher().ds
    out = []
    for kind in ("programs", "recommendations", "events", "assessments", "figures"):
        out += [(kind, r) for r in ds.records[kind]]
    return out


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_exact_title_is_its_own_top_hit(data):
    kind, record = data.draw(st.sampled_from(_records_with_titles()))
    title = title_of(kind, record)
    hits = searcher().search(title, limit=5)
    top = hits[0].score
    assert any(h.id == record["id"] and h.score == top for h in hits), (title, hits[:3])


@pytest.mark.parametrize("query,expected", [
    ("how much did Congress appropriate for Merida", "merida-total-crs-r41349-2010"),
    ("militarization", "military"),
    ("cartel fragmentation", None),
    ("spillover violence", "merida-pillar-3"),
    ("what percentage of guns come from the US", "traced-firearms-us-origin-pfeiffer"),
    ("soberania", None),
    ("huachicol", "sig-line-fuel-theft"),
    ("Guardia Nacional", None),
    ("who criticized the kingpin strategy", None),
    ("Olson recommendations on police", "olson-key-rec-police-career"),
])
def test_realistic_questions(cli, query, expected):
    hits = cli("search", query, "--json", "--limit", "5").json()
    assert hits, query
    if expected:
        assert expected in [h["id"] for h in hits], [h["id"] for h in hits]


def test_question_words_are_ignored(cli):
    assert ids(cli("search", "what is the kingpin strategy", "--json"), 1) == ["kingpin-strategy"]


def test_criticism_prefers_assessments(cli):
    hits = cli("search", "who criticized the kingpin strategy", "--json", "--limit", "3").json()
    assert all(h["kind"] == "assessments" for h in hits[1:])


def test_us_and_fiscal_years_fold():
    assert fold("U.S. aid, FY2008-FY2010") == "us aid fy 2008 fy 2010"
    assert "us" in fold("the United States").split()


def test_huge_search_query():
    result = run_cli("search", "x" * 100_000)
    assert result.code in (0, 1) and "Traceback" not in result.err
