"""validate's look-alike warnings, grouped (issue 27): a pack that repeats itself gives one
warning per group of copies, a screenful shows the closest ten and says how to see the
rest, --all-warnings lists every group and id, --json holds them all. Small packs written
by each test."""

from __future__ import annotations

from conftest import run_cli, write_pack

SOURCES = """\
sources:
  - id: wire
    title: A wire report
    publisher: A wire service
    date: "2014"
    file: wire.txt
events:
"""

# twelve titles sharing no word, so no two of them look alike
TITLES = [
    "Ministers sign accord", "Border crossing reopens", "Helicopters delivered",
    "Judges trained abroad", "Cartel leader extradited", "Scanners installed",
    "Prison riot quelled", "Hotline launched", "Police academy graduates",
    "Customs inspectors hired", "Money laundering unit formed", "Ambassador recalled",
]


def event(rid: str, title: str, date: str = "2014-02-22", extra: str = "") -> str:
    return (f"  - id: {rid}\n    title: {title}\n    date: \"{date}\"\n{extra}"
            f"    cite: [{{source: wire, quote: \"{rid}\"}}]\n")


def validate(tmp_path, events: str, *args):
    pack = write_pack(tmp_path / "pack", {"a.yaml": SOURCES + events})
    return run_cli("--no-builtin", "--data", pack, "validate", *args)


def warning_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if "look like one" in line]


def copies(n: int) -> tuple[list[str], str]:
    ids = [f"capture-{i:03d}" for i in range(n)]
    return ids, "".join(event(rid, "The capture of the drug lord") for rid in ids)


def test_a_record_repeated_200_times_is_one_warning_not_19900(tmp_path):
    ids, events = copies(200)
    result = validate(tmp_path, events)
    assert result.code == 0
    assert warning_lines(result.err) == [(
        "warning: 200 events, among them 'capture-000' and 'capture-001', look like one "
        "(dated 2014-02-22 and 2014-02-22, identical titles): merge them (list the other "
        "id in `replaces`) or mark them `distinct_from` each other")]
    assert "1 look-alike group (1 group of 3 or more; 200 records in all)" in result.err
    assert "rerun with --all-warnings" in result.err
    assert "capture-199" not in result.err  # the ids are for --all-warnings
    assert result.err.rstrip().endswith("ok: 201 records valid, 1 warning(s)")

    report = validate(tmp_path, events, "--json").json()
    assert len(report["warnings"]) == 1 and len(report["look_alikes"]) == 1
    group = report["look_alikes"][0]
    assert group["kind"] == "events" and group["ids"] == ids
    assert group["closest"] == {"ids": ["capture-000", "capture-001"],
                                "dates": ["2014-02-22", "2014-02-22"],
                                "why": "identical titles", "score": 100}
    assert group["message"] == report["warnings"][0]

    strict = validate(tmp_path, events, "--strict")
    assert strict.code == 1 and "1 warning(s) found (--strict)" in strict.err


def twelve_pairs() -> str:
    """Eleven pairs of identical titles and, least close, one pair of near-identical ones."""
    events = "".join(event(f"pair{k:02d}-{side}", title)
                     for k, title in enumerate(TITLES[:11]) for side in "ab")
    return (events + event("near-a", "The police chiefs gathered in Monterrey")
            + event("near-b", "The police chiefs gather in Monterrey"))


def test_a_screenful_shows_the_ten_closest_and_says_how_to_see_all(tmp_path):
    result = validate(tmp_path, twelve_pairs())
    assert result.code == 0
    lines = warning_lines(result.err)
    assert len(lines) == 10
    assert all("identical titles" in line for line in lines)  # closest first
    assert "'near-a'" not in result.err
    assert "12 look-alike groups (12 pairs; 24 records in all), closest first" in result.err
    assert "2 more groups not shown: rerun with --all-warnings" in result.err
    assert result.err.rstrip().endswith("ok: 25 records valid, 12 warning(s)")
    assert len(result.err.splitlines()) == 13  # header, ten warnings, how to see all, verdict


def test_all_warnings_lists_every_group_and_every_id(tmp_path):
    result = validate(tmp_path, twelve_pairs(), "--all-warnings")
    lines = warning_lines(result.err)
    assert len(lines) == 12 and "not shown" not in result.err
    assert lines[-1].startswith("warning: events 'near-a' and 'near-b' look like one")
    assert "% alike" in lines[-1]

    ids, events = copies(200)
    listed = validate(tmp_path, events, "--all-warnings")
    assert listed.code == 0 and len(warning_lines(listed.err)) == 1
    assert all(f"'{rid}'" in listed.err for rid in ids)
    assert "rerun with" not in listed.err


def test_json_holds_every_group_without_all_warnings(tmp_path):
    shown = validate(tmp_path, twelve_pairs(), "--json").json()
    listed = validate(tmp_path, twelve_pairs(), "--json", "--all-warnings").json()
    assert shown == listed
    assert len(shown["warnings"]) == 12
    assert [g["closest"]["ids"] for g in shown["look_alikes"]][-1] == ["near-a", "near-b"]
    assert sorted(i for g in shown["look_alikes"] for i in g["ids"]) == sorted(
        [f"pair{k:02d}-{side}" for k in range(11) for side in "ab"] + ["near-a", "near-b"])


def test_distinct_from_silences_only_the_pairs_it_names(tmp_path):
    ids, events = copies(3)
    one_link = events.replace("    cite: [{source: wire, quote: \"capture-000\"}]",
                              "    distinct_from: [capture-001]\n"
                              "    cite: [{source: wire, quote: \"capture-000\"}]")
    group = validate(tmp_path, one_link, "--json").json()["look_alikes"]
    assert [(g["ids"], g["closest"]["ids"]) for g in group] == [
        (ids, ["capture-000", "capture-002"])]  # 000-001 linked; both still like 002

    every_link = one_link.replace("[capture-001]", "[capture-001, capture-002]").replace(
        "    cite: [{source: wire, quote: \"capture-001\"}]",
        "    distinct_from: [capture-002]\n    cite: [{source: wire, quote: \"capture-001\"}]")
    assert validate(tmp_path, every_link, "--strict").code == 0


def test_dates_in_different_months_do_not_join_unless_a_bare_year_bridges_them(tmp_path):
    title = "The capture of the drug lord"
    two_months = event("feb", title, "2014-02") + event("mar", title, "2014-03")
    assert validate(tmp_path, two_months, "--strict").code == 0

    bridged = validate(tmp_path, two_months + event("year", title, "2014"), "--json").json()
    groups = bridged["look_alikes"]
    assert len(groups) == 1 and groups[0]["ids"] == ["feb", "mar", "year"]
    assert "year" in groups[0]["closest"]["ids"]  # the pair named warns on its own


# ---- one count, one group, across versions (issue 26) ---------------------------------

VERSIONS = """\
sources:
  - id: if1-2019
    title: An In Focus on the plan
    publisher: Congressional Research Service
    report_number: IF1
    date: "2019-03"
    file: if1-2019.txt
  - id: if1-2022
    title: An In Focus on the plan
    publisher: Congressional Research Service
    report_number: IF1
    date: "2022-04"
    file: if1-2022.txt
  - id: audit
    title: An audit of the plan
    publisher: An audit office
    report_number: AUD-9
    date: "2023-09"
    file: audit.txt
programs:
  - id: plan
    name: A plan
    cite: [{source: if1-2019, quote: "the plan"}]
"""


def line(rid: str, source: str, as_of: str, **fields) -> str:
    """A funding line: $2.5 billion appropriated for Mexico, FY2008-FY2015, unless told."""
    values = {"program": "plan", "measure": "appropriation", "amount_usd": 2500000000,
              "recipient": "mexico", "fiscal_years": "FY2008-FY2015", **fields}
    body = "".join(f"    {key}: {value}\n" for key, value in values.items() if value is not None)
    return (f"  - id: {rid}\n    title: Money for the plan ({rid})\n{body}"
            f"    as_of: \"{as_of}\"\n    cite: [{{source: {source}, quote: \"{rid}\"}}]\n")


def figure(rid: str, source: str, as_of: str, label: str, value=530, period="2015",
           extra: str = "") -> str:
    when = f"    period: \"{period}\"\n" if period else ""
    return (f"  - id: {rid}\n    label: {label}\n    value: {value}\n    unit: people\n{when}"
            f"    as_of: \"{as_of}\"\n{extra}    cite: [{{source: {source}, quote: \"{rid}\"}}]\n")


def assessment(rid: str, source: str, text: str, quote: str, extra: str = "") -> str:
    return (f"  - id: {rid}\n    text: {text}\n    about: plan\n    actor: CRS\n"
            f"    stance: positive\n{extra}    cite: [{{source: {source}, quote: \"{quote}\"}}]\n")


def check(tmp_path, body: str, *args):
    pack = write_pack(tmp_path / "versions", {"a.yaml": VERSIONS + body})
    return run_cli("--no-builtin", "--data", pack, "validate", *args)


def groups(tmp_path, body: str) -> list[tuple[str, list[str], str]]:
    result = check(tmp_path, body, "--json")
    assert result.code == 0, result.err
    return [(g["kind"], g["ids"], g["closest"]["why"]) for g in result.json()["look_alikes"]]


def test_a_count_restated_years_later_is_one_look_alike_and_strict_fails(tmp_path):
    body = "funding:\n" + line("total-2019", "if1-2019", "2019-03") + line(
        "total-2023", "audit", "2023-09", qualifier="over")
    assert groups(tmp_path, body) == [
        ("funding", ["total-2019", "total-2023"],
         "one program, measure, amount, recipient and fiscal years")]
    strict = check(tmp_path, body, "--strict")
    assert strict.code == 1 and "1 warning(s) found (--strict)" in strict.err
    assert "link them with same_as or conflicts_with, or mark them `distinct_from`" in (
        strict.err)


def test_a_linked_pair_or_a_same_as_chain_is_not_flagged(tmp_path):
    chain = "funding:\n" + line("total-2019", "if1-2019", "2019-03") + line(
        "total-2022", "if1-2022", "2022-04", same_as="[total-2019]") + line(
        "total-2023", "audit", "2023-09", same_as="[total-2022]")
    assert groups(tmp_path, chain) == []  # 2019 and 2023 are one count through 2022
    assert check(tmp_path, chain, "--strict").code == 0

    apart = "funding:\n" + line("total-2019", "if1-2019", "2019-03") + line(
        "total-2023", "audit", "2023-09", distinct_from="[total-2019]",
        note="\"Another count: the audit's own total.\"")
    assert check(tmp_path, apart, "--strict").code == 0

    broken = chain.replace("same_as: [total-2022]", "same_as: [total-2019]").replace(
        "    same_as: [total-2019]\n", "", 1)  # 2023 names 2019; 2022 is linked to neither
    assert groups(tmp_path, broken) == [
        ("funding", ["total-2019", "total-2022", "total-2023"],
         "one program, measure, amount, recipient and fiscal years")]


def test_another_fiscal_year_recipient_or_program_is_another_count(tmp_path):
    body = "funding:\n" + line("total-2019", "if1-2019", "2019-03") + "".join([
        line("other-years", "audit", "2023-09", fiscal_years="FY2008-FY2016"),
        line("a-period", "audit", "2023-09", period="2008-2015"),
        line("other-recipient", "if1-2022", "2022-04", recipient="central-america"),
        line("other-measure", "if1-2022", "2022-04", measure="obligated"),
    ])
    assert groups(tmp_path, body) == []
    assert check(tmp_path, body, "--strict").code == 0


def test_a_total_without_its_years_beside_the_same_total_with_them_is_flagged(tmp_path):
    body = "funding:\n" + line("total-fy", "if1-2022", "2022-04") + line(
        "total-to-date", "audit", "2023-09", fiscal_years=None)
    assert groups(tmp_path, body) == [
        ("funding", ["total-fy", "total-to-date"],
         "one program, measure, amount and recipient, fiscal years given by one only")]


def test_two_versions_of_one_report_telling_one_claim_are_flagged(tmp_path):
    body = "assessments:\n" + assessment(
        "plan-improved-ties-2019", "if1-2019", "The plan improved security ties a great deal.",
        "Security cooperation has increased significantly as a result of the plan") + assessment(
        "plan-improved-ties-2022", "if1-2022", "The plan improved security ties greatly.",
        "Security cooperation increased significantly as a result of the plan")
    [(kind, ids, why)] = groups(tmp_path, body)
    assert (kind, ids) == ("assessments", ["plan-improved-ties-2019", "plan-improved-ties-2022"])
    assert why.startswith("two versions of IF1, ")
    strict = check(tmp_path, body, "--strict")
    assert strict.code == 1 and "dated 2019-03 and 2022-04, two versions of IF1" in strict.err

    # the same words from two different works, years apart: not one report's versions
    other_work = body.replace("if1-2022", "audit")
    assert groups(tmp_path, other_work) == []
    marked = body.replace("    cite: [{source: if1-2022",
                          "    distinct_from: [plan-improved-ties-2019]\n"
                          "    cite: [{source: if1-2022")
    assert check(tmp_path, marked, "--strict").code == 0


def event_of(rid: str, source: str, date: str, title: str, quote: str) -> str:
    return (f"  - id: {rid}\n    title: {title}\n    date: \"{date}\"\n"
            f"    cite: [{{source: {source}, quote: \"{quote}\"}}]\n")


PASSAGE = "as a result of the development and implementation of the plan"


def test_one_passage_kept_in_the_next_version_is_flagged_only_across_versions(tmp_path):
    body = "events:\n" + event_of("talks-2009", "if1-2019", "2009-05", "Talks opened",
                                  f"Talks opened in 2009 {PASSAGE}") + event_of(
        "office-2012", "if1-2022", "2012-10", "An office was set up",
        f"An office was set up {PASSAGE} in 2012")
    [(kind, ids, why)] = groups(tmp_path, body)
    assert (kind, ids, why) == ("events", ["talks-2009", "office-2012"],
                                "two versions of IF1, one passage")

    one_version = body.replace("if1-2022", "if1-2019")  # one text, years apart: not a version
    assert groups(tmp_path, one_version) == []


def test_a_claim_and_another_claim_of_the_next_version_are_not_flagged(tmp_path):
    body = "assessments:\n" + assessment(
        "plan-improved-ties", "if1-2019", "The plan improved security ties a great deal.",
        "Security cooperation has increased significantly as a result of the plan") + assessment(
        "plan-slow-deliveries", "if1-2022", "Deliveries of equipment under the plan were slow.",
        "Equipment deliveries lagged behind schedule")
    assert groups(tmp_path, body) == []


def test_figures_of_one_value_unit_and_period_are_flagged_at_any_date(tmp_path):
    body = "figures:\n" + figure("deaths-crs", "if1-2019", "2019-03", "Deaths in 2015") + figure(
        "deaths-audit", "audit", "2023-09", "People killed that year, by the auditors")
    assert groups(tmp_path, body) == [
        ("figures", ["deaths-crs", "deaths-audit"], "one value, unit and period")]
    assert check(tmp_path, body, "--strict").code == 1

    linked = body.replace("    cite: [{source: audit",
                          "    same_as: [deaths-crs]\n    cite: [{source: audit")
    assert check(tmp_path, linked, "--strict").code == 0
    other_period = body.replace("period: \"2015\"\n    as_of: \"2023-09\"",
                                "period: \"2016\"\n    as_of: \"2023-09\"")
    assert groups(tmp_path, other_period) == []


def test_figures_without_a_period_need_alike_labels_too(tmp_path):
    unrelated = "figures:\n" + figure("bodies-in-truck", "if1-2019", "2019-03",
                                      "Bodies found in a burned truck", 4, None) + figure(
        "sons-targeted", "audit", "2023-09", "Sons of a drug lord targeted by rewards", 4, None)
    assert groups(tmp_path, unrelated) == []

    restated = "figures:\n" + figure("trade-2019", "if1-2019", "2019-03",
                                     "Annual U.S.-Mexico trade (CRS 2019)", 500, None) + figure(
        "trade-2022", "if1-2022", "2022-04", "Annual U.S.-Mexico trade (CRS 2022)", 500, None)
    [(kind, ids, why)] = groups(tmp_path, restated)
    assert (kind, ids) == ("figures", ["trade-2019", "trade-2022"])
    assert why.startswith("one value and unit, labels ")

    one_gives_the_period = restated.replace(
        "    value: 500\n    unit: people\n    as_of: \"2022-04\"",
        "    value: 500\n    unit: people\n    period: \"2021\"\n    as_of: \"2022-04\"")
    assert "period: \"2021\"" in one_gives_the_period
    assert [g[1] for g in groups(tmp_path, one_gives_the_period)] == [["trade-2019", "trade-2022"]]
    assert groups(tmp_path, unrelated.replace("value: 4\n    unit: people\n    as_of: \"2023",
                                              "value: 4\n    unit: people\n    period: \"2021\"\n"
                                              "    as_of: \"2023")) == []
