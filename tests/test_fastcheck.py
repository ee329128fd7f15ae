"""The cold load's msgspec check (fastcheck) against the strict validator: what the fast one
takes, the strict one takes too, with the same record in the cache; the built-in pack
loads on the fast path."""

from __future__ import annotations

import copy
import json

import pytest
from conftest import run_cli, write_pack
from helpers import clean
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from merida_cli import load
from merida_cli.fastcheck import prepare
from merida_cli.load import _parse_plain, builtin_pack, check_packs, load_dataset, pack_files
from merida_cli.model import KINDS, SLUG
from merida_cli.validate import Located, check_record

BUILTIN, _PROBLEMS = check_packs([builtin_pack()])
# one real record of every kind to start from (a structure has items, an event alt_dates)
BASES = {kind: next((r for r in recs if "alt_dates" in r or "items" in r), recs[0])
         for kind, recs in BUILTIN.items()}

ODD_TEXT = ["", " ", "\u3000", "\x1c", "a\n", "abc", "Abc", "a b", "2014", "2014-02-30",
            "2016-02-29", "2014-13", "0000", "2014-09-26", "FY2008", "FY2008-FY2010", "+3",
            "0x1F", "a" * 64, "\ud800", "x\udfffy", "appropriation", "full", "positive",
            "about", "notes", "firearms", " ".join(["word"] * 46), "-0"]
WEIRD = st.one_of(
    st.none(), st.booleans(), st.integers(-(10 ** 16), 10 ** 16),
    st.sampled_from([0, -1, 10 ** 15, 10 ** 15 + 1, 2014]),
    st.floats(), st.sampled_from([1e15, 1e16, 0.5, -0.0]),
    st.sampled_from(ODD_TEXT), st.text(max_size=6),
    st.lists(st.one_of(st.sampled_from(ODD_TEXT), st.integers(0, 3), st.none()), max_size=3),
    st.builds(dict), st.builds(lambda: [{}]),  # new objects: a mutation must not leak
)


@st.composite
def mutated(draw):
    """A built-in record of some kind with one to three fields (its own, a citation's, an
    item's or an alternative date's) set to odd values, removed, or added unknown."""
    kind = draw(st.sampled_from(sorted(BASES)))
    rec = copy.deepcopy(BASES[kind])
    for _ in range(draw(st.integers(1, 3))):
        target = rec
        nested = [k for k in ("cite", "items", "alt_dates") if isinstance(rec.get(k), list)
                  and rec[k] and isinstance(rec[k][0], dict)]
        if nested and draw(st.booleans()):
            target = rec[draw(st.sampled_from(nested))][0]
        keys = sorted(target) + ["unknown_field", "topics", "source", "parent", "page"]
        key = draw(st.sampled_from(keys))
        if draw(st.integers(0, 5)) == 0:
            target.pop(key, None)
        else:
            target[key] = draw(WEIRD)
    return kind, rec


def _strict(kind: str, rec: dict):
    problems: list[str] = []
    checked = check_record(Located(kind, copy.deepcopy(rec), "x.yaml", 1), problems)
    return checked, problems


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_what_the_fast_check_takes_the_strict_validator_takes_the_same(case):
    """And what the strict reader takes, the fast check takes once normalised: Store.build
    judges the strict reader's records again (fastcheck.judge)."""
    kind, rec = case
    chunk = prepare({kind: [copy.deepcopy(rec)]})
    if chunk is None:  # the strict reader explains, or normalises what prepare then takes
        checked, problems = _strict(kind, rec)
        assert problems or checked is None or prepare({kind: [checked]}) is not None, rec
        return
    if any(not SLUG.match(ref) for refs in chunk.refs.values() for ref in refs):
        return  # no record has such an id (ids are checked): the link check refuses it
    checked, problems = _strict(kind, rec)
    assert problems == [] and checked is not None, (rec, problems)
    body = json.loads(chunk.rows[0][3])
    assert body == checked and list(body) == list(checked), (rec, body, checked)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_real_record_of_every_kind_is_taken_unchanged(kind):
    chunk = prepare({kind: [copy.deepcopy(BASES[kind])]})
    assert chunk is not None
    assert json.loads(chunk.rows[0][3]) == BASES[kind]


@pytest.mark.parametrize("kind,field,value,why", [
    ("recommendations", "text", "   ", "blank text"),
    ("recommendations", "number", True, "a boolean label"),
    ("funding", "amount_usd", float("nan"), "not a finite number"),
    ("funding", "amount_usd", 10 ** 15 + 1, "over the largest amount"),
    ("events", "date", "2014-02-30", "a day that does not exist"),
    ("events", "summary", None, "a null (validate decides whether it is absent)"),
    ("recommendations", "topics", "firearms", "a bare string for a list"),
    ("recommendations", "unknown_field", "x", "an unknown field"),
])
def test_odd_fields_go_to_the_strict_validator(kind, field, value, why):
    rec = copy.deepcopy(BASES[kind])
    rec[field] = value
    assert prepare({kind: [rec]}) is None, why


def test_a_long_quote_goes_to_the_strict_validator():
    rec = copy.deepcopy(BASES["recommendations"])
    rec["cite"][0]["quote"] = " ".join(["word"] * 46)
    assert prepare({"recommendations": [rec]}) is None
    assert "too long" in _strict("recommendations", rec)[1][0]


def test_the_source_defaults_to_the_first_citations_as_validate_does():
    rec = copy.deepcopy(BASES["figures"])
    rec.pop("source", None)
    body = json.loads(prepare({"figures": [rec]}).rows[0][3])
    assert body["source"] == rec["cite"][0]["source"] == _strict("figures", rec)[0]["source"]
    assert list(body) == [k for k in KINDS["figures"] if k in body]  # schema order


def test_every_builtin_file_loads_on_the_fast_path():
    """A built-in file that fell back to the Python validator would slow every cold load."""
    slow = [p.name for p in pack_files(builtin_pack()) if prepare(_parse_plain(p, 1 << 30)) is None]
    assert slow == []


def test_the_cache_holds_the_same_records_either_way(tmp_path):
    """Built on the fast path (a cold load) or from the strict validator's records."""
    fast = load_dataset(cache_dir=tmp_path / "cache").store
    assert _PROBLEMS == []
    for kind, recs in BUILTIN.items():
        assert fast.kind(kind) == recs


@pytest.mark.parametrize("field,value", [("id", "notes\n"), ("date", "2024-05\n")])
def test_a_final_newline_does_not_make_an_id_or_a_date(tmp_path, field, value):
    """`$` matched before a final newline: an id "notes\\n" used to validate."""
    rec = {"id": "notes", "title": "T", "file": "notes.txt", field: value}
    pack = write_pack(tmp_path / "p", {"a.json": json.dumps({"sources": [rec]})})
    result = run_cli("--no-builtin", "--data", pack, "validate")
    assert result.code == 1 and f"field '{field}' must be" in result.err
    assert "a.json:1:" in result.err


def test_a_reference_that_is_not_an_id_fails_the_link_check(tmp_path):
    """References are plain text to msgspec: the link check is what refuses a bad one."""
    pack = write_pack(tmp_path / "p", {"a.json": json.dumps({
        "sources": [{"id": "notes", "title": "T", "file": "notes.txt"}],
        "programs": [{"id": "plan", "name": "P", "topics": ["Not An Id"],
                      "cite": [{"source": "notes", "quote": "q"}]}]})})
    result = run_cli("--no-builtin", "--data", pack, "validate")
    assert result.code == 1 and "a.json:1: program 'plan'" in result.err
    assert "must be a lower-case id" in result.err


@pytest.mark.parametrize("missing", ["notes", "plan", "mexico", "report", "security"])
def test_did_you_mean_is_the_same_whichever_path_built_the_cache(tmp_path, monkeypatch,
                                                                  missing):
    """A pack the fast path refuses (`title: 1e3` anywhere) is loaded by the strict
    validator, whose store held the records kind by kind rather than file by file: the
    first of two equally close ids, the suggestion, changed."""
    fast = clean(run_cli("show", missing))
    monkeypatch.setenv("MERIDA_CACHE_DIR", str(tmp_path / "strict-cache"))
    monkeypatch.setattr(load, "fast_read", lambda *args, **kwargs: False)
    strict = clean(run_cli("show", missing))
    assert fast.code == strict.code == 2
    assert "did you mean" in fast.err and fast.err == strict.err
