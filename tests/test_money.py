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


# ---- one count across report versions (issue 26) -------------------------------------

def _linked_by(records: list[dict], keys: tuple[str, ...]):
    """A function telling whether two records are joined, directly or through others, by
    the given link fields (read both ways: a later version names the earlier one)."""
    parent = {r["id"]: r["id"] for r in records}

    def root(rid):
        while parent[rid] != rid:
            rid = parent[rid]
        return rid

    for rec in records:
        for key in keys:
            for other in rec.get(key) or []:
                if other in parent:
                    parent[root(rec["id"])] = root(other)
    return lambda a, b: root(a) == root(b)


def _restatements(records: list[dict], reports: dict, count) -> list[list[dict]]:
    """Records of one report (any version) that give one count, as `count(record)` says."""
    groups: dict[tuple, list[dict]] = {}
    for rec in records:
        report = reports.get(rec["source"])
        if report:
            groups.setdefault((report, *count(rec)), []).append(rec)
    return [g for g in groups.values() if len(g) > 1]


def _years_agree(a: dict, b: dict) -> bool:
    return not (a.get("fiscal_years") and b.get("fiscal_years")) or (
        a["fiscal_years"] == b["fiscal_years"])


def test_builtin_a_count_restated_in_later_versions_of_a_report_is_one_count(cli):
    reports = {s["id"]: s["report_number"] for s in cli("sources", "--json").json()
               if s.get("report_number")}
    lines = cli("funding", "--json").json()
    same = _linked_by(lines, ("same_as",))
    apart = _linked_by(lines, ("distinct_from",))
    groups = _restatements(lines, reports, lambda x: (
        x["program"], x["measure"], x.get("amount_usd"), x.get("share_pct"), x["recipient"]))
    assert groups  # the IF10578 $3.5 billion, 2% and 15% lines, among others
    for group in groups:
        for n, a in enumerate(group):
            for b in group[n + 1:]:
                if _years_agree(a, b):
                    assert same(a["id"], b["id"]) or apart(a["id"], b["id"]), (a["id"], b["id"])


def test_builtin_one_count_from_two_publishers_is_linked(cli):
    lines = {x["id"]: x for x in cli("funding", "--json").json()}
    same = _linked_by(list(lines.values()), ("same_as",))
    # the audit's pairs across publishers: news 2017 and CRS January 2017 (some / more
    # than $2.6 billion); GAO's $400 million for FY2008 and State's FY2008 supplemental
    for a, b in (("merida-appropriated-2-6bn-news-2017", "merida-cumulative-crs-r41349-2017-01"),
                 ("us-assistance-mexico-fy2008-gao-10-253r",
                  "merida-fy2008-supplemental-mexico-state-2008")):
        assert lines[a]["amount_usd"] == lines[b]["amount_usd"]
        assert lines[a]["publisher"] != lines[b]["publisher"]
        assert same(a, b), (a, b)


def test_builtin_a_figure_restated_in_later_versions_is_one_figure(cli):
    reports = {s["id"]: s["report_number"] for s in cli("sources", "--json").json()
               if s.get("report_number")}
    figures = cli("figures", "--json").json()
    same = _linked_by(figures, ("same_as",))
    apart = _linked_by(figures, ("distinct_from",))
    groups = _restatements(figures, reports,
                           lambda x: (x["value"], x["unit"], x.get("period"), x.get("place")))
    assert groups  # CRS R41349's $500 billion in annual trade, 2013-2015
    for group in groups:
        for n, a in enumerate(group):
            for b in group[n + 1:]:
                assert same(a["id"], b["id"]) or apart(a["id"], b["id"]), (a["id"], b["id"])


def test_builtin_figures_that_disagree_say_so_both_ways(cli):
    figures = {x["id"]: x for x in cli("figures", "--json").json()}
    conflicting = [x for x in figures.values() if x.get("conflicts_with")]
    assert conflicting
    for fig in conflicting:
        for other in fig["conflicts_with"]:
            assert fig["id"] in figures[other].get("conflicts_with", []), (fig["id"], other)
            assert figures[other]["value"] != fig["value"] and fig["unit"] == figures[other]["unit"]
        assert fig.get("note"), fig["id"]


def test_builtin_2021_overdoses_are_kept_twice_and_linked_as_disagreeing(cli):
    overdoses = [x for x in cli("figures", "--json").json()
                 if x.get("period") == "2021" and "overdose" in x["label"].lower()
                 and x["unit"] == "people"]
    values = {x["value"] for x in overdoses}
    assert len(values) >= 2  # CRS's nearly 108,000 (2022) and 107,000 (2023)
    linked = _linked_by(overdoses, ("same_as", "conflicts_with"))
    for n, a in enumerate(overdoses):
        for b in overdoses[n + 1:]:
            assert linked(a["id"], b["id"]), (a["id"], b["id"])
            if a["value"] != b["value"]:
                assert (b["id"] in a.get("conflicts_with", [])
                        or a["id"] in b.get("conflicts_with", [])), (a["id"], b["id"])
                assert f"{b['value']:,}" in a["note"] and f"{a['value']:,}" in b["note"]
