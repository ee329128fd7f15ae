"""What a question to the Catalog returns: a value that knows its JSON form and its exit
status (frictionless' Report, httpie's ExitStatus), so `--json` prints exactly what the
library returns and every command maps an outcome to one exit code the same way.

A listing result is also a sequence of its records, so `data.recommendations(...)` reads
like a list from Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .errors import ExitStatus


class Result:
    """Base: `to_json()` is the `--json` form; `exit_status` what the command exits with."""

    def to_json(self):
        raise NotImplementedError

    @property
    def exit_status(self) -> ExitStatus:
        return ExitStatus.OK


@dataclass
class Records(Result, Sequence):
    """A list of records of one kind (recommendations, events, funding lines, ...): exit 1
    when nothing matched, like grep. `rows` are the table's rows when they differ from the
    records (topics and sources with their counts)."""

    kind: str
    records: list = field(default_factory=list)
    note: str | None = None  # something the reader should know (a question the data cannot answer)

    def to_json(self):
        return self.records

    @property
    def exit_status(self) -> ExitStatus:
        return ExitStatus.OK if self.records else ExitStatus.FAILURE

    def __getitem__(self, index):
        return self.records[index]

    def __len__(self) -> int:
        return len(self.records)


@dataclass
class FundingLines(Records):
    """Funding lines grouped by measure (running totals first), each line with every field."""

    groups: list = field(default_factory=list)  # [(measure, [line, ...]), ...]
    charted: str = "cumulative-appropriation"


@dataclass
class Structures(Result):
    """A program's structure, or all of them over time (`every`)."""

    program: dict
    structures: list
    every: bool = False

    def to_json(self):
        return self.structures if self.every else self.structures[0]["items"]


@dataclass
class RecordView(Result):
    """One id shown: the record (or, when two kinds share the id, each), its links and
    context; `merged_into` when the id was merged into another record."""

    documents: list  # show_data documents
    found: list  # (kind, record, links, context)
    asked: str
    merged_into: str | None = None

    def to_json(self):
        return self.documents[0] if len(self.documents) == 1 else self.documents


@dataclass
class Analysis(Result):
    """compare, the crosswalk, diff and gaps: one alignment document (see align.py).
    A diff exits 1 when the two sides differ."""

    data: dict
    view: str = "compare"  # compare, crosswalk, diff or gaps: which report shows it
    differ: bool = False

    def to_json(self):
        return self.data

    @property
    def exit_status(self) -> ExitStatus:
        return ExitStatus.FAILURE if self.differ else ExitStatus.OK


@dataclass
class Hits(Result, Sequence):
    """Search hits, best first."""

    hits: list

    def to_json(self):
        return [h.as_json() for h in self.hits]

    @property
    def exit_status(self) -> ExitStatus:
        return ExitStatus.OK if self.hits else ExitStatus.FAILURE

    def __getitem__(self, index):
        return self.hits[index]

    def __len__(self) -> int:
        return len(self.hits)


@dataclass
class Problems(Result):
    """validate: every problem (file:line: message) and duplicate warning."""

    records: int
    problems: list
    warnings: list
    strict: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems and not (self.strict and self.warnings)

    def to_json(self):
        return {"ok": self.ok, "records": self.records, "problems": self.problems,
                "warnings": self.warnings}

    @property
    def exit_status(self) -> ExitStatus:
        return ExitStatus.OK if self.ok else ExitStatus.FAILURE


@dataclass
class Verification(Result):
    """verify: quotes checked against their texts, failures, and what could not be checked."""

    checked: int
    failures: list
    skipped: dict
    warnings: list

    def to_json(self):
        return {"checked": self.checked, "failures": self.failures, "skipped": self.skipped,
                "warnings": self.warnings}

    @property
    def exit_status(self) -> ExitStatus:
        return ExitStatus.OK if self.checked and not self.failures else ExitStatus.FAILURE


@dataclass
class Coverage(Result):
    """coverage: the sentences of a source with a number or date that no record cites."""

    report: dict

    def to_json(self):
        return self.report

    @property
    def exit_status(self) -> ExitStatus:
        return ExitStatus.FAILURE if self.report["uncited_sentences"] else ExitStatus.OK
