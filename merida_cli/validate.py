"""Schema and reference checks; every problem is reported as `file:line: message`.

Validation also normalises: fields come out in schema order, a bare year
(`date: 2014`) becomes the string "2014", and `source` defaults to the first
citation's source so filters by source work on every kind.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import chain

from .model import (
    DATE,
    FISCAL_YEARS,
    KINDS,
    MAX_NUMBER,
    MAX_QUOTE_WORDS,
    NESTED,
    SHA256,
    SINGULAR,
    SLUG,
    Field,
    record_cites,
    valid_date,
)
from .text import did_you_mean


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
            if not isinstance(value, str) or not DATE.match(value) or not valid_date(value):
                return self._bad(line, key, "a date like 2014, 2014-09 or 2014-09-26", value)
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
            if t == "refs" and (twice := repeated(out)):
                # a topic listed twice shows twice in every listing, counts once in others
                return self.fail(line, f"field '{key}' lists '{twice}' more than once")
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




def repeated(values: list) -> object | None:
    """The first value a list holds more than once (ids in a topics or programs list), or
    None; the fast path refuses the same lists."""
    seen = set()
    for value in values:
        if value in seen:
            return value
        seen.add(value)
    return None


def _short_repr(value) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10 ** 60:
        return f"a number of about {int(value.bit_length() * 0.30103) + 1} digits"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _check_text(checker, line, key, value: str):
    """Text must be encodable: a lone surrogate (JSON "\\ud800") breaks every later read."""
    if _SURROGATE.search(value):
        return checker._bad(line, key, "text without lone surrogates (\\ud800-\\udfff)",
                            value.encode("utf-8", "backslashreplace").decode("ascii"))
    return value


_SURROGATE = re.compile("[\ud800-\udfff]")

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


def check_record(loc: Located, problems: list[str]) -> dict | None:
    """Schema checks of one record on its own; the record normalised, or None."""
    checker = _Checker(loc, problems)
    rec = checker.mapping(loc.record, KINDS[loc.kind], None, "record")
    if rec is None or "id" not in rec:
        return None
    _check_quotes(checker, rec, loc)
    if "source" in KINDS[loc.kind] and "source" not in rec and rec.get("cite") \
            and "source" in rec["cite"][0]:  # (a bad source is reported, not defaulted)
        rec = _with_default_source(loc.kind, rec)
    return rec


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


def _with_default_source(kind: str, rec: dict) -> dict:
    out = {}
    for key in KINDS[kind]:
        if key == "source":
            out["source"] = rec["cite"][0]["source"]
        elif key in rec:
            out[key] = rec[key]
    return out


def _check_quotes(checker: _Checker, rec: dict, loc: Located) -> None:
    for cite in record_cites(rec):
        words = len(cite.get("quote", "").split())
        if words > MAX_QUOTE_WORDS:
            checker.fail(loc.line, f"quote of {words} words is too long "
                         f"(at most {MAX_QUOTE_WORDS}): '{cite['quote'][:40]}...'")


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

    for kind, recs in records.items():
        for rec in recs:
            place = _Place(where[(kind, rec["id"])])
            for ref_kind, ref_id, what in _references(kind, rec):
                if ref_id not in ids[ref_kind]:
                    problems.append(f"{place}: {SINGULAR[kind]} '{rec['id']}': unknown {what} "
                                    f"'{ref_id}'{hint(ref_kind, ref_id)}")
            if kind == "structures":
                problems += _item_parent_problems(rec, where[(kind, rec["id"])])
            if kind in ("topics", "programs") and rec.get("parent") == rec["id"]:
                problems.append(f"{place}: {SINGULAR[kind]} '{rec['id']}' is its own parent")
    for kind in ("topics", "programs"):
        for rid in parent_cycles(records.get(kind, [])):
            place = _Place(where[(kind, rid)])
            problems.append(f"{place}: {SINGULAR[kind]} '{rid}' is its own ancestor "
                            "(a cycle of parents)")
    return problems


def _item_parent_problems(structure: dict, loc: Located) -> list[str]:
    """A structure's items: each parent one of its items, and no item its own ancestor
    (p1 -> p2 -> p1), each problem at the item's line."""
    items = structure.get("items", [])
    item_ids = {i["id"] for i in items}
    cyclic = set(parent_cycles(items))
    problems = []
    for index, item in enumerate(items):
        what = (f"{loc.file}:{_item_line(loc, index)}: structure '{structure['id']}': "
                f"item '{item['id']}'")
        if "parent" in item and item["parent"] not in item_ids:
            problems.append(f"{what} has unknown parent '{item['parent']}'")
        elif item.get("parent") == item["id"]:
            problems.append(f"{what} is its own parent")
        elif item["id"] in cyclic:
            problems.append(f"{what} is its own ancestor (a cycle of parents)")
    return problems


def parent_cycles(recs: list[dict]) -> list[str]:
    """Ids whose chain of parents comes back to them, longer than one step (a record that
    is its own parent is reported on its own)."""
    parent = {r["id"]: r.get("parent") for r in recs}
    cycles = []
    for rid in parent:
        seen, node = {rid}, parent.get(rid)
        while node is not None and node != rid and node not in seen and node in parent:
            seen.add(node)
            node = parent.get(node)
        if node == rid and parent.get(rid) != rid:
            cycles.append(rid)
    return cycles


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
    from .text import fold

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


# ---- probable duplicates (warnings) -------------------------------------------

# the field that names a happening, claim or count, per kind the lint looks at
_NAMED_BY = {"events": "title", "assessments": "text", "recommendations": "text",
             "funding": "title", "figures": "label"}
_LINKS = ("replaces", "distinct_from", "same_as", "conflicts_with")
# what a funding line or a figure counts (issue 26), and when: two with one key and one
# period count one thing, whatever their dates; a period one gives and the other leaves
# out is not another period (a total "to date" and the same total with its years)
_COUNTS = {"funding": ("program", "measure", "amount_usd", "share_pct", "recipient"),
           "figures": ("value", "unit")}
_PERIODS = {"funding": ("fiscal_years", "period"), "figures": ("period",)}
_COUNTS_SAID = {"funding": "one program, measure, amount, recipient and fiscal years",
                "figures": "one value, unit and period"}
# funding lines of one month compared whatever their program (the older, monthly rule)
_MONTH_COUNT = ("measure", "amount_usd", "share_pct", "recipient", "fiscal_years", "period")
DUPLICATE_SCORE = 85
QUOTE_SCORE = 90  # how alike (plain ratio) two quotes of two versions of one report are


FUZZY_LIMIT = 1500  # distinct names compared pairwise in a year or report; more: exact only
_SHINGLE = 10  # words in a row two quotes of one source share when they cite one passage
CLOSEST = 100  # how alike an identical name, one passage or one count makes two records


@dataclass(frozen=True)
class LookAlike:
    """Records of one kind that look like one happening or claim, joined pair by pair
    (k copies of a record are one group, not k² pairs), with the closest pair and why."""

    kind: str
    ids: tuple[str, ...]  # every record of the group, in pack order
    pair: tuple[str, str]  # the closest pair: itself a warning on its own
    dates: tuple[str | None, str | None]
    why: str
    score: float  # how alike the closest pair is, 0-100 (CLOSEST for exact evidence)

    def message(self) -> str:
        a, b = self.pair
        fix = ("link them with same_as or conflicts_with, or mark them `distinct_from` "
               "each other" if self.kind in _COUNTS else
               "merge them (list the other id in `replaces`) or mark them "
               "`distinct_from` each other")
        what = f"{SINGULAR[self.kind]}s"
        who = (f"{what} '{a}' and '{b}'" if len(self.ids) == 2 else
               f"{len(self.ids)} {what}, among them '{a}' and '{b}',")
        return (f"{who} look like one (dated {self.dates[0] or '?'} and "
                f"{self.dates[1] or '?'}, {self.why}): {fix}")

    def as_json(self) -> dict:
        return {"kind": self.kind, "ids": list(self.ids),
                "closest": {"ids": list(self.pair), "dates": list(self.dates),
                            "why": self.why, "score": self.score},
                "message": self.message()}


@dataclass(frozen=True)
class _Bucket:
    """Records (indices) every two of which look alike by one rule, before links and dates
    are weighed. `any_date`: the rule holds across dates (one count, two versions of a
    report), not only within a month; `apart(i, j)`: what a pair must be besides."""

    members: list[int]
    why: str
    score: float
    any_date: bool = False
    apart: Callable[[int, int], bool] | None = None


def duplicate_warnings(records: dict[str, list[dict]], threshold: int = DUPLICATE_SCORE,
                       progress=None) -> list[LookAlike]:
    """Groups of records of one kind that look like one happening, claim or count, closest
    first, with no link between them (docs/DATA.md, "One happening, one record; one
    count, one group"):

    - within a month (dates agree at the coarser precision): events, assessments and
      recommendations with near-identical names or one cited passage; funding lines of
      one measure, amount, recipient and period;
    - at any dates: funding lines of one program, measure, amount, recipient, fiscal years
      and period (a line giving neither years nor period beside any years); figures of
      one value, unit and period (a figure without a period beside any period, when
      its label is near-identical too);
    - at any dates, from two versions of one report (sources of one `report_number`):
      events, assessments and recommendations with near-identical names, one passage
      or near-identical quotes.

    A pair is linked when a link field (`replaces`, `distinct_from`, `same_as`,
    `conflicts_with`) joins them or their `same_as` groups (a chain of same_as, however
    long, is one count). Identical names are one bucket; distinct names are compared by
    RapidFuzz (more than FUZZY_LIMIT distinct names in a year or report, a generated
    pack: identical names only); passages are found by index. Each bucket joins its
    records pair by pair into groups (union-find), so the work grows with the records,
    not with the pairs. `progress(done, total, label)` hears of each kind compared."""
    from .text import fold

    sources = records.get("sources", [])
    source_dates = {s["id"]: s.get("date") for s in sources}
    report_of = {s["id"]: s["report_number"] for s in sources if s.get("report_number")}
    groups = []
    for done, (kind, field_name) in enumerate(_NAMED_BY.items()):
        if progress is not None:
            progress(done, len(_NAMED_BY), "looking for look-alike records")
        recs = records.get(kind, [])
        dates = [_record_date(rec, source_dates) for rec in recs]
        names = [fold(str(rec[field_name])) for rec in recs]
        if kind in _COUNTS:
            buckets = _count_buckets(kind, recs, names, threshold)
        else:
            buckets = _version_buckets(kind, recs, names, threshold, report_of)
        if kind != "figures":  # figures are told apart by their counts only
            buckets = chain(_month_buckets(kind, recs, dates, names, threshold), buckets)
        groups += _groups(kind, recs, dates, buckets, _Links(recs))
    kinds = list(_NAMED_BY)
    return sorted(groups, key=lambda g: (-g.score, -len(g.ids), kinds.index(g.kind)))


def _month_buckets(kind: str, recs: list[dict], dates: list, names: list[str],
                   threshold: int):
    """Look-alikes within a year (their months are weighed when pairs are joined)."""
    by_year: dict[str, list[int]] = {}
    for i, date in enumerate(dates):
        by_year.setdefault((date or "")[:4], []).append(i)
    for year in by_year.values():
        if kind == "funding":
            by_count: dict[tuple, list[int]] = {}
            for i in year:
                by_count.setdefault(_count_key(recs[i], _MONTH_COUNT), []).append(i)
            yield from (_Bucket(same, "one measure, amount, recipient and period", CLOSEST)
                        for same in by_count.values() if len(same) > 1)
            continue
        yield from _name_buckets(year, names, _what(kind), threshold)
        yield from (_Bucket(same, "they cite one passage", CLOSEST) for _key, same
                    in _shared_passages(year, recs, lambda cite: cite["source"]))


def _count_buckets(kind: str, recs: list[dict], names: list[str], threshold: int):
    """Funding lines or figures that count one thing, at any dates: one key and one
    period, or one key and a period one of them leaves out. A figure without a period
    ("4 people") is pinned by nothing but its number: its label must be alike too."""
    by_count: dict[tuple, dict[tuple, list[int]]] = {}
    for i, rec in enumerate(recs):
        by_count.setdefault(_count_key(rec, _COUNTS[kind]), {}).setdefault(
            _count_key(rec, _PERIODS[kind]), []).append(i)
    unstated = (None,) * len(_PERIODS[kind])
    for by_period in by_count.values():
        undated = by_period.pop(unstated, [])
        for same in by_period.values():
            if len(same) > 1:
                yield _Bucket(same, _COUNTS_SAID[kind], CLOSEST, any_date=True)
        for same in list(by_period.values()) or [[]] if undated else []:
            members = undated + same
            if len(members) < 2:
                continue
            if kind == "figures":
                yield from (_Bucket(b.members, f"one value and unit, {b.why}", b.score,
                                    any_date=True)
                            for b in _name_buckets(members, names, "labels", threshold))
            else:
                yield _Bucket(members, "one program, measure, amount and recipient, "
                              "fiscal years given by one only", CLOSEST, any_date=True)


def _version_buckets(kind: str, recs: list[dict], names: list[str], threshold: int,
                     report_of: dict):
    """Look-alikes from two versions of one report, at any dates: near-identical names,
    one passage kept from one version to the next, near-identical quotes. A pair must
    cite two versions between them (within one version the monthly rule decides)."""
    from rapidfuzz import fuzz

    from .text import fold

    cited: dict[str, dict[int, set]] = {}  # report -> record -> the versions it cites
    quotes: dict[str, tuple[list[str], list[int]]] = {}  # report -> its quotes, their records
    for i, rec in enumerate(recs):
        for cite in rec.get("cite", []):
            report = report_of.get(cite["source"])
            if report is not None:
                cited.setdefault(report, {}).setdefault(i, set()).add(cite["source"])
                texts, owners = quotes.setdefault(report, ([], []))
                texts.append(fold(cite["quote"]))
                owners.append(i)

    def across(report: str, members, why: str, score: float) -> _Bucket | None:
        versions = cited[report]
        members = sorted(set(members))
        if len(members) < 2 or len(set().union(*(versions[i] for i in members))) < 2:
            return None  # one record, or one version: not a restatement across versions
        return _Bucket(members, f"two versions of {report}, {why}", score, any_date=True,
                       apart=lambda i, j: len(versions[i] | versions[j]) > 1)

    what = _what(kind)
    for report, versions in cited.items():
        texts, owners = quotes[report]
        found = [(b.members, b.why, b.score)
                 for b in _name_buckets(list(versions), names, what, threshold)]
        found += [([owners[q] for q in b.members], b.why, b.score)
                  for b in _name_buckets(range(len(texts)), texts, "quotes", QUOTE_SCORE,
                                         fuzz.ratio)]
        yield from filter(None, (across(report, *bucket) for bucket in found))
    passages = _shared_passages(range(len(recs)), recs,
                                lambda cite: report_of.get(cite["source"]))
    yield from filter(None, (across(key[0], same, "one passage", CLOSEST)
                             for key, same in passages))


def _name_buckets(indices, names, what: str, threshold: float, scorer=None):
    """Buckets of `indices` whose `names[i]` are identical, and pairs of near-identical
    ones (RapidFuzz `scorer`, token-set ratio unless told; identical only beyond
    FUZZY_LIMIT distinct names)."""
    by_name: dict[str, list[int]] = {}
    for i in indices:
        by_name.setdefault(names[i], []).append(i)
    yield from (_Bucket(same, f"identical {what}", CLOSEST)
                for same in by_name.values() if len(same) > 1)
    distinct = list(by_name)
    if 1 < len(distinct) <= FUZZY_LIMIT:
        from rapidfuzz import fuzz, process

        for i, name in enumerate(distinct[:-1]):
            for match, score, _k in process.extract(name, distinct[i + 1:], limit=None,
                                                    scorer=scorer or fuzz.token_set_ratio,
                                                    score_cutoff=threshold):
                yield _Bucket(sorted(by_name[name] + by_name[match]),
                              f"{what} {score:.0f}% alike", score)


def _shared_passages(indices, recs: list[dict], key_of) -> list[tuple[tuple, list[int]]]:
    """(key, records) for every passage two or more of the records cite: _SHINGLE words
    in a row of a quote, under `key_of(cite)` (its source; None leaves the quote out)."""
    from .text import fold

    by_passage: dict[tuple, list[int]] = {}
    for i in indices:
        keys = set()
        for cite in recs[i].get("cite", []):
            key = key_of(cite)
            if key is None:
                continue
            words = fold(cite["quote"]).split()
            keys.update((key, *words[k:k + _SHINGLE])
                        for k in range(len(words) - _SHINGLE + 1))
        for key in keys:
            by_passage.setdefault(key, []).append(i)
    shared = {tuple(same): key for key, same in by_passage.items() if len(same) > 1}
    return sorted(((key, list(same)) for same, key in shared.items()), key=lambda x: x[1])


def _what(kind: str) -> str:
    return {"events": "titles", "figures": "labels"}.get(kind, "texts")


class _UnionFind:
    """Groups of indices joined pair by pair (path halving)."""

    def __init__(self, n: int):
        self.parent = list(range(n))

    def root(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(self, i: int, j: int) -> int:
        """Join the groups of i and j; the root kept (i's)."""
        ri, rj = self.root(i), self.root(j)
        self.parent[rj] = ri
        return ri


class _Links:
    """Which records of one kind are linked: a link field of one names the other, or of
    one of its same_as group names one of the other's (records joined by same_as, however
    long the chain, count one thing: four restatements need not name each other)."""

    def __init__(self, recs: list[dict]):
        index = {rec["id"]: i for i, rec in enumerate(recs)}
        same = _UnionFind(len(recs))
        for i, rec in enumerate(recs):
            for other in rec.get("same_as", []):
                if other in index:
                    same.join(i, index[other])
        self.group = [same.root(i) for i in range(len(recs))]
        self.pairs = {frozenset((self.group[i], self.group[index[other]]))
                      for i, rec in enumerate(recs) for key in _LINKS
                      for other in rec.get(key, []) if other in index}

    def __call__(self, i: int, j: int) -> bool:
        gi, gj = self.group[i], self.group[j]
        return gi == gj or frozenset((gi, gj)) in self.pairs


def _groups(kind: str, recs: list[dict], dates: list, buckets, linked) -> list[LookAlike]:
    """The buckets' look-alike pairs joined into groups: every pair that warns on its own
    (dates agree or the rule holds at any date, no link) joins its two records' groups;
    a group keeps its closest pair."""
    found = _UnionFind(len(recs))
    closest: dict[int, tuple] = {}  # root -> (score, why, i, j)
    for bucket in buckets:
        skip = linked if bucket.apart is None else (
            lambda i, j, apart=bucket.apart: linked(i, j) or not apart(i, j))
        month = (lambda _i: "") if bucket.any_date else (lambda i: _month_class(dates[i]))
        for i, j in _joining_pairs(bucket.members, month, skip):
            roots = dict.fromkeys((found.root(i), found.root(j)))
            known = [closest.pop(r) for r in roots if r in closest]
            closest[found.join(i, j)] = max([*known, (bucket.score, bucket.why, i, j)],
                                            key=lambda c: c[0])  # first on ties
    members_of: dict[int, list[int]] = {}
    for i in range(len(recs)):
        if found.root(i) in closest:
            members_of.setdefault(found.root(i), []).append(i)
    out = []
    for r, members in members_of.items():
        score, why, i, j = closest[r]
        i, j = min(i, j), max(i, j)
        out.append(LookAlike(kind, tuple(recs[m]["id"] for m in members),
                             (recs[i]["id"], recs[j]["id"]), (dates[i], dates[j]),
                             why, score))
    return out


def _joining_pairs(members: list[int], month, skip) -> list[tuple[int, int]]:
    """Pairs of one bucket that warn on their own (`month(i)` of the two agree, `skip`
    false) and together join every member to all it is alike with: a spanning forest,
    so k copies cost k - 1 pairs. Members not yet reached wait per month, so a record
    meets only those its date agrees with; a skipped pair is a link (or, across versions,
    a pair within one version), so the work stays near linear."""
    waiting: dict[str, dict[int, None]] = {}
    for i in members:
        waiting.setdefault(month(i), {})[i] = None
    pairs = []
    for start in members:
        if start not in waiting[month(start)]:
            continue
        del waiting[month(start)][start]
        reached = [start]
        while reached:
            i = reached.pop()
            for pool in _agreeing(month(i), waiting):
                for j in list(pool):
                    if not skip(i, j):
                        del pool[j]
                        pairs.append((i, j))
                        reached.append(j)
    return pairs


def _month_class(date: str | None) -> str:
    """'2014-02' for a date to the month or day, 'year' for a bare year, '' for none."""
    if not date:
        return ""
    return date[:7] if len(date) >= 7 else "year"


def _agreeing(month: str, waiting: dict) -> list[dict]:
    """The waiting pools whose dates agree with `month` (a bare year agrees with every month of
    itself; a record without a date only with another without one)."""
    if month == "year":
        return list(waiting.values())
    return [waiting[m] for m in ((month, "year") if month else ("",)) if m in waiting]


def _record_date(rec: dict, source_dates: dict) -> str | None:
    return rec.get("date") or rec.get("as_of") or source_dates.get(rec.get("source"))


def _count_key(rec: dict, fields: tuple[str, ...]) -> tuple:
    """What a funding line or figure counts: two records with one key count the same
    thing (numbers compare as numbers: 5e11 is 500000000000)."""
    return tuple(rec.get(key) for key in fields)


# hosts of third-party copies (mirrors, archives, aggregators, blogs): where a text was
# retrieved from, never the work's address
MIRROR_HOSTS = ("documentine.com", "wikileaks", "studylib.net", "docslib.org", "nizkor",
                "derechos.org", "blogspot.", "teamultimedia.com", "pubt.io", "jisipnews.com",
                "justia.com", "hsdl.org", "everycrsreport.com", "pennyhill", "regeneracion.mx",
                "archive.org", "legistorm.com", "menafn.com", "scribd.com")


def mirror_host(url: str) -> str | None:
    """The mirror a URL points to (its host), or None for any other address."""
    from urllib.parse import urlsplit

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
    from .text import printable

    return bool(_WEB_ADDRESS.match(url)) and printable(url) == url
