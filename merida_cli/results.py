"""What a question to the Catalog returns: a value that knows its JSON form and its exit
status (frictionless' Report, httpie's ExitStatus), so `--json` prints exactly what the
library returns and every command maps an outcome to one exit code the same way.

A listing result is also a sequence of its records, so `data.recommendations(...)` reads
like a list from Python.
"""

from __future__ import annotations

from collections.abc import Sequence

from .errors import ExitStatus
from .text import wrote


class Result:
    """Base: `to_json()` is the `--json` form; `exit_status` what the command exits with.

    Plain classes, not dataclasses: every command imports this module, and generating
    dataclass methods costs startup time (about 2 ms here)."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.to_json()!r})"

    def to_json(self):
        raise NotImplementedError

    @property
    def exit_status(self) -> ExitStatus:
        return ExitStatus.OK


class Records(Result, Sequence):
    """A list of records of one kind (recommendations, events, funding lines, ...): exit 1
    when nothing matched, like grep. `note`: something the reader should know (a question
    the data cannot answer); `rows`: what a table shows when it is not the records
    themselves (programs with their periods and counts)."""

    def __init__(self, kind: str, records: list, note: str | None = None,
                 rows: list | None = None):
        self.kind, self.records, self.note, self.rows = kind, records, note, rows

    def to_json(self):
        return self.records

    @property
    def exit_status(self) -> ExitStatus:
        return ExitStatus.OK if self.records else ExitStatus.FAILURE

    def __getitem__(self, index):
        return self.records[index]

    def __len__(self) -> int:
        return len(self.records)


class FundingLines(Records):
    """Funding lines grouped by measure (running totals first), each line with every field;
    `groups` is [(measure, [line, ...]), ...], `charted` the measure a chart draws."""

    def __init__(self, kind: str, records: list, note: str | None, groups: list,
                 charted: str = "cumulative-appropriation"):
        super().__init__(kind, records, note)
        self.groups, self.charted = groups, charted


class Structures(Result):
    """A program's structure, or all of them over time (`every`)."""

    def __init__(self, program: dict, structures: list, every: bool = False):
        self.program, self.structures, self.every = program, structures, every

    def to_json(self):
        if not self.structures:
            return []
        return self.structures if self.every else self.structures[0]["items"]

    @property
    def exit_status(self) -> ExitStatus:
        return ExitStatus.OK if self.structures else ExitStatus.FAILURE


class RecordView(Result):
    """One id shown: the record (or, when two kinds share the id, each) as `documents`,
    `found` as (kind, record, links, context); `merged_into` when the id was merged into
    another record; `sources` the cited sources by id (what the view shows of each)."""

    def __init__(self, documents: list, found: list, asked: str,
                 merged_into: str | None = None, sources: dict | None = None):
        self.documents, self.found, self.asked = documents, found, asked
        self.merged_into, self.sources = merged_into, sources or {}

    def to_json(self):
        return self.documents[0] if len(self.documents) == 1 else self.documents


class Analysis(Result):
    """compare, the crosswalk, diff and gaps: one alignment document (see align.py);
    `view` says which report shows it; `evidence` how much of it a reader sees ("top":
    the strongest piece per side and how many more, "all": every piece; JSON has all).
    A diff exits 1 when the two sides differ. `structures`: the structures the data names,
    by id (their labels head the view's rows)."""

    def __init__(self, data: dict, view: str = "compare", differ: bool = False,
                 evidence: str = "top", structures: dict | None = None):
        self.data, self.view, self.differ, self.evidence = data, view, differ, evidence
        self.structures = structures or {}

    def to_json(self):
        return self.data

    @property
    def exit_status(self) -> ExitStatus:
        return ExitStatus.FAILURE if self.differ else ExitStatus.OK


class Hits(Records):
    """Search hits, close matches first (a list of hits; JSON: each hit's kind, id, title,
    score and whether it is `close`). When none is close the hits are the nearest guesses
    and the search exits 1: a reader can tell a match from a guess."""

    def __init__(self, hits: list, query: str = ""):
        super().__init__("hits", hits)
        self.query = query

    @property
    def hits(self) -> list:
        return self.records

    @property
    def close(self) -> list:
        return [h for h in self.records if h.close]

    @property
    def exit_status(self) -> ExitStatus:
        return ExitStatus.OK if self.close else ExitStatus.FAILURE

    def to_json(self):
        return [h.as_json() for h in self.records]


class Problems(Result):
    """validate: every problem (file:line: message), every other warning, and every group
    of look-alike records (a warning each, closest first); the view shows a screenful of
    the groups unless `all_warnings`."""

    def __init__(self, records: int, problems: list, notes: list, strict: bool = False,
                 look_alikes: list = (), all_warnings: bool = False):
        self.records, self.problems, self.notes = records, problems, notes
        self.look_alikes, self.strict, self.all_warnings = list(look_alikes), strict, all_warnings

    @property
    def warnings(self) -> list[str]:
        """Every warning: the notes, then one per look-alike group."""
        return self.notes + [group.message() for group in self.look_alikes]

    @property
    def ok(self) -> bool:
        return not self.problems and not (self.strict and self.warnings)

    def to_json(self):
        return {"ok": self.ok, "records": self.records, "problems": self.problems,
                "warnings": self.warnings,
                "look_alikes": [group.as_json() for group in self.look_alikes]}

    @property
    def exit_status(self) -> ExitStatus:
        return ExitStatus.OK if self.ok else ExitStatus.FAILURE


class Verification(Result):
    """verify: quotes checked against their texts, failures, and what could not be checked."""

    def __init__(self, checked: int, failures: list, skipped: dict, warnings: list,
                 folders=(), files: dict | None = None):
        self.checked, self.failures = checked, failures
        self.skipped, self.warnings = skipped, warnings
        self.folders, self.files = list(folders), files or {}  # for the 'skipped' messages

    def to_json(self):
        return {"checked": self.checked, "failures": self.failures, "skipped": self.skipped,
                "warnings": self.warnings}

    @property
    def exit_status(self) -> ExitStatus:
        return ExitStatus.OK if self.checked and not self.failures else ExitStatus.FAILURE


class Coverage(Result):
    """coverage: the sentences of a source with a number or date that no record cites."""

    def __init__(self, report: dict):
        self.report = report

    def to_json(self):
        return self.report

    @property
    def exit_status(self) -> ExitStatus:
        return ExitStatus.FAILURE if self.report["uncited_sentences"] else ExitStatus.OK


class PackDiff(Result):
    """Two pack files or directories record by record: `added`, `removed` ({kind, id})
    and `changed` ({kind, id, fields: {name: {a, b}}}); exit 1 when they differ."""

    def __init__(self, data: dict):
        self.data = data

    @property
    def differ(self) -> bool:
        return any(self.data[k] for k in ("added", "removed", "changed"))

    def to_json(self):
        return self.data

    @property
    def exit_status(self) -> ExitStatus:
        return ExitStatus.FAILURE if self.differ else ExitStatus.OK


class Schema(Result):
    """The JSON Schema of a pack file."""

    def __init__(self, schema: dict):
        self.schema = schema

    def to_json(self):
        return self.schema


class Written(Result):
    """What an export produced: `text` for stdout, or the `paths` of the files it wrote."""

    def __init__(self, text: str | None = None, paths=None):
        self.text, self.paths = text, list(paths or [])

    def to_json(self):
        return {"text": self.text, "paths": [str(p) for p in self.paths]}

    def summary(self) -> list[str]:
        """The 'wrote ...' lines for stderr: each file, or a count per directory."""
        if len(self.paths) <= 2:
            return [wrote(p) for p in self.paths]
        folders = dict.fromkeys(p.parent for p in self.paths)
        return [wrote(d, sum(p.parent == d for p in self.paths)) for d in folders]
