"""The rules beyond the field schema (rules.RULES), one table for both readers: for every
rule, a record breaking it is refused by the fast path and explained by the strict reader
with the rule's message at the record's file:line. A rule added to the table without a
case here fails."""

from __future__ import annotations

import json

import pytest
from conftest import write_pack

from merida_cli.load import check_packs, fast_read
from merida_cli.rules import RULES

BASE = """\
sources:
  - id: notes
    title: Notes
    file: notes.txt
topics:
  - id: guns
    label: Guns
programs:
  - id: plan
    name: Plan
    cite:
      - source: notes
        quote: A plan.
"""

LONG_QUOTE = " ".join(["word"] * 46)


def _structure(items: str) -> str:
    return f"""\
structures:
  - id: frame
    program: plan
    label: Frame
    items:
{items}    cite:
      - source: notes
        quote: Frame.
"""


def _item(item_id: str, parent: str | None = None) -> str:
    return (f"      - id: {item_id}\n        title: Item\n"
            + (f"        parent: {parent}\n" if parent else "")
            + "        cite:\n          - source: notes\n            quote: Item.\n")


_EVENT = """\
events:
  - id: talks
    title: Talks
    date: "{date}"
{extra}    cite:
      - source: {source}
        quote: {quote}
"""


def _event(date="2014-02-03", extra="", source="notes", quote="Talks.") -> str:
    return _EVENT.format(date=date, extra=extra, source=source, quote=quote)


_SURROGATE_TOPIC = json.dumps({"topics": [{"id": "odd", "label": "x\ud800"}]}, indent=2)
_CSI_TOPIC = json.dumps({"topics": [{"id": "odd", "label": "x\x9b2J"}]}, indent=2)

# rule name -> cases: (id, the file b.yaml/b.json, the line of the message, its values)
CASES = {
    "date": [
        ("a day past the month's end", _event(date="2014-02-30"), 4,
         {"key": "date", "value": "'2014-02-30'"}),
        ("an alternative date", _event(extra='    alt_dates:\n      - date: "2015-02-29"\n'
                                             "        source: notes\n"), 6,
         {"key": "date", "value": "'2015-02-29'"}),
    ],
    "quote-length": [
        ("a citation", _event(quote=LONG_QUOTE), 2, {"words": 46, "start": LONG_QUOTE[:40]}),
    ],
    "listed-twice": [
        ("a record's topics", _event(extra="    topics: [guns, guns]\n"), 5,
         {"key": "topics", "value": "guns"}),
        ("an item's topics", _structure(_item("a").replace(
            "        cite:", "        topics: [guns, guns]\n        cite:")), 8,
         {"key": "topics", "value": "guns"}),
    ],
    "parent-known": [
        ("an item", _structure(_item("a", "nowhere")), 6,
         {"what": "item 'a'", "parent": "nowhere"}),
    ],
    "own-parent": [
        ("a topic", "topics:\n  - id: loop\n    label: Loop\n    parent: loop\n", 2,
         {"what": "topic 'loop'"}),
        ("an item", _structure(_item("a", "a")), 6, {"what": "item 'a'"}),
    ],
    "parent-cycle": [
        ("topics", ("topics:\n  - id: x\n    label: X\n    parent: y\n"
                   "  - id: y\n    label: Y\n    parent: x\n"), 5, {"what": "topic 'y'"}),
        ("items", _structure(_item("a", "b") + _item("b", "a")), 12, {"what": "item 'b'"}),
    ],
    "reference": [
        ("a citation's source", _event(source="zzzz-none"), 2,
         {"what": "source", "ref": "zzzz-none", "hint": ""}),
        ("an alternative date's source", _event(
            extra='    alt_dates:\n      - date: "2015"\n        source: qqqq-none\n'), 2,
         {"what": "source", "ref": "qqqq-none", "hint": ""}),
    ],
    "encodable": [
        ("a lone surrogate", _SURROGATE_TOPIC,
         _SURROGATE_TOPIC[:_SURROGATE_TOPIC.index('"odd"')].count("\n") + 1,
         {"key": "label", "value": "'x\\\\ud800'"}),
    ],
    "control": [
        ("a YAML \\0 escape in a summary", _event(extra='    summary: "abc\\0def"\n'), 5,
         {"key": "summary", "value": "'abc\\x00def'"}),
        ("a YAML \\e escape in an item's title", _structure(_item("a").replace(
            "title: Item", 'title: "Item \\e[2J"')), 7, {"key": "title", "value": "'Item \\x1b[2J'"}),
        ("a C1 CSI in JSON", _CSI_TOPIC, _CSI_TOPIC[:_CSI_TOPIC.index('"odd"')].count("\n") + 1,
         {"key": "label", "value": "'x\\x9b2J'"}),
    ],
}


def _pack(tmp_path, text: str):
    name = "b.json" if text.startswith("{") else "b.yaml"
    return write_pack(tmp_path / "p", {"a.yaml": BASE, name: text}), name


def test_the_base_pack_is_taken_by_both_readers(tmp_path):
    pack = write_pack(tmp_path / "p", {"a.yaml": BASE, "b.yaml": _event()})
    assert fast_read([pack], lambda chunk: None) is True
    assert check_packs([pack])[1] == []


@pytest.mark.parametrize("name", sorted(RULES))
def test_every_rule_is_refused_fast_and_explained_strictly(tmp_path, name):
    rule = RULES[name]
    assert CASES.get(name), f"rule '{name}' has no case in tests/test_rules.py"
    for i, (why, text, line, values) in enumerate(CASES[name]):
        pack, file = _pack(tmp_path / str(i), text)
        assert fast_read([pack], lambda chunk: None) is False, why
        _records, problems = check_packs([pack])
        where = f"{pack / file}:{line}: "
        said = rule.says(**values)
        assert any(p.startswith(where) and said in p for p in problems), (why, said, problems)


# every C0 and C1 character, DEL, and some that are kept: tab, newline, no-break space,
# a bidi override (escaped on output), text that only looks like an escape
KEPT = ["\t", "\n", "\xa0", "\u202e", "C:\\bin\\red", "\\u0000", "\\\\r", "a\\", '\\"b']
CONTROLS = [chr(c) for c in (*range(0x20), *range(0x7f, 0xa0)) if chr(c) not in "\t\n"]


@pytest.mark.parametrize("text", CONTROLS + KEPT, ids=[repr(t) for t in CONTROLS + KEPT])
def test_both_readers_refuse_a_control_character_and_only_that(tmp_path, text):
    rec = {"id": "odd", "label": f"x{text}y", "aliases": [f"z{text}"]}
    pack = write_pack(tmp_path / "p", {"a.yaml": BASE,
                                       "b.json": json.dumps({"topics": [rec]}, indent=2)})
    refused = text in CONTROLS
    assert fast_read([pack], lambda chunk: None) is not refused
    _records, problems = check_packs([pack])
    said = [p for p in problems if "without control characters" in p]
    assert len(said) == (2 if refused else 0) and len(problems) == len(said), problems
