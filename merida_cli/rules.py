"""The rules a pack keeps beyond its fields' types, written once.

Each rule is a name, a check and a message. The check is a small pure function over
plain values (text, lists, an id -> parent mapping, sets of ids) that returns something
false when the values keep the rule and, when they break it, what breaks it (True, the
ids, the repeated values). It is cheap enough for the cold load: fastcheck.py asks it of
every record and refuses the file on a break, without a message; validate.py, the strict
reader that explains a refusal, asks the same check and prints the rule's message (a
`str.format` template) at the record's file:line. A new rule goes here, with a case in
tests/test_rules.py, or that test fails.

`default_source` is here too: not a rule (it refuses nothing), but both readers fill a
record's source with it, and a follow-through link without a source quotes that one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .model import MAX_QUOTE_WORDS, valid_date


@dataclass(frozen=True)
class Rule:
    """One rule: `check(...)` is false when kept, else what breaks it; `message` says it."""

    name: str
    check: Callable
    message: str
    why: str

    def says(self, **values) -> str:
        return self.message.format(**values)


def _not_a_date(value: str) -> bool:
    return not valid_date(value)


# a quote of at most this many characters has at most MAX_QUOTE_WORDS words (46 words need
# 91): the check splits only longer ones
_SHORT_QUOTE = 2 * MAX_QUOTE_WORDS - 2


def _too_long(quote: str) -> bool:
    return len(quote) > _SHORT_QUOTE and len(quote.split()) > MAX_QUOTE_WORDS


def _listed_twice(values: list) -> list:
    """The values a list holds more than once, at their second mention, in order."""
    if len(set(values)) == len(values):  # the common case, in C
        return []
    seen, twice = set(), []
    for value in values:
        if value in seen:
            twice.append(value)
        seen.add(value)
    return twice


def _unknown_parents(parents: dict[str, str], known) -> list[str]:
    """Ids whose parent is none of `known` (a structure's own items)."""
    return [rid for rid, parent in parents.items() if parent not in known]


def _own_parents(parents: dict[str, str]) -> list[str]:
    return [rid for rid, parent in parents.items() if rid == parent]


def parent_cycles(parents: dict[str, str]) -> list[str]:
    """Ids (of an id -> parent mapping) whose chain of parents comes back to them, longer
    than one step (a record that is its own parent breaks OWN_PARENT)."""
    cycles = []
    for rid in parents:
        seen, node = {rid}, parents.get(rid)
        while node is not None and node != rid and node not in seen and node in parents:
            seen.add(node)
            node = parents.get(node)
        if node == rid and parents.get(rid) != rid:
            cycles.append(rid)
    return cycles


def _unknown_ids(wanted, known) -> set:
    """The referenced ids that name no record."""
    return set(wanted).difference(known)


# a match (true) where a text holds a lone surrogate: a C call, asked of every text field
_lone_surrogate = re.compile("[\ud800-\udfff]").search

# a control character (C0 but tab and newline, DEL, C1) in a text: a YAML "\0", "\e" or
# "\x07", a JSON "\u001b", a raw DEL or C1 in JSON. No source's sentence holds one, and a
# terminal or a spreadsheet may obey it
_control = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]").search

# C1 in a record's JSON body (UTF-8: U+0080-U+009F are C2 80-C2 9F)
_C1_IN_UTF8 = re.compile(rb"\xc2[\x80-\x9f]").search


def control_in_json(body: bytes) -> bool:
    """Whether a record's JSON body, as msgspec writes it, holds a character CONTROL
    refuses: the rule asked of a whole record at once. msgspec writes C0 as a \\u00XX,
    \\b, \\f or \\r escape (tab and newline as \\t, \\n), DEL and C1 as they are: once
    the escaped backslashes, quotes, tabs and newlines are taken out, any backslash left
    starts one. Byte searches, not a regex: a regex over every body cost more than
    writing it; most backslashes escape a quote, which the counts see at once."""
    if b"\\" in body and body.count(b"\\") != body.count(b'\\"'):
        rest = body.replace(b"\\\\", b"")  # first: a backslash escaped is no escape
        rest = rest.replace(b'\\"', b"").replace(b"\\n", b"").replace(b"\\t", b"")
        if b"\\" in rest:
            return True
    return b"\x7f" in body or (b"\xc2" in body and _C1_IN_UTF8(body) is not None)


DATE = Rule(
    "date", _not_a_date,
    "field '{key}' must be a date like 2014, 2014-09 or 2014-09-26, got {value}",
    "a date is a year, year-month or day that exists (no 2014-02-30); the fast check's "
    "pattern takes the shape and the months, so it asks this only of a day past the 28th")
QUOTE_LENGTH = Rule(
    "quote-length", _too_long,
    f"quote of {{words}} words is too long (at most {MAX_QUOTE_WORDS}): '{{start}}...'",
    "a quote is a sentence of the source, not a page of it (a follow-through link's too)")
LISTED_TWICE = Rule(
    "listed-twice", _listed_twice,
    "field '{key}' lists '{value}' more than once",
    "an id listed twice in topics or programs shows twice in listings, counts once in others")
PARENT_KNOWN = Rule(
    "parent-known", _unknown_parents,
    "{what} has unknown parent '{parent}'",
    "a structure item's parent is one of the structure's items")
OWN_PARENT = Rule(
    "own-parent", _own_parents,
    "{what} is its own parent",
    "a topic, program or structure item does not enclose itself")
PARENT_CYCLE = Rule(
    "parent-cycle", parent_cycles,
    "{what} is its own ancestor (a cycle of parents)",
    "parents form a tree: walking up from any record ends")
REFERENCE = Rule(
    "reference", _unknown_ids,
    "unknown {what} '{ref}'{hint}",
    "every id a record names (topics, sources, programs, parents, a follow-through link's "
    "commitment and its source, an alternative date's source) is a record of the packs")
ENCODABLE = Rule(
    "encodable", _lone_surrogate,
    "field '{key}' must be text without lone surrogates (\\ud800-\\udfff), got {value}",
    "text is UTF-8 (a JSON \"\\ud800\" breaks every later read); the fast check asks it of "
    "a whole record at once, as the UTF-8 encoder refusing its JSON body")
CONTROL = Rule(
    "control", _control,
    "field '{key}' must be text without control characters (but tab and newline), "
    "got {value}",
    "a YAML \"\\0\", \"\\e\" or \"\\x07\" escape puts a character in a value that a "
    "terminal may obey; the fast check asks it of a whole record's JSON body "
    "(`control_in_json`)")

RULES = {rule.name: rule for rule in (DATE, QUOTE_LENGTH, LISTED_TWICE, PARENT_KNOWN,
                                      OWN_PARENT, PARENT_CYCLE, REFERENCE, ENCODABLE,
                                      CONTROL)}


def default_source(source: str | None, first_cited: str | None) -> str | None:
    """A record's source, or when it names none its first citation's: filters by source
    then work on every kind."""
    return first_cited if source is None else source
