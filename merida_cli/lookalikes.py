"""Probable duplicates: records of one kind that look like one happening, claim or count
(`merida validate`'s look-alike warnings, docs/DATA.md "One happening, one record; one
count, one group"). Found on valid records, so apart from the schema check in validate.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import chain

from .model import SINGULAR
from .text import fold

# rapidfuzz is imported where names are compared, not here: 15 ms of import (measured with
# -X importtime) that every strict read would pay, since validate.py re-exports this module

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
