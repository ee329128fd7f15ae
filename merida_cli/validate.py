"""The strict reader: schema and reference checks, every problem reported as
`file:line: message`. It explains what the fast check (fastcheck.py, the one judge)
refuses; the rules beyond the field schema are rules.py's, asked here for their messages.

Validation also normalises: fields come out in schema order, a bare year
(`date: 2014`) becomes the string "2014", and `source` defaults to the first
citation's source so filters by source work on every kind. The look-alike warnings are
lookalikes.py's.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .model import (
    FISCAL_YEARS,
    KINDS,
    MAX_NUMBER,
    NESTED,
    SHA256,
    SINGULAR,
    SLUG,
    Field,
    record_cites,
)
from .rules import (
    CONTROL,
    DATE,
    ENCODABLE,
    LISTED_TWICE,
    OWN_PARENT,
    PARENT_CYCLE,
    PARENT_KNOWN,
    QUOTE_LENGTH,
    REFERENCE,
    default_source,
)
from .text import did_you_mean, fold, printable


@dataclass
class Located:
    """A raw record with where it came from (file, line of the record, line per key).

    Records read without line numbers (JSON, the fast YAML reader) get their line
    from `locate` only when a message needs it.
    """

    kind: str
    record: dict
    file: str
    known_line: int | None = None
    keylines: dict = field(default_factory=dict)
    locate: Callable[[], int] | None = None

    @property
    def line(self) -> int:
        if self.known_line is None:
            self.known_line = self.locate() if self.locate else 1
        return self.known_line

    def where(self, key: str | None = None) -> str:
        line = self.keylines.get(key, self.line) if key else self.line
        return f"{self.file}:{line}"


def _lines_of(value) -> tuple[int | None, dict]:
    return getattr(value, "line", None), getattr(value, "keylines", {})


class _Checker:
    """Collects problems while walking one record against its schema."""

    def __init__(self, loc: Located, problems: list[str]):
        self.loc = loc
        self.problems = problems

    def fail(self, line: int | None, message: str) -> None:
        rid = self.loc.record.get("id") if isinstance(self.loc.record, dict) else None
        label = SINGULAR.get(self.loc.kind, self.loc.kind)
        ident = f" {label} '{rid}'" if isinstance(rid, str) else f" {label}"
        self.problems.append(f"{self.loc.file}:{line or self.loc.line}:{ident}: {message}")

    def mapping(self, value, schema: dict[str, Field], line: int, what: str) -> dict | None:
        """Check a mapping against a schema; return it with fields in schema order."""
        if not isinstance(value, dict):
            self.fail(line, f"{what} must be a mapping, got {type_name(value)}")
            return None
        own_line, keylines = _lines_of(value)
        line = own_line or line
        for key in value:
            if key not in schema:
                self.fail(keylines.get(key, line),
                          f"unknown field '{key}'{did_you_mean(key, list(schema))} in {what}")
        out = {}
        for key, spec in schema.items():
            if key not in value or value[key] is None:
                if spec.required:
                    self.fail(line, f"missing required field '{key}' in {what}")
                continue
            checked = self.value(value[key], spec, keylines.get(key, line), key)
            if checked is not None:
                out[key] = checked
        return out

    def value(self, value, spec: Field, line: int, key: str):
        t = spec.type
        raw = getattr(value, "raw", None)  # a number as written (strict YAML, JSON)
        if raw is not None:
            value = int(value) if isinstance(value, int) else float(value)
        if t in ("str", "text"):
            if raw is not None:
                value = raw
            elif type(value) is int:  # the fast reader: only numbers str() writes as typed
                value = str(value)
            if not isinstance(value, str) or not value.strip():
                return self._bad(line, key, "a non-empty string", value)
            return _check_text(self, line, key, value)
        if t in _PATTERNS:
            pattern, expected = _PATTERNS[t]
            if not isinstance(value, str) or not pattern.match(value):
                return self._bad(line, key, expected, value)
            return value
        if t == "date":
            if isinstance(value, int) and not isinstance(value, bool):
                value = raw or str(value)
            if not isinstance(value, str) or DATE.check(value):
                return self.fail(line, DATE.says(key=key, value=_short_repr(value)))
            return value
        if t == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                return self._bad(line, key, "a finite number", value)
            if value < 0:
                return self._bad(line, key, "a number of zero or more", value)
            if value > MAX_NUMBER:
                return self._bad(line, key, f"a number up to {MAX_NUMBER:.0e}", value)
            return value
        if t == "bool":
            if not isinstance(value, bool):
                return self._bad(line, key, "true or false", value)
            return value
        if t == "label":
            if raw is not None and isinstance(value, int) and raw != str(value):
                value = raw  # 0o17, +3: a label is kept as written, not as a number
            if isinstance(value, bool) or not isinstance(value, (int, str)):
                return self._bad(line, key, "a number or a short label", value)
            if isinstance(value, int) and abs(value) > MAX_NUMBER:
                return self._bad(line, key, f"a number up to {MAX_NUMBER:.0e}", value)
            return _check_text(self, line, key, value) if isinstance(value, str) else value
        if t == "enum":
            if value not in spec.choices:
                return self._bad(line, key, "one of " + ", ".join(spec.choices), value,
                                 did_you_mean(value, spec.choices))
            return value
        if t in ("strs", "refs"):
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list):
                return self._bad(line, key, "a list", value)
            inner = Field("str" if t == "strs" else "ref")
            out = [v for v in (self.value(v, inner, line, key) for v in value) if v is not None]
            if t == "refs" and (twice := LISTED_TWICE.check(out)):
                return self.fail(line, LISTED_TWICE.says(key=key, value=twice[0]))
            return out
        if t in NESTED:
            schema, what = NESTED[t]
            return self._list_of(value, schema, line, key, what)
        raise AssertionError(f"unknown field type {t}")

    def _list_of(self, value, schema, line, key, what):
        if not isinstance(value, list) or not value:
            return self._bad(line, key, f"a non-empty list of {what}s", value)
        out = []
        required = [k for k, spec in schema.items() if spec.required]
        for i, entry in enumerate(value, 1):
            checked = self.mapping(entry, schema, _lines_of(entry)[0] or line, f"{what} {i}")
            # an entry missing a required field is reported and left out, so the checks
            # after this one (ids, references) can rely on every entry being whole
            if checked is not None and all(k in checked for k in required):
                out.append(checked)
        return out

    def _bad(self, line, key, expected, value, hint=""):
        shown = _short_repr(value)
        self.fail(line, f"field '{key}' must be {expected}, got {shown}{hint}")




def _short_repr(value) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10 ** 60:
        return f"a number of about {int(value.bit_length() * 0.30103) + 1} digits"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _check_text(checker, line, key, value: str):
    """Text must be encodable (rules.ENCODABLE) and hold no control character
    (rules.CONTROL); the message shows a surrogate escaped (repr shows a control one)."""
    if ENCODABLE.check(value):
        shown = value.encode("utf-8", "backslashreplace").decode("ascii")
        return checker.fail(line, ENCODABLE.says(key=key, value=_short_repr(shown)))
    if CONTROL.check(value):
        return checker.fail(line, CONTROL.says(key=key, value=_short_repr(value)))
    return value

# field types that are strings of one shape: (pattern, what the message says is expected)
_PATTERNS = {
    "slug": (SLUG, "a lower-case id (letters, digits, hyphens)"),
    "ref": (SLUG, "a lower-case id (letters, digits, hyphens)"),
    "sha256": (SHA256, "64 lower-case hex digits"),
    "fiscal_years": (FISCAL_YEARS, "fiscal years like FY2008 or FY2008-FY2010"),
}


def type_name(value) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):  # the YAML readers' number types too
        return "a number"
    return {dict: "a mapping", list: "a list", str: "a string", type(None): "nothing"}.get(
        type(value), type(value).__name__)


def check_fields(loc: Located, problems: list[str]) -> dict | None:
    """One record against its kind's field schema alone, fields in schema order, or None
    (no id, or not a mapping): no rule beyond the fields and no default source, so a pack
    diff compares the records as written."""
    rec = _Checker(loc, problems).mapping(loc.record, KINDS[loc.kind], None, "record")
    return rec if rec is not None and "id" in rec else None


def check_record(loc: Located, problems: list[str]) -> dict | None:
    """Schema checks of one record on its own; the record normalised, or None."""
    rec = check_fields(loc, problems)
    if rec is None:
        return None
    _check_quotes(_Checker(loc, problems), rec, loc)
    if "source" in KINDS[loc.kind] and "source" not in rec and rec.get("cite") \
            and "source" in rec["cite"][0]:  # (a bad source is reported, not defaulted)
        rec = _with_default_source(loc.kind, rec)
    return rec


def _with_default_source(kind: str, rec: dict) -> dict:
    """The record with its default source, in schema order."""
    source = default_source(None, rec["cite"][0]["source"])
    return {key: source if key == "source" else rec[key]
            for key in KINDS[kind] if key == "source" or key in rec}


def check_records(located: list[Located]) -> tuple[dict[str, list[dict]], dict, list[str]]:
    """Validate raw records; return (records by kind, locations by (kind, id), problems)."""
    problems: list[str] = []
    records: dict[str, list[dict]] = {kind: [] for kind in KINDS}
    where: dict[tuple[str, str], Located] = {}
    item_where: dict[str, tuple[Located, int]] = {}
    for loc in located:
        rec = check_record(loc, problems)
        if rec is None:
            continue
        checker = _Checker(loc, problems)
        key = (loc.kind, rec["id"])
        if key in where:
            checker.fail(loc.line, f"duplicate id '{rec['id']}' in {loc.kind} "
                         f"(first defined at {where[key].where()})")
            continue
        where[key] = loc
        for i, item in enumerate(rec.get("items", [])):
            if item["id"] in item_where:
                first, index = item_where[item["id"]]
                checker.fail(_item_line(loc, i), f"duplicate item id '{item['id']}' "
                             f"(first defined at {first.file}:{_item_line(first, index)})")
            item_where[item["id"]] = (loc, i)
        records[loc.kind].append(rec)
    problems += check_references(records, where, located)
    return records, where, problems


def _item_line(loc: Located, index: int) -> int:
    items = loc.record.get("items") if isinstance(loc.record, dict) else None
    if isinstance(items, list) and index < len(items):
        return getattr(items[index], "line", None) or loc.line
    return loc.line


def _check_quotes(checker: _Checker, rec: dict, loc: Located) -> None:
    for cite in record_cites(rec):
        quote = cite["quote"]
        if QUOTE_LENGTH.check(quote):
            checker.fail(loc.line, QUOTE_LENGTH.says(words=len(quote.split()),
                                                     start=quote[:40]))


MAX_SUGGESTIONS = 200  # distinct unknown names given a 'did you mean' (each is a fuzzy scan)


def check_references(records: dict[str, list[dict]], where: dict, located,
                     suggestions: bool = True) -> list[str]:
    """Every referenced id (topic, source, program, parent, item parent) must exist.
    A suggestion is computed once per distinct unknown name, for the first few hundred."""
    ids = {kind: {r["id"] for r in recs} for kind, recs in records.items()}
    ids["items"] = {i["id"] for s in records.get("structures", []) for i in s.get("items", [])}
    problems = []
    hints: dict[tuple[str, str], str] = {}

    def hint(ref_kind: str, ref_id: str) -> str:
        key = (ref_kind, ref_id)
        if key not in hints:
            hints[key] = (did_you_mean(ref_id, ids[ref_kind])
                          if suggestions and len(hints) < MAX_SUGGESTIONS else "")
        return hints[key]

    wanted: dict[str, set] = {ref_kind: set() for ref_kind in ids}
    for kind, recs in records.items():
        for rec in recs:
            for ref_kind, ref_id, _what in _references(kind, rec):
                wanted[ref_kind].add(ref_id)
    unknown = {ref_kind: REFERENCE.check(wanted[ref_kind], ids[ref_kind]) for ref_kind in ids}
    any_unknown = any(unknown.values())  # else (a valid pack) no second walk of references
    for kind, recs in records.items():
        for rec in recs:
            place = _Place(where[(kind, rec["id"])])
            for ref_kind, ref_id, what in _references(kind, rec) if any_unknown else ():
                if ref_id in unknown[ref_kind]:
                    problems.append(f"{place}: {SINGULAR[kind]} '{rec['id']}': " + REFERENCE.says(
                        what=what, ref=ref_id, hint=hint(ref_kind, ref_id)))
            if kind == "structures":
                problems += _item_parent_problems(rec, where[(kind, rec["id"])])
            if kind in ("topics", "programs") and "parent" in rec \
                    and OWN_PARENT.check({rec["id"]: rec["parent"]}):
                problems.append(f"{place}: " + OWN_PARENT.says(
                    what=f"{SINGULAR[kind]} '{rec['id']}'"))
    for kind in ("topics", "programs"):
        parents = {rec["id"]: rec["parent"] for rec in records.get(kind, []) if "parent" in rec}
        for rid in PARENT_CYCLE.check(parents):
            problems.append(f"{_Place(where[(kind, rid)])}: " + PARENT_CYCLE.says(
                what=f"{SINGULAR[kind]} '{rid}'"))
    return problems


def _item_parent_problems(structure: dict, loc: Located) -> list[str]:
    """A structure's items: each parent one of its items, and no item its own ancestor
    (p1 -> p2 -> p1), each problem at the item's line."""
    items = structure.get("items", [])
    parents = {item["id"]: item["parent"] for item in items if "parent" in item}
    known = {item["id"] for item in items}
    cyclic = set(PARENT_CYCLE.check(parents))
    problems = []
    for index, item in enumerate(items):
        if "parent" not in item:
            continue
        own = {item["id"]: item["parent"]}
        broken = (PARENT_KNOWN if PARENT_KNOWN.check(own, known) else
                  OWN_PARENT if OWN_PARENT.check(own) else
                  PARENT_CYCLE if item["id"] in cyclic else None)
        if broken is not None:
            problems.append(f"{loc.file}:{_item_line(loc, index)}: structure "
                            f"'{structure['id']}': " + broken.says(
                                what=f"item '{item['id']}'", parent=item["parent"]))
    return problems


def _references(kind: str, rec: dict):
    """Yield (kind, id, description) for every reference a record makes."""
    schema = KINDS[kind]
    for key, spec in schema.items():
        if spec.ref and key in rec:
            values = rec[key] if spec.type == "refs" else [rec[key]]
            for value in values:
                yield spec.ref, value, _ref_label(key, spec.ref)
    for item in rec.get("items", []):
        for topic in item.get("topics", []):
            yield "topics", topic, "topic"
        for report in item.get("reports_on", []):
            yield "items", report["commitment"], "commitment"
    for report in rec.get("reports_on", []):
        yield "items", report["commitment"], "commitment"
    # a citation whose source failed its own check has none (that problem is reported)
    for cite in record_cites(rec):
        if "source" in cite:
            yield "sources", cite["source"], "source"
    for alt in rec.get("alt_dates", []):
        if "source" in alt:
            yield "sources", alt["source"], "source"


def _ref_label(key: str, ref_kind: str) -> str:
    if ref_kind == "items":
        return key  # "commitment": the only reference to a structure item
    singular = SINGULAR[ref_kind]
    return singular if key in (ref_kind, singular, "topics", "programs") else f"{key} {singular}"


class _Place:
    """Formats `file:line` only when a message is written (finding a line can cost)."""

    def __init__(self, loc: Located):
        self.loc = loc

    def __format__(self, spec) -> str:
        return self.loc.where()


# ---- rules across records: a funding line's recipient ---------------------------


def recipient_problems(records: dict[str, list[dict]]) -> list[tuple[str, str, str, str]]:
    """(kind, id, field, message) for funding lines whose recipient breaks the rule of
    docs/DATA.md: a line of a source whose `scope` is one recipient (an In Focus on Mexico)
    says its recipient, and `recipient_as_written` is words of the line's own quotes.
    Found on the loaded records; the caller places them at file:line."""
    scopes = {s["id"]: s.get("scope") for s in records.get("sources", [])}
    found = []
    for line in records.get("funding", []):
        scope = scopes.get(line.get("source"))
        if scope and "recipient" not in line:
            found.append(("funding", line["id"], "id", (
                f"no recipient, but its source '{line['source']}' is about {scope} (scope): "
                f"write `recipient: {scope}`, or the recipient its quote names")))
        written = line.get("recipient_as_written")
        if written is None:
            continue
        if "recipient" not in line:
            found.append(("funding", line["id"], "recipient_as_written",
                          "recipient_as_written without a recipient id"))
        quotes = [fold(c["quote"]) for c in line.get("cite", [])]
        if not any(fold(written) in q for q in quotes):
            found.append(("funding", line["id"], "recipient_as_written",
                          f"recipient_as_written '{written}' is not words of its quotes"))
    return found


def placed(found: list[tuple[str, str, str, str]], where: dict) -> list[str]:
    """Rule findings as `file:line: funding line 'id': message` problems."""
    return [f"{where[(kind, rid)].where(key)}: {SINGULAR[kind]} '{rid}': {message}"
            for kind, rid, key, message in found]


# hosts of third-party copies (mirrors, archives, aggregators, blogs): where a text was
# retrieved from, never the work's address
MIRROR_HOSTS = ("documentine.com", "wikileaks", "studylib.net", "docslib.org", "nizkor",
                "derechos.org", "blogspot.", "teamultimedia.com", "pubt.io", "jisipnews.com",
                "justia.com", "hsdl.org", "everycrsreport.com", "pennyhill", "regeneracion.mx",
                "archive.org", "legistorm.com", "menafn.com", "scribd.com")


def mirror_host(url: str) -> str | None:
    """The mirror a URL points to (its host), or None for any other address."""
    parts = urlsplit(url.strip())
    where = (parts.netloc + parts.path).lower()
    return parts.netloc.lower() if any(host in where for host in MIRROR_HOSTS) else None


def source_url_warnings(records: dict[str, list[dict]]) -> list[str]:
    """Sources whose url or retrieved_from is no web address (`javascript:alert(1)`, a path,
    a space: citations and exports hand it on as a link), and those whose work URL is a
    mirror's: the copy's address belongs in retrieved_from, the work's in url (the
    publisher's own page) or nowhere."""
    warnings = []
    for src in records.get("sources", []):
        for name in ("url", "retrieved_from"):
            if src.get(name) and not is_web_address(src[name]):
                warnings.append(f"source '{src['id']}': {name} is not a web address "
                                f"(http:// or https://, a host, no spaces): {src[name]!r}")
        if host := mirror_host(src.get("url") or ""):
            warnings.append(f"source '{src['id']}': url is a copy on {host}, not the work's "
                            "address: move it to retrieved_from and give the publisher's own "
                            "page as url (or none)")
    return warnings


_WEB_ADDRESS = re.compile(r"(?i)https?://[^\s/?#]+[^\s]*\Z")


def is_web_address(url: str) -> bool:
    """An absolute http(s) URL with a host and no whitespace or control character."""
    return bool(_WEB_ADDRESS.match(url)) and printable(url) == url
