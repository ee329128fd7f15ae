"""Issue 26's missing commentary: a reader who asks for a source's assessments, or for the
timeline on a day, finds the claim with its actor, stance and the source's own words."""

from __future__ import annotations

import pytest
from conftest import SEEDS, SOURCES, needs_shared

from merida_cli.text import normalize_quote  # the matching `merida verify` does
from merida_cli.verify import TextIndex

# (source asked for, words of the claim's quote, who judges, stance)
CLAIMS = [
    ("crs-in11859-2022-02-17", "for deemphasizing institutional reform in Mexico",
     "Critics (as reported by CRS)", "negative"),
    ("crs-in11859-2022-02-17", "prioritization of issues such as arms trafficking",
     "Others (as reported by CRS)", "positive"),
    ("crs-in11859-2022-02-17", "López Obrador has criticized the Mérida Initiative",
     "Andrés Manuel López Obrador (President of Mexico, as reported by CRS)", "negative"),
    ("gao-10-253r-2009-12-03-studylib", "a shift in both scale and scope",
     "U.S. Government Accountability Office", "neutral"),
    ("crs-r40135-2010-01-21-everycrsreport", "congressional concern on the pace of implementation",
     "U.S. Congress (as reported by CRS)", "negative"),
    ("crs-r40135-2010-04-19-pennyhill", "congressional concern on the pace of implementation",
     "U.S. Congress (as reported by CRS)", "negative"),
    ("usembassy-merida-at-a-glance-factsheet", "Project Coronado",
     "U.S. Embassy Mexico City", "positive"),
]


def _citing(records: list[dict], source: str, words: str) -> list[dict]:
    return [r for r in records
            if any(c["source"] == source and words in c["quote"] for c in r["cite"])]


@pytest.mark.parametrize("source, words, actor, stance", CLAIMS,
                         ids=[f"{c[0]}:{c[1][:24]}" for c in CLAIMS])
def test_assessments_by_source_list_the_claim(cli, source, words, actor, stance):
    result = cli("assessments", "--source", source, "--json")
    assert result.code == 0, result.err
    found = _citing(result.json(), source, words)
    assert len(found) == 1, f"one assessment should cite {words!r} from {source}"
    assert (found[0]["actor"], found[0]["stance"]) == (actor, stance)


def test_the_two_halves_of_the_in11859_sentence_are_linked_as_two_claims(cli):
    records = cli("assessments", "--source", "crs-in11859-2022-02-17", "--json").json()
    critics, = _citing(records, "crs-in11859-2022-02-17", "deemphasizing institutional reform")
    others, = _citing(records, "crs-in11859-2022-02-17", "arms trafficking and violence")
    assert others["id"] in critics["distinct_from"]
    assert critics["id"] in others["distinct_from"]


def test_pena_nieto_inauguration_is_on_the_timeline_on_its_day(cli):
    result = cli("timeline", "--on", "2012-12-01", "--json")
    assert result.code == 0, result.err
    found = [e for e in result.json() if "Enrique Peña Nieto" in e.get("actors", [])
             and "inaugurated" in e["title"].lower()]
    assert len(found) == 1
    quotes = [c["quote"] for c in found[0]["cite"]]
    assert any("December 1, 2012" in q for q in quotes)


@needs_shared
def test_each_claim_quote_is_words_of_its_source_text(cli):
    """The quote words the tests look for come from the texts, not from the data alone."""
    sources = {s["id"]: s for s in cli("sources", "--json").json()}
    texts = TextIndex.scan([SEEDS, SOURCES])
    for source, words, _, _ in CLAIMS:
        path = texts.find(sources[source])
        assert path is not None, source
        assert normalize_quote(words) in normalize_quote(texts.text(path)), (source, words)
