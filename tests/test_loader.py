"""Broken and hostile data packs: every case exits 1 with one `file:line:` message per
problem on stderr, never a traceback, and nothing is written to the pack."""

from __future__ import annotations

import os

import pytest
from conftest import run_cli, write_pack
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

GOOD = """\
sources:
  - id: notes
    title: My notes
    date: "2024-05"
    file: notes.txt
topics:
  - id: guns
    label: Guns
    aliases: [firearms]
programs:
  - id: plan
    name: A plan
    topics: [guns]
    cite:
      - source: notes
        quote: "a quote"
recommendations:
  - id: trace
    text: Trace guns
    actor: Me
    topics: [guns]
    programs: [plan]
    cite:
      - source: notes
        quote: "a quote"
"""


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
    ("binary-file", {"a.yaml": b"\x89PNG\r\n\x1a\n\x00\x00\x00"}, 3, "binary file"),
    ("invalid-utf8", {"a.yaml": b"sources:\n  - id: caf\xe9\n"}, 2, "not valid UTF-8"),
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
