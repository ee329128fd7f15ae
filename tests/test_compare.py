"""compare / diff / gaps over every structure a program had, on a small pack of our own.

The pack: `old` (2000-2010) had aims (2000) and pillars (2005); `new` (2011-) has goals
(2011) and a plan (2015). `health` is carried only by old's *older* structure; `gear`
only by old; `money` and `police` only by new. `sub` is a sub-program of old; `bare` a
framework with no structure.
"""

from __future__ import annotations

import csv
import io

import pytest
from conftest import run_cli, write_pack
from helpers import COMPARE_PACK as PACK


@pytest.fixture
def pack(tmp_path):
    return write_pack(tmp_path / "pack", {"pack.yaml": PACK})


@pytest.fixture
def merida(pack):
    def run(*args, **kwargs):
        return run_cli("--no-builtin", "--data", pack, *args, **kwargs)
    return run


def topics_of(result) -> dict:
    assert result.code == 0, result.err
    return {row["topic"]: row for row in result.json()["topics"]}


def ids(evidence) -> list[str]:
    return [ev["id"] for ev in evidence]


def test_a_topic_only_an_older_structure_carried_is_both(merida):
    result = merida("compare", "old", "new", "--json")
    health = topics_of(result)["health"]
    assert health["status"] == "both" and health["only"] is None
    assert health["a"] == [{"id": "old-aim-2", "kind": "item", "strength": "intent",
                            "title": "Treat addiction", "number": 2, "structure": "old-aims",
                            "adopted": "2000", "date": "2000", "source": "notes",
                            "quote": "health"}]
    assert ids(health["b"]) == ["new-goal-3"]


def test_compare_json_contract(merida):
    data = merida("compare", "old", "new", "--json").json()
    assert set(data) == {"a", "b", "method", "topics", "bookkeeping"}
    assert {"id", "name", "period", "structure", "structure_id", "components", "funding_lines",
            "recommendations"} <= set(data["a"])
    assert [s["id"] for s in data["a"]["structures"]] == ["old-aims", "old-pillars"]
    assert data["a"]["components"] == 4 and data["b"]["components"] == 4
    statuses = {row["topic"]: row["status"] for row in data["topics"]}
    assert statuses == {"guns": "both", "courts": "both", "police": "only-b", "health": "both",
                        "money": "only-b", "gear": "only-a"}
    for row in data["topics"]:
        assert {"topic", "label", "status", "a", "b", "disputed", "strength"} <= set(row)
        assert row["disputed"] is False
        for ev in row["a"] + row["b"]:
            assert {"id", "kind", "date", "quote", "title", "number", "structure", "adopted",
                    "source"} <= set(ev)


def test_method_line_says_what_was_compared(merida):
    data = merida("compare", "old", "new", "--json").json()
    assert data["method"] == (
        "weighed every structure item and commitment each program had (stated intent) and "
        "every assessment, event, figure, funding line and follow-through report about it or "
        "its sub-programs (reported practice); bookkeeping topics apart: old 2000–2010, "
        "all 2 structures; new 2011–, all 2 structures")
    plain = merida("compare", "old", "new").out.splitlines()
    assert plain[0] == data["method"]


def test_every_evidence_id_resolves_with_show(merida):
    data = merida("compare", "old", "new", "--json").json()
    evidence = {ev["id"] for row in data["topics"] for ev in row["a"] + row["b"]}
    assert len(evidence) == 8
    for rid in evidence:
        shown = merida("show", rid, "--json")
        assert shown.code == 0, shown.err
        assert shown.json()["id"] == rid


def test_structure_option_narrows_its_own_program_only(merida):
    result = merida("compare", "old", "new", "--structure", "old-pillars", "--json")
    topics = topics_of(result)
    assert topics["health"]["status"] == "only-b"  # the aims are left out
    assert ids(topics["guns"]["a"]) == ["old-pillar-1"]
    assert ids(topics["guns"]["b"]) == ["new-goal-1"]  # new keeps both structures
    assert "old 2000–2010, 1 of 2 structures (chosen); new 2011–, all 2 structures" \
        in result.json()["method"]


def test_structure_option_repeats(merida):
    result = merida("compare", "old", "new", "--structure", "old-aims",
                    "--structure", "new-plan", "--json")
    assert set(topics_of(result)) == {"guns", "health", "police"}


def test_as_of_keeps_structures_adopted_by_then(merida):
    result = merida("compare", "old", "new", "--as-of", "2012", "--json")
    topics = topics_of(result)
    assert "police" not in topics  # the 2015 plan is left out
    assert "new 2011–, 1 of 2 structures (adopted by 2012)" in result.json()["method"]
    # a month-precision adoption date counts by the year given
    assert "police" in topics_of(merida("compare", "old", "new", "--as-of", "2015", "--json"))


def test_as_of_before_any_structure_is_an_error(merida):
    result = merida("compare", "old", "new", "--as-of", "2004")
    assert result.code == 1
    assert result.err.strip() == "error: no structure of new was adopted by 2004 (its first: " \
                                 "2011-06)"


@pytest.mark.parametrize("args,fragment", [
    (["--structure", "new-goalz"], "did you mean 'new-goals'"),
    (["--as-of", "June 2012"], "--as-of 'June 2012': expected a date"),
], ids=["unknown-structure", "bad-date"])
def test_bad_narrowing_is_a_usage_error(merida, args, fragment):
    result = merida("compare", "old", "new", *args)
    assert result.code == 2 and fragment in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_structure_of_a_third_program_is_refused(merida, tmp_path):
    extra = write_pack(tmp_path / "extra", {"x.yaml": """\
structures:
  - id: bare-lines
    program: sub
    label: Lines
    cite: [{source: notes, quote: x}]
    items: [{id: bare-line-1, title: X, cite: [{source: notes, quote: x}]}]
"""})
    result = merida("--data", extra, "compare", "old", "new", "--structure", "bare-lines")
    assert result.code == 2
    assert "bare-lines is a structure of sub, not of old or new" in result.err


def test_diff_lists_and_exit_code(merida):
    result = merida("diff", "old", "new", "--json")
    assert result.code == 1
    data = result.json()
    assert {"a", "b", "added", "dropped", "continued"} <= set(data)
    assert [e["topic"] for e in data["added"]] == ["police", "money"]
    assert [e["topic"] for e in data["dropped"]] == ["gear"]
    assert [e["topic"] for e in data["continued"]] == ["guns", "courts", "health"]
    health = data["continued"][2]
    assert ids(health["a"]) == ["old-aim-2"] and ids(health["b"]) == ["new-goal-3"]


def test_diff_plain_marks_each_topic(merida):
    result = merida("diff", "old", "new")
    assert result.code == 1
    lines = result.out.splitlines()
    assert lines[0].startswith("weighed every structure item and commitment each program had")
    assert "old -> new by policy topic: 2 added, 1 dropped, 3 continued" in lines
    rows = [line.split("\t") for line in lines[lines.index("±\tTopic\told\tnew") + 1:]]
    assert [(r[0], r[1]) for r in rows] == [("-", "Gear"), ("+", "Police"), ("+", "Money"),
                                            ("=", "Guns"), ("=", "Courts"), ("=", "Health")]
    assert rows[0][3] == "-" and "[old-pillar-2]" in rows[0][2]


def test_diff_same_program_exit_0(merida):
    result = merida("diff", "old", "old")
    assert result.code == 0
    assert "0 added, 0 dropped, 4 continued" in result.out


def test_diff_as_of_narrows_too(merida):
    result = merida("diff", "old", "new", "--as-of", "2012", "--json")
    assert "police" not in [e["topic"] for e in result.json()["added"]]


def test_crosswalk_each_component_with_those_sharing_its_topics(merida):
    result = merida("compare", "old", "new", "--by", "component", "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert data["by"] == "component" and data["method"].startswith("components of every")
    forward = {row["component"]["id"]: row for row in data["a_to_b"]}
    assert [m["id"] for m in forward["old-pillar-2"]["matches"]] == ["new-goal-2"]
    assert forward["old-pillar-2"]["matches"][0]["shared"] == ["courts"]
    assert forward["old-aim-2"]["matches"][0]["id"] == "new-goal-3"
    back = {row["component"]["id"]: row for row in data["b_to_a"]}
    assert [m["id"] for m in back["new-goal-1"]["matches"]] == ["old-aim-1", "old-pillar-1"]
    assert back["new-plan-1"]["matches"] == []  # police: nothing of old carries it


def test_crosswalk_plain_has_both_directions(merida):
    out = merida("compare", "old", "new", "--by", "component").out
    assert "Each old component and the new components sharing its topics" in out
    assert "Each new component and the old components sharing its topics" in out
    assert "2. Justice [new-goal-2]: courts" in out


def test_gaps_without_a_program_reads_top_level_programs_only(merida):
    result = merida("gaps", "--json")
    assert result.code == 0
    data = result.json()
    assert data["programs"] == ["old", "new"]  # not the sub-program, not the bare framework
    assert "top-level initiatives and frameworks" in data["method"]
    assert "left out, no structure recorded: bare" in data["method"]
    # the sub-program carries `elsewhere`, but no top-level program does
    assert [r["id"] for r in data["recommendations_unaddressed"]] == ["rec-elsewhere"]
    unspoken = [c["id"] for c in data["components_without_recommendations"]]
    assert unspoken == ["old-aim-2", "old-pillar-2", "new-goal-2", "new-goal-3"]


def test_gaps_for_one_program_uses_its_whole_history(merida):
    data = merida("gaps", "old", "--json").json()
    assert data["program"] == "old" and data["programs"] == ["old"]
    # rec-police's broader topic, courts, is carried by old's pillar 2, whose words are
    # nowhere near it: not addressed, with that pillar shown as the nearest, 0% near
    assert [r["id"] for r in data["recommendations_unaddressed"]] == ["rec-police",
                                                                      "rec-elsewhere"]
    police = data["recommendations_unaddressed"][0]["nearest"]
    assert (police["id"], police["score"], police["program"]) == ("old-pillar-2", 0, "old")
    assert data["recommendations_unaddressed"][1]["nearest"] is None
    # the aim of 2000 that no recommendation speaks to counts as much as the pillars
    unspoken = [c["id"] for c in data["components_without_recommendations"]]
    assert unspoken == ["old-aim-2", "old-pillar-2"]
    comp = data["components_without_recommendations"][0]
    assert comp["structure"] == "old-aims" and comp["program"] == "old"


def test_gaps_plain_titles_each_table(merida):
    out = merida("gaps").out.splitlines()
    assert out[0].startswith("all 3 recommendations against the top-level")
    title = "Recommendations nothing near addresses (the nearest evidence shown)"
    assert title in out and "Components no recommendation speaks to" in out
    recs = out.index(title)
    assert out[recs + 1] == "Id\tRecommendation\tTopics\tSource\tNearest evidence"
    assert out[recs + 2].startswith("rec-elsewhere\t")
    assert out[recs + 2].endswith("\tnothing carries its topics")


# ---- every output format --------------------------------------------------------


@pytest.mark.parametrize("argv", [["compare", "old", "new"],
                                  ["compare", "old", "new", "--by", "component"],
                                  ["diff", "old", "new"], ["gaps"]],
                         ids=["compare", "crosswalk", "diff", "gaps"])
def test_csv_is_one_table_with_a_header(merida, argv):
    result = merida(*argv, "--format", "csv")
    assert result.code in (0, 1), result.err
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert rows and all(None not in row for row in rows)  # no ragged lines
    assert result.err.startswith(("weighed", "components of", "all 3"))  # the method, on stderr


def test_compare_csv_has_a_row_per_piece_of_evidence(merida):
    rows = list(csv.DictReader(io.StringIO(merida("compare", "old", "new", "-f", "csv").out)))
    health = [(r["program"], r["id"], r["structure"], r["adopted"])
              for r in rows if r["topic"] == "health"]
    assert health == [("old", "old-aim-2", "old-aims", "2000"),
                      ("new", "new-goal-3", "new-goals", "2011-06")]
    assert {r["status"] for r in rows if r["topic"] == "gear"} == {"only-a"}


@pytest.mark.parametrize("argv,title", [
    (["compare", "old", "new"], "## Aligned by policy topic"),
    (["compare", "old", "new", "--by", "component"], "## Each old component"),
    (["diff", "old", "new"], "## old -> new by policy topic"),
    (["gaps"], "## Recommendations nothing near addresses"),
], ids=["compare", "crosswalk", "diff", "gaps"])
def test_markdown_has_the_method_and_titled_tables(merida, argv, title):
    out = merida(*argv, "--format", "markdown").out
    assert out.splitlines()[0].startswith(("weighed", "components of", "all 3 recommendations"))
    assert title in out and "|---|" in out


@pytest.mark.parametrize("argv", [["compare", "old", "new"], ["diff", "old", "new"],
                                  ["compare", "old", "new", "--by", "component"], ["gaps"]],
                         ids=["compare", "diff", "crosswalk", "gaps"])
def test_json_flag_equals_format_json(merida, argv):
    assert merida(*argv, "--json").json() == merida(*argv, "--format", "json").json()


def test_terminal_table_shows_ids_whole_and_no_tabs(merida):
    result = merida("compare", "old", "new", tty=True, color=False, width=160)
    assert result.code == 0
    assert "\t" not in result.out
    assert "[old-aim-2]" in result.out  # brackets are text, not markup
    assert "Aligned by policy topic" in result.out and "only new" in result.out


def test_piped_output_has_no_ansi_and_no_boxes(merida):
    for argv in (["compare", "old", "new"], ["diff", "old", "new"], ["gaps"]):
        out = merida(*argv).out
        assert "\x1b[" not in out and "+---" not in out and "|" not in out


def test_diff_colours_marks_on_a_colour_terminal(merida):
    out = merida("diff", "old", "new", tty=True, color=True, width=160).out
    assert "\x1b[" in out and "Gear" in out


# a second file of the compare pack: an audit's critique of old's gun tracing, and two
# recommendations: one on what the audit found wanting, one made after old ended (2010)
CRITIQUE_PACK = """\
sources:
  - {id: audit, title: An audit, date: "2009", file: audit.txt}
  - {id: later, title: Later advice, date: "2012", file: later.txt}
assessments:
  - id: old-audit-tracing
    text: The audit of tracing results found none
    about: old
    actor: The auditor
    stance: negative
    topics: [guns]
    cite: [{source: audit, quote: no tracing results}]
recommendations:
  - {id: rec-audit, text: Audit tracing results, actor: Me, source: audit, topics: [guns],
     cite: [{source: audit, quote: audit them}]}
  - {id: rec-later, text: Seize guns, actor: Me, source: later, topics: [guns],
     cite: [{source: later, quote: seize them}]}
"""


@pytest.fixture
def critiqued(tmp_path):
    pack = write_pack(tmp_path / "pack", {"pack.yaml": PACK, "more.yaml": CRITIQUE_PACK})

    def run(*args):
        return run_cli("--no-builtin", "--data", pack, *args)
    return run


def test_a_critique_never_addresses_a_recommendation(critiqued):
    data = critiqued("gaps", "old", "--json").json()
    gap = {r["id"]: r for r in data["recommendations_unaddressed"]}["rec-audit"]
    # the audit's finding shares every word of it, but says old fell short: shown, apart
    assert gap["critique"]["id"] == "old-audit-tracing" and gap["critique"]["score"] == 100
    assert gap["critique"]["stance"] == "negative"
    assert gap["nearest"]["id"] != "old-audit-tracing"
    assert "rec-audit" not in {r["id"] for r in data["recommendations_addressed"]}
    plain = critiqued("gaps", "old").out
    line = next(ln for ln in plain.splitlines() if ln.startswith("rec-audit\t"))
    assert "; a critique: 100% near (audit, result, tracin) — old: assessment 2009" in line
    assert "a critique or a report that the work stalled never counts" in data["method"]


def test_a_recommendation_made_after_the_program_ended_is_not_its_gap(critiqued):
    data = critiqued("gaps", "old", "--json").json()
    judged = {r["id"] for r in data["recommendations_unaddressed"]
              + data["recommendations_addressed"]}
    assert "rec-later" not in judged
    assert [(r["id"], r["date"]) for r in data["recommendations_after_end"]] == \
        [("rec-later", "2012")]
    plain = critiqued("gaps", "old").out
    assert "Recommendations made after old ended (not judged against it)" in plain
    assert "rec-later\tSeize guns\t2012\tlater" in plain
    # a program still running judges it (new has no end), and lists nothing apart
    new = critiqued("gaps", "new", "--json").json()
    assert "rec-later" in {r["id"] for r in new["recommendations_addressed"]}
    assert new["recommendations_after_end"] == []
    csv_rows = critiqued("gaps", "old", "-f", "csv").out
    assert "recommendation-after-end,,rec-later,Seize guns,guns,,later" in csv_rows


def test_a_topic_outside_the_chosen_structures_is_not_new(merida):
    # old's pillars lack health, but old's aims (not chosen) carry it: not added by new
    result = merida("diff", "old", "new", "--structure", "old-pillars", "--json")
    assert result.code == 1  # money and police are still new
    data = result.json()
    assert [r["topic"] for r in data["added"]] == ["police", "money"]
    outside = {r["topic"]: r for r in data["outside_structures"]}
    assert list(outside) == ["health"]
    assert outside["health"]["outside"]["side"] == "a"
    assert ids(outside["health"]["outside"]["evidence"]) == ["old-aim-2"]
    assert "never added or dropped" in data["method"]
    plain = merida("diff", "old", "new", "--structure", "old-pillars").out
    assert "2 added, 1 dropped, 2 continued, 1 in one side's chosen structures" in plain
    line = next(ln for ln in plain.splitlines() if ln.startswith("~\tHealth"))
    assert "[outside the chosen structures] item 2000: 2. Treat addiction" in line
    compare = merida("compare", "old", "new", "--structure", "old-pillars")
    health = next(ln for ln in compare.out.splitlines() if ln.startswith("Health\t"))
    assert health.startswith("Health\tonly new structures; old elsewhere\t[outside the chosen")
    # without --structure nothing is kept apart
    assert merida("diff", "old", "new", "--json").json()["outside_structures"] == []


def test_diff_says_added_and_dropped_are_absences(merida):
    method = merida("diff", "old", "new", "--json").json()["method"]
    assert method.endswith("; added: no record of old weighed carries the topic, dropped: no "
                           "record of new does (an absence in the records, not a source "
                           "saying it was dropped)")


def test_the_piece_shown_first_names_the_topic_among_equally_strong_ones():
    from merida_cli.align import _carrying

    def piece(pid, kind, date, title):
        return {"id": pid, "kind": kind, "date": date, "title": title, "quote": title}

    courts = {"id": "courts", "label": "Courts", "aliases": ["tribunals"]}
    evidence = [(piece("aim", "item", "2000", "Justice for all"), ["courts"]),
                (piece("pillar", "item", "2005", "Tribunals that work"), ["courts"]),
                (piece("audit", "assessment", "1999", "Courts were slow"), ["courts"]),
                (piece("pledge", "commitment", "2010", "Reform justice"), ["courts"])]
    # a commitment outranks an item whatever its words; among items, the one naming the
    # topic (by an alias) comes before the older one that does not
    assert [p["id"] for p in _carrying(evidence, courts)] == ["pledge", "pillar", "aim",
                                                               "audit"]
