"""The official record 2007-2025: what the independent checks read (issue: beyond the seeds)."""

from __future__ import annotations

from conftest import SOURCES, needs_shared


@needs_shared
def test_a_source_record_for_every_file_in_shared_sources(cli):
    import yaml

    index = yaml.safe_load((SOURCES / "INDEX.yaml").read_text())["sources"]
    sources = {s["file"]: s for s in cli("sources", "--json").json()}
    for entry in index:
        source = sources[entry["file"]]
        assert source["records_citing"] >= 1, entry["file"]
        partial = not str(entry["completeness"]).startswith(("full", "appears complete"))
        assert (source["completeness"] == "partial") == partial, entry["file"]


def test_third_party_copies_are_marked(cli):
    sources = {s["id"]: s for s in cli("sources", "--json").json()}
    assert "reproduction" in sources["crs-if10578-2021-01-13"]
    assert "reproduction" not in sources["wh-fact-sheet-hlsd-2021-10-08"]


def test_bicentennial_goals_with_objectives(cli):
    items = cli("pillars", "bicentennial", "--json").json()
    goals = [i for i in items if "parent" not in i]
    objectives = [i for i in items if i.get("parent")]
    assert [g["number"] for g in goals] == [1, 2, 3]
    assert len(objectives) >= 9
    assert {o["parent"] for o in objectives} == {g["id"] for g in goals}


def test_action_plan_structure_and_counts(cli):
    structures = {s["id"]: s for s in cli("pillars", "bicentennial", "--all", "--json").json()}
    plan = structures["bicentennial-action-plan"]
    assert plan["adopted"] == "2022-01-31"
    assert "102" in plan["summary"] and "26" in plan["summary"]


def test_official_count_of_merida_funding_by_report_version(cli):
    lines = cli("funding", "--program", "merida", "--json").json()
    by_source = {}
    for line in lines:
        if line["source"].startswith("crs-if10578") and line.get("amount_usd", 0) >= 3e9:
            by_source[line["as_of"]] = line["amount_usd"]
    assert by_source["2020-07-20"] == 3.1e9 and by_source["2021-01-13"] == 3.3e9
    assert by_source["2022-12-12"] == by_source["2024-10-01"] == 3.5e9
    assert not [x for x in lines if x["source"] == "gao-23-103795-product-page"]
    # GAO counts all U.S. assistance to Mexico since 2008, not Mérida alone
    gao = cli("funding", "--program", "us-assistance-mexico", "--json").json()
    assert gao and gao[0]["qualifier"] == "over" and gao[0]["recipient"] == "Mexico"


def test_timeline_runs_from_2007_to_2025(cli):
    events = cli("timeline", "--json").json()
    years = {e["date"][:4] for e in events}
    assert {"2007", "2008", "2021", "2022", "2023", "2025"} <= years
    sig = [e for e in events if e["date"].startswith("2025-09")]
    assert any("security-implementation-group" in e.get("programs", []) for e in sig)


def test_successor_assessments(cli):
    found = cli("assessments", "--source", "gao-23-103795-product-page", "--json").json()
    assert found
    crs = cli("search", "successor", "--kind", "assessments", "--json").json()
    assert any("crs" in h["record"]["source"] for h in crs)
