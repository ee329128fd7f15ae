"""`merida commitments` and the evidence compare weighs, on a small pack of our own.

The pack: `old` (2000-2010) made two pledges in 2000 (Mexico: fight graft; the U.S.:
curb guns) and has pillars on courts; `new` (2011-) has goals on graft, guns and money,
and three pledges of 2012. Later records report on the pledges: one done, one first under
way then stalled, one with no report. An assessment says `guns` is new in `new`
(disputed by old's pledge); another about old carries `health` (practice only).
"""

from __future__ import annotations

import re

import pytest
from conftest import run_cli, write_pack
from helpers import AUDIT_TRACING_STALLED

PACK = """\
sources:
  - {id: notes, title: Notes, file: notes.txt, date: "2015"}
  - {id: audit, title: Audit, file: audit.txt, date: "2020-05"}
topics:
  - {id: graft, label: Graft}
  - {id: guns, label: Guns}
  - {id: courts, label: Courts}
  - {id: health, label: Health}
  - {id: money, label: Money}
  - {id: budget, label: Budget, policy: false}
programs:
  - {id: old, name: The old initiative, type: initiative, start: "2000", end: "2010",
     cite: [{source: notes, quote: old}]}
  - {id: new, name: The new framework, type: framework, start: "2011",
     cite: [{source: notes, quote: new}]}
structures:
  - id: old-pledges
    program: old
    label: Pledges
    adopted: "2000-03"
    commitments: true
    cite: [{source: notes, quote: pledges}]
    items:
      - {id: old-pledge-graft, number: 1, title: Mexico fights graft, by: mexico,
         topics: [graft], cite: [{source: notes, quote: Mexico pledged to fight graft}]}
      - {id: old-pledge-guns, number: 2, title: The U.S. curbs guns, by: us,
         topics: [guns], cite: [{source: notes, quote: the U.S. pledged to curb guns}]}
  - id: old-pillars
    program: old
    label: Pillars
    adopted: "2005"
    cite: [{source: notes, quote: pillars}]
    items:
      - {id: old-pillar-1, number: 1, title: Courts, topics: [courts, budget],
         cite: [{source: notes, quote: courts}]}
  - id: new-goals
    program: new
    label: Goals
    adopted: "2011"
    cite: [{source: notes, quote: goals}]
    items:
      - {id: new-goal-1, number: 1, title: "Graft, guns and money", topics: [graft, guns, money],
         cite: [{source: notes, quote: graft guns money}]}
  - id: new-pledges
    program: new
    label: Pledges of 2012
    adopted: "2012-06-01"
    commitments: true
    by: both
    cite: [{source: notes, quote: pledges of 2012}]
    items:
      - {id: new-pledge-lab, number: 1, title: Open a forensic lab, topics: [courts],
         cite: [{source: notes, quote: open a lab}]}
      - {id: new-pledge-arms, number: 2, title: Trace seized arms, by: us, topics: [guns],
         cite: [{source: notes, quote: trace arms}]}
      - {id: new-pledge-data, number: 3, title: Share crime data, made: "2013", topics: [money],
         cite: [{source: notes, quote: share data}]}
events:
  - id: lab-opened
    title: The forensic lab opened
    date: "2014-02"
    programs: [new]
    reports_on:
      - {commitment: new-pledge-lab, status: done, quote: the lab opened in February}
    cite: [{source: notes, quote: the lab opened}]
  - id: tracing-begins
    title: Tracing began at two ports
    date: "2013"
    programs: [new]
    reports_on:
      - {commitment: new-pledge-arms, status: under-way, quote: tracing began at two ports}
    cite: [{source: notes, quote: tracing began}]
assessments:
""" + AUDIT_TRACING_STALLED + """\
  - id: audit-guns-new
    text: The audit calls gun tracing a new commitment of the new framework
    about: new
    actor: The auditor
    stance: neutral
    compared_to: old
    new_topics: [guns]
    cite: [{source: audit, quote: guns are a new commitment}]
  - id: old-health-critique
    text: The old initiative neglected addiction treatment
    about: old
    actor: A critic
    stance: negative
    topics: [health]
    cite: [{source: notes, quote: addiction was neglected}]
recommendations:
  - {id: rec-graft, text: Fight graft in the courts, actor: Me, source: notes,
     topics: [graft], cite: [{source: notes, quote: fight graft}]}
  - {id: rec-money, text: Audit every grant twice, actor: Me, source: notes,
     topics: [money], cite: [{source: notes, quote: audit grants}]}
"""


@pytest.fixture
def merida(tmp_path):
    pack = write_pack(tmp_path / "pack", {"pack.yaml": PACK})

    def run(*args, **kwargs):
        return run_cli("--no-builtin", "--data", pack, *args, **kwargs)
    return run


def by_id(result) -> dict:
    assert result.code == 0, result.err
    return {row["id"]: row for row in result.json()}


# ---- merida commitments -----------------------------------------------------------


def test_json_contract(merida):
    rows = merida("commitments", "new", "--json").json()
    assert [r["id"] for r in rows] == ["new-pledge-lab", "new-pledge-arms", "new-pledge-data"]
    for row in rows:
        assert {"id", "title", "made", "by", "source", "status", "evidence"} <= set(row)
        for ev in row["evidence"]:
            assert {"id", "kind", "date", "source", "quote"} <= set(ev)
    lab = rows[0]
    assert (lab["made"], lab["by"], lab["source"]) == ("2012-06-01", "both", "notes")
    assert lab["evidence"] == [{"id": "lab-opened", "kind": "event", "date": "2014-02",
                                "source": "notes", "quote": "the lab opened in February",
                                "status": "done", "title": "The forensic lab opened"}]


def test_status_is_derived_from_the_latest_report(merida):
    rows = by_id(merida("commitments", "new", "--json"))
    assert rows["new-pledge-lab"]["status"] == "reported-done"
    arms = rows["new-pledge-arms"]
    assert [e["status"] for e in arms["evidence"]] == ["under-way", "stalled"]  # oldest first
    assert arms["status"] == "reported-stalled"  # the 2020 audit is the latest word
    assert arms["evidence"][1]["date"] == "2020-05"  # an assessment dates by its source
    data = rows["new-pledge-data"]
    assert data["status"] == "no-later-report" and data["evidence"] == []
    assert data["made"] == "2013" and data["by"] == "both"


def test_same_day_reports_that_disagree_give_the_less_favourable():
    from merida_cli.commitments import status_of

    reports = [{"date": "2020", "status": "done"}, {"date": "2020", "status": "under-way"},
               {"date": "2019", "status": "stalled"}]
    assert status_of(reports) == "reported-under-way"
    assert status_of([]) == "no-later-report"


@pytest.mark.parametrize("argv,expected", [
    (["--status", "stalled"], ["new-pledge-arms"]),
    (["--status", "reported-done"], ["new-pledge-lab"]),
    (["--status", "none"], ["new-pledge-data"]),
    (["--by", "us"], ["new-pledge-arms"]),
    (["--by", "both"], ["new-pledge-lab", "new-pledge-data"]),
    (["--since", "2013"], ["new-pledge-data"]),
    (["--topic", "guns"], ["new-pledge-arms"]),
], ids=["status", "status-full", "status-none", "by-us", "by-both", "since", "topic"])
def test_filters(merida, argv, expected):
    assert list(by_id(merida("commitments", "new", *argv, "--json"))) == expected


def test_mexico_pledge_of_the_old_initiative(merida):
    rows = by_id(merida("commitments", "old", "--by", "mexico", "--json"))
    assert list(rows) == ["old-pledge-graft"]
    assert rows["old-pledge-graft"]["status"] == "no-later-report"


@pytest.mark.parametrize("argv,message", [
    (["--status", "finished"], "--status 'finished': expected one of reported-done"),
    (["--by", "canada"], "--by 'canada': expected us, mexico or both"),
    (["--since", "June"], "--since 'June': expected a date"),
])
def test_bad_filters_are_usage_errors(merida, argv, message):
    result = merida("commitments", "new", *argv)
    assert result.code == 2 and message in result.err and "Traceback" not in result.err


def test_no_match_exits_1(merida):
    result = merida("commitments", "new", "--status", "done", "--by", "us")
    assert result.code == 1 and "no commitments match" in result.err


@pytest.mark.parametrize("fmt", ["csv", "markdown", "plain"])
def test_every_format_names_title_status_and_latest(merida, fmt):
    out = merida("commitments", "new", "--format", fmt).out
    assert "Trace seized arms" in out and "reported-stalled" in out and "2020-05" in out


def test_fields_pick_columns(merida):
    out = merida("commitments", "new", "--fields", "id,status", "--format", "csv").out
    assert out.splitlines()[:2] == ["Id,Status", "new-pledge-lab,reported-done"]


def test_80_columns_keep_title_status_and_latest_whole(merida):
    out = merida("commitments", "new", tty=True, color=False, width=80).out
    assert max(len(line) for line in out.splitlines()) <= 80
    for whole in ("Open a forensic lab", "reported-done", "2014-02", "reported-stalled",
                  "2020-05", "no-later-report"):
        assert whole in out


# ---- validate: links must point at commitments made before them ---------------------


def test_a_report_dated_before_its_commitment_is_invalid(tmp_path):
    early = PACK.replace('date: "2014-02"', 'date: "2011-01"')
    pack = write_pack(tmp_path / "early", {"pack.yaml": early})
    result = run_cli("--no-builtin", "--data", pack, "validate")
    assert result.code == 1
    assert ("event 'lab-opened': dated 2011-01, reports on commitment 'new-pledge-lab' made "
            "2012-06-01, before it was made") in result.err


def test_a_report_on_an_item_that_is_no_commitment_is_invalid(tmp_path):
    bad = PACK.replace("commitment: new-pledge-lab", "commitment: new-goal-1")
    pack = write_pack(tmp_path / "bad", {"pack.yaml": bad})
    result = run_cli("--no-builtin", "--data", pack, "validate")
    assert result.code == 1 and "not marked `commitments: true`" in result.err


def test_a_report_on_an_unknown_item_names_file_and_line(tmp_path):
    bad = PACK.replace("commitment: new-pledge-lab", "commitment: new-pledge-lap")
    pack = write_pack(tmp_path / "bad", {"pack.yaml": bad})
    result = run_cli("--no-builtin", "--data", pack, "validate")
    assert result.code == 1
    assert "pack.yaml:" in result.err and "unknown commitment 'new-pledge-lap'" in result.err
    assert "did you mean 'new-pledge-lab'" in result.err


def test_valid_pack_validates(merida):
    result = merida("validate", "--strict")
    assert result.code == 0, result.err


# ---- compare on all the evidence ----------------------------------------------------


def compare(merida) -> dict:
    result = merida("compare", "old", "new", "--json")
    assert result.code == 0, result.err
    return result.json()


def test_a_topic_carried_only_by_a_pledge_is_both(merida):
    rows = {r["topic"]: r for r in compare(merida)["topics"]}
    graft = rows["graft"]
    assert graft["status"] == "both"
    assert [ev["id"] for ev in graft["a"]] == ["old-pledge-graft"]
    assert graft["a"][0]["kind"] == "commitment" and graft["strength"]["a"] == "intent"


def test_a_topic_carried_only_by_an_assessment_is_reported_practice(merida):
    rows = {r["topic"]: r for r in compare(merida)["topics"]}
    health = rows["health"]
    assert health["status"] == "only-a" and health["strength"] == {"a": "practice", "b": None}
    assert health["a"][0]["quote"] == "addiction was neglected"


def test_follow_through_counts_as_practice(merida):
    rows = {r["topic"]: r for r in compare(merida)["topics"]}
    kinds = [ev["kind"] for ev in rows["courts"]["b"]]
    assert kinds[0] == "commitment" and "follow-through" in kinds
    assert rows["courts"]["strength"]["b"] == "intent+practice"


def test_a_source_calling_a_topic_new_against_the_record_is_disputed(merida):
    rows = {r["topic"]: r for r in compare(merida)["topics"]}
    guns = rows["guns"]
    assert guns["status"] == "both"
    assert [e["id"] for e in guns["disputed"]["new"]] == ["audit-guns-new"]
    assert guns["disputed"]["new"][0]["quote"] == "guns are a new commitment"
    assert [e["id"] for e in guns["disputed"]["continued"]] == ["old-pledge-guns"]
    assert rows["graft"]["disputed"] is False
    out = merida("compare", "old", "new").out
    assert "both, disputed" in out and "new: assessment 2020-05" in out


def test_bookkeeping_topics_are_apart(merida):
    data = compare(merida)
    assert "budget" not in {r["topic"] for r in data["topics"]}
    assert [r["topic"] for r in data["bookkeeping"]] == ["budget"]
    diff = merida("diff", "old", "new", "--json").json()
    assert [e["topic"] for e in diff["dropped"]] == ["health"]
    assert [e["topic"] for e in diff["bookkeeping"]] == ["budget"]
    plain = merida("diff", "old", "new").out
    assert "Bookkeeping topics (not policies: never added or dropped)" in plain


def test_evidence_all_lists_every_piece(merida):
    top = merida("compare", "old", "new").out
    every = merida("compare", "old", "new", "--evidence", "all").out
    assert "more: --evidence all" in top and "more: --evidence all" not in every
    assert "[tracing-begins]" in every and "[tracing-begins]" not in top
    assert merida("compare", "old", "new", "--evidence", "some").code == 2


def test_gaps_shows_the_nearest_evidence(merida):
    data = merida("gaps", "new", "--json").json()
    addressed = {r["id"]: r for r in data["recommendations_addressed"]}
    unaddressed = {r["id"]: r for r in data["recommendations_unaddressed"]}
    assert addressed["rec-graft"]["nearest"]["id"] == "new-goal-1"
    money = unaddressed["rec-money"]["nearest"]  # carries money, but no word in common
    assert money["score"] == 0 and money["id"] in ("new-goal-1", "new-pledge-data")
    plain = merida("gaps", "new").out
    assert "0% near" in plain


# ---- exports ----------------------------------------------------------------------


def test_exports_carry_commitments_and_their_evidence(merida, tmp_path):
    import csv
    import sqlite3

    folder = tmp_path / "csv"
    assert merida("export", "--format", "csv", "-o", folder).code == 0
    with open(folder / "commitments.csv", encoding="utf-8") as f:
        rows = {r["id"]: r for r in csv.DictReader(f)}
    assert rows["new-pledge-arms"]["status"] == "reported-stalled"
    assert rows["new-pledge-arms"]["reports"] == "2"
    with open(folder / "follow_through.csv", encoding="utf-8") as f:
        links = list(csv.DictReader(f))
    assert {(r["record_id"], r["commitment"], r["source"]) for r in links} == {
        ("lab-opened", "new-pledge-lab", "notes"), ("tracing-begins", "new-pledge-arms", "notes"),
        ("audit-tracing-stalled", "new-pledge-arms", "audit")}
    db = tmp_path / "m.db"
    assert merida("export", "--format", "sqlite", "-o", db).code == 0
    with sqlite3.connect(db) as conn:
        status = conn.execute("select status from commitments where id = 'new-pledge-lab'")
        assert status.fetchone() == ("reported-done",)


# ---- the built-in data --------------------------------------------------------------

def builtin_commitments(cli, program: str) -> list[dict]:
    result = cli("commitments", program, "--json")
    assert result.code == 0, result.err
    return result.json()


def test_builtin_bicentennial_commitments_have_later_evidence(cli):
    rows = builtin_commitments(cli, "bicentennial")
    linked = [r for r in rows if r["evidence"]]
    assert len(rows) >= 20 and len(linked) >= 8
    for row in linked:  # a status only with evidence, never dated before the promise
        assert row["status"] != "no-later-report"
        assert all(ev["date"][:4] >= row["made"][:4] and ev["quote"] for ev in row["evidence"])
    assert all(r["status"] == "no-later-report" for r in rows if not r["evidence"])


def test_gao_2023_reports_the_evaluation_commitment_stalled(cli):
    rows = {r["id"]: r for r in builtin_commitments(cli, "bicentennial")}
    row = rows["bicentennial-2021-evaluate-impact"]
    gao = [ev for ev in row["evidence"] if ev["source"] == "gao-23-103795-product-page"]
    assert gao and gao[0]["status"] == "stalled" and "assessed" in gao[0]["quote"]
    assert row["status"] == "reported-stalled"


def test_merida_pledges_are_listed_with_who_pledged(cli):
    rows = builtin_commitments(cli, "merida")
    pledges = {r["id"]: r for r in rows if r["structure"] == "merida-shared-responsibility-pledges"}
    assert pledges["merida-pledge-mexico-corruption"]["by"] == "mexico"
    assert pledges["merida-pledge-us-firearms"]["by"] == "us"
    assert pledges["merida-pledge-us-drug-demand"]["status"] == "reported-stalled"


def test_brief_follow_through_counts_by_status_and_quotes_done_and_stalled(merida):
    result = merida("brief", "new", "--format", "markdown")
    assert result.code == 0, result.err
    section = result.out.split("## Follow-through", 1)[1].split("\n## ", 1)[0]
    assert ("Of the 3 commitments merida records for The new framework: 1 reported done, "
            "1 reported stalled, 1 no later report.") in section
    done = section.split("### Reported done", 1)[1].split("###", 1)[0]
    assert "Open a forensic lab. Reported 2014-02: The forensic lab opened" in done
    stalled = section.split("### Reported stalled", 1)[1]
    # the stalled line names the report that says stalled, not the earlier one of progress
    assert "Trace seized arms. Reported 2020-05" in stalled
    assert "Tracing began" not in stalled
    notes = {m.group(1): m.group(2) for m in re.finditer(r"\[\^(\d+)\]: \u201c(.*?)\u201d",
                                                        result.out)}
    for quote in ("the lab opened in February", "tracing has stalled since 2018", "open a lab"):
        assert quote in notes.values()
    lab = next(line for line in done.splitlines() if "forensic lab" in line)
    cited = {notes[n] for n in re.findall(r"\[\^(\d+)\]", lab)}
    assert cited == {"open a lab", "the lab opened in February"}


def test_brief_of_a_topic_has_no_follow_through_section(merida):
    result = merida("brief", "guns", "--format", "markdown")
    assert result.code == 0 and "## Follow-through" not in result.out


def test_the_list_says_how_many_of_each_status_and_what_no_report_means(merida):
    result = merida("commitments", "new")
    assert result.code == 0
    summary = result.err.strip().splitlines()[-1]
    assert summary.startswith("3 commitments: 1 reported done, 1 stalled, "
                              "1 with no later report linked (the status is what the latest")
    assert "new-pledge-lab" not in result.err  # the rows stay on stdout, the count on stderr
    assert "commitments:" not in merida("commitments", "new", "--json").err
