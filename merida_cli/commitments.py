"""What a program promised and what later records report of it: `merida commitments`.

A commitment is an item of a structure marked `commitments: true` (pledges, actions,
goals, objectives the governments adopted). Its evidence is every later record whose
`reports_on` link quotes a passage about it; its status is derived from that evidence
by the rule in docs/DATA.md (STATUS_RULE below), never asserted. Pure functions over a
Dataset: no printing, no files.
"""

from __future__ import annotations

from . import evidence as ev_
from .errors import UsageError
from .model import valid_date
from .text import did_you_mean

STATUSES = ("reported-done", "reported-under-way", "reported-stalled", "no-later-report")
PLEDGERS = {"us": "us", "united-states": "us", "united states": "us", "u.s.": "us",
            "mexico": "mexico", "méxico": "mexico", "both": "both", "joint": "both"}
_FROM_REPORT = {"done": "reported-done", "under-way": "reported-under-way",
                "stalled": "reported-stalled"}
# when reports of the latest date disagree, the less favourable one stands
_CAUTION = ("stalled", "under-way", "done")
STATUS_RULE = ("the status is what the latest report says (done, under way or stalled); "
               "when reports of that date disagree the less favourable stands; no report "
               "dated on or after the commitment linked to it: no-later-report")
_STATUS_WORDS = {"reported-done": "reported done", "reported-under-way": "under way",
                 "reported-stalled": "stalled",
                 "no-later-report": "with no later report linked"}


def status_of(reports: list[dict]) -> str:
    """The derived status of a commitment from its reports (oldest first)."""
    if not reports:
        return "no-later-report"
    latest = max(r["date"] or "" for r in reports)
    said = {r["status"] for r in reports if (r["date"] or "") == latest}
    return _FROM_REPORT[next(s for s in _CAUTION if s in said)]


def check_status(status: str | None) -> str | None:
    if status is None:
        return None
    wanted = status if status.startswith(("reported-", "no-")) else f"reported-{status}"
    if status == "none":
        wanted = "no-later-report"
    if wanted not in STATUSES:
        raise UsageError(f"--status '{status}': expected one of {', '.join(STATUSES)}"
                         f"{did_you_mean(status, STATUSES)}")
    return wanted


def check_by(by: str | None) -> str | None:
    if by is None:
        return None
    key = by.strip().lower()
    if key not in PLEDGERS:
        raise UsageError(f"--by '{by}': expected us, mexico or both"
                         f"{did_you_mean(by, ('us', 'mexico', 'both'))}")
    return PLEDGERS[key]


def check_since(since: str | None) -> str | None:
    if since is not None and not valid_date(since):
        raise UsageError(f"--since '{since}': expected a date like 2021, 2021-10 or 2021-10-08")
    return since


def commitments(ds, program: str, status=None, by=None, since=None, topic=None) -> list[dict]:
    """Each commitment of a program and its sub-programs, oldest first, with its later
    evidence and derived status; filtered by status, by whom, made since a date, topic."""
    pid = ds.resolve_program(program)
    status, by, since = check_status(status), check_by(by), check_since(since)
    topics = None
    for name in ([topic] if isinstance(topic, str) else topic or []):
        topics = (topics or set()) | ds.topic_family(name)
    pids = set(ev_.family(ds, pid))
    reports = ev_.follow_through(ds)
    rows = []
    for structure in ds.records["structures"]:
        if structure["program"] not in pids or not ev_.is_commitment_structure(structure):
            continue
        for item in structure["items"]:
            row = commitment_row(item, structure, reports.get(item["id"], []))
            if status and row["status"] != status or by and row["by"] != by:
                continue
            if since and not ev_.not_before(row["made"], since):
                continue
            if topics is not None and not topics & set(row["topics"]):
                continue
            rows.append(row)
    rows.sort(key=lambda r: (r["made"] or "9999"))
    return rows


def commitment_row(item: dict, structure: dict, reports: list[dict]) -> dict:
    """The JSON contract of one commitment: id, title, made, by, source, status, evidence
    (then where it sits: program, structure, topics)."""
    evidence = [{"id": r["id"], "kind": r["kind"], "date": r["date"], "source": r["source"],
                 "quote": r["quote"], "status": r["status"], "title": r["title"]}
                for r in reports]
    return {"id": item["id"], "title": item["title"],
            "made": ev_.commitment_made(item, structure),
            "by": ev_.commitment_by(item, structure), "source": ev_.source_of(item),
            "status": status_of(reports), "evidence": evidence,
            "program": structure["program"], "structure": structure["id"],
            "structure_label": structure["label"], "number": item.get("number"),
            "topics": list(item.get("topics", [])),
            "latest": evidence[-1]["date"] if evidence else None}


def counts(rows: list[dict]) -> dict[str, int]:
    """How many commitments have each status, in vocabulary order."""
    return {s: sum(1 for r in rows if r["status"] == s) for s in STATUSES}


def summary(rows: list[dict]) -> str:
    """The count of each status and how a status is derived, for the line under a list:
    a reader sees that 'no-later-report' means no report is linked, not that none exists."""
    tally = counts(rows)
    parts = [f"{n} {_STATUS_WORDS[status]}" for status, n in tally.items() if n]
    return f"{len(rows)} commitments: {', '.join(parts)} ({STATUS_RULE})"
