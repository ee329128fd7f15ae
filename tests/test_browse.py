"""Browse commands on the built-in data: what a user looks up, in every format."""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import SEEDS, SOURCES, needs_shared


def test_pillars_json_has_the_four_pillars(cli):
    result = cli("pillars", "--json")
    assert result.code == 0
    items = result.json()
    assert [i["number"] for i in items] == [1, 2, 3, 4]
    assert "rule of law" in items[1]["title"].lower()
    assert all(i["cite"] and i["topics"] for i in items)


def test_pillars_all_shows_structures_in_adoption_order(cli):
    result = cli("pillars", "--all", "--json")
    structures = result.json()
    ids = [s["id"] for s in structures]
    assert ids.index("merida-objectives") < ids.index("merida-baskets") < ids.index("merida-pillars")
    dates = [s.get("adopted", "9999") for s in structures]
    assert dates == sorted(dates)


def test_pillars_bicentennial_shows_three_goals(cli):
    items = cli("pillars", "bicentennial", "--json").json()
    goals = [i for i in items if "parent" not in i]
    # the Framework's goals are Protect, Prevent and Pursue: each one goal, none other
    verbs = sorted(g["title"].split()[0].lower() for g in goals)
    assert verbs == ["prevent", "protect", "pursue"]


def test_pillars_accepts_program_alias(cli):
    assert cli("pillars", "Mérida Initiative", "--json").json() == cli("pillars", "--json").json()


@pytest.mark.parametrize("fmt", ["csv", "markdown"])
def test_pillars_other_formats(cli, fmt):
    result = cli("pillars", "--format", fmt)
    assert result.code == 0
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(result.out)))
        pillars = cli("pillars", "--json").json()
        assert rows[0][:2] == ["#", "Title"] and len(rows) == 1 + len(pillars)
    else:
        assert result.out.count("\n|") >= 5 and "| # | Title" in result.out


def test_programs_lists_counts(cli):
    rows = cli("programs", "--format", "csv").out
    reader = list(csv.DictReader(io.StringIO(rows)))
    merida = next(r for r in reader if r["Id"] == "merida")
    assert int(merida["Funding"]) >= 10 and int(merida["Components"]) >= 4
    assert any(r["Parent"] == "merida" for r in reader)


def test_programs_json_are_records(cli):
    records = cli("programs", "--json").json()
    assert {"id", "name", "cite"} <= set(next(r for r in records if r["id"] == "merida"))


def test_show_item_with_citation_and_program(cli):
    result = cli("show", "merida-pillar-4")
    assert result.code == 0
    assert "Citations:" in result.out and "“" in result.out
    assert "merida" in result.out


def test_show_program_links_related_records(cli):
    data = cli("show", "merida", "--json").json()
    assert data["kind"] == "programs"
    links = data["links"]
    assert links["structures"] and links["funding"] and links["recommendations"]


def test_show_source_lists_records_citing_it(cli):
    data = cli("show", "olson", "--json").json()
    assert data["record"]["sha256"]
    assert len(data["links"]["recommendations"]) >= 8


@pytest.mark.parametrize("alias", ["guns", "arms trafficking", "straw purchases", "Firearms",
                                   "weapons"])
def test_recs_topic_aliases_match_the_topic(cli, alias):
    canonical = {r["id"] for r in cli("recs", "--topic", "firearms", "--json").json()}
    assert canonical
    assert {r["id"] for r in cli("recs", "--topic", alias, "--json").json()} == canonical


def test_recs_topic_includes_child_topics(cli):
    parent = {r["id"] for r in cli("recs", "--topic", "rule-of-law", "--json").json()}
    child = {r["id"] for r in cli("recs", "--topic", "police", "--json").json()}
    assert child and child <= parent


def test_recs_filters_combine(cli):
    recs = cli("recs", "--topic", "firearms", "--source", "olson", "--json").json()
    assert recs and all(r["source"] == "olson" and "firearms" in r["topics"] for r in recs)
    by_actor = cli("recs", "--actor", "olson", "--json").json()
    assert by_actor and all("olson" in r["actor"].lower() for r in by_actor)
    by_program = cli("recs", "--program", "bicentennial", "--json").json()
    assert by_program and all("bicentennial" in r["programs"] for r in by_program)


def test_recs_empty_result_exit_1_with_empty_json(cli):
    result = cli("recs", "--topic", "firearms", "--actor", "nobody-at-all", "--json")
    assert result.code == 1
    assert result.json() == []
    assert result.err.strip() == "no recommendations match"


def test_recs_unknown_source(cli):
    result = cli("recs", "--source", "olsen")
    assert result.code == 2 and "did you mean 'olson'" in result.err


def test_funding_grouped_by_measure_with_source_and_as_of(cli):
    lines = cli("funding", "--program", "merida", "--json").json()
    assert len(lines) >= 15
    assert all(line["as_of"] and line["source"] for line in lines)
    from merida_cli.query import funding_sort_key

    measures = list(dict.fromkeys(line["measure"] for line in lines))
    assert measures[0] == "cumulative-appropriation"
    for measure in measures[1:]:  # each measure once, its lines by period
        group = [line for line in lines if line["measure"] == measure]
        assert group == sorted(group, key=funding_sort_key)
        assert lines[lines.index(group[0]):][:len(group)] == group


def test_funding_official_count_grows_with_each_report(cli):
    lines = cli("funding", "--program", "merida", "--measure", "cumulative-appropriation",
                "--json").json()
    totals = {line["as_of"]: line["amount_usd"] for line in lines
              if line["source"].startswith("crs-") and line["recipient"] == "mexico"}
    assert len(totals) >= 5
    assert max(totals.values()) == 3.5e9


def test_funding_table_formats_amounts_and_charts_on_terminal(cli):
    result = cli("funding", "--program", "merida", tty=True, color=False, width=160)
    assert "$1.5 billion" in result.out and "million" in result.out
    assert "█" in result.out  # bar chart on a terminal
    piped = cli("funding", "--program", "merida")
    assert "█" not in piped.out and "\t" in piped.out


def test_funding_unknown_measure(cli):
    result = cli("funding", "--measure", "apropriation")
    assert result.code == 2 and "did you mean 'appropriation'" in result.err


def test_funding_by_account(cli):
    lines = cli("funding", "--account", "FMF", "--json").json()
    assert lines and all(line["account"] == "FMF" for line in lines)


def test_timeline_in_date_order_and_range(cli):
    events = cli("timeline", "--json").json()
    dates = [e["date"] for e in events]
    assert dates == sorted(dates) and len(events) >= 40
    recent = cli("timeline", "--from", "2021", "--to", "2022", "--json").json()
    assert recent and all("2021" <= e["date"][:4] <= "2022" for e in recent)


def test_timeline_by_program_and_topic(cli):
    events = cli("timeline", "--program", "bicentennial", "--topic", "firearms", "--json").json()
    assert events, "the built-in data has Bicentennial events on firearms"
    assert all("firearms" in e.get("topics", []) and "bicentennial" in e.get("programs", [])
               for e in events)


def test_topics_counts(cli):
    topics = {t["id"]: t for t in cli("topics", "--json").json()}
    assert topics["firearms"]["counts"]["recommendations"] >= 3
    assert "guns" in topics["firearms"]["aliases"]


@needs_shared
def test_sources_counts_records_citing_each(cli):
    sources = {s["id"]: s for s in cli("sources", "--json").json()}
    # one source per text: the seeds and the texts in ../shared/sources, no more, no fewer
    texts = sorted(p.name for p in [*SEEDS.glob("*.txt"), *SOURCES.glob("*.txt")])
    assert sorted(s["file"] for s in sources.values()) == texts
    seeds = ["olson", "garza-leutert", "pfeiffer-oped", "news-2017", "insightcrime-kingpin"]
    assert all(sources[s]["records_citing"] >= 5 for s in seeds)


def test_figures_listing(cli):
    figures = cli("figures", "--topic", "firearms", "--json").json()
    assert any(f["unit"] in ("percent", "%") for f in figures)


def test_assessments_by_program(cli):
    found = cli("assessments", "--program", "bicentennial", "--json").json()
    assert found and all(a["about"] == "bicentennial" for a in found)


def test_json_output_is_stable_across_runs(cli):
    assert cli("recs", "--json").out == cli("recs", "--json").out
    json.loads(cli("recs", "--json").out)
