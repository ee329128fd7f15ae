"""compare, diff and gaps: the JSON contracts, exit codes and what a reader sees; diff on
pack files reads only regular files within the size cap."""

from __future__ import annotations

import shutil

import pytest
from conftest import run_cli, write_pack
from helpers import GOOD, NOTES_SOURCE, clean


def merida_structures(adopted_by: str = "9999", undated: bool = True) -> list[str]:
    """The built-in pack's Mérida structures, dated ones by adoption then undated: derived
    from the data, so adding a structure does not break the test."""
    from merida_cli import load_data

    found = [s for s in load_data().records["structures"] if s["program"] == "merida"]
    dated = sorted((s for s in found if s.get("adopted") and s["adopted"][:4] <= adopted_by),
                   key=lambda s: s["adopted"])
    return [s["id"] for s in dated] + [s["id"] for s in found if undated and not s.get("adopted")]


def compare_topics(cli, *args) -> dict:
    result = cli("compare", "merida", "bicentennial", *args, "--json")
    assert result.code == 0, result.err
    return {row["topic"]: row for row in result.json()["topics"]}


def test_compare_reads_every_structure_merida_had(cli):
    data = cli("compare", "merida", "bicentennial", "--json").json()
    expected = merida_structures()
    assert [s["id"] for s in data["a"]["structures"]] == expected
    assert "bicentennial-goals" in [s["id"] for s in data["b"]["structures"]]
    assert data["method"].startswith("weighed every structure item and commitment each "
                                     "program had (stated intent) and every assessment")
    assert f"merida 2007–2021, all {len(expected)} structures; bicentennial 2021–" in data["method"]
    assert data["a"]["funding_lines"] > data["b"]["funding_lines"] >= 0
    assert data["a"]["structure"] == "Four pillars"  # the current one, as before


@pytest.mark.parametrize("topic,merida_item", [
    ("human-rights", "merida-basket-3"),  # "strengthening human rights" (2008 baskets)
    ("equipment", "merida-basket-1"),  # "fixed and rotor-winged aircraft"
    ("training", "merida-basket-2"),  # "training, technology and information management"
    ("drugs", "merida-basket-1"),  # "counter-narcotics"
    ("public-health", "merida-objective-4"),  # "diminish local drug demand" (2007)
    ("firearms", "merida-pillar-1"),
])
def test_what_bicentennial_did_not_add(cli, topic, merida_item):
    row = compare_topics(cli)[topic]
    assert row["status"] == "both" and row["b"]
    assert merida_item in [ev["id"] for ev in row["a"]]


def test_human_rights_evidence_names_structure_year_and_source(cli):
    row = compare_topics(cli)["human-rights"]
    basket = next(ev for ev in row["a"] if ev["id"] == "merida-basket-3")
    assert basket.items() >= {"id": "merida-basket-3", "kind": "item", "strength": "intent",
                              "title": "Institution building and rule of law", "number": 3,
                              "structure": "merida-baskets", "adopted": "2008", "date": "2008",
                              "source": "olson"}.items()
    assert "human rights" in basket["quote"]
    official = next(ev for ev in row["a"] if ev["id"] == "merida-pillar-official-2")
    assert official["structure"] == "merida-pillars-official"


@pytest.mark.parametrize("topic", ["corruption", "cooperation", "firearms", "public-health"])
def test_merida_pledges_are_not_added_by_bicentennial(cli, topic):
    """Mérida's shared-responsibility pledges (CRS) carry these topics: the whole record
    says Mérida had them, whatever its structure items are tagged with."""
    row = compare_topics(cli)[topic]
    assert row["status"] == "both" and row["a"] and row["b"]
    assert row["strength"]["a"] in ("intent", "practice", "intent+practice")


def test_funding_levels_are_bookkeeping_not_policy(cli):
    data = cli("compare", "merida", "bicentennial", "--json").json()
    assert "funding-levels" not in {row["topic"] for row in data["topics"]}
    assert [row["topic"] for row in data["bookkeeping"]] == ["funding-levels"]
    diff = cli("diff", "merida", "bicentennial", "--json").json()
    changed = {e["topic"] for key in ("added", "dropped", "continued") for e in diff[key]}
    assert "funding-levels" not in changed
    assert [e["topic"] for e in diff["bookkeeping"]] == ["funding-levels"]


def test_every_evidence_id_resolves(cli):
    from merida_cli import load_data

    ds = load_data().dataset
    topics = compare_topics(cli)
    evidence = {ev["id"] for row in topics.values() for ev in row["a"] + row["b"]}
    assert len(evidence) > 60
    assert all(ds.find(rid) for rid in evidence)
    for rid in sorted(evidence)[:3]:
        assert cli("show", rid).code == 0


def test_current_pillars_alone_still_differ(cli):
    """--structure narrows to one structure per side: the old view is still reachable."""
    topics = compare_topics(cli, "--structure", "merida-pillars",
                            "--structure", "bicentennial-goals")
    rights = topics["human-rights"]
    assert rights["status"] == "only-b"
    # the goal shown first is one whose words name the topic, not the first goal
    assert "human rights" in rights["b"][0]["quote"]
    # and Merida's records outside its pillars carry it: shown, so it is no novelty
    assert rights["outside"]["side"] == "a" and rights["outside"]["evidence"]


def test_as_of_2012_keeps_the_structures_adopted_by_then(cli):
    result = cli("compare", "merida", "merida", "--as-of", "2010", "--json")
    by_2010 = merida_structures("2010", undated=False)
    assert [s["id"] for s in result.json()["a"]["structures"]] == by_2010
    assert (f"{len(by_2010)} of {len(merida_structures())} structures (adopted by 2010, "
            "1 undated left out)") in result.json()["method"]


def test_compare_table_shows_both_programs(cli):
    result = cli("compare", "merida", "bicentennial", tty=True, color=False, width=140)
    assert "Mérida Initiative" in result.out and "Bicentennial Framework" in result.out
    assert "Aligned by policy topic" in result.out and "Bookkeeping topics" in result.out
    assert "[merida-" in result.out and "more: --evidence all" in result.out


def test_compare_works_for_sub_programs(cli):
    result = cli("compare", "projust", "kingpin-strategy", "--json")
    assert result.code == 0 and result.json()["topics"]
    assert result.json()["a"]["basis"] == "program"


def test_compare_unknown_program(cli):
    result = cli("compare", "merida", "bicentenial")
    assert result.code == 2 and "did you mean 'bicentennial'" in result.err


def test_crosswalk_pillars_to_goals(cli):
    data = cli("compare", "merida", "bicentennial", "--by", "component", "--structure",
               "merida-pillars", "--structure", "bicentennial-goals", "--json").json()
    forward = {row["component"]["id"]: row for row in data["a_to_b"]}
    assert list(forward) == ["merida-pillar-1", "merida-pillar-2", "merida-pillar-3",
                             "merida-pillar-4"]
    best = forward["merida-pillar-4"]["matches"][0]
    assert best["id"] == "bicentennial-goal-1"
    assert set(best["shared"]) == {"communities", "violence", "public-health"}
    back = {row["component"]["id"]: row for row in data["b_to_a"]}
    assert back["bicentennial-objective-3-3"]["matches"] == []  # extradition: new


def test_diff_json_contract_and_exit_1(cli):
    result = cli("diff", "merida", "bicentennial", "--json")
    assert result.code == 1
    data = result.json()
    assert set(data) == {"a", "b", "method", "added", "dropped", "continued",
                         "outside_structures", "bookkeeping"}
    assert data["continued"] and (data["added"] or data["dropped"])
    for key, side in (("added", "a"), ("dropped", "b")):
        for entry in data[key]:
            assert {"topic", "label", "a", "b", "disputed", "strength"} <= set(entry)
            assert not entry[side]
    added = {e["topic"] for e in data["added"]}
    assert not {"corruption", "cooperation", "firearms", "public-health"} & added
    continued = {e["topic"] for e in data["continued"]}
    assert {"human-rights", "drugs", "equipment", "training"} <= continued
    assert not {"human-rights", "drugs", "equipment", "training"} & added


def test_diff_same_program_exit_0(cli):
    result = cli("diff", "merida", "merida")
    assert result.code == 0
    assert "0 added, 0 dropped" in result.out


def test_diff_marks_rows_like_diff_u(cli):
    out = cli("diff", "merida", "bicentennial").out.splitlines()
    assert out[0].startswith("weighed every structure item and commitment")
    marks = {line.split("\t")[0] for line in out if "\t" in line}
    assert {"=", "±"} <= marks and marks & {"+", "-"}


def test_diff_colour_on_terminal(cli):
    assert "\x1b[" in cli("diff", "merida", "bicentennial", tty=True, color=True).out


def test_diff_two_pack_files_field_by_field(cli, tmp_path):
    old = write_pack(tmp_path / "old", {"a.yaml": GOOD})
    new = write_pack(tmp_path / "new", {"a.yaml": GOOD.replace("text: Trace guns",
                                                               "text: Trace every gun")
                     + "events:\n  - id: e1\n    title: T\n    date: '2024'\n"
                       "    cite: [{source: notes, quote: q}]\n"})
    result = cli("diff", old / "a.yaml", new / "a.yaml", "--json")
    assert result.code == 1
    data = result.json()
    assert data["added"] == [{"kind": "events", "id": "e1"}]
    changed = data["changed"][0]
    assert changed["id"] == "trace"
    assert changed["fields"]["text"] == {"a": "Trace guns", "b": "Trace every gun"}
    plain = cli("diff", old, new).out
    assert "~ recommendations/trace" in plain and "+ events/e1" in plain


def test_diff_identical_packs_exit_0(cli, tmp_path):
    a = write_pack(tmp_path / "a", {"a.yaml": GOOD})
    b = tmp_path / "b"
    shutil.copytree(a, b)
    assert cli("diff", a, b).code == 0


def test_diff_broken_pack_file(cli, tmp_path):
    a = write_pack(tmp_path / "a", {"a.yaml": GOOD})
    b = write_pack(tmp_path / "b", {"a.yaml": "topics: [\n"})
    result = cli("diff", a / "a.yaml", b / "a.yaml")
    assert result.code == 1 and "a.yaml:" in result.err and "Traceback" not in result.err


def test_gaps_json(cli):
    result = cli("gaps", "bicentennial", "--json")
    assert result.code == 0
    data = result.json()
    assert {"program", "recommendations_unaddressed",
            "components_without_recommendations"} <= set(data)
    from merida_cli import align

    for rec in data["recommendations_unaddressed"]:  # nothing near: the nearest is shown
        near = rec["nearest"]
        assert near is None or not align.is_near(near, len(align.content_words(rec["text"])))
    for rec in data["recommendations_addressed"]:
        assert rec["nearest"]["score"] >= align.NEAR and rec["nearest"]["program"]


def test_gaps_merida_counts_shared_responsibility_as_addressed(cli):
    """Shared responsibility was Mérida's founding principle: Olson's recommendation to
    reaffirm it is not a gap of Mérida's."""
    data = cli("gaps", "merida", "--json").json()
    unaddressed = {r["id"] for r in data["recommendations_unaddressed"]}
    shared = [r for r in data["recommendations_addressed"]
              if "shared responsibility" in r["text"].lower()]
    assert shared and not {r["id"] for r in shared} & unaddressed


def test_gaps_without_a_program_reads_the_top_level_frameworks(cli):
    result = cli("gaps", "--json")
    assert result.code == 0
    data = result.json()
    assert {"merida", "bicentennial"} <= set(data["programs"])
    assert "projust" not in data["programs"] and "21st-century-border" not in data["programs"]
    assert "top-level initiatives and frameworks" in data["method"]


def test_gaps_all_programs_table(cli):
    result = cli("gaps")
    assert result.code == 0
    assert result.out.startswith("all ")


# A topic whose words are easy to name must have one of them in the item's own quotes:
# the evidence rows of compare/diff stand on the items' quotes, not on their summaries.
TOPIC_WORDS = {
    "equipment": ("aircraft", "technolog", "equipment", "ballistics labs"),
    "training": ("training", "capacity building", "technical assistance"),
    "funding-levels": ("percent", "budget", "funding"),
    "extradition": ("extradit",),
    "firearms": ("arms", "firearm", "weapon", "gun"),
    "human-rights": ("human rights", "human and civil rights", "torture", "humane",
                     "disappearance", "search commission"),
    "military": ("military",),
}


@pytest.mark.parametrize("topic", sorted(TOPIC_WORDS))
def test_item_topics_stand_on_their_quotes(topic):
    from merida_cli import load_data

    unsupported = []
    for structure in load_data().records["structures"]:
        for item in structure["items"]:
            quotes = " ".join(c["quote"] for c in item["cite"]).lower()
            if topic in item.get("topics", []) and not any(w in quotes
                                                           for w in TOPIC_WORDS[topic]):
                unsupported.append(item["id"])
    assert unsupported == []


@pytest.mark.parametrize("command", ["compare", "diff", "gaps"])
def test_help_examples_run(cli, command):
    """Every example in the help answers (0, or 1 for 'they differ'), none is a usage error."""
    import shlex

    from typer.main import get_command

    from merida_cli.cli import app

    doc = get_command(app).commands[command].help
    examples = " ".join(doc.split("Example")[1].split(":", 1)[1].split())
    for example in examples.split(" | "):
        argv = shlex.split(example)[1:]
        if any(a.endswith(".yaml") for a in argv):
            continue  # pack files of the reader's own
        result = cli(*argv)
        assert result.code in (0, 1) and not result.err.startswith("error"), (example, result.err)


@pytest.mark.parametrize("topic, pledge", [("firearms", "merida-pledge-us-firearms"),
                                           ("public-health", "merida-pledge-us-drug-demand")])
def test_gao_new_against_merida_pledge_is_shown_disputed(cli, topic, pledge):
    """GAO-23-103795 calls the drug-demand and firearms commitments new; CRS records them as
    Mérida pledges: the row is 'both', disputed, with each side's source and quote."""
    row = compare_topics(cli)[topic]
    assert row["status"] == "both" and row["disputed"]
    new = {e["id"]: e for e in row["disputed"]["new"]}
    continued = {e["id"]: e for e in row["disputed"]["continued"]}
    gao = new["gao-2023-bicentennial-expands-merida-scope"]
    assert gao["source"] == "gao-23-103795-product-page" and "new U.S. commitments" in gao["quote"]
    assert continued[pledge]["quote"] and continued[pledge]["source"].startswith("crs-")


# ---- diff on pack files: bounded reads, options it cannot honour -------------------

def test_diff_refuses_fifos_without_reading(tmp_path):
    import os

    for name in ("a.yaml", "b.yaml"):
        os.mkfifo(tmp_path / name)
    result = clean(run_cli("diff", tmp_path / "a.yaml", tmp_path / "b.yaml"))
    assert result.code == 1 and "not a regular file" in result.err


def test_diff_refuses_a_link_to_a_fifo_and_a_huge_file_without_reading(tmp_path):
    import os

    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "link.yaml").symlink_to(tmp_path / "fifo")
    with open(tmp_path / "huge.yaml", "wb") as handle:  # sparse: no disk used
        handle.truncate(50 * 1024 * 1024)
    result = clean(run_cli("diff", tmp_path / "link.yaml", tmp_path / "huge.yaml"))
    assert result.code == 1 and "not a regular file" in result.err
    os.environ["MERIDA_MAX_FILE_MB"] = "8"  # the default cap (256 MiB) is above 50 MiB
    try:
        result = clean(run_cli("diff", tmp_path / "huge.yaml", tmp_path / "huge.yaml"))
    finally:
        del os.environ["MERIDA_MAX_FILE_MB"]
    assert result.code == 1 and "over the 8 MiB limit" in result.err


@pytest.mark.parametrize("extra", [["-f", "csv"], ["-f", "markdown"], ["--as-of", "2020"],
                                   ["--structure", "x"]],
                         ids=["csv", "markdown", "as-of", "structure"])
def test_a_pack_file_diff_refuses_options_it_cannot_honour(tmp_path, extra):
    a = write_pack(tmp_path / "a", {"a.yaml": NOTES_SOURCE.format(title="T", author="A")})
    result = run_cli("diff", a / "a.yaml", a / "a.yaml", *extra)
    assert result.code == 2 and "Traceback" not in result.err
