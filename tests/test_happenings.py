"""One happening, one record; money by what it counts and whose count; dates with their
precision (issue 13). Behaviour on a small fixture pack, data checks on the built-in pack."""

from __future__ import annotations

import pytest
from conftest import run_cli, write_pack

PACK = """\
sources:
  - id: crs
    title: CRS report
    publisher: Congressional Research Service
    date: "2020-07"
    file: crs.txt
  - id: crs-later
    title: CRS report, later version
    publisher: Congressional Research Service; text as reproduced elsewhere
    date: "2022-12"
    file: crs2.txt
  - id: news
    title: A news article
    publisher: A newspaper
    date: "2021"
    file: news.txt
topics:
  - id: money
    label: Money
programs:
  - id: plan
    name: A plan
    start: "2008"
    end: "2021-10"
    successor: next
    cite: [{source: crs, quote: "the plan"}]
  - id: next
    name: The next plan
    start: "2021-10"
    predecessor: plan
    cite: [{source: crs-later, quote: "the next plan"}]
funding:
  - id: total-2020
    title: Running total (CRS 2020)
    program: plan
    measure: cumulative-appropriation
    amount_usd: 3100000000
    qualifier: about
    recipient: mexico
    as_of: "2020-07-20"
    cite: [{source: crs, quote: "roughly $3.1 billion"}]
  - id: total-2022
    title: Running total FY2008-FY2021 (CRS 2022)
    program: plan
    measure: cumulative-appropriation
    amount_usd: 3500000000
    fiscal_years: FY2008-FY2021
    recipient: mexico
    as_of: "2022-12-12"
    cite: [{source: crs-later, quote: "$3.5 billion"}]
  - id: total-news
    title: Running total (news 2021)
    program: plan
    measure: cumulative-appropriation
    amount_usd: 2600000000
    recipient: mexico
    as_of: "2021-05"
    conflicts_with: [total-2020]
    cite: [{source: news, quote: "some $2.6 billion"}]
  - id: first-years
    title: Appropriations FY2008-FY2010 (CRS 2020)
    program: plan
    measure: appropriation
    amount_usd: 1500000000
    fiscal_years: FY2008-FY2010
    recipient: mexico
    as_of: "2020-07-20"
    cite: [{source: crs, quote: "$1.5 billion"}]
  - id: own-spending
    title: Mexico's own security spending (news)
    program: plan
    measure: partner-spending
    amount_usd: 79000000000
    as_of: "2021"
    cite: [{source: news, quote: "$79 billion"}]
events:
  - id: arrest
    title: The capture of a drug lord
    date: "2014-02"
    alt_dates:
      - date: "2014"
        source: news
    replaces: [capture-old]
    cite: [{source: crs, quote: "arrested in February 2014"}, {source: news, quote: "captured"}]
  - id: meeting
    title: Officials meet today
    date: "2021-10-08"
    date_inferred: true
    note: The text says "today"; the day is the publication date.
    cite: [{source: crs, quote: "met today"}]
  - id: october
    title: Something in October
    date: "2021-10"
    cite: [{source: crs, quote: "in October"}]
  - id: year-only
    title: Something in 2021
    date: "2021"
    cite: [{source: news, quote: "in 2021"}]
"""


@pytest.fixture
def pack(tmp_path):
    return write_pack(tmp_path / "pack", {"a.yaml": PACK})


def run(pack, *args):
    return run_cli("--no-builtin", "--data", pack, *args)


def test_merged_id_shows_the_surviving_record_and_says_so(pack):
    result = run(pack, "show", "capture-old")
    assert result.code == 0
    assert "The capture of a drug lord" in result.out
    assert "'capture-old' was merged into 'arrest'" in result.err
    assert run(pack, "show", "capture-old", "--json").json()["id"] == "arrest"
    typo = run(pack, "show", "capture-olx")
    assert typo.code == 2 and "did you mean 'capture-old'" in typo.err


def test_alt_dates_are_shown(pack):
    shown = run(pack, "show", "arrest").out
    assert "alt_dates: 2014 (news)" in shown
    rows = run(pack, "timeline", "--format", "csv").out
    assert "2014 (news)" in rows


def test_timeline_marks_inferred_dates_and_json_carries_them(pack):
    piped = run(pack, "timeline").out
    assert "\n~2021-10-08\t" in piped and "\n2021-10\t" in piped
    events = {e["id"]: e for e in run(pack, "timeline", "--json").json()}
    assert events["meeting"]["date_inferred"] is True
    assert events["arrest"]["alt_dates"] == [{"date": "2014", "source": "news"}]
    assert events["october"]["date_inferred"] is False and events["october"]["alt_dates"] == []


@pytest.mark.parametrize("args, ids", [
    (["--from", "2021"], ["year-only", "october", "meeting"]),
    (["--from", "2021-10"], ["october", "meeting"]),
    (["--from", "2021-10-08"], ["meeting"]),
    (["--to", "2014-02"], ["arrest"]),
    (["--to", "2014-01"], []),
    (["--from", "2014", "--to", "2014"], ["arrest"]),
    (["--on", "2021-10"], ["october", "meeting"]),
    (["--on", "2021-10-08"], ["meeting"]),
    (["--on", "2021"], ["year-only", "october", "meeting"]),
])
def test_timeline_ranges_at_each_precision(pack, args, ids):
    result = run(pack, "timeline", *args, "--json")
    assert [e["id"] for e in result.json()] == ids


@pytest.mark.parametrize("args, message", [
    (["--from", "2021-13"], "--from '2021-13'"),
    (["--to", "21"], "--to '21'"),
    (["--on", "2021", "--from", "2020"], "--on cannot be combined"),
    (["--from", "2022", "--to", "2021"], "is after"),
])
def test_timeline_bad_dates_are_usage_errors(pack, args, message):
    result = run(pack, "timeline", *args)
    assert result.code == 2 and message in result.err and "Traceback" not in result.err


def test_funding_json_carries_every_field(pack):
    lines = run(pack, "funding", "--json").json()
    assert len(lines) == 5
    for line in lines:
        for key in ("measure", "recipient", "amount_usd", "share_pct", "qualifier",
                    "fiscal_years", "period", "as_of", "source", "same_as", "conflicts_with"):
            assert key in line
    news = next(x for x in lines if x["id"] == "total-news")
    assert news["conflicts_with"] == ["total-2020"] and news["source"] == "news"


def test_funding_measure_filters_and_suggests(pack):
    lines = run(pack, "funding", "--measure", "appropriation", "--json").json()
    assert [x["id"] for x in lines] == ["first-years"]
    bad = run(pack, "funding", "--measure", "cumulative")
    assert bad.code == 2 and "did you mean 'cumulative-appropriation'" in bad.err


def test_funding_lists_running_totals_first_in_as_of_order(pack):
    piped = run(pack, "funding", "--program", "plan").out.splitlines()
    at = piped[0].split("\t").index("Id")
    ids = [row.split("\t")[at] for row in piped[1:]]
    assert ids == ["total-2020", "total-news", "total-2022", "first-years", "own-spending"]
    assert "DISAGREES with total-2020" in piped[2]
    markdown = run(pack, "funding", "--program", "plan", "--format", "markdown").out
    titles = [line for line in markdown.splitlines() if line.startswith("## ")]
    assert titles == ["## Cumulative appropriations (running totals, in the order stated)",
                      "## Appropriations for a fiscal year or a range",
                      "## Mexico's own spending (not U.S. aid)"]


def test_funding_as_of_keeps_each_publishers_latest_count(pack):
    lines = run(pack, "funding", "--measure", "cumulative-appropriation", "--as-of", "2021-12",
                "--json").json()
    assert sorted(x["id"] for x in lines) == ["total-2020", "total-news"]
    later = run(pack, "funding", "--measure", "cumulative-appropriation", "--as-of", "2023",
                "--json").json()
    # the two CRS copies are one publisher: only its latest count remains
    assert sorted(x["id"] for x in later) == ["total-2022", "total-news"]
    assert run(pack, "funding", "--as-of", "2019-13").code == 2


def test_funding_says_what_the_data_cannot_answer(pack):
    result = run(pack, "funding", "--program", "plan", "--measure", "appropriation")
    assert result.code == 0
    assert "recorded only up to FY2010" in result.err and "running totals" in result.err
    none = run(pack, "funding", "--program", "next", "--measure", "request")
    assert none.code == 1 and none.err.strip() == "no funding lines match"
    other = run(pack, "funding", "--measure", "request", "--recipient", "Mexico")
    assert other.code == 1
    assert "recorded for this selection: appropriation, cumulative-appropriation" in other.err


def test_funding_chart_draws_one_measure(pack):
    out = run_cli("--no-builtin", "--data", pack, "funding", tty=True, color=False,
                  width=140).out
    chart = out[out.index("cumulative-appropriation by the date"):].split("\n\n")[0]
    assert chart.count("█") > 0
    assert "$79 billion" not in chart and "$1.5 billion" not in chart  # other measures
    assert "about $3.1 billion" in chart and "≠" in chart
    own = run_cli("--no-builtin", "--data", pack, "funding", "--measure", "partner-spending",
                  tty=True, color=False, width=140).out
    own_chart = own[own.index("partner-spending by the date"):].split("\n\n")[0]
    assert "$79 billion" in own_chart and "$3.1 billion" not in own


def test_programs_show_end_and_successor(pack):
    rows = run(pack, "programs", "--format", "csv").out
    assert "2008 to 2021-10" in rows
    assert run(pack, "show", "plan", "--json").json()["record"]["successor"] == "next"


DUPLICATE = """\
  - id: capture-again
    title: The capture of the drug lord
    date: "2014-02-22"
    cite: [{source: news, quote: "captured again"}]
"""


def test_duplicate_lint_warns_and_strict_fails(tmp_path):
    pack = write_pack(tmp_path / "dup", {"a.yaml": PACK + DUPLICATE})
    lenient = run(pack, "validate")
    assert lenient.code == 0
    assert "warning: events 'arrest' and 'capture-again' look like one" in lenient.err
    strict = run(pack, "validate", "--strict")
    assert strict.code == 1 and "1 warning(s) found (--strict)" in strict.err


def test_duplicate_lint_accepts_records_marked_distinct(pack, tmp_path):
    assert run(pack, "validate", "--strict").code == 0
    distinct = DUPLICATE.replace("    cite:", "    distinct_from: [arrest]\n    cite:")
    pack2 = write_pack(tmp_path / "distinct", {"a.yaml": PACK + distinct})
    assert run(pack2, "validate", "--strict").code == 0


def test_duplicate_lint_finds_two_records_citing_one_passage(tmp_path):
    passage = "officials from both countries met behind closed doors to craft the details"
    twins = f"""\
  - id: talks
    title: Closed-door talks on the details
    date: "2008-03"
    cite: [{{source: crs, quote: "In the months that followed, {passage}."}}]
  - id: drafting
    title: Officials draft the plan
    date: "2008"
    cite: [{{source: crs, quote: "{passage}"}}]
"""
    result = run(write_pack(tmp_path / "p", {"a.yaml": PACK + twins}), "validate", "--strict")
    assert result.code == 1
    assert "'talks' and 'drafting' look like one" in result.err
    assert "they cite one passage" in result.err


def test_duplicate_lint_in_a_large_pack_reports_identical_names(tmp_path, monkeypatch):
    from merida_cli import lookalikes

    # more distinct names in a year than the limit (here two: arrest's and the copies')
    monkeypatch.setattr(lookalikes, "FUZZY_LIMIT", 1)
    pack = write_pack(tmp_path / "big", {"a.yaml": PACK + DUPLICATE + DUPLICATE.replace(
        "capture-again", "capture-third")})
    result = run(pack, "validate")
    assert result.code == 0
    assert "'capture-again' and 'capture-third' look like one" in result.err
    assert "'arrest' and 'capture-again'" not in result.err  # only identical names compared


def test_duplicate_lint_on_funding_needs_same_as_or_conflicts_with(tmp_path):
    twin = """\
  - id: total-2020-copy
    title: Appropriations so far, by CRS
    program: plan
    measure: cumulative-appropriation
    amount_usd: 3100000000
    qualifier: about
    recipient: mexico
    as_of: "2020-07"
    cite: [{source: crs, quote: "roughly $3.1 billion"}]
"""
    text = PACK.replace("events:\n", twin + "events:\n")
    result = run(write_pack(tmp_path / "f", {"a.yaml": text}), "validate", "--strict")
    assert result.code == 1 and "link them with same_as or conflicts_with" in result.err
    linked = text.replace("    as_of: \"2020-07\"\n", "    as_of: \"2020-07\"\n    same_as: [total-2020]\n")
    assert run(write_pack(tmp_path / "g", {"a.yaml": linked}), "validate", "--strict").code == 0


def test_measure_is_required_and_kind_is_gone(tmp_path):
    text = PACK.replace("    measure: partner-spending\n", "    kind: domestic\n")
    result = run(write_pack(tmp_path / "k", {"a.yaml": text}), "validate")
    assert result.code == 1
    assert "unknown field 'kind'" in result.err and "missing required field 'measure'" in result.err


def test_actor_filter_matches_the_name_not_who_reported_it(tmp_path):
    recs = """\
recommendations:
  - id: own
    text: Do one thing
    actor: Eric L. Olson (Wilson Center Mexico Institute)
    cite: [{source: crs, quote: "one"}]
  - id: reported
    text: Do another thing
    actor: Sigrid Arzt (former adviser, as reported by Eric L. Olson)
    cite: [{source: crs, quote: "two"}]
"""
    pack = write_pack(tmp_path / "r", {"a.yaml": PACK, "b.yaml": recs})
    assert [r["id"] for r in run(pack, "recs", "--actor", "olson", "--json").json()] == ["own"]
    assert [r["id"] for r in run(pack, "recs", "--actor", "arzt", "--json").json()] == ["reported"]


# ---- the built-in data ---------------------------------------------------------------

def test_builtin_pack_passes_strict_validation(cli):
    result = cli("validate", "--strict")
    assert result.code == 0, result.err
    assert "warning" not in result.err


@pytest.mark.parametrize("survivor, merged", [
    ("el-chapo-arrest-2014-02", ["el-chapo-captured-2014"]),
    ("guerrero-43-students-disappearance-2014-09", ["ayotzinapa-disappearance-2014"]),
    ("bicentennial-framework-launch-2021-10-08",
     ["bicentennial-announced-hlsd-insightcrime", "bicentennial-framework-launched-2021-crs-gao",
      "first-hlsd-2021-10-08"]),
    ("ganseg-installation-2021-12-14", ["bicentennial-official-start-insightcrime"]),
    ("merida-joint-statement-2007-10-22",
     ["merida-formed-2007-garza-leutert", "merida-launched-insightcrime",
      "merida-created-2008-news-2017", "merida-partnership-formalized-2008"]),
    ("merida-four-pillars-adopted-2011",
     ["obama-administration-reorients-merida-2009",
      "obama-proposes-four-pillar-strategy-fy2011-request",
      "high-level-meeting-new-strategy-2010-03-23"]),
    ("pfeiffer-raids-lack-follow-through", ["pfeiffer-kingpin-raids-no-follow-through"]),
    ("pfeiffer-biden-went-along-replacing-merida", ["pfeiffer-merida-rejected-by-amlo"]),
    ("garza-leutert-merida-shaky-ground", ["garza-leutert-america-first-threatens-cooperation"]),
    ("ebrard-leaving-merida-behind-press-availability", ["ebrard-leaving-merida-behind"]),
    ("mexico-homicides-rise-2016", ["mexico-second-violence-spike"]),
    ("insightcrime-bicentennial-relies-on-kingpin", ["insightcrime-kingpin-seriously-flawed"]),
    # issue 26's pairs that told one happening or claim twice
    ("bicentennial-action-plan-meeting-2022-01-31", ["zeya-bicentennial-follow-on-meeting-2022"]),
    ("merida-first-appropriation-fy2008-supplemental",
     ["merida-first-installment-released-2008", "merida-2008-funding-package-human-rights"]),
    ("olson-collaboration-beats-unilateralism",
     ["olson-unilateralism-undermines-decade-of-cooperation"]),
    ("congress-questions-efficacy-security-cooperation",
     ["crs-congress-criticism-merida-results-2022"]),
    ("analysts-praise-breadth-criticize-priorities-crs",
     ["critics-too-many-priorities-without-funding-crs"]),
])
def test_builtin_duplicate_groups_are_one_record_each(cli, survivor, merged):
    record = cli("show", survivor, "--json").json()["record"]
    assert set(merged) <= set(record["replaces"])
    for old in merged:
        result = cli("show", old, "--json")
        assert result.code == 0 and result.json()["id"] == survivor
        assert f"merged into '{survivor}'" in result.err


@pytest.mark.parametrize("survivor, sources", [
    ("bicentennial-action-plan-meeting-2022-01-31",
     {"action-plan-summary-usembassy-2022-01-31", "sre-action-plan-press-release-2022-01-31",
      "state-zeya-bicentennial-followon-meeting", "state-zeya-opening-remarks-hlsd-followon"}),
    ("merida-first-appropriation-fy2008-supplemental",
     {"state-fact-sheet-merida-initiative-2008-08-06", "olson",
      "crs-r40135-2009-08-21-everycrsreport"}),
    ("congress-questions-efficacy-security-cooperation",
     {"crs-if10578-2022-04-07-hsdl-abstract", "crs-in11859-2022-02-17"}),
    ("analysts-praise-breadth-criticize-priorities-crs",
     {"crs-if10578-2021-01-13", "crs-if10578-2022-12-12", "crs-if10578-2023-10-09"}),
])
def test_builtin_a_merged_record_keeps_every_accounts_sources(cli, survivor, sources):
    record = cli("show", survivor, "--json").json()["record"]
    assert sources <= {c["source"] for c in record["cite"]}


@pytest.mark.parametrize("one, other", [
    ("bicentennial-preliminary-action-plan-2021-12-14", "ganseg-installation-2021-12-14"),
    ("mexico-homicide-surge-news-2017", "mexico-homicides-rise-2016"),
    ("crs-cartel-threat-persists-despite-bicentennial-2025", "crs-trends-continued-despite-merida"),
    # two versions of R41349 (issue 26): one passage, two claims
    ("crs-merida-increased-justice-reform-support", "crs-merida-increased-cooperation"),
    ("crs-merida-newer-focus-areas", "crs-third-pillar-building-then-creating-border"),
])
def test_builtin_look_alikes_kept_apart_say_why(cli, one, other):
    a = cli("show", one, "--json").json()
    b = cli("show", other, "--json").json()
    assert a["id"] == one and b["id"] == other  # neither merged into the other
    assert other in a["record"]["distinct_from"] and other in a["record"]["note"]


def test_builtin_four_pillar_dates_are_kept_as_alternatives(cli):
    event = cli("show", "merida-four-pillars-adopted-2011", "--json").json()["record"]
    assert event["date"] == "2011"
    assert sorted(a["date"] for a in event["alt_dates"]) == ["2009", "2010", "2010-03-23"]


def test_builtin_cumulative_series_in_as_of_order(cli):
    lines = cli("funding", "--program", "merida", "--measure", "cumulative-appropriation",
                "--json").json()
    official = [(x["as_of"], x["amount_usd"]) for x in lines
                if x["recipient"] == "mexico" and x["source"].startswith(("crs-if", "wh-"))]
    assert official == sorted(official, key=lambda pair: pair[0])
    assert {("2020-07-20", 3.1e9), ("2021-01-13", 3.3e9), ("2021-03-01", 3.2e9),
            ("2022-04-07", 3.5e9), ("2024-10-01", 3.5e9)} <= set(official)
    piped = cli("funding", "--program", "merida").out.splitlines()
    measures = [row.split("\t")[0] for row in piped[1:]]
    count = measures.count("cumulative-appropriation")
    assert measures[:count] == ["cumulative-appropriation"] * count
    at = piped[0].split("\t").index("As of")
    as_of = [row.split("\t")[at] for row in piped[1:count + 1]]
    assert as_of == sorted(as_of)


def test_builtin_funding_lines_count_one_thing_each(cli):
    lines = cli("funding", "--json").json()
    by_id = {x["id"]: x for x in lines}
    assert by_id["us-drug-treatment-interdiction-first-year"]["measure"] == "domestic-spending"
    assert by_id["mexico-security-investment-79bn-garza-leutert"]["measure"] == "partner-spending"
    assert by_id["merida-fy2008-supplemental-mexico-state-2008"]["same_as"] == [
        "olson-first-installment-2008"]
    assert "merida-total-since-fy2008-crs-r41349-2017" in by_id[
        "merida-appropriated-2-6bn-news-2017"]["conflicts_with"]
    mexico = cli("funding", "--recipient", "Mexico", "--measure", "cumulative-appropriation",
                 "--json").json()
    assert max(x["as_of"] for x in mexico) >= "2024"
    bicentennial = cli("funding", "--program", "bicentennial", tty=True, color=False).out
    assert "█" not in bicentennial  # no running total: no chart of domestic spending


def test_builtin_merida_ends_with_its_successor(cli):
    merida = cli("show", "merida", "--json").json()["record"]
    assert merida["end"] == "2021-10" and merida["successor"] == "bicentennial"
    assert cli("show", "bicentennial", "--json").json()["record"]["predecessor"] == "merida"
    rows = cli("programs", "--format", "csv").out
    assert "2007 to 2021-10" in rows


def test_builtin_inferred_dates_are_marked(cli):
    events = {e["id"]: e for e in cli("timeline", "--json").json()}
    for rid in ("jalisco-ied-attack-police", "biden-lopez-obrador-meeting-2021-03-01",
                "us-officials-meet-lopez-obrador-2021-10-08"):
        assert events[rid]["date_inferred"] is True and events[rid]["note"]
    rows = cli("timeline", "--on", "2023", "--format", "csv").out
    assert "~2023-07,jalisco-ied-attack-police" in rows


def test_builtin_olson_is_one_actor(cli):
    recs = cli("recs", "--actor", "olson", "--json").json()
    assert len(recs) >= 10
    assert {r["actor"] for r in recs} == {"Eric L. Olson (Wilson Center Mexico Institute)"}
