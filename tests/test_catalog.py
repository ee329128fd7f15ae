"""The library and the CLI give one answer: for every command, `--json` is the Catalog
method's result, and the result's exit status is the command's exit code."""

from __future__ import annotations

import json

import pytest
from conftest import SEEDS, needs_shared, run_cli, write_pack
from helpers import COMPARE_PACK, RENDER_PACK, RENDER_PROGRAM

import merida_cli
from merida_cli.errors import ExitStatus, UsageError


@pytest.fixture
def packs(tmp_path):
    return {"render": write_pack(tmp_path / "render", {"pack.yaml": RENDER_PACK}),
            "compare": write_pack(tmp_path / "compare", {"pack.yaml": COMPARE_PACK})}


# (id, pack, CLI arguments, the Catalog call that must give the same JSON)
CASES = [
    ("recs", "render", ["recs"], lambda c: c.recommendations()),
    ("recs-topic", "render", ["recs", "--topic", "intelligence-sharing"],
     lambda c: c.recommendations(topic="intelligence-sharing")),
    ("figures", "render", ["figures"], lambda c: c.figures()),
    ("assessments", "render", ["assessments"], lambda c: c.assessments()),
    ("programs", "render", ["programs"], lambda c: c.programs()),
    ("topics", "render", ["topics"], lambda c: c.topics()),
    ("sources", "render", ["sources"], lambda c: c.sources()),
    ("funding", "render", ["funding"], lambda c: c.funding()),
    ("timeline", "render", ["timeline"], lambda c: c.timeline()),
    ("pillars", "render", ["pillars", RENDER_PROGRAM],
     lambda c: c.structures(RENDER_PROGRAM)),
    ("pillars-all", "render", ["pillars", RENDER_PROGRAM, "--all"],
     lambda c: c.structures(RENDER_PROGRAM, every=True)),
    ("show", "render", ["show", RENDER_PROGRAM], lambda c: c.record(RENDER_PROGRAM)),
    ("search", "render", ["search", "intelligence"], lambda c: c.search("intelligence")),
    ("compare", "compare", ["compare", "old", "new"], lambda c: c.compare("old", "new")),
    ("crosswalk", "compare", ["compare", "old", "new", "--by", "component"],
     lambda c: c.crosswalk("old", "new")),
    ("diff", "compare", ["diff", "old", "new"], lambda c: c.diff("old", "new")),
    ("gaps", "compare", ["gaps"], lambda c: c.gaps()),
    ("gaps-program", "compare", ["gaps", "new"], lambda c: c.gaps("new")),
]


@pytest.mark.parametrize("pack,args,call", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_cli_json_is_the_library_result(packs, pack, args, call):
    cli = run_cli("--no-builtin", "--data", packs[pack], *args, "--json")
    result = call(merida_cli.open([packs[pack]], builtin=False))
    assert cli.json() == json.loads(json.dumps(result.to_json()))
    assert cli.code == result.exit_status


def test_validate_json_is_the_library_result(packs):
    cli = run_cli("--no-builtin", "--data", packs["render"], "validate", "--json")
    result = merida_cli.open([packs["render"]], builtin=False).validate()
    assert cli.json() == result.to_json() and cli.code == result.exit_status == 0
    assert result.records > 5 and result.problems == []


def test_one_folder_may_be_given_alone(packs):
    alone = merida_cli.open(packs["render"], builtin=False).programs().to_json()
    assert alone == merida_cli.open([packs["render"]], builtin=False).programs().to_json()
    assert alone == merida_cli.open(str(packs["render"]), builtin=False).programs().to_json()


def test_a_bytes_folder_is_a_path_like_a_str(packs):
    folder = bytes(packs["render"])
    alone = merida_cli.open(folder, builtin=False).programs().to_json()
    assert alone == merida_cli.open([folder], builtin=False).programs().to_json()
    assert alone == merida_cli.open([packs["render"]], builtin=False).programs().to_json()


@pytest.mark.parametrize("data,says", [(5, "data: "), (None, "data: "), ([5], "data[0]: "),
                                       (["a", 2.5], "data[1]: ")],
                         ids=["int", "none", "int-in-list", "float-in-list"])
def test_a_folder_of_the_wrong_type_is_named_on_opening(data, says):
    with pytest.raises(TypeError) as raised:
        merida_cli.open(data, builtin=False)  # opening, not the first question
    assert str(raised.value).startswith(says) and "pack folder" in str(raised.value)


def test_an_invalid_pack_opens_and_is_explained_not_loaded(tmp_path):
    bad = write_pack(tmp_path / "bad", {"pack.yaml": "programs:\n  - id: x\n    name: X\n"
                                        "    period: someday\n"})
    catalog = merida_cli.open([bad], builtin=False)  # opening reads nothing
    result = catalog.validate()
    assert result.exit_status == ExitStatus.FAILURE
    assert any("pack.yaml:4" in p for p in result.problems), result.problems
    cli = run_cli("--no-builtin", "--data", bad, "validate", "--json")
    assert cli.json() == result.to_json() and cli.code == result.exit_status
    with pytest.raises(merida_cli.errors.DataError):
        catalog.programs()  # a question needs the records: invalid data never loads


def test_pack_diff_schema_and_export_are_library_results(packs, tmp_path):
    catalog = merida_cli.open([packs["render"]], builtin=False)
    a, b = packs["render"] / "pack.yaml", packs["compare"] / "pack.yaml"
    cli = run_cli("diff", str(a), str(b), "--json")
    result = catalog.diff_packs(a, b)
    assert cli.json() == result.to_json() and cli.code == result.exit_status == 1
    assert result.differ and result.to_json()["added"]
    same = catalog.diff_packs(a, a)
    assert not same.differ and same.exit_status == 0
    assert run_cli("schema").json() == catalog.schema().to_json()
    exported = catalog.export("json")
    cli = run_cli("--no-builtin", "--data", packs["render"], "export", "-f", "json")
    assert json.loads(cli.out) == json.loads(exported.text) and exported.paths == []
    written = catalog.export("csv", tmp_path / "tables")
    assert written.text is None and written.paths
    assert {p.name for p in written.paths} == {p.name for p in (tmp_path / "tables").iterdir()}


def test_brief_is_a_library_result(packs):
    from merida_cli.brief import render_brief

    catalog = merida_cli.open([packs["render"]], builtin=False)
    brief = catalog.brief(RENDER_PROGRAM)
    cli = run_cli("--no-builtin", "--data", packs["render"], "brief", RENDER_PROGRAM)
    assert cli.code == brief.exit_status == 0
    assert cli.out == render_brief(brief, "markdown").decode("utf-8")
    assert brief.to_json()["title"] == brief.title


@needs_shared
def test_verify_and_coverage_json_are_the_library_results():
    catalog = merida_cli.open()
    cli = run_cli("verify", "--texts", SEEDS, "--json")
    result = catalog.verify([SEEDS])
    assert cli.json() == result.to_json() and cli.code == result.exit_status == 0
    cli = run_cli("coverage", "olson", "--texts", SEEDS, "--json")
    result = catalog.coverage("olson", [SEEDS])
    assert cli.json() == result.to_json() and cli.code == result.exit_status


def test_a_listing_result_reads_like_a_list_and_says_how_it_ended(packs):
    catalog = merida_cli.open([packs["render"]], builtin=False)
    recs = catalog.recommendations()
    assert len(recs) == len(recs.to_json()) >= 1 and recs[0]["id"] == recs.to_json()[0]["id"]
    assert recs.exit_status is ExitStatus.OK
    none = catalog.recommendations(actor="nobody at all")
    assert list(none) == [] and none.exit_status is ExitStatus.FAILURE


def test_unknown_names_raise_the_usage_error_the_cli_reports(packs):
    catalog = merida_cli.open([packs["render"]], builtin=False)
    with pytest.raises(UsageError, match="did you mean"):
        catalog.recommendations(topic="intelligence-sharin")
    cli = run_cli("--no-builtin", "--data", packs["render"], "recs", "--topic",
                  "intelligence-sharin")
    assert cli.code == 2 and "did you mean" in cli.err


def test_a_diff_that_differs_exits_1_in_both(packs):
    result = merida_cli.open([packs["compare"]], builtin=False).diff("old", "new")
    assert result.differ and result.exit_status is ExitStatus.FAILURE
    assert set(result.to_json()) >= {"added", "dropped", "continued"}


def test_open_keeps_its_cache_in_the_folder_given(packs, tmp_path, monkeypatch):
    default = tmp_path / "default-cache"
    monkeypatch.setenv("MERIDA_CACHE_DIR", str(default))
    given = tmp_path / "my-cache"
    catalog = merida_cli.open([packs["render"]], builtin=False, cache=given)
    assert catalog.programs().exit_status == 0
    assert any(given.iterdir()), "no cache written in the folder given"
    assert not default.exists()
    # no folder given: the CLI's own cache folder (MERIDA_CACHE_DIR), written by the first
    # question (opening reads nothing)
    catalog = merida_cli.open([packs["render"]], builtin=False)
    assert not default.exists()
    assert catalog.topics().exit_status == 0
    assert any(default.iterdir())


def test_load_data_is_the_older_name_of_open(packs):
    older = merida_cli.load_data([packs["render"]], builtin=False)
    assert older.programs().to_json() == \
        merida_cli.open([packs["render"]], builtin=False).programs().to_json()
    assert older.programs().to_json(), "the fixture pack has programs"
