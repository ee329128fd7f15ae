"""Search: folding, ranking, typos, synonyms, JSON contract, and properties that always hold."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import run_cli, write_pack
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from merida_cli import load_data
from merida_cli.model import title_of
from merida_cli.search import Searcher
from merida_cli.text import fold, fold_all


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


# texts as a pack writes them: accents, curly quotes, dashes, initialisms, fiscal years,
# other scripts, control characters and fold_all's own separator among them
_PROSE = st.lists(st.one_of(
    st.sampled_from(list("aZ09 .-_'\"\t\n\x01\x1f\xa0éÉßİΣς\u0301ñ¹ﬁ\u2010\u2011—’٣")),
    st.sampled_from(["U.S.", "u.n.", "United States", "FY2008", "spill-over"]),
    st.characters()), max_size=30).map("".join)


@given(st.lists(_PROSE, max_size=8), st.booleans())
def test_a_batch_of_texts_folds_as_each_text_alone(texts, split_numbers):
    """The index folds a file's texts in one batch (`fold_all`): each comes out as `fold`
    makes it alone, so the index holds the words a query is folded to."""
    assert fold_all(texts, split_numbers) == [fold(text, split_numbers) for text in texts]


def test_huge_search_query():
    result = run_cli("search", "x" * 100_000)
    assert result.code in (0, 1) and "Traceback" not in result.err


# ---- the search index of a new pack: built with the store by a first search ------------

# several files, a structure with items, and a topic defined in a file after the records
# that use it (its label reaches the index only at the end of the load)
INDEX_PACK = {
    "a-sources.yaml": "sources:\n  - id: doc\n    title: A document\n    file: doc.txt\n",
    "b-recs.yaml": (
        "recommendations:\n"
        "  - id: r1\n    text: Trace every straw purchase of firearms\n    actor: GAO\n"
        "    topics: [guns]\n    cite:\n      - source: doc\n        quote: trace the guns\n"
        "  - id: r2\n    text: Fund judicial reform in the states\n    actor: CRS\n"
        "    topics: [justice]\n    cite:\n      - source: doc\n"
        "        quote: the reform of Mexico's justice system\n"),
    "c-programs.yaml": (
        "programs:\n  - id: plan\n    name: Plan Uno\n    aliases: [El Plan]\n"
        "    summary: A cross-border plan against straw purchases\n"
        "    cite:\n      - source: doc\n        quote: a plan against straw purchases\n"
        "structures:\n  - id: plan-pillars\n    program: plan\n    label: Pillars of the plan\n"
        "    cite:\n      - source: doc\n        quote: the pillars\n"
        "    items:\n      - id: plan-p1\n        title: Disrupt arms trafficking\n"
        "        topics: [guns]\n        cite:\n          - source: doc\n"
        "            quote: disrupt the flow of arms\n"
        "      - id: plan-p2\n        title: Reform the justice sector\n"
        "        topics: [justice]\n        cite:\n          - source: doc\n"
        "            quote: justice-sector reform\n"),
    "d-topics.yaml": ("topics:\n  - id: guns\n    label: Firearms trafficking\n"
                      "    aliases: [weapons]\n  - id: justice\n    label: Rule of law\n"),
}
INDEX_QUERIES = ["straw purchases", "firearms", "weapons", "rule of law", "justice sector",
                 "el plan", "crossborder", "trafficking of arms", "refrom"]


def _searches(pack, queries=INDEX_QUERIES):
    return {q: run_cli("--no-builtin", "--data", pack, "search", q, "--json") for q in queries}


def _hits(results):
    return {q: (r.code, r.out) for q, r in results.items()}


def _cache_file(directory) -> Path:
    [path] = Path(directory).glob("packs-*.sqlite")
    return path


def _search_built(path: Path) -> bool:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT value FROM meta WHERE key = 'search'").fetchall() == [("1",)]
    finally:
        conn.close()


@pytest.mark.parametrize("workers", [False, True], ids=["one-process", "workers"])
def test_a_first_search_on_a_new_pack_finds_what_a_later_index_finds(tmp_path, monkeypatch,
                                                                     workers):
    """A search as the first command builds the index with the store, from documents the
    loader's workers make while they parse; a search after another first command builds it
    from the stored rows; warm, both are read back. Same hits every way."""
    import multiprocessing

    from merida_cli import load

    pack = write_pack(tmp_path / "pack", INDEX_PACK)
    if workers:  # the pool of a big pack, on this small one
        monkeypatch.setattr(load, "PARALLEL_BYTES", 0)
    monkeypatch.setenv("MERIDA_CACHE_DIR", str(tmp_path / "later"))
    assert run_cli("--no-builtin", "--data", pack, "recs").code == 0
    assert not _search_built(_cache_file(tmp_path / "later"))
    later = _searches(pack)
    monkeypatch.setenv("MERIDA_CACHE_DIR", str(tmp_path / "first"))
    first = run_cli("--no-builtin", "--data", pack, "search", "straw purchases", "--json")
    assert _search_built(_cache_file(tmp_path / "first"))  # built by that one command
    warm = _searches(pack)
    assert first.code == 0 and {h["id"] for h in first.json()} >= {"r1", "plan"}
    assert (first.code, first.out) == _hits(later)["straw purchases"]
    assert _hits(warm) == _hits(later)
    # found by the label of a topic defined in a later file
    assert {"r2", "plan-p2"} <= {h["id"] for h in warm["rule of law"].json()}
    assert multiprocessing.active_children() == []


def test_a_half_built_search_index_is_dropped_and_built_again(tmp_path, monkeypatch):
    """A search killed while it added the index to an older cache left some of its tables
    (and no mark that it finished): the next search builds them again, in the file."""
    from merida_cli import searchindex

    pack = write_pack(tmp_path / "pack", INDEX_PACK)
    fresh = _hits(_searches(pack))  # a new pack's cache, searched
    monkeypatch.setenv("MERIDA_CACHE_DIR", str(tmp_path / "half"))
    assert run_cli("--no-builtin", "--data", pack, "recs").code == 0
    path = _cache_file(tmp_path / "half")
    conn = sqlite3.connect(path)
    conn.executescript(searchindex.SEARCH_SCHEMA)
    conn.execute("INSERT INTO docs VALUES (1, 'events', 'gone', 'Gone', '', 'gone')")
    conn.commit()
    conn.close()
    assert _hits(_searches(pack)) == fresh
    assert _search_built(path)
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT count(*) FROM docs WHERE id = 'gone'").fetchone() == (0,)
    finally:
        conn.close()


def test_a_broken_search_index_file_is_ignored_and_rebuilt(tmp_path, monkeypatch):
    """A cache file cut in half after a first search built its index: the next search
    still gives the same hits (exit 0, no traceback), and the one after finds a whole
    cache again."""
    pack = write_pack(tmp_path / "pack", INDEX_PACK)
    monkeypatch.setenv("MERIDA_CACHE_DIR", str(tmp_path / "broken"))
    fresh = _hits(_searches(pack))
    path = _cache_file(tmp_path / "broken")
    with open(path, "r+b") as handle:
        handle.truncate(path.stat().st_size // 2)
    again = _searches(pack)
    assert _hits(again) == fresh and not any(r.err for r in again.values())
    rebuilt = _cache_file(tmp_path / "broken")
    assert _search_built(rebuilt)
    conn = sqlite3.connect(rebuilt)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        conn.close()
