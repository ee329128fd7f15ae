"""A strict, safe YAML reader: data only, with line numbers.

PyYAML's C parser (when available) builds the node tree; our constructor then
turns nodes into dicts/lists and refuses anything that is not plain data:
tags outside the core schema (`!!python/object`, `!!binary`, `!custom`),
anchors reused through aliases (billion laughs), merge keys and duplicate keys.
Timestamps stay strings so dates keep the precision they were written with.

One meaning per value: plain scalars are resolved by `resolve_plain`, the YAML 1.2
core rules exactly as the fast reader (ryaml) applies them, never PyYAML's YAML 1.1
ones (`yes`, `1:30`, `010` stay text). Numbers keep the text they were written as
(`RawInt.raw`), so a string field holds `1e3` as written; characters whose meaning
differs between YAML versions (U+0085, U+2028, U+2029) are refused with file:line.
"""

from __future__ import annotations

import math
import re

import yaml

from .errors import DataError
from .packfiles import LinedDict
from .text import unsafe_in_yaml

try:
    _Base = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Base = yaml.SafeLoader

_CORE = "tag:yaml.org,2002:"
_PLAIN = "tag:merida:plain"
ALLOWED_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "map", "seq",
                                    "timestamp")} | {_PLAIN}


class RawInt(int):
    """An int that remembers the text it was written as (for string fields)."""

    raw: str


class RawFloat(float):
    """A float that remembers the text it was written as (for string fields)."""

    raw: str


def raw_number(cls, value, raw: str):
    out = cls(value)
    out.raw = raw
    return out


_INT_MIN, _INT_MAX = -(2 ** 63), 2 ** 64 - 1  # ryaml's range; beyond it a number is text
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_BASED = re.compile(r"([-+]?)0(?:(x)([0-9a-fA-F]+)|(o)([0-7]+)|(b)([01]+))")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_INF = re.compile(r"[-+]?\.(?:inf|Inf|INF)")
_NAN = re.compile(r"\.(?:nan|NaN|NAN)")
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_BOOLS = {"true": True, "True": True, "TRUE": True,
          "false": False, "False": False, "FALSE": False}
# characters that are line breaks in YAML 1.1 (PyYAML) and text in YAML 1.2 (ryaml)
VERSION_BREAKS = "\x85\u2028\u2029"


def resolve_plain(text: str):
    """The value of an unquoted scalar: YAML 1.2 core, as ryaml reads it."""
    if text in _NULLS:
        return None
    if text in _BOOLS:
        return _BOOLS[text]
    value = None
    if _DECIMAL.fullmatch(text):
        value = int(text)
    else:
        match = _BASED.fullmatch(text)
        if match:
            base = {"x": 16, "o": 8, "b": 2}[match.group(2) or match.group(4) or match.group(6)]
            digits = match.group(3) or match.group(5) or match.group(7)
            value = int(digits, base) * (-1 if match.group(1) == "-" else 1)
    if value is not None:
        return raw_number(RawInt, value, text) if _INT_MIN <= value <= _INT_MAX else text
    if _INF.fullmatch(text) or _NAN.fullmatch(text):
        number = float("nan") if _NAN.fullmatch(text) else \
            float("-inf" if text.startswith("-") else "inf")
        return raw_number(RawFloat, number, text)
    if _FLOAT.fullmatch(text) and ("." in text or "e" in text or "E" in text):
        number = float(text)
        return text if math.isinf(number) else raw_number(RawFloat, number, text)
    return text


class _Reject(Exception):
    def __init__(self, node, message):
        super().__init__(message)
        self.line = node.start_mark.line + 1
        self.message = message


class StrictLoader(_Base):
    """Safe loader that builds LinedDicts and rejects non-data YAML features."""

    def construct_object(self, node, deep=False):
        if node in self.constructed_objects or node in self.recursive_objects:
            raise _Reject(node, "aliases (*name) are not allowed; repeat the value instead")
        if node.tag not in ALLOWED_TAGS:
            raise _Reject(node, f"tag '{node.tag.replace(_CORE, '!!')}' is not allowed; "
                                "only plain data")
        return super().construct_object(node, deep)

    def construct_lined_mapping(self, node):
        mapping = LinedDict()
        mapping.line = node.start_mark.line + 1
        mapping.keylines = {}
        for key_node, value_node in node.value:
            if key_node.tag == _CORE + "merge":
                raise _Reject(key_node, "merge keys (<<) are not allowed")
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise _Reject(key_node, "mapping keys must be plain strings")
            if key in mapping:
                raise _Reject(key_node, f"duplicate key '{key}' (first at line "
                                        f"{mapping.keylines[key]})")
            mapping.keylines[key] = key_node.start_mark.line + 1
            mapping[key] = self.construct_object(value_node, deep=True)
        return mapping

    def construct_plain_string(self, node):
        return self.construct_scalar(node)

    def construct_plain(self, node):
        return resolve_plain(self.construct_scalar(node))

    def construct_typed(self, node):
        """An explicit !!int, !!float, !!bool or !!null: the plain rules, and the type."""
        value = resolve_plain(self.construct_scalar(node))
        want = {"int": int, "float": (float, int), "bool": bool,
                "null": type(None)}[node.tag.replace(_CORE, "")]
        if not isinstance(value, want) or (want is int and isinstance(value, bool)):
            raise _Reject(node, f"'{node.value}' is not a valid {node.tag.replace(_CORE, '!!')}")
        return value


# every plain scalar resolves through resolve_plain (no YAML 1.1 implicit resolvers)
StrictLoader.yaml_implicit_resolvers = {}
StrictLoader.add_implicit_resolver(_PLAIN, re.compile(r"(?s).*"), None)
StrictLoader.add_constructor(_CORE + "map", StrictLoader.construct_lined_mapping)
StrictLoader.add_constructor(_CORE + "timestamp", StrictLoader.construct_plain_string)
StrictLoader.add_constructor(_PLAIN, StrictLoader.construct_plain)
for _tag in ("int", "float", "bool", "null"):
    StrictLoader.add_constructor(_CORE + _tag, StrictLoader.construct_typed)


def parse_yaml(text: str, name: str) -> object:
    """Parse one YAML document; any problem becomes a DataError naming file and line."""
    for char in VERSION_BREAKS:
        if char in text:
            line = text.count("\n", 0, text.index(char)) + 1
            raise DataError([(f"{name}:{line}: character U+{ord(char):04X} means a line break "
                             "to some YAML readers and text to others; write it as "
                             f"\\u{ord(char):04x} inside double quotes")])
    loader = StrictLoader(text)
    try:
        document = loader.get_single_node()
        if document is None:
            return None
        return loader.construct_document(document)
    except _Reject as exc:
        raise DataError([f"{name}:{exc.line}: {exc.message}"]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or exc.context or "invalid YAML"
        bad_line = text.splitlines()[line - 1] if 0 < line <= len(text.splitlines()) else ""
        if "\t" in bad_line[: len(bad_line) - len(bad_line.lstrip())] or "\\t" in problem:
            problem += " (a tab: YAML indentation must use spaces, not tabs)"
        raise DataError([f"{name}:{line}: invalid YAML: {problem}"]) from None
    except yaml.reader.ReaderError as exc:  # a raw control character: no mark, and a
        # position in bytes (libyaml) or characters (PyYAML); the reader stops at its first
        at = text.find(chr(exc.character))
        line = text.count("\n", 0, max(at, 0)) + 1
        problem = f"{exc.reason} (U+{exc.character:04X})"
        raise DataError([f"{name}:{line}: invalid YAML: {problem}"]) from None
    except yaml.YAMLError as exc:
        raise DataError([f"{name}:1: invalid YAML: {exc}"]) from None
    except RecursionError:
        raise DataError([f"{name}:1: YAML nested too deeply"]) from None
    finally:
        loader.dispose()


# Anything that could be a tag (!x), an anchor (&x), an alias (*x), a merge key, a
# directive, a second document, a number whose text the strict reader would keep (+1,
# 0x1F) or a YAML 1.1 line break sends a file to the strict reader above. False positives
# (an asterisk in prose) only cost speed. The scan reads the file's UTF-8 bytes, looking
# for rare bytes with find (memchr) and for signs through one translation: 7 ms on a
# 2 MiB file where regular expressions over the text took 22 (BENCHMARKS.md).
# what may come before a tag, anchor or alias; ':' too, as in flow a JSON-like key takes
# its value without a space: {"a":&x 1, "b":*x} or {"a":!!binary aGk=}
_OPENERS = b" \t\n\r[{,:"
_CLOSERS = b" \t\n\r,[]{}"  # after & or *: not an anchor or alias


def _sign_classes() -> bytes:
    """A byte translation for finding a sign that starts a number: ' ' for what may come
    before a scalar (ASCII but letters, digits, _ . + -), 's' a sign, 'd' a digit or a
    dot, 'w' the rest: letters, _, and every byte of a non-ASCII character, after which no
    scalar starts (a sign there is inside text)."""
    table = bytearray(b"w" * 256)
    for byte in range(128):
        if not (chr(byte).isalnum() or chr(byte) in "_.+-"):
            table[byte] = ord(" ")
    table[ord("+")] = table[ord("-")] = ord("s")
    for char in "0123456789.":
        table[ord(char)] = ord("d")
    return bytes(table)


_SIGN_CLASSES = _sign_classes()
_PREFIXED = re.compile(rb"0(?=[xob][0-9a-fA-F])(?<![\w.].)")  # 0x1F, 0o17, 0b101
_DOCUMENT_MARK = re.compile(rb"\n(?:%|---|\.\.\.)")


def _needs_strict(text: str, raw: bytes | None = None) -> bool:
    """Whether the fast reader could read `text` (whose UTF-8 is `raw`) differently."""
    if raw is None:
        raw = text.encode("utf-8", "surrogatepass")
    if b"\xef\xbb\xbf" in raw:  # a BOM past the start: the parser skips one that opens a
        return True  # line, so `\ufeff+1` or `\ufeff*x` would begin a scalar or an alias
    for marker in b"&*!":
        at = raw.find(marker)
        while at >= 0:
            before = raw[at - 1] if at else 10
            after = raw[at + 1: at + 2]
            if before in _OPENERS and (marker == 33 or (after and after[0] not in _CLOSERS)):
                return True
            at = raw.find(marker, at + 1)
    if raw.startswith((b"%", b"---", b"...")) or _DOCUMENT_MARK.search(raw):
        return True  # a directive or more than one document
    signs = raw.translate(_SIGN_CLASSES)
    if signs.startswith(b"sd") or b" sd" in signs:
        return True  # a sign before a digit: the strict reader keeps `+1` as written
    if _PREFIXED.search(raw) or any(c in text for c in VERSION_BREAKS):
        return True
    at = raw.find(b"<")
    while at >= 0:  # a merge key, or the merge tag PyYAML gives a bare <<
        if raw[at + 1: at + 2] == b"<":
            return True
        at = raw.find(b"<", at + 1)
    return False


def parse_yaml_fast(text: str, raw: bytes | None = None) -> object | None:
    """Parse plain-data YAML with ryaml (Rust, several times faster than PyYAML); `raw` is
    the text's UTF-8 when the caller has it (the file's bytes).

    Returns None whenever the strict reader must decide: ryaml missing, any token
    that might be a tag, anchor, alias or merge key, or any parse error (including
    duplicate keys, which ryaml rejects). Records read this way carry no line
    numbers; load.py re-reads strictly when validation has something to report.
    """
    if _needs_strict(text, raw):
        return None
    try:
        import ryaml
    except ImportError:
        return None
    try:
        return ryaml.loads(text)
    except Exception:  # noqa: BLE001 - any failure means: let the strict reader explain
        return None


class _ExportDumper(yaml.SafeDumper):
    """Quotes every string that any YAML reader (1.1 or 1.2) would read as anything
    else, and escapes the characters YAML versions disagree on and those a terminal
    would obey (a bidi override can show a reviewer a line out of order)."""

    def represent_str(self, data):
        style = None
        if not isinstance(resolve_plain(data), str) or data != data.strip():
            style = "'"
        if any(c in data for c in VERSION_BREAKS) or unsafe_in_yaml(data):
            style = '"'
        return self.represent_scalar(_CORE + "str", data, style=style)

    def write_double_quoted(self, text, split=True):
        """allow_unicode writes U+202E raw even between double quotes: a text holding such
        a character is written with every non-ASCII character escaped (\\u202E, \\xE9)."""
        if not unsafe_in_yaml(text):
            return super().write_double_quoted(text, split)
        self.allow_unicode = False
        try:
            return super().write_double_quoted(text, split)
        finally:
            self.allow_unicode = True


_ExportDumper.add_representer(str, _ExportDumper.represent_str)


def dump_yaml(data) -> str:
    """YAML that loads back to DATA, with one meaning, through either reader."""
    return yaml.dump(data, Dumper=_ExportDumper, sort_keys=False, allow_unicode=True,
                     width=100)
