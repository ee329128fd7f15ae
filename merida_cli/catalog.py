"""The library: every question merida answers, as a method returning a result value.

    import merida_cli
    data = merida_cli.open()                 # the built-in pack (and any extra packs)
    recs = data.recommendations(topic="firearms")
    recs.to_json(), recs.exit_status         # what `merida recs --topic firearms --json` prints

Each CLI command parses its options, calls one of these methods and hands the result to
the renderer; `--json` prints the result's `to_json()`. Unknown names raise UsageError
(with a "did you mean"), as the commands report them.
"""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path

from . import query
from .commitments import commitments
from .errors import UsageError
from .evidence import PlainRecords, commitment_problems
from .load import Packs
from .model import SEARCH_KINDS
from .packs import diff_packs, export_text, json_schema
from .results import (
    Analysis,
    Coverage,
    FundingLines,
    Hits,
    PackDiff,
    Problems,
    Records,
    RecordView,
    Schema,
    Structures,
    Verification,
    Written,
)
from .text import did_you_mean


class Catalog:
    """The packs, asked questions. Opening reads nothing: the first question that needs
    the records loads them (through the cache); `validate`, `diff_packs` and `schema`
    read the pack files, or nothing, and never load them."""

    def __init__(self, packs: Packs, progress=None):
        """`progress(label)`, when given, is a context manager that yields a callback
        `(done, total, note)` for long work (the CLI's progress bars); None: silent."""
        self.packs = packs
        self._progress = progress
        self._dataset = None

    @property
    def dataset(self):
        """The loaded packs (a Dataset), loaded on first use."""
        return self._load()

    @property
    def loaded(self) -> bool:
        """Whether a question has loaded the packs yet."""
        return self._dataset is not None

    def _load(self, search: bool = False):
        """`search`: the first question is a search, so a cold load builds the search
        index in the same pass as the store."""
        if self._dataset is None:
            with self._working("reading packs") as progress:
                self._dataset = self.packs.load(progress, search)
        return self._dataset

    def _working(self, label: str):
        return self._progress(label) if self._progress else nullcontext()

    @property
    def records(self):
        """Every record by kind (a read-only mapping of lists)."""
        return self.dataset.records

    # ---- browse ---------------------------------------------------------------------
    def structures(self, program: str = "merida", every: bool = False) -> Structures:
        ds = self.dataset
        pid = ds.resolve_program(program)
        found = query.structures_of(ds, pid) if every else [query.current_structure(ds, pid)]
        return Structures(ds.get("programs", pid), [s for s in found if s], every)

    def programs(self) -> Records:
        """The program records; a table shows each with its period, parent and counts."""
        return Records("programs", list(self.dataset.records["programs"]),
                       rows=query.program_rows(self.dataset))

    def topics(self) -> Records:
        return Records("topics", query.topic_rows(self.dataset))

    def sources(self) -> Records:
        return Records("sources", query.source_rows(self.dataset))

    def recommendations(self, topic=None, source=None, actor=None, program=None) -> Records:
        return self._filtered("recommendations", topic=topic, source=source, actor=actor,
                              program=program)

    def figures(self, topic=None, program=None, source=None) -> Records:
        return self._filtered("figures", topic=topic, program=program, source=source)

    def assessments(self, program=None, topic=None, source=None) -> Records:
        return self._filtered("assessments", program=program, topic=topic, source=source)

    def events(self, topic=None, program=None, source=None) -> Records:
        return self._filtered("events", topic=topic, program=program, source=source)

    def _filtered(self, kind: str, **filters) -> Records:
        return Records(kind, query.filter_records(self.dataset, kind, **filters))

    def funding(self, program=None, measure=None, account=None, recipient=None,
                as_of=None, publisher=None) -> FundingLines:
        """How much, by whose count, as of when: the lines grouped by measure, running
        totals first; `note` says when the data cannot answer the question asked.
        `recipient` and `publisher` are ids of their vocabularies (aliases resolve)."""
        ds = self.dataset
        as_of = query.parse_date_option(as_of, "--as-of")
        lines = query.funding_lines(ds, program, measure, account, recipient, as_of, publisher)
        note = query.unanswerable(ds, lines, program, measure)
        if not lines:
            note = query.no_funding_message(ds, program, measure, account, recipient, as_of,
                                            publisher)
        groups = query.funding_groups(lines)
        ordered = [query.funding_json(x, query.publisher_id(ds, x.get("source")))
                   for _name, group in groups for x in group]
        return FundingLines("funding", ordered, note, groups, measure or query.CUMULATIVE)

    def timeline(self, start=None, end=None, topic=None, program=None, on=None) -> Records:
        """Events in date order; each says whether its date is inferred and which other
        dates other sources give."""
        if on is not None and (start is not None or end is not None):
            raise UsageError("--on cannot be combined with --from or --to")
        start = query.parse_date_option(start, "--from")
        end = query.parse_date_option(end, "--to")
        on = query.parse_date_option(on, "--on")
        events = query.timeline(self.dataset, start, end, topic, program, on)
        return Records("events", [{"date_inferred": False, "alt_dates": [], **e}
                                  for e in events])

    def record(self, record_id: str) -> RecordView:
        """Any id, structure items included; an id merged into another record shows the
        record it was merged into (`merged_into`)."""
        ds = self.dataset
        rid = record_id.strip()
        found, merged_into = ds.find(rid), None
        if not found:
            found = query.replaced_by(ds, rid)
            merged_into = found[0][1]["id"] if found else None
        if not found:
            names = {i: i for i in ds.all_ids()}
            names.update({old: old for old in query.merged_ids(ds)})
            raise UsageError(f"unknown id '{record_id}'{did_you_mean(record_id, names)}")
        shown = []
        for kind, rec in found:
            context = None
            if kind == "items":
                _item, structure = ds.items[rec["id"]]
                context = {"structure": structure["id"], "program": structure["program"]}
                links = {"programs": [structure["program"]]}
            else:
                links = query.related(ds, kind, rec)
            shown.append((kind, rec, links, context))
        cited = {c["source"] for _kind, rec, _links, _context in shown
                 for c in rec.get("cite", [])}
        sources = {sid: source for sid in cited if (source := ds.get("sources", sid))}
        return RecordView([show_document(*entry) for entry in shown], shown, rid, merged_into,
                          sources)

    # ---- analysis -------------------------------------------------------------------
    def search(self, text: str, kinds=(), limit: int = 10) -> Hits:
        from .search import Searcher

        for k in kinds:
            if k not in SEARCH_KINDS:
                raise UsageError(f"unknown kind '{k}'{did_you_mean(k, SEARCH_KINDS)}")
        if not text.strip():
            raise UsageError("empty search query")
        return Hits(Searcher(self._load(search=True)).search(text, set(kinds), limit), text)

    def compare(self, a: str, b: str, structures=(), as_of=None,
                evidence: str = "top") -> Analysis:
        """Two programs aligned by policy topic on all the evidence each has (stated intent
        and reported practice), disputes shown; `evidence` "all" shows every piece."""
        from . import align

        return Analysis(align.compare(self.dataset, a, b, structures, as_of), "compare",
                        structures=self.dataset.by_id["structures"],
                        evidence=_evidence_mode(evidence))

    def crosswalk(self, a: str, b: str, structures=(), as_of=None) -> Analysis:
        """Each component of A with the components of B sharing its topics, and back."""
        from . import align

        return Analysis(align.crosswalk(self.dataset, a, b, structures, as_of), "crosswalk",
                        structures=self.dataset.by_id["structures"])

    def diff(self, a: str, b: str, structures=(), as_of=None, evidence: str = "top") -> Analysis:
        """What B added, dropped and continued relative to A; exit 1 when they differ."""
        from . import align

        result = align.diff(self.dataset, a, b, structures, as_of)
        return Analysis(result, "diff", align.differ(result), _evidence_mode(evidence),
                        self.dataset.by_id["structures"])

    def gaps(self, program=None) -> Analysis:
        from . import align

        return Analysis(align.gaps(self.dataset, program), "gaps",
                        structures=self.dataset.by_id["structures"])

    def commitments(self, program: str, status=None, by=None, since=None,
                    topic=None) -> Records:
        """What a program committed to and what later records report of each commitment:
        a list of {id, title, made, by, source, status, evidence: [...]}, oldest first."""
        return Records("commitments", commitments(self.dataset, program, status, by, since,
                                                  topic))

    # ---- integrity -------------------------------------------------------------------
    def verify(self, folders) -> Verification:
        from .verify import verify

        with self._working("verifying quotes") as progress:
            done = verify(self.dataset.records, list(folders), progress)
        files = {src["id"]: src["file"] for src in self.dataset.records["sources"]}
        return Verification(done.checked, done.failures, done.skipped, done.warnings,
                            folders, files)

    def coverage(self, source: str, folders) -> Coverage:
        from .coverage import coverage_report

        ds = self.dataset
        return Coverage(coverage_report(ds, ds.resolve_id("sources", source), list(folders)))

    def cite(self, record_id: str, style: str = "apa", quotes: bool = False,
             retrieved: bool = False):
        from .cite import cite

        return cite(self.dataset, record_id, style, quotes, retrieved)

    def validate(self, strict: bool = False, all_warnings: bool = False) -> Problems:
        """Every problem in the packs (file:line: message) and every probable duplicate;
        valid packs leave the cache behind. The pack files, not the loaded records:
        invalid data never loads."""
        from .lookalikes import duplicate_warnings
        from .validate import check_records, placed, recipient_problems, source_url_warnings

        with self._working("validating packs") as progress:
            records, problems = self.packs.validate(progress)
            if not problems:
                problems = commitment_problems(PlainRecords(records))
            found = recipient_problems(records) if not problems else []
            if found:  # rare: read the packs again, with lines, to say where
                _records, where, _problems = check_records(self.packs.read())
                problems = placed(found, where)
            warnings = source_url_warnings(records) if not problems else []
            look_alikes = duplicate_warnings(records, progress=progress) if not problems else []
        return Problems(sum(len(v) for v in records.values()), problems, warnings, strict,
                        look_alikes, all_warnings)

    def diff_packs(self, a: Path | str, b: Path | str) -> PackDiff:
        """Records added, removed and changed (field by field) from pack file or directory
        A to B, each schema-checked; exit 1 when they differ."""
        return PackDiff(diff_packs(Path(a), Path(b), self.packs.limit))

    @staticmethod
    def schema() -> Schema:
        """The JSON Schema of a pack file."""
        return Schema(json_schema())

    # ---- documents --------------------------------------------------------------------
    def brief(self, subject: str, style: str = "chicago", texts=(), all_money: bool = False,
              length: str = "full", paper: str = "a4"):
        """A brief on a program or topic (a brief.Brief; `brief.render_brief` lays it out
        as Markdown, HTML or PDF). `texts`: folders of source texts, to say which quotes
        were verified."""
        from .brief import build_brief

        return build_brief(self.dataset, subject, style, [Path(t) for t in texts],
                           all_money=all_money, length=length, paper=paper)

    def export(self, fmt: str = "json", output: Path | str | None = None,
               kind: str | None = None) -> Written:
        """Every record, complete: json/yaml (loads back as a pack), csv/markdown text;
        typed tables (csv with `kind` or a folder `output`, sqlite, datasette,
        datapackage). Written to `output` (atomically) when given, else returned as text."""
        from .tableexport import csv_directory, export_tables, write_file

        if kind is not None and fmt != "csv":
            raise UsageError("--kind needs --format csv")
        output = None if output is None else Path(output)
        tabular = fmt in ("sqlite", "datasette", "datapackage") or kind is not None or (
            fmt == "csv" and output is not None and csv_directory(output))
        if tabular:
            return export_tables(self.dataset.records, fmt, output, kind)
        text = export_text(self.dataset.records, fmt)
        return Written(text=text) if output is None else write_file(
            Written(), output, text.encode("utf-8"))


def _evidence_mode(evidence: str) -> str:
    if evidence not in ("top", "all"):
        raise UsageError(f"--evidence '{evidence}': expected top or all")
    return evidence


def show_document(kind: str, rec: dict, links: dict, context: dict | None) -> dict:
    """The JSON form of one shown record: the record, its kind, links and what it is part of."""
    out = {"kind": kind, "id": rec["id"], "record": rec, "links": links}
    if context:
        out["part_of"] = context
    return out
