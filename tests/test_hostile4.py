"""Hostile input, round four: the cold load's fast path (the byte scan in yamlsafe, the
msgspec check in fastcheck) against the strict reader and validator, which must decide
every pack the same way and give the same records. One test per finding, readable ids."""

from __future__ import annotations

import pytest
from conftest import run_cli, write_pack
from test_hostile2 import STRICT_MARK

from merida_cli import load

TOPIC = """\
topics:
  - id: guns
    label: Guns
    aliases: [a,
\ufeff{value}]
"""


def _clean(result):
    assert "Traceback" not in result.err + result.out and "a bug in merida" not in result.err
    return result


def _topics(tmp_path, name, text):
    pack = write_pack(tmp_path / name, {"a.yaml": text})
    return _clean(run_cli("--no-builtin", "--data", pack, "topics", "--json"))


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
        result = _clean(run_cli("--no-builtin", "--data", pack, *command))
        assert result.code == 1, (command, result.out, result.err)
        assert f"a.yaml:{line}: {fragment}" in result.err, result.err


@pytest.mark.parametrize("missing", ["notes", "plan", "mexico", "report", "security"])
def test_did_you_mean_is_the_same_whichever_path_built_the_cache(tmp_path, monkeypatch,
                                                                  missing):
    """A pack the fast path refuses (`title: 1e3` anywhere) is loaded by the strict
    validator, whose store held the records kind by kind rather than file by file: the
    first of two equally close ids, the suggestion, changed."""
    fast = _clean(run_cli("show", missing))
    monkeypatch.setenv("MERIDA_CACHE_DIR", str(tmp_path / "strict-cache"))
    monkeypatch.setattr(load, "fast_read", lambda *args, **kwargs: False)
    strict = _clean(run_cli("show", missing))
    assert fast.code == strict.code == 2
    assert "did you mean" in fast.err and fast.err == strict.err
