"""Two YAML readers, one meaning: the fast path (ryaml, the byte scan in yamlsafe) and the
strict PyYAML reader give every value the same meaning, a value only one of them would
take is refused at its file and line, and what export writes reads back the same."""

from __future__ import annotations

import json
import math

import pytest
from conftest import run_cli, write_pack
from helpers import GOOD, RICH, STRICT_MARK, TITLED_SOURCE, clean
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from merida_cli.errors import DataError
from merida_cli.yamlsafe import dump_yaml, parse_yaml, parse_yaml_fast


def _show_title(tmp_path, name, text):
    pack = write_pack(tmp_path / name, {"a.yaml": text})
    return clean(run_cli("--no-builtin", "--data", pack, "show", "notes", "--json"))


# ---- one value, one meaning -------------------------------------------------------

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
    text = TITLED_SOURCE.format(title=written)
    fast = _show_title(tmp_path, "fast", text)
    strict = _show_title(tmp_path, "strict", text + STRICT_MARK)
    assert fast.code == strict.code == 0, (fast.err, strict.err)
    assert fast.json()["record"]["title"] == strict.json()["record"]["title"] == expected


LABELS = [("leading-zero", "010", "010"), ("octal", "0o17", "0o17"), ("hex", "0x1F", "0x1F"),
          ("plus", "+3", "+3"), ("plain", "3", 3), ("dotted", "1.1.2", "1.1.2"),
          ("sexagesimal", "1:30", "1:30")]


@pytest.mark.parametrize("written,expected", [c[1:] for c in LABELS], ids=[c[0] for c in LABELS])
def test_an_item_number_is_kept_as_written_through_both_readers(tmp_path, written, expected):
    text = RICH.replace("{item_id}", "p2").replace("      - id: p1\n",
                                                   f"      - id: p1\n        number: {written}\n")
    for name, body in (("fast", text), ("strict", text + STRICT_MARK)):
        pack = write_pack(tmp_path / name, {"a.yaml": body})
        result = clean(run_cli("--no-builtin", "--data", pack, "show", "p1", "--json"))
        assert result.code == 0, (name, result.err)
        assert result.json()["record"]["number"] == expected, name


def test_list_entries_keep_their_text_through_both_readers(tmp_path):
    text = GOOD.replace("aliases: [firearms]", "aliases: [1e3, 010, yes, +1, 0x1F, 1:30]")
    for name, body in (("fast", text), ("strict", text + STRICT_MARK)):
        pack = write_pack(tmp_path / name, {"a.yaml": body})
        result = clean(run_cli("--no-builtin", "--data", pack, "topics", "--json"))
        assert result.code == 0, (name, result.err)
        assert result.json()[0]["aliases"] == ["1e3", "010", "yes", "+1", "0x1F", "1:30"], name


TOPIC = """\
topics:
  - id: guns
    label: Guns
    aliases: [a,
\ufeff{value}]
"""


def _topics(tmp_path, name, text):
    pack = write_pack(tmp_path / name, {"a.yaml": text})
    return clean(run_cli("--no-builtin", "--data", pack, "topics", "--json"))


@pytest.mark.parametrize("value", ["+1", "-0", "+12"])
def test_a_sign_after_a_byte_order_mark_that_opens_a_line_is_kept_as_written(tmp_path, value):
    """The parser skips a BOM at the start of a line, so `\\ufeff+1` in a flow list is the
    scalar `+1` (the scan took the sign for one inside text): the fast reader made it 1."""
    fast = _topics(tmp_path, "fast", TOPIC.format(value=value))
    strict = _topics(tmp_path, "strict", TOPIC.format(value=value) + STRICT_MARK)
    assert fast.code == strict.code == 0, (fast.err, strict.err)
    assert strict.json()[0]["aliases"] == ["a", value]
    assert fast.json()[0]["aliases"] == ["a", value]


FLOW = """\
sources:
  - {{"id": notes, "title":{title}, "file": notes.txt}}
topics:
  - {{"id": guns, "label": Guns, "aliases":{aliases}}}
"""


# (id, title, aliases, line, message): a JSON-like key takes its value without a space,
# so a tag, an anchor or an alias can follow the ':' directly
RIGHT_AFTER_COLON = [
    ("binary-tag", "!!binary aGVsbG8=", "[a]", 2, "tag '!!binary' is not allowed"),
    ("python-tag", "!!python/str x", "[a]", 2, "tag '!!python/str' is not allowed"),
    ("alias", "&x Notes", "[a]}\n  - {\"id\": g2, \"label\":*x", 2, "aliases (*name)"),
    ("alias-of-a-list", "T", "&l [a, b]}\n  - {'id': g2, 'label': G, 'aliases':*l", 4,
     "aliases (*name)"),
]


@pytest.mark.parametrize("title,aliases,line,fragment", [c[1:] for c in RIGHT_AFTER_COLON],
                         ids=[c[0] for c in RIGHT_AFTER_COLON])
def test_a_tag_or_alias_right_after_a_json_like_key_is_refused(tmp_path, title, aliases,
                                                                line, fragment):
    """The fast reader took these (a tag read as text, an alias expanded): validate said
    the pack was valid, and every command loaded it."""
    text = FLOW.format(title=title, aliases=aliases)
    pack = write_pack(tmp_path / "p", {"a.yaml": text})
    for command in (["validate"], ["topics"]):
        result = clean(run_cli("--no-builtin", "--data", pack, *command))
        assert result.code == 1, (command, result.out, result.err)
        assert f"a.yaml:{line}: {fragment}" in result.err, result.err


def test_a_json_surrogate_pair_is_one_character(tmp_path):
    body = json.dumps({"sources": [{"id": "notes", "title": "T \U0001F600", "file": "n.txt"}]})
    pack = write_pack(tmp_path / "p", {"a.json": body})
    result = clean(run_cli("--no-builtin", "--data", pack, "show", "notes", "--json"))
    assert result.code == 0 and result.json()["record"]["title"] == "T \U0001F600"


def test_json_numbers_in_string_fields_keep_their_text(tmp_path):
    pack = write_pack(tmp_path / "p", {"a.json": '{"sources": [{"id": "notes", "title": 1e3,'
                                                 ' "author": 1.50, "file": "n.txt"}]}'})
    result = clean(run_cli("--no-builtin", "--data", pack, "show", "notes", "--json"))
    assert result.code == 0, result.err
    assert (result.json()["record"]["title"], result.json()["record"]["author"]) == ("1e3",
                                                                                    "1.50")


# ---- what export writes reads back the same --------------------------------------

# (id, string that export must quote or escape so it loads back as the same string)
EXPORT_QUOTES = ["1e3", "0o17", "1:30", "yes", "010", "+12", "0x1F", ".inf", "null", "~",
                 "true", "1_000", "a\u2028b", " padded ", "-0", "2014-09-26"]


@pytest.mark.parametrize("value", EXPORT_QUOTES, ids=[repr(v) for v in EXPORT_QUOTES])
def test_export_yaml_quotes_every_string_that_would_read_back_as_something_else(tmp_path,
                                                                               value):
    pack = write_pack(tmp_path / "p", {"a.json": json.dumps(
        {"sources": [{"id": "notes", "title": value, "file": "notes.txt"}]})})
    exported = clean(run_cli("--no-builtin", "--data", pack, "export", "--format", "yaml"))
    assert exported.code == 0, exported.err
    for name, text in (("fast", exported.out), ("strict", exported.out + STRICT_MARK)):
        shown = _show_title(tmp_path, name, text)
        assert shown.code == 0, (name, shown.err)
        assert shown.json()["record"]["title"] == value, name


# characters a terminal obeys: bidi embeddings, overrides and isolates, a mark, a zero-width
REORDERING = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200f\u200b"


@pytest.mark.parametrize("char", REORDERING, ids=[f"U+{ord(c):04X}" for c in REORDERING])
def test_export_yaml_escapes_a_bidi_character_and_reads_back_the_same(tmp_path, char):
    title = f"Informe {char}sin fecha\u202c: añadido"
    pack = write_pack(tmp_path / "p", {"a.json": json.dumps({"sources": [
        {"id": "notes", "title": title, "file": "notes.txt", "summary": "Año fiscal"}]})})
    exported = clean(run_cli("--no-builtin", "--data", pack, "export", "--format", "yaml"))
    assert exported.code == 0, exported.err
    assert char not in exported.out and f"\\u{ord(char):04X}" in exported.out
    assert "summary: Año fiscal" in exported.out  # other texts keep their letters as written
    for name, text in (("fast", exported.out), ("strict", exported.out + STRICT_MARK)):
        shown = _show_title(tmp_path, name, text)
        assert shown.code == 0, (name, shown.err)
        assert shown.json()["record"]["title"] == title, name


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


# what a text field may hold: no lone surrogate, no control character but tab and newline
TEXT_CHARACTERS = st.characters(blacklist_categories=["Cs", "Cc"], whitelist_characters="\t\n")


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.text(TEXT_CHARACTERS, min_size=1, max_size=30).filter(str.strip),
       st.text(TEXT_CHARACTERS, min_size=1, max_size=30).filter(str.strip))
def test_export_then_load_keeps_every_string(tmp_path_factory, title, author):
    """JSON and YAML exports load back as the same records (the built-in reader path)."""
    folder = tmp_path_factory.mktemp("rt")
    rec = {"id": "notes", "title": title, "author": author, "file": "notes.txt"}
    pack = write_pack(folder / "p", {"a.json": json.dumps({"sources": [rec]})})
    for fmt in ("yaml", "json"):
        exported = clean(run_cli("--no-builtin", "--data", pack, "export", "--format", fmt))
        assert exported.code == 0, exported.err
        again = write_pack(folder / fmt, {f"all.{fmt}": exported.out})
        back = clean(run_cli("--no-builtin", "--data", again, "export", "--format", "json"))
        assert back.code == 0, (fmt, back.err)
        assert back.json()["sources"] == [rec], fmt
