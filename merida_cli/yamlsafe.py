"""A strict, safe YAML reader: data only, with line numbers.

PyYAML's C parser (when available) builds the node tree; our constructor then
turns nodes into dicts/lists and refuses anything that is not plain data:
tags outside the core schema (`!!python/object`, `!!binary`, `!custom`),
anchors reused through aliases (billion laughs), merge keys and duplicate keys.
Timestamps stay strings so dates keep the precision they were written with.
"""

from __future__ import annotations

import re

import yaml

from .errors import DataError
from .packfiles import LinedDict

try:
    _Base = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Base = yaml.SafeLoader

_CORE = "tag:yaml.org,2002:"
ALLOWED_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "map", "seq",
                                    "timestamp")}


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


StrictLoader.add_constructor(_CORE + "map", StrictLoader.construct_lined_mapping)
StrictLoader.add_constructor(_CORE + "timestamp", StrictLoader.construct_plain_string)


def parse_yaml(text: str, name: str) -> object:
    """Parse one YAML document; any problem becomes a DataError naming file and line."""
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
    except yaml.YAMLError as exc:
        raise DataError([f"{name}:1: invalid YAML: {exc}"]) from None
    except RecursionError:
        raise DataError([f"{name}:1: YAML nested too deeply"]) from None
    finally:
        loader.dispose()


# Anything that could be a tag (!x), an anchor (&x), an alias (*x), a merge key, a
# directive or a second document sends a file to the strict reader above. False
# positives (an asterisk in prose) only cost speed.
_MARKERS = re.compile(r"[&*!]")


def _needs_strict(text: str) -> bool:
    for match in _MARKERS.finditer(text):
        at = match.start()
        before = text[at - 1] if at else "\n"
        after = text[at + 1: at + 2]
        if before in " \t\n\r[{," and (match.group() == "!" or after not in " \t\n\r,[]{}"):
            return True
    if text.startswith(("%", "---", "...")) or "\n%" in text or "\n---" in text \
            or "\n..." in text:
        return True  # a directive or more than one document
    return "<<" in text  # a merge key, or the merge tag PyYAML gives a bare <<


def parse_yaml_fast(text: str) -> object | None:
    """Parse plain-data YAML with ryaml (Rust, several times faster than PyYAML).

    Returns None whenever the strict reader must decide: ryaml missing, any token
    that might be a tag, anchor, alias or merge key, or any parse error (including
    duplicate keys, which ryaml rejects). Records read this way carry no line
    numbers; load.py re-reads strictly when validation has something to report.
    """
    if _needs_strict(text):
        return None
    try:
        import ryaml
    except ImportError:
        return None
    try:
        return ryaml.loads(text)
    except Exception:  # noqa: BLE001 - any failure means: let the strict reader explain
        return None
