"""Broken and hostile data packs: every case exits 1 with one `file:line:` message per
problem on stderr, never a traceback, and nothing is written to the pack; which entries
of a folder are pack files, and a pack named twice (or by another path) is read once."""

from __future__ import annotations

import json
import os

import pytest
from conftest import run_cli, write_pack
from helpers import (
    GOOD,
    NOTES_SOURCE,
    RICH,
    STRICT_MARK,
    TITLED_SOURCE,
    clean,
    notes_pack,
    run_on_pack,
    small_pack,
    undecodable,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def test_good_pack_validates(tmp_path):
    pack = write_pack(tmp_path / "pack", {"a.yaml": GOOD})
    result = run_cli("--no-builtin", "--data", pack, "validate")
    assert result.code == 0, result.err
    assert "4 records valid" in result.err


# (id, files, expected line, expected message fragment)
CASES = [
    ("malformed-yaml", {"a.yaml": "sources: [\n  - id: x\n"}, None, "invalid YAML"),
    ("tab-indented", {"a.yaml": "sources:\n\t- id: x\n"}, 2, "tabs"),
    ("duplicate-key", {"a.yaml": GOOD.replace("    title: My notes\n",
                                              "    title: My notes\n    title: Again\n")},
     4, "duplicate key 'title'"),
    ("anchor-alias", {"a.yaml": GOOD + "events:\n  - &e {id: a}\n  - *e\n"}, None, "aliases"),
    ("billion-laughs", {"a.yaml": 'a: &a ["lol","lol"]\nb: &b [*a,*a,*a,*a]\nc: [*b,*b,*b]\n'},
     None, "aliases"),
    ("python-object-tag", {"a.yaml": "sources: !!python/object:os.system {}\n"}, 1, "tag"),
    ("python-apply-tag", {"a.yaml": 'x: !!python/object/apply:os.system ["echo hi"]\n'}, 1, "tag"),
    ("custom-tag", {"a.yaml": "sources:\n  - !thing {id: x}\n"}, 2, "tag '!thing'"),
    ("binary-tag", {"a.yaml": "sources:\n  - id: !!binary aGVsbG8=\n"}, 2, "tag '!!binary'"),
    ("merge-key", {"a.yaml": "x: &x {a: 1}\nsources:\n  - <<: *x\n"}, None, "not allowed"),
    ("unknown-field", {"a.yaml": GOOD.replace("    file: notes.txt\n",
                                              "    file: notes.txt\n    colour: red\n")},
     6, "unknown field 'colour'"),
    ("unknown-field-suggestion", {"a.yaml": GOOD.replace("    title: My notes", "    titel: My notes")},
     3, "did you mean 'title'"),
    ("unknown-kind", {"a.yaml": GOOD + "recomendations: []\n"}, 26, "did you mean 'recommendations'"),
    ("wrong-type-list", {"a.yaml": GOOD.replace("topics: [guns]\n    programs", "topics: 5\n    programs")},
     21, "field 'topics' must be a list"),
    ("wrong-type-mapping", {"a.yaml": "sources:\n  - just a string\n"}, 1, "must be a mapping"),
    ("kind-not-list", {"a.yaml": "sources: {id: x}\n"}, 1, "must be a list"),
    ("top-level-list", {"a.yaml": "- id: x\n"}, 1, "expected a mapping of record kinds"),
    ("missing-required", {"a.yaml": GOOD.replace("    actor: Me\n", "")}, 18, "missing required field 'actor'"),
    ("missing-cite", {"a.yaml": GOOD.replace('    programs: [plan]\n    cite:\n      - source: notes\n        quote: "a quote"\n', "")},
     18, "missing required field 'cite'"),
    ("empty-quote", {"a.yaml": GOOD.replace('quote: "a quote"\nrecommendations', 'quote: ""\nrecommendations')},
     None, "field 'quote' must be a non-empty string"),
    ("bad-date", {"a.yaml": GOOD.replace('"2024-05"', '"2024-13"')}, 4, "date like 2014"),
    ("bad-date-text", {"a.yaml": GOOD.replace('"2024-05"', '"last May"')}, 4, "date like 2014"),
    ("bad-day", {"a.yaml": GOOD.replace('"2024-05"', '"2023-02-29"')}, 4, "date like 2014"),
    ("bad-slug", {"a.yaml": GOOD.replace("id: trace", "id: Trace Guns")}, 18, "lower-case id"),
    ("bad-enum", {"a.yaml": GOOD + "assessments:\n  - id: x\n    text: t\n    about: plan\n    actor: me\n    stance: angry\n    cite: [{source: notes, quote: q}]\n"},
     31, "one of positive"),
    ("negative-amount", {"a.yaml": GOOD + "funding:\n  - id: f\n    title: t\n    program: plan\n    measure: request\n    amount_usd: -5\n    as_of: '2020'\n    cite: [{source: notes, quote: q}]\n"},
     31, "zero or more"),
    ("bad-fiscal-years", {"a.yaml": GOOD + "funding:\n  - id: f\n    title: t\n    program: plan\n    measure: request\n    fiscal_years: 2008-10\n    as_of: '2020'\n    cite: [{source: notes, quote: q}]\n"},
     31, "fiscal years like"),
    ("unknown-topic", {"a.yaml": GOOD.replace("topics: [guns]\n    programs", "topics: [gnus]\n    programs")},
     18, "unknown topic 'gnus' (did you mean 'guns'?)"),
    ("unknown-source", {"a.yaml": GOOD.replace("      - source: notes\n        quote: \"a quote\"\nrecommendations",
                                               "      - source: nots\n        quote: \"a quote\"\nrecommendations")},
     11, "unknown source 'nots'"),
    ("unknown-program", {"a.yaml": GOOD.replace("programs: [plan]", "programs: [plane]")}, 18, "unknown program 'plane'"),
    ("unknown-parent", {"a.yaml": GOOD.replace("    name: A plan\n", "    name: A plan\n    parent: nowhere\n")},
     11, "unknown parent program 'nowhere'"),
    ("duplicate-id", {"a.yaml": GOOD, "b.yaml": "topics:\n  - id: guns\n    label: Again\n"},
     2, "duplicate id 'guns' in topics (first defined at"),
    # an id listed twice showed twice in every listing and counted once in others
    ("repeated-program", {"a.yaml": GOOD.replace("programs: [plan]", "programs: [plan, plan]")},
     22, "recommendation 'trace': field 'programs' lists 'plan' more than once"),
    ("repeated-topic", {"a.yaml": GOOD.replace("    topics: [guns]\n    programs",
                                               "    topics: [guns, guns]\n    programs")},
     21, "field 'topics' lists 'guns' more than once"),
    ("repeated-item-topic", {"a.yaml": GOOD + "structures:\n  - id: s\n    program: plan\n    label: L\n    items:\n      - id: i1\n        title: T\n        topics: [guns, guns]\n        cite: [{source: notes, quote: q}]\n    cite: [{source: notes, quote: q}]\n"},
     None, "field 'topics' lists 'guns' more than once"),
    ("binary-file", {"a.yaml": b"\x89PNG\r\n\x1a\n\x00\x00\x00"}, 3, "binary file"),
    ("invalid-utf8", {"a.yaml": b"sources:\n  - id: caf\xe9\n"}, 2, "not valid UTF-8"),
    # a Windows editor's "Unicode": text in the wrong encoding, not a binary file
    ("utf16-le", {"a.yaml": "\ufefftopics: []\n".encode("utf-16-le")}, 1,
     "UTF-16 text (it starts with a UTF-16 byte-order mark): save it as UTF-8"),
    ("utf16-be", {"a.json": "\ufeff{}".encode("utf-16-be")}, 1, "UTF-16 text"),
    ("empty-file", {"a.yaml": ""}, 1, "file is empty"),
    ("whitespace-file", {"a.yaml": "\n\n  \n"}, 1, "file is empty"),
    ("json-malformed", {"a.json": '{"sources": [}'}, 1, "invalid JSON"),
    ("json-duplicate-key", {"a.json": '{"topics": [], "topics": []}'}, 1, "duplicate key 'topics'"),
    ("json-unknown-field", {"a.json": '{"topics": [\n {"id": "x", "label": "X", "bogus": 1}\n]}'},
     2, "unknown field 'bogus'"),
    ("infinite-number", {"a.json": '{"figures": [{"id": "x", "label": "L", "value": 1e400, '
                                   '"unit": "u", "cite": [{"source": "s", "quote": "q"}]}]}'},
     1, "must be a finite number"),
    ("nan-number", {"a.json": '{"figures": [{"id": "x", "label": "L", "value": NaN, '
                              '"unit": "u", "cite": [{"source": "s", "quote": "q"}]}]}'},
     1, "must be a finite number"),
    ("deep-nesting", {"a.yaml": "topics: " + "[" * 5000 + "]" * 5000 + "\n"}, 1, "nest"),
    ("quote-too-long", {"a.yaml": GOOD.replace('quote: "a quote"\nrecommendations',
                                               'quote: "' + "word " * 60 + '"\nrecommendations')},
     None, "too long"),
    ("item-unknown-parent", {"a.yaml": GOOD + "structures:\n  - id: s\n    program: plan\n    label: L\n    items:\n      - id: i1\n        title: T\n        parent: i9\n        cite: [{source: notes, quote: q}]\n"},
     31, "unknown parent 'i9'"),  # the item's line
    ("item-parent-cycle", {"a.yaml": GOOD + "structures:\n  - id: s\n    program: plan\n    label: L\n    items:\n      - id: p0\n        title: T\n        cite: [{source: notes, quote: q}]\n      - id: p1\n        title: T\n        parent: p2\n        cite: [{source: notes, quote: q}]\n      - id: p2\n        title: T\n        parent: p1\n        cite: [{source: notes, quote: q}]\n"},
     34, "structure 's': item 'p1' is its own ancestor (a cycle of parents)"),
    ("item-own-parent", {"a.yaml": GOOD + "structures:\n  - id: s\n    program: plan\n    label: L\n    items:\n      - id: p1\n        title: T\n        parent: p1\n        cite: [{source: notes, quote: q}]\n"},
     31, "structure 's': item 'p1' is its own parent"),
]


@pytest.mark.parametrize("files,line,message", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_broken_pack_is_reported_with_file_and_line(tmp_path, files, line, message):
    pack = write_pack(tmp_path / "pack", files)
    before = {p.name: p.read_bytes() for p in pack.iterdir()}
    result = run_cli("--no-builtin", "--data", pack, "validate")
    assert result.code == 1
    assert "Traceback" not in result.err
    assert message in result.err, result.err
    first = next(ln for ln in result.err.splitlines() if message in ln)
    assert first.startswith(str(pack)), first
    if line is not None:
        assert f":{line}:" in first, first
    # the same data breaks a read command the same way, and nothing was written
    listing = run_cli("--no-builtin", "--data", pack, "recs")
    assert listing.code == 1 and "Traceback" not in listing.err and message in listing.err
    assert {p.name: p.read_bytes() for p in pack.iterdir()} == before


TOPICS_ONLY = "topics:\n  - id: firearms\n    label: Firearms\n"


def test_oversized_file_is_refused_before_parsing(tmp_path, monkeypatch):
    monkeypatch.setenv("MERIDA_MAX_FILE_MB", "2")
    pack = write_pack(tmp_path / "pack", {"big.yaml": "# " + "x" * (3 * 1024 * 1024) + "\n"})
    result = run_cli("--no-builtin", "--data", pack, "validate")
    assert result.code == 1
    assert "over the 2 MiB limit" in result.err and "big.yaml:1:" in result.err
    assert "MERIDA_MAX_FILE_MB" in result.err


def test_a_pack_cached_under_a_larger_cap_is_refused_under_a_smaller_one(tmp_path, monkeypatch):
    pack = write_pack(tmp_path / "pack",
                      {"big.yaml": TOPICS_ONLY + "# " + "x" * (3 * 1024 * 1024) + "\n"})
    monkeypatch.setenv("MERIDA_MAX_FILE_MB", "8")
    assert run_cli("--no-builtin", "--data", pack, "topics").code == 0  # cached
    monkeypatch.setenv("MERIDA_MAX_FILE_MB", "2")
    result = run_cli("--no-builtin", "--data", pack, "topics")
    assert result.code == 1 and "big.yaml:1:" in result.err
    assert "over the 2 MiB limit" in result.err
    monkeypatch.setenv("MERIDA_MAX_FILE_MB", "8")
    assert run_cli("--no-builtin", "--data", pack, "topics").code == 0


def test_a_13_mib_pack_file_loads_under_the_default_cap(tmp_path, monkeypatch):
    # an ordinary big export: one valid file of 13 MiB (the old cap was 8 MiB)
    monkeypatch.delenv("MERIDA_MAX_FILE_MB", raising=False)
    padding = "# " + "x" * 1000 + "\n"
    body = (TOPICS_ONLY + padding * (14 * 1024)).encode()
    pack = write_pack(tmp_path / "pack", {"big.yaml": body})
    assert (pack / "big.yaml").stat().st_size > 13 * 1024 * 1024
    result = run_cli("--no-builtin", "--data", pack, "topics", "--json")
    assert result.code == 0, result.err
    assert [t["id"] for t in result.json()] == ["firearms"]


@pytest.mark.parametrize("value", ["0", "-1", "nan", "lots", "inf"])
def test_a_nonsense_cap_falls_back_to_the_default(tmp_path, monkeypatch, value):
    monkeypatch.setenv("MERIDA_MAX_FILE_MB", value)
    pack = write_pack(tmp_path / "pack", {"t.yaml": TOPICS_ONLY})
    assert run_cli("--no-builtin", "--data", pack, "topics").code == 0


def test_missing_pack_directory_is_a_usage_error(tmp_path):
    result = run_cli("--data", tmp_path / "nope", "recs")
    assert result.code == 2
    assert "no such data directory" in result.err


def test_file_where_directory_expected(tmp_path):
    f = tmp_path / "file.yaml"
    f.write_text("topics: []\n")
    result = run_cli("--data", f, "recs")
    assert result.code == 2 and "not a directory" in result.err


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file(tmp_path):
    pack = write_pack(tmp_path / "pack", {"a.yaml": GOOD})
    (pack / "a.yaml").chmod(0)
    result = run_cli("--no-builtin", "--data", pack, "validate")
    assert result.code == 1 and "cannot read file" in result.err


def test_unreadable_file_as_root_via_directory(tmp_path, monkeypatch):
    """Even root gets a clean message when reading fails (simulated OSError)."""
    pack = write_pack(tmp_path / "pack", {"a.yaml": GOOD})
    real_open = os.open

    def refuse(path, *args, **kwargs):
        if os.fspath(path).endswith("a.yaml"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    result = run_cli("--no-builtin", "--data", pack, "validate")
    assert result.code == 1
    assert "a.yaml:1: cannot read file: Permission denied" in result.err


def test_json_pack_loads(tmp_path, cli):
    import json

    import yaml

    pack = write_pack(tmp_path / "pack", {"a.json": json.dumps(yaml.safe_load(GOOD))})
    result = cli("--no-builtin", "--data", pack, "recs", "--topic", "firearms", "--json")
    assert result.code == 0, result.err
    assert [r["id"] for r in result.json()] == ["trace"]


def test_bare_year_is_kept_as_text(tmp_path, cli):
    pack = write_pack(tmp_path / "pack", {"a.yaml": GOOD.replace('"2024-05"', "2024")})
    result = cli("--no-builtin", "--data", pack, "show", "notes", "--json")
    assert result.json()["record"]["date"] == "2024"


yaml_text = st.text(alphabet=st.sampled_from(list("abc:-[]{}&*!|>'\"#\n\t 0123é")), max_size=200)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(yaml_text)
def test_random_yaml_never_crashes(tmp_path, text):
    pack = write_pack(tmp_path / "fuzz", {"a.yaml": text})
    result = run_cli("--no-builtin", "--data", pack, "validate")
    assert result.code in (0, 1)
    assert "Traceback" not in result.err and "a bug in merida" not in result.err


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab:-[]{},&*!<| \n'\"x1")), max_size=60))
def test_fast_reader_never_accepts_what_the_strict_one_refuses(text):
    """Tags, anchors, aliases and merge keys must always reach the strict reader."""
    from merida_cli.errors import DataError
    from merida_cli.yamlsafe import parse_yaml, parse_yaml_fast

    try:
        parse_yaml(text, "x.yaml")
    except DataError as exc:
        if any(word in exc.problems[0] for word in ("aliases", "tag", "merge")):
            assert parse_yaml_fast(text) is None, text


@pytest.mark.parametrize("text", ["a: &x [1]\nb: *x\n", "- !x 1\n", "a: [1,*x]\n", "&a x\n",
                                  "a: {b: *x}\n", "<<: {a: 1}\n", "--- \na: 1\n---\nb: 2\n",
                                  "%YAML 1.2\n---\na: 1\n", "a: 1\n...\n", "page: +3\n",
                                  "page: -.5\n", "a: [1,-2]\n", "+1\n", "page: 0x1F\n",
                                  "a: {b: 0o17}\n", "a: b\u2028c\n", "a: b\x85c\n",
                                  "\ufeff%YAML 1.2\n---\na: 1\n"])
def test_fast_reader_defers_on_yaml_features(text):
    from merida_cli.yamlsafe import parse_yaml_fast

    assert parse_yaml_fast(text) is None


def test_fast_reader_takes_prose_with_symbols():
    from merida_cli.yamlsafe import parse_yaml_fast

    assert parse_yaml_fast("a: wh-2022-*-results & more!\n") == {"a": "wh-2022-*-results & more!"}
    # a sign inside text (after a letter, a digit or an accented letter) is no number
    assert parse_yaml_fast("d: 2014-09-26\nr: FY2008-FY2010 1-2 é-3\n") == {
        "d": "2014-09-26", "r": "FY2008-FY2010 1-2 é-3"}


# ---- hostile values: one file:line message, never a traceback --------------------

# (id, a line for a structure's `current` (a bool) or an item's `number`, error fragment)
TYPED = [
    ("bool-yes", "current: yes", "field 'current' must be true or false, got 'yes'"),
    ("bool-on", "current: on", "field 'current' must be true or false, got 'on'"),
    ("bool-explicit-tag", "current: !!bool yes", "not a valid !!bool"),
    ("int-explicit-tag", "current: !!int 0x", "not a valid !!int"),
]


@pytest.mark.parametrize("line,fragment", [c[1:] for c in TYPED], ids=[c[0] for c in TYPED])
def test_a_typed_field_has_one_meaning_or_fails_with_file_and_line(tmp_path, line, fragment):
    text = TITLED_SOURCE.format(title="T") + f"""\
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
        result = clean(run_cli("--no-builtin", "--data", pack, "validate"))
        assert result.code == 1 and fragment in result.err, (name, result.err)
        assert f"a.yaml:{text.count(chr(10), 0, text.index(line)) + 1}:" in result.err


@pytest.mark.parametrize("char", ["\x85", "\u2028", "\u2029"], ids=["NEL", "LS", "PS"])
def test_a_line_break_only_some_readers_see_fails_with_file_and_line(tmp_path, char):
    pack = write_pack(tmp_path / "p", {"a.yaml": TITLED_SOURCE.format(title=f"a{char}b")})
    result = clean(run_cli("--no-builtin", "--data", pack, "validate"))
    assert result.code == 1 and "a.yaml:3:" in result.err and f"U+{ord(char):04X}" in result.err


def _amount_pack(tmp_path, amount_json: str, suffix="json"):
    body = ('{"sources": [{"id": "notes", "title": "T", "file": "notes.txt"}],'
            ' "programs": [{"id": "plan", "name": "P", "cite": [{"source": "notes",'
            ' "quote": "q"}]}],'
            ' "funding": [{"id": "f", "title": "F", "program": "plan", "measure": "appropriation", "as_of": "2020", "amount_usd": '
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
        result = clean(run_cli("--no-builtin", "--data", pack, *command))
        assert result.code == 1 and fragment in result.err and "a.json:1:" in result.err
        assert len(result.err) < 2000


@pytest.mark.parametrize("digits", [25, 400], ids=["yaml-25-digits", "yaml-400-digits"])
def test_a_huge_yaml_number_is_a_clean_error(tmp_path, digits):
    text = (TITLED_SOURCE.format(title="T") + "programs:\n  - id: plan\n    name: P\n"
            "    cite: [{source: notes, quote: q}]\nfunding:\n  - id: f\n    title: F\n"
            f"    program: plan\n    measure: appropriation\n    as_of: 2020\n"
            f"    amount_usd: {'9' * digits}\n"
            "    cite: [{source: notes, quote: q}]\n")
    pack = write_pack(tmp_path / "p", {"a.yaml": text})
    result = clean(run_cli("--no-builtin", "--data", pack, "validate"))
    assert result.code == 1 and "a.yaml:15:" in result.err and "amount_usd" in result.err


SURROGATES = [("title", '"\\ud800"'), ("title", '"a\\udfffb"'), ("file", '"\\udc80.txt"')]


@pytest.mark.parametrize("field,value", SURROGATES, ids=["lone-high", "lone-low", "in-file"])
def test_a_json_lone_surrogate_fails_validate_and_never_crashes_a_read(tmp_path, field, value):
    rec = {"id": "notes", "title": "T", "file": "notes.txt"}
    body = json.dumps({"sources": [rec]}).replace(json.dumps(rec[field]), value)
    pack = write_pack(tmp_path / "p", {"a.json": body})
    for command in (["validate"], ["sources"], ["export"], ["search", "T"]):
        result = clean(run_cli("--no-builtin", "--data", pack, *command))
        assert result.code == 1 and "a.json:1:" in result.err and "surrogate" in result.err


# YAML escapes that put a control character in a value (a raw one is no YAML at all)
CONTROL_ESCAPES = ["\\0", "\\x07", "\\e[2J", "\\r", "\\N", "\\u009b", "\\x7f"]


@pytest.mark.parametrize("escape", CONTROL_ESCAPES)
def test_a_control_character_escape_fails_validate_and_never_reaches_a_read(tmp_path, escape):
    text = TITLED_SOURCE.format(title=f'"abc{escape}def"')
    for name, body in (("fast", text), ("strict", text + STRICT_MARK)):
        pack = write_pack(tmp_path / name, {"a.yaml": body})
        for command in (["validate"], ["sources"], ["export"], ["search", "abc"]):
            result = clean(run_cli("--no-builtin", "--data", pack, *command))
            assert result.code == 1 and result.out == "", (name, command, result.out)
            assert "a.yaml:3:" in result.err and "field 'title' must be text without control " \
                "characters (but tab and newline)" in result.err, (name, command, result.err)


@pytest.mark.parametrize("char", ["\x07", "\x1b", "\x7f", "\x9b"], ids=["BEL", "ESC", "DEL", "CSI"])
def test_a_raw_control_character_is_no_yaml_and_says_its_line(tmp_path, char):
    """The YAML reader refuses it itself; its position counted bytes or characters, so the
    message said line 1, after an accented letter too."""
    text = f"sources:\n  - id: notes\n    title: Añadido él\n    summary: a{char}b\n    file: n.txt\n"
    for name, body in (("fast", text), ("strict", text + STRICT_MARK)):
        pack = write_pack(tmp_path / name, {"a.yaml": body})
        for command in (["validate"], ["sources"]):
            result = clean(run_cli("--no-builtin", "--data", pack, *command))
            assert result.code == 1 and result.out == ""
            assert "a.yaml:4: invalid YAML: " in result.err and \
                f"(U+{ord(char):04X})" in result.err, (name, command, result.err)


# a citation (or alternative date) whose source is itself invalid: one file:line message,
# not a KeyError where the default source or the references are worked out
BAD_CITE_SOURCES = [("number", "1e3"), ("not-a-slug", '"bad id"'), ("list", "[a, b]"),
                    ("mapping", "{a: 1}"), ("null", "~"), ("bool", "true")]


@pytest.mark.parametrize("value", [c[1] for c in BAD_CITE_SOURCES],
                         ids=[c[0] for c in BAD_CITE_SOURCES])
@pytest.mark.parametrize("command", [["validate"], ["recs", "--json"]])
def test_a_citation_with_a_bad_source_is_one_message(tmp_path, value, command):
    text = TITLED_SOURCE.format(title="T") + f"""\
recommendations:
  - id: trace
    text: Trace guns
    actor: Me
    cite:
      - source: {value}
        quote: "a quote"
"""
    pack = write_pack(tmp_path / "p", {"a.yaml": text})
    result = clean(run_cli("--no-builtin", "--data", pack, *command))
    assert result.code == 1 and "a.yaml:" in result.err and "'source'" in result.err, result.err


@pytest.mark.parametrize("item_id", ["1e20", "Bad Id", "[x]", "~"],
                         ids=["number", "not-a-slug", "list", "null"])
@pytest.mark.parametrize("command", [["validate"], ["pillars", "plan"], ["show", "p1"]])
def test_a_structure_item_with_a_bad_id_is_one_message(tmp_path, item_id, command):
    pack = write_pack(tmp_path / "p", {"a.yaml": RICH.replace("{item_id}", item_id)})
    result = clean(run_cli("--no-builtin", "--data", pack, *command))
    assert result.code == 1 and "a.yaml:" in result.err and "'id'" in result.err, result.err


@pytest.mark.parametrize("items", ["[]", "~", "[{id: Bad}]", "x"],
                         ids=["empty", "null", "only-bad-items", "text"])
@pytest.mark.parametrize("command", [["validate"], ["gaps"]])
def test_a_structure_without_valid_items_is_one_message(tmp_path, items, command):
    text = RICH.replace("{item_id}", "p2")
    start = text.index("    items:\n")
    text = text[:start] + f"    items: {items}\n" + text[text.index("\n    cite:", start) + 1:]
    pack = write_pack(tmp_path / "p", {"a.yaml": text})
    result = clean(run_cli("--no-builtin", "--data", pack, *command))
    assert result.code == 1 and ("'items'" in result.err or "item 1" in result.err), result.err


DATES = [("full-width", "２０１４"), ("arabic-indic", "٢٠١٤"), ("year-zero", "0000")]


@pytest.mark.parametrize("date", [c[1] for c in DATES], ids=[c[0] for c in DATES])
def test_dates_take_ascii_digits_only(tmp_path, date):
    text = NOTES_SOURCE.format(title="T", author="A") + (
        f'events:\n  - id: e1\n    title: E\n    date: "{date}"\n'
        '    cite: [{source: notes, quote: q}]\n')
    pack = write_pack(tmp_path / "p", {"a.yaml": text})
    result = run_on_pack("validate", pack=pack)
    assert result.code == 1 and "a.yaml:10:" in result.err and "date" in result.err
    for option in ("--to", "--from", "--on"):
        result = run_cli("timeline", option, date)
        assert result.code == 2 and option in result.err
    assert run_cli("funding", "--as-of", date).code == 2


@pytest.mark.parametrize("kind", ["topics", "programs"])
def test_a_cycle_of_parents_is_a_problem(tmp_path, kind):
    label = "label" if kind == "topics" else "name"
    cite = "" if kind == "topics" else "    cite: [{source: notes, quote: q}]\n"
    text = NOTES_SOURCE.format(title="T", author="A") + f"{kind}:\n" + "".join(
        f"  - id: {rid}\n    {label}: {rid.upper()}\n    parent: {parent}\n{cite}"
        for rid, parent in (("cyc-a", "cyc-b"), ("cyc-b", "cyc-c"), ("cyc-c", "cyc-a")))
    pack = write_pack(tmp_path / "p", {"a.yaml": text})
    result = run_on_pack("validate", pack=pack)
    assert result.code == 1 and "a cycle of parents" in result.err, result.err
    assert result.err.count("is its own ancestor") == 3
    assert run_on_pack("recs", pack=pack).code == 1  # a read command refuses the pack too


def test_a_number_where_a_record_should_be_says_a_number(tmp_path):
    pack = write_pack(tmp_path / "p", {"a.yaml": "sources:\n  - 5\n"})
    result = run_on_pack("validate", pack=pack)
    assert result.code == 1 and "got a number" in result.err and "Raw" not in result.err


def test_many_bad_references_cost_one_suggestion_per_distinct_name(tmp_path, monkeypatch):
    from merida_cli import validate

    lines = [TITLED_SOURCE.format(title="T"), "recommendations:\n"]
    for i in range(3000):
        lines.append(f"  - id: r{i}\n    text: T\n    actor: A\n    topics: [nope-{i % 500}]\n"
                     "    cite: [{source: notes, quote: q}]\n")
    pack = write_pack(tmp_path / "p", {"a.yaml": "".join(lines)})
    calls = []
    real = validate.did_you_mean

    def counting(word, choices):
        calls.append(word)
        return real(word, choices)

    monkeypatch.setattr(validate, "did_you_mean", counting)
    result = clean(run_cli("--no-builtin", "--data", pack, "validate"))
    assert result.code == 1 and result.err.count("unknown topic 'nope-") == 3000
    assert len(calls) == len(set(calls)) <= validate.MAX_SUGGESTIONS
    assert "a.yaml:5006: recommendation 'r1000'" in result.err  # lines are still right


# ---- which files a pack is, read once -------------------------------------------

def test_hidden_files_in_a_pack_are_not_records(tmp_path):
    pack = notes_pack(tmp_path)
    (pack / ".#a.yaml").symlink_to(tmp_path / "lock-owned-by-an-editor")  # an Emacs lock
    (pack / ".backup.yaml").write_text("not: [valid", encoding="utf-8")
    assert run_on_pack("validate", pack=pack).code == 0
    assert [r["id"] for r in run_on_pack("recs", "--json", pack=pack).json()] == ["r1"]


@pytest.mark.parametrize("kind", ["fifo", "dangling-link", "link-to-fifo"])
@pytest.mark.parametrize("command", [["validate"], ["recs"]])
def test_a_pack_entry_that_is_not_a_file_is_reported_unread(tmp_path, kind, command):
    import os

    pack = small_pack(tmp_path)
    if kind == "fifo":
        os.mkfifo(pack / "b.yaml")
    elif kind == "dangling-link":
        (pack / "b.yaml").symlink_to(tmp_path / "gone.yaml")
    else:
        os.mkfifo(tmp_path / "fifo")
        (pack / "b.yaml").symlink_to(tmp_path / "fifo")
    result = clean(run_cli("--no-builtin", "--data", pack, *command))
    assert result.code == 1 and "b.yaml:1: cannot read file: " in result.err, result.err


def test_a_pack_file_that_vanishes_before_its_lines_are_found(tmp_path, monkeypatch):
    from merida_cli import load

    rec = {"id": "r", "text": "T", "actor": "A", "topics": ["nope"],
           "cite": [{"source": "notes", "quote": "q"}]}
    body = {"sources": [{"id": "notes", "title": "T", "file": "n.txt"}], "recommendations": [rec]}
    pack = write_pack(tmp_path / "p", {"a.json": json.dumps(body, indent=1)})
    real = load.parse_file

    def parse_then_delete(path, fast=False, limit=load.DEFAULT_MAX_FILE_BYTES):
        document = real(path, fast, limit)
        if not fast:  # the strict read: its messages look up lines afterwards
            path.unlink()
        return document

    monkeypatch.setattr(load, "parse_file", parse_then_delete)
    result = clean(run_cli("--no-builtin", "--data", pack, "validate"))
    assert result.code == 1 and "a.json:1: recommendation 'r': unknown topic 'nope'" in result.err


def test_a_data_path_that_is_not_utf8_is_read_as_given(tmp_path, monkeypatch):
    import os

    from merida_cli.env import _env_packs

    def env_packs():
        return _env_packs(os.environ)

    folder = undecodable(tmp_path, b"pack-\xe9")
    os.mkdir(folder)
    write_pack(__import__("pathlib").Path(folder), {"a.yaml": GOOD})
    by_option = clean(run_cli("--no-builtin", "--data", folder, "recs", "--json"))
    assert by_option.code == 0 and by_option.json()[0]["id"] == "trace", by_option.err
    monkeypatch.setenv("MERIDA_DATA", folder)
    by_env = clean(run_cli("recs", "--json", data=env_packs(), builtin=False))
    assert by_env.code == 0 and by_env.json()[0]["id"] == "trace", by_env.err
    again = clean(run_cli("recs", "--json", data=env_packs(), builtin=False))
    assert again.out == by_env.out  # and through the cache


@pytest.mark.parametrize("twice", ["same", "trailing-slash", "via-link"])
def test_the_same_pack_given_twice_is_read_once(tmp_path, twice):
    pack = small_pack(tmp_path)
    other = {"same": pack, "trailing-slash": f"{pack}/", "via-link": tmp_path / "link"}[twice]
    if twice == "via-link":
        other.symlink_to(pack)
    result = clean(run_cli("--no-builtin", "--data", pack, "--data", other, "recs", "--json"))
    assert result.code == 0 and [r["id"] for r in result.json()] == ["trace"], result.err


def test_the_builtin_pack_given_as_data_is_read_once():
    from merida_cli.load import builtin_pack

    result = clean(run_cli("--data", builtin_pack(), "pillars", "--json"))
    assert result.code == 0 and result.out == run_cli("pillars", "--json").out, result.err


def test_ctrl_c_during_a_parallel_load_leaves_no_workers(tmp_path, monkeypatch):
    import multiprocessing

    from merida_cli import load
    packs = [write_pack(tmp_path / f"p{i}", {"a.yaml": GOOD.replace("notes", f"notes{i}")
                                             .replace("trace", f"trace{i}")
                                             .replace("plan", f"plan{i}")
                                             .replace("guns", f"guns{i}")})
             for i in range(3)]
    monkeypatch.setattr(load, "PARALLEL_BYTES", 0)

    def interrupt(chunk):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        load.fast_read(packs, on_file=interrupt)
    assert multiprocessing.active_children() == []
