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
