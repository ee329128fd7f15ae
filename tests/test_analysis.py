"""compare, diff and gaps: the JSON contracts, exit codes and what a reader sees."""

from __future__ import annotations

import shutil

from conftest import write_pack
from test_loader import GOOD


def test_compare_aligns_by_topic(cli):
    result = cli("compare", "merida", "bicentennial", "--json")
    assert result.code == 0
    data = result.json()
    assert data["a"]["id"] == "merida" and data["b"]["id"] == "bicentennial"
    assert data["a"]["structure"] and data["b"]["structure"]
    assert data["a"]["funding_lines"] > data["b"]["funding_lines"] >= 0
    topics = {row["topic"]: row for row in data["topics"]}
    firearms = topics["firearms"]
    assert firearms["a"] and firearms["b"] and firearms["only"] is None
    assert any(row["only"] == "b" for row in data["topics"])
    assert all(set(row) == {"topic", "label", "a", "b", "only"} for row in data["topics"])


def test_compare_table_shows_both_programs(cli):
    result = cli("compare", "merida", "bicentennial", tty=True, color=False, width=140)
    assert "Mérida Initiative" in result.out and "Bicentennial Framework" in result.out
    assert "only bicentennial" in result.out and "Pillar" not in result.err


def test_compare_works_for_sub_programs(cli):
    result = cli("compare", "projust", "kingpin-strategy", "--json")
    assert result.code == 0 and result.json()["topics"]


def test_compare_unknown_program(cli):
    result = cli("compare", "merida", "bicentenial")
    assert result.code == 2 and "did you mean 'bicentennial'" in result.err


def test_diff_json_contract_and_exit_1(cli):
    result = cli("diff", "merida", "bicentennial", "--json")
    assert result.code == 1
    data = result.json()
    assert set(data) == {"a", "b", "added", "dropped", "continued"}
    assert data["added"] and data["continued"]
    entry = data["added"][0]
    assert set(entry) == {"topic", "label", "a", "b"} and entry["b"] and not entry["a"]
    added = {e["topic"] for e in data["added"]}
    assert {"extradition", "corruption"} <= added


def test_diff_same_program_exit_0(cli):
    result = cli("diff", "merida", "merida")
    assert result.code == 0
    assert "0 added, 0 dropped" in result.out


def test_diff_marks_lines_like_diff_u(cli):
    out = cli("diff", "merida", "bicentennial").out.splitlines()
    assert out[0].startswith("--- merida") and out[1].startswith("+++ bicentennial")
    assert any(line.startswith("+ ") for line in out)
    assert any(line.startswith("= ") for line in out)


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
    assert set(data) == {"program", "recommendations_unaddressed",
                         "components_without_recommendations"}
    covered = set()
    from merida_cli import load_data
    from merida_cli.query import components

    ds = load_data()
    for comp in components(ds, "bicentennial"):
        for tid in comp["topics"]:
            covered |= ds.topic_family(tid)
    for rec in data["recommendations_unaddressed"]:
        assert not set(rec["topics"]) & covered


def test_gaps_all_programs_table(cli):
    result = cli("gaps")
    assert result.code == 0
