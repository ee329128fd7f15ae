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
        if line["source"].startswith("crs-if10578") and (line.get("amount_usd") or 0) >= 3e9:
            by_source[line["as_of"]] = line["amount_usd"]
    assert by_source["2020-07-20"] == 3.1e9 and by_source["2021-01-13"] == 3.3e9
    assert by_source["2022-12-12"] == by_source["2024-10-01"] == 3.5e9
    assert not [x for x in lines if x["source"] == "gao-23-103795-product-page"]
    # GAO counts all U.S. assistance to Mexico since 2008, not Mérida alone
    gao = cli("funding", "--program", "us-assistance-mexico", "--json").json()
    assert gao and gao[0]["qualifier"] == "over" and gao[0]["recipient"] == "mexico"


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


# --- issue 15: the official count, version by version (the 28 texts after the first 37) ---

OFFICIAL_HOSTS = ("gao.gov", "state.gov", "usembassy.gov", "usembassy-mexico.gov")


def _new_index_entries():
    import yaml

    return yaml.safe_load((SOURCES / "INDEX.yaml").read_text())["sources"][37:]


@needs_shared
def test_every_text_file_in_shared_sources_has_a_cited_source_record(cli):
    sources = {s["file"]: s for s in cli("sources", "--json").json()}
    files = sorted(p.name for p in SOURCES.glob("*.txt"))
    assert len(files) >= 65
    uncited = [f for f in files if sources.get(f, {}).get("records_citing", 0) < 1]
    assert uncited == []


@needs_shared
def test_new_source_records_carry_index_fields_and_mark_third_party_copies(cli):
    import hashlib

    sources = {s["file"]: s for s in cli("sources", "--json").json()}
    for entry in _new_index_entries():
        source = sources[entry["file"]]
        # the work's address is the publisher's page; the copy's address is where it came from
        expected = entry.get("official_page") or (entry["url"] if entry["url"].split("/")[2]
                                                  .endswith(OFFICIAL_HOSTS) else None)
        assert source.get("url") == expected, entry["file"]
        if source.get("url") != entry["url"]:
            assert source["retrieved_from"] == entry["url"], entry["file"]
        assert source["sha256"] == hashlib.sha256((SOURCES / entry["file"]).read_bytes()).hexdigest()
        official = entry["url"].split("/")[2].endswith(OFFICIAL_HOSTS)
        assert ("reproduction" in source) == (not official), entry["file"]


@needs_shared
def test_no_uncited_dollar_figure_in_the_new_texts(cli):
    """Every sentence with a $ figure is cited, except a figure cut off by the end of a
    partial copy (the State fact sheet of 2011 stops at '$1.5')."""
    sources = {s["file"]: s for s in cli("sources", "--json").json()}
    for entry in _new_index_entries():
        source = sources[entry["file"]]
        result = cli("coverage", source["id"], "--texts", SOURCES, "--json")
        assert result.code in (0, 1), result.err
        text = " ".join((SOURCES / entry["file"]).read_text(encoding="utf-8").split())
        for sentence in result.json()["uncited_sentences"]:
            if "$" not in sentence:
                continue
            cut_off = (source["completeness"] == "partial" and not sentence.endswith((".", '"'))
                       and text.endswith(sentence.split()[-1]))
            assert cut_off, f"{entry['file']}: {sentence}"


def _cumulative(cli):
    lines = cli("funding", "--program", "merida", "--json").json()
    return [x for x in lines if x.get("measure") == "cumulative-appropriation"]


def test_cumulative_appropriation_lineage_from_several_agencies(cli):
    series = _cumulative(cli)
    assert len({x["as_of"] for x in series}) >= 15
    publishers = {x["source"].split("-")[0] for x in series}
    assert {"crs", "gao", "usembassy"} <= publishers
    by_source = {x["source"]: x for x in series if "recipient" not in x or x["amount_usd"] >= 1e9}
    mexico_2009 = by_source["usembassy-press-release-merida-supplemental-2009-06-25"]
    assert (mexico_2009["amount_usd"], mexico_2009["recipient"]) == (1.12e9, "mexico")
    since_fy2007 = by_source["crs-in11859-2022-02-17"]
    assert (since_fy2007["amount_usd"], since_fy2007["qualifier"]) == (3.3e9, "over")
    assert since_fy2007["period"] == "since FY2007" and since_fy2007["conflicts_with"]


def test_same_figure_different_scope_is_marked_as_a_conflict(cli):
    """CRS's roughly $1.3 billion is for the whole region in January 2010 and for Mexico
    alone in April 2010: the two lines point at each other."""
    series = {x["id"]: x for x in _cumulative(cli)}
    january = series["merida-cumulative-crs-r40135-2010-01"]
    april = series["merida-cumulative-mexico-crs-r40135-2010-04"]
    assert january["amount_usd"] == april["amount_usd"] == 1.3e9
    assert january["recipient"] == "region" and "Haiti" in january["recipient_as_written"]
    assert april["recipient"] == "mexico"
    assert april["id"] in january["conflicts_with"] and january["id"] in april["conflicts_with"]


def test_links_between_funding_lines_resolve_and_explain(cli):
    lines = {x["id"]: x for x in cli("funding", "--json").json()}
    linked = [x for x in lines.values() if x.get("same_as") or x.get("conflicts_with")]
    assert len(linked) >= 20
    for line in linked:
        for other in line.get("same_as", []) + line.get("conflicts_with", []):
            assert other in lines, (line["id"], other)
        if line.get("conflicts_with"):
            assert line.get("note"), line["id"]


def test_shares_withheld_obligated_and_spent(cli):
    lines = cli("funding", "--program", "merida", "--json").json()
    shares = {(x["measure"], x["share_pct"], x["as_of"]) for x in lines
              if x.get("measure") and "share_pct" in x}
    assert ("withheld", 15, "2019-03-06") in shares
    assert ("share", 2, "2019-03-06") in shares
    assert ("obligated", 46, "2010-07-21") in shares and ("spent", 9, "2010-07-21") in shares


def test_funding_dates_from_the_new_texts_on_the_timeline(cli):
    events = {e["id"]: e for e in cli("timeline", "--json").json()}
    assert events["merida-letter-of-agreement-2008-12-03"]["date"] == "2008-12-03"
    assert events["fy2009-omnibus-signed-2009-03-11"]["date"] == "2009-03-11"
    signed = events["fy2009-supplemental-signed-2009-06-24"]
    assert signed["date_inferred"] is True and "Yesterday" in signed["note"]


def test_pillar_wording_drift_building_to_creating(cli):
    found = cli("search", "creating 21st century border", "--kind", "assessments", "--json").json()
    drift = [h["record"] for h in found if h["record"]["id"] == "crs-third-pillar-building-then-creating-border"]
    assert drift
    quotes = " ".join(c["quote"] for c in drift[0]["cite"])
    assert "building a 21st century border" in quotes and "creating a 21st century border" in quotes
