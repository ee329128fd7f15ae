"""Hostile input, round two (issue 16): one meaning per YAML value, numbers and text,
streams, injection into other programs, arguments and paths, the cache, bounded work,
source texts. Each case has a readable id; writes are covered in test_safewrite.py."""

from __future__ import annotations

import json
import math

import pytest
from conftest import run_cli, write_pack
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from merida_cli.errors import DataError
from merida_cli.yamlsafe import dump_yaml, parse_yaml, parse_yaml_fast

SOURCE = """\
sources:
  - id: notes
    title: {title}
    file: notes.txt
"""
# a comment with an anchor-like token sends a file to the strict reader
STRICT_MARK = "# &strict\n"


def _clean(result):
    assert "Traceback" not in result.err + result.out and "a bug in merida" not in result.err
    return result


def _show_title(tmp_path, name, text):
    pack = write_pack(tmp_path / name, {"a.yaml": text})
    return _clean(run_cli("--no-builtin", "--data", pack, "show", "notes", "--json"))


# ---- 1. two YAML readers, one meaning ------------------------------------------------

# (id, value as written in a string field, the text it must hold)
ONE_MEANING = [
    ("sexagesimal", "1:30", "1:30"),
    ("leading-zero", "010", "010"),
    ("octal-1.1", "0755", "0755"),
    ("yes", "yes", "yes"),
    ("on", "on", "on"),
    ("exponent", "1e3", "1e3"),
    ("exponent-dot", "1.0e3", "1.0e3"),
    ("octal-1.2", "0o17", "0o17"),
    ("hex", "0x1F", "0x1F"),
    ("binary", "0b101", "0b101"),
    ("plus-sign", "+12", "+12"),
    ("minus-zero", "-0", "-0"),
    ("underscore", "1_000", "1_000"),
    ("trailing-dot", "1.", "1."),
    ("float-zeros", "1.50", "1.50"),
    ("date", "2014-09-26", "2014-09-26"),
    ("huge-int", "9" * 400, "9" * 400),
    ("overflowing-float", "1e400", "1e400"),
    ("inf", ".inf", ".inf"),
    ("plain-int", "2021", "2021"),
]


@pytest.mark.parametrize("written,expected", [c[1:] for c in ONE_MEANING],
                         ids=[c[0] for c in ONE_MEANING])
def test_a_string_field_holds_the_text_as_written_through_both_readers(tmp_path, written,
                                                                        expected):
    text = SOURCE.format(title=written)
    fast = _show_title(tmp_path, "fast", text)
    strict = _show_title(tmp_path, "strict", text + STRICT_MARK)
    assert fast.code == strict.code == 0, (fast.err, strict.err)
    assert fast.json()["record"]["title"] == strict.json()["record"]["title"] == expected


# (id, a line for a structure's `current` (a bool) or an item's `number`, error fragment)
TYPED = [
    ("bool-yes", "current: yes", "field 'current' must be true or false, got 'yes'"),
    ("bool-on", "current: on", "field 'current' must be true or false, got 'on'"),
    ("bool-explicit-tag", "current: !!bool yes", "not a valid !!bool"),
    ("int-explicit-tag", "current: !!int 0x", "not a valid !!int"),
]


@pytest.mark.parametrize("line,fragment", [c[1:] for c in TYPED], ids=[c[0] for c in TYPED])
def test_a_typed_field_has_one_meaning_or_fails_with_file_and_line(tmp_path, line, fragment):
    text = SOURCE.format(title="T") + f"""\
programs:
  - id: plan
    name: A plan
    cite: [{{source: notes, quote: q}}]
structures:
  - id: plan-s
    program: plan
    label: S
    {line}
    items:
      - id: one
        title: One
        cite: [{{source: notes, quote: q}}]
    cite: [{{source: notes, quote: q}}]
"""
    for name, body in (("fast", text), ("strict", text + STRICT_MARK)):
        pack = write_pack(tmp_path / name, {"a.yaml": body})
        result = _clean(run_cli("--no-builtin", "--data", pack, "validate"))
        assert result.code == 1 and fragment in result.err, (name, result.err)
        assert f"a.yaml:{text.count(chr(10), 0, text.index(line)) + 1}:" in result.err


@pytest.mark.parametrize("char", ["\x85", "\u2028", "\u2029"], ids=["NEL", "LS", "PS"])
def test_a_line_break_only_some_readers_see_fails_with_file_and_line(tmp_path, char):
    pack = write_pack(tmp_path / "p", {"a.yaml": SOURCE.format(title=f"a{char}b")})
    result = _clean(run_cli("--no-builtin", "--data", pack, "validate"))
    assert result.code == 1 and "a.yaml:3:" in result.err and f"U+{ord(char):04X}" in result.err


# (id, string that export must quote or escape so it loads back as the same string)
EXPORT_QUOTES = ["1e3", "0o17", "1:30", "yes", "010", "+12", "0x1F", ".inf", "null", "~",
                 "true", "1_000", "a\x85b", "a\u2028b", " padded ", "-0", "2014-09-26"]


@pytest.mark.parametrize("value", EXPORT_QUOTES, ids=[repr(v) for v in EXPORT_QUOTES])
def test_export_yaml_quotes_every_string_that_would_read_back_as_something_else(tmp_path,
                                                                               value):
    pack = write_pack(tmp_path / "p", {"a.json": json.dumps(
        {"sources": [{"id": "notes", "title": value, "file": "notes.txt"}]})})
    exported = _clean(run_cli("--no-builtin", "--data", pack, "export", "--format", "yaml"))
    assert exported.code == 0, exported.err
    for name, text in (("fast", exported.out), ("strict", exported.out + STRICT_MARK)):
        shown = _show_title(tmp_path, name, text)
        assert shown.code == 0, (name, shown.err)
        assert shown.json()["record"]["title"] == value, name


def _kind(value):
    for kind in (bool, int, float, str, type(None)):
        if isinstance(value, kind):
            return kind
    return type(value)


def _same(a, b) -> bool:
    """Equal, and of equal kinds (1 is not 1.0 is not '1'); NaN equals NaN."""
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return _kind(a) is _kind(b) and a == b


SCALARS = st.one_of(
    st.text(st.characters(blacklist_categories=["Cs"]), max_size=20),
    st.text(alphabet=st.sampled_from(list("0123456789+-._eExXoObB:~ yesnoYNtrufalI")),
            max_size=10),
    st.integers(min_value=-(2 ** 63), max_value=2 ** 63), st.floats(), st.booleans(),
    st.none())


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(alphabet="abcdefgh", min_size=1, max_size=4), SCALARS,
                       max_size=6), st.lists(SCALARS, max_size=4))
def test_exported_yaml_reads_back_the_same_through_both_readers(mapping, items):
    data = {"m": mapping, "l": items}
    text = dump_yaml(data)
    strict = parse_yaml(text, "x.yaml")
    assert _same(strict, data), (text, strict)
    fast = parse_yaml_fast(text)
    assert fast is None or _same(fast, data), (text, fast)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789+-._eExXoObB:~ tTrRuUeEnNlLfFaAsS")),
               min_size=1, max_size=12))
def test_both_readers_give_a_plain_scalar_one_meaning(token):
    text = f"k: {token}\n"
    fast = parse_yaml_fast(text)
    try:
        strict = parse_yaml(text, "x.yaml")
    except DataError:
        assert fast is None
        return
    assert fast is None or _same(fast, strict), (token, fast, strict)


# ---- 2. numbers and text -------------------------------------------------------------

def _amount_pack(tmp_path, amount_json: str, suffix="json"):
    body = ('{"sources": [{"id": "notes", "title": "T", "file": "notes.txt"}],'
            ' "programs": [{"id": "plan", "name": "P", "cite": [{"source": "notes",'
            ' "quote": "q"}]}],'
            ' "funding": [{"id": "f", "title": "F", "program": "plan", "as_of": "2020", "amount_usd": '
            + amount_json + ', "cite": [{"source": "notes", "quote": "q"}]}]}')
    return write_pack(tmp_path / "p", {f"a.{suffix}": body})


NUMBERS = [
    ("json-19-digits", "9" * 19, "field 'amount_usd' must be a number up to"),
    ("json-400-digits", "9" * 400, "field 'amount_usd' must be a finite number"),
    ("json-5000-digits", "9" * 5000, "field 'amount_usd' must be a finite number"),
    ("json-1e400", "1e400", "field 'amount_usd' must be a finite number"),
    ("json-negative", "-5", "zero or more"),
    ("json-lone-surrogate-in-number", '"\\ud800"', "must be a finite number"),
]


@pytest.mark.parametrize("amount,fragment", [c[1:] for c in NUMBERS], ids=[c[0] for c in NUMBERS])
def test_hostile_numbers_fail_at_validate_with_file_and_line(tmp_path, amount, fragment):
    pack = _amount_pack(tmp_path, amount)
    for command in (["validate"], ["funding", "--json"]):
        result = _clean(run_cli("--no-builtin", "--data", pack, *command))
        assert result.code == 1 and fragment in result.err and "a.json:1:" in result.err
        assert len(result.err) < 2000


@pytest.mark.parametrize("digits", [25, 400], ids=["yaml-25-digits", "yaml-400-digits"])
def test_a_huge_yaml_number_is_a_clean_error(tmp_path, digits):
    text = (SOURCE.format(title="T") + "programs:\n  - id: plan\n    name: P\n"
            "    cite: [{source: notes, quote: q}]\nfunding:\n  - id: f\n    title: F\n"
            f"    program: plan\n    as_of: 2020\n    amount_usd: {'9' * digits}\n"
            "    cite: [{source: notes, quote: q}]\n")
    pack = write_pack(tmp_path / "p", {"a.yaml": text})
    result = _clean(run_cli("--no-builtin", "--data", pack, "validate"))
    assert result.code == 1 and "a.yaml:14:" in result.err and "amount_usd" in result.err


SURROGATES = [("title", '"\\ud800"'), ("title", '"a\\udfffb"'), ("file", '"\\udc80.txt"')]


@pytest.mark.parametrize("field,value", SURROGATES, ids=["lone-high", "lone-low", "in-file"])
def test_a_json_lone_surrogate_fails_validate_and_never_crashes_a_read(tmp_path, field, value):
    rec = {"id": "notes", "title": "T", "file": "notes.txt"}
    body = json.dumps({"sources": [rec]}).replace(json.dumps(rec[field]), value)
    pack = write_pack(tmp_path / "p", {"a.json": body})
    for command in (["validate"], ["sources"], ["export"], ["search", "T"]):
        result = _clean(run_cli("--no-builtin", "--data", pack, *command))
        assert result.code == 1 and "a.json:1:" in result.err and "surrogate" in result.err


def test_a_json_surrogate_pair_is_one_character(tmp_path):
    body = json.dumps({"sources": [{"id": "notes", "title": "T \U0001F600", "file": "n.txt"}]})
    pack = write_pack(tmp_path / "p", {"a.json": body})
    result = _clean(run_cli("--no-builtin", "--data", pack, "show", "notes", "--json"))
    assert result.code == 0 and result.json()["record"]["title"] == "T \U0001F600"


def test_json_numbers_in_string_fields_keep_their_text(tmp_path):
    pack = write_pack(tmp_path / "p", {"a.json": '{"sources": [{"id": "notes", "title": 1e3,'
                                                 ' "author": 1.50, "file": "n.txt"}]}'})
    result = _clean(run_cli("--no-builtin", "--data", pack, "show", "notes", "--json"))
    assert result.code == 0, result.err
    assert (result.json()["record"]["title"], result.json()["record"]["author"]) == ("1e3",
                                                                                    "1.50")


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=30)
       .filter(str.strip), st.text(st.characters(blacklist_categories=["Cs"]), min_size=1,
                                   max_size=30).filter(str.strip))
def test_export_then_load_keeps_every_string(tmp_path_factory, title, author):
    """JSON and YAML exports load back as the same records (the built-in reader path)."""
    folder = tmp_path_factory.mktemp("rt")
    rec = {"id": "notes", "title": title, "author": author, "file": "notes.txt"}
    pack = write_pack(folder / "p", {"a.json": json.dumps({"sources": [rec]})})
    for fmt in ("yaml", "json"):
        exported = _clean(run_cli("--no-builtin", "--data", pack, "export", "--format", fmt))
        assert exported.code == 0, exported.err
        again = write_pack(folder / fmt, {f"all.{fmt}": exported.out})
        back = _clean(run_cli("--no-builtin", "--data", again, "export", "--format", "json"))
        assert back.code == 0, (fmt, back.err)
        assert back.json()["sources"] == [rec], fmt
