"""Exact money (issue 26): one recipient vocabulary matched exactly, one publisher's count,
a report's scope fixing a blank recipient. Behaviour on a small fixture pack written here;
data checks on the built-in pack derive what they compare."""

from __future__ import annotations

import pytest
from conftest import run_cli, write_pack

PACK = """\
sources:
  - id: crs-mexico
    title: An In Focus on Mexico
    publisher: Congressional Research Service
    date: "2021-09"
    scope: mexico
    file: crs.txt
  - id: gao-region
    title: A GAO report on the region
    publisher: U.S. Government Accountability Office
    date: "2010-07"
    file: gao.txt
  - id: embassy
    title: A press release
    publisher: U.S. Embassy Mexico City
    date: "2009-03"
    file: embassy.txt
programs:
  - id: plan
    name: A plan
    cite: [{source: crs-mexico, quote: "the plan"}]
funding:
  - id: mexico-total
    title: Running total for Mexico (CRS)
    program: plan
    measure: cumulative-appropriation
    amount_usd: 3300000000
    recipient: mexico
    as_of: "2021-09-20"
    cite: [{source: crs-mexico, quote: "roughly $3.3 billion appropriated to date"}]
  - id: region-total
    title: Support for Mexico and Central America (GAO)
    program: plan
    measure: cumulative-appropriation
    amount_usd: 1600000000
    recipient: mexico-and-central-america
    recipient_as_written: Mexico and Central American countries
    as_of: "2010-07-21"
    cite: [{source: gao-region, quote: "about $1.6 billion in law enforcement support to Mexico and Central American countries"}]
  - id: central-america-share
    title: The share for Central America, the Dominican Republic and Haiti (embassy)
    program: plan
    measure: appropriation
    amount_usd: 105000000
    recipient: central-america-haiti-dominican-republic
    recipient_as_written: "Central America, the Dominican Republic and Haiti"
    as_of: "2009-03-11"
    cite: [{source: embassy, quote: "$105 million for its implementation in Central America, the Dominican Republic and Haiti"}]
"""


def run(pack, *args):
    return run_cli("--no-builtin", "--data", pack, *args)


@pytest.fixture
def pack(tmp_path):
    return write_pack(tmp_path / "pack", {"money.yaml": PACK})


def ids(result) -> list[str]:
    assert result.code == 0, result.err
    return sorted(x["id"] for x in result.json())


@pytest.mark.parametrize("value", ["mexico", "Mexico", "MÉXICO", " méxico "])
def test_recipient_mexico_is_mexico_alone(pack, value):
    """'Mexico' no longer matches every recipient that contains the word."""
    assert ids(run(pack, "funding", "--recipient", value, "--json")) == ["mexico-total"]


@pytest.mark.parametrize("value, expected", [
    ("mexico-and-central-america", ["region-total"]),
    ("Mexico and Central America", ["region-total"]),
    ("Central America, the Dominican Republic and Haiti", ["central-america-share"]),
])
def test_recipient_matches_an_id_label_or_alias_exactly(pack, value, expected):
    assert ids(run(pack, "funding", "--recipient", value, "--json")) == expected


def test_an_unknown_recipient_is_a_usage_error_with_a_suggestion(pack):
    result = run(pack, "funding", "--recipient", "Mexic")
    assert result.code == 2
    assert "unknown recipient 'Mexic' (did you mean 'mexico'?)" in result.err
    assert "Traceback" not in result.err


def test_a_known_recipient_without_lines_is_not_found(pack):
    result = run(pack, "funding", "--recipient", "caribbean")
    assert result.code == 1 and "no funding lines match" in result.err


def test_funding_json_carries_the_recipient_as_written_and_the_publisher(pack):
    lines = {x["id"]: x for x in run(pack, "funding", "--json").json()}
    assert lines["region-total"]["recipient_as_written"] == "Mexico and Central American countries"
    assert lines["mexico-total"]["recipient_as_written"] is None
    assert {x["publisher"] for x in lines.values()} == {"crs", "gao", "embassy"}


@pytest.mark.parametrize("value, expected", [
    ("crs", ["mexico-total"]),
    ("GAO", ["region-total"]),
    ("embassy", ["central-america-share"]),
    ("Congressional Research Service", ["mexico-total"]),
])
def test_publisher_follows_one_publishers_count(pack, value, expected):
    assert ids(run(pack, "funding", "--publisher", value, "--json")) == expected


def test_an_unknown_publisher_is_a_usage_error_with_a_suggestion(pack):
    result = run(pack, "funding", "--publisher", "embasy")
    assert result.code == 2 and "unknown publisher 'embasy' (did you mean 'embassy'?)" in result.err


def test_scope_makes_a_blank_recipient_a_problem_named_by_file_and_line(tmp_path):
    blank = PACK.replace("    recipient: mexico\n", "")
    pack = write_pack(tmp_path / "p", {"money.yaml": blank})
    result = run(pack, "validate")
    assert result.code == 1
    line = blank.splitlines().index("  - id: mexico-total") + 1
    assert (f"money.yaml:{line}: funding line 'mexico-total': no recipient, but its source "
            "'crs-mexico' is about mexico (scope)") in result.err


def test_a_blank_recipient_is_fine_where_the_source_has_no_scope(tmp_path):
    blank = PACK.replace("    recipient: mexico-and-central-america\n"
                         "    recipient_as_written: Mexico and Central American countries\n", "")
    result = run(write_pack(tmp_path / "p", {"money.yaml": blank}), "validate", "--strict")
    assert result.code == 0, result.err


def test_recipient_as_written_must_be_words_of_the_quote(tmp_path):
    wrong = PACK.replace("recipient_as_written: Mexico and Central American countries",
                         "recipient_as_written: the whole hemisphere")
    result = run(write_pack(tmp_path / "p", {"money.yaml": wrong}), "validate")
    assert result.code == 1
    assert "recipient_as_written 'the whole hemisphere' is not words of its quotes" in result.err


def test_a_recipient_outside_the_vocabulary_is_refused(tmp_path):
    loose = PACK.replace("recipient: mexico\n", "recipient: Mexico\n")
    result = run(write_pack(tmp_path / "p", {"money.yaml": loose}), "validate")
    assert result.code == 1
    assert "field 'recipient' must be one of mexico," in result.err
    assert "(did you mean 'mexico'?)" in result.err


# ---- the built-in pack ------------------------------------------------------------------


def test_builtin_lines_of_a_scoped_source_all_say_their_recipient(cli):
    sources = {s["id"]: s for s in cli("sources", "--json").json()}
    scoped = [x for x in cli("funding", "--json").json()
              if sources[x["source"]].get("scope")]
    assert scoped and all(x["recipient"] for x in scoped)


def test_builtin_recipient_mexico_excludes_the_regional_totals(cli):
    everything = cli("funding", "--json").json()
    mexico = cli("funding", "--recipient", "Mexico", "--json").json()
    assert {x["id"] for x in mexico} == {x["id"] for x in everything
                                         if x["recipient"] == "mexico"}
    regional = [x for x in everything if "Central America" in (x["recipient_as_written"] or "")]
    assert regional and not {x["id"] for x in regional} & {x["id"] for x in mexico}


def test_builtin_publisher_counts_add_up_to_every_line(cli):
    everything = cli("funding", "--json").json()
    publishers = {x["publisher"] for x in everything}
    assert {"crs", "gao", "state", "white-house", "embassy"} <= publishers
    per_publisher = sum(len(cli("funding", "--publisher", p, "--json").json())
                        for p in publishers)
    assert per_publisher == len(everything)


# the CRS running totals the last audit found with a blank recipient (issue 26)
CRS_RUNNING_TOTALS_ON_MEXICO = (
    "merida-cumulative-crs-r41349-2015-05", "merida-cumulative-crs-r41349-2017-01",
    "merida-cumulative-crs-if10578-2019-03", "merida-cumulative-crs-if10578-2019-06",
    "merida-cumulative-crs-if10578-2020-02", "merida-cumulative-crs-if10578-2021-09",
    "merida-cumulative-crs-if10578-2021-11", "merida-cumulative-crs-in11859-2022")


def test_builtin_crs_running_totals_on_mexico_are_found_by_recipient_mexico(cli):
    mexico = {x["id"] for x in cli("funding", "--recipient", "mexico", "--json").json()}
    assert set(CRS_RUNNING_TOTALS_ON_MEXICO) <= mexico


def test_builtin_cumulative_export_carries_the_recipient(cli, tmp_path):
    import sqlite3

    out = tmp_path / "merida.db"
    assert cli("export", "--format", "sqlite", "-o", str(out)).code == 0
    with sqlite3.connect(out) as db:
        rows = db.execute("SELECT id, recipient FROM cumulative_appropriations").fetchall()
    recipients = dict(rows)
    assert all(recipients[i] == "mexico" for i in CRS_RUNNING_TOTALS_ON_MEXICO)
