"""One registry: result type -> view. `show(env, result, mode)` is how every query command
prints its answer (a view prints and never decides the exit status: the command returns
the result's `exit_status`). The Mode (`mode.py`) was decided once, before; the format
dispatch (table on a terminal, plain when piped, JSON, CSV, Markdown) happens below the
views, in `emit`, `emit_all`, `emit_document` and `emit_report`."""

from __future__ import annotations

from ..commitments import summary as commitments_summary
from ..results import (
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
)
from ..text import bounded, counted, printable
from . import Column, Format, Listing, dumps, emit, emit_all, emit_document, views
from .mode import Mode
from .views import funding_chart, funding_listing, funding_listings, show_lines, structure_listing

# listing results: the view of each record kind
_LISTINGS = {
    "recommendations": "recs_listing", "figures": "figures_listing",
    "assessments": "assessments_listing", "events": "events_listing",
    "topics": "topics_listing", "sources": "sources_listing",
    "commitments": "commitments_listing",
}


def show(env, result, mode: Mode) -> None:
    """Print a Catalog result in the command's output mode."""
    kind = type(result)
    view = _VIEWS.get(kind) or _BY_NAME.get(f"{kind.__module__}.{kind.__qualname__}")
    if view is None:
        raise TypeError(f"no view for {kind.__name__}")
    view(env, result, mode)


def _records(env, result: Records, mode: Mode) -> None:
    if result.kind == "programs":  # a table of periods and counts; JSON the records
        listing = views.program_listing(result.rows)
        listing.records, listing.rows = result.to_json(), result.rows
    else:
        listing = getattr(views, _LISTINGS[result.kind])(result.records)
    emit(env, listing, mode)
    if result.kind == "commitments" and result.records and not mode.json:
        env.err(commitments_summary(result.records))


def _funding(env, result: FundingLines, mode: Mode) -> None:
    if not result.records:
        if mode.json:
            env.out("[]")
        env.err(result.note)
        return
    if mode.json:
        emit(env, funding_listing(result.to_json()), mode)
        return
    if result.note:
        env.err(f"note: {result.note}")
    chart = None
    if mode.terminal:
        lines = [x for _name, group in result.groups for x in group]
        chart = funding_chart(lines, mode.width, result.charted)
        if chart is None and result.charted == "cumulative-appropriation":
            env.err("note: no running totals to chart; --measure M charts another measure")
    # tools get one stream (groups in order, one header); readers one table per measure
    for i, listing in enumerate(funding_listings(result.groups, mode.grouped, chart,
                                                 result.charted)):
        if i:
            env.out()
        emit(env, listing, mode)


def _hits(env, result: Hits, mode: Mode) -> None:
    """The close matches; when there is none, the nearest guesses under a line that says so
    (JSON: every hit, each marked `close`). The exit status is the result's."""
    from .analysis import highlight_hits, search_listing

    hits = result.hits if mode.json else (result.close or result.hits)
    if result.hits and not result.close and not mode.json:
        env.err(bounded(printable(f"no close match for '{result.query}'; nearest:")))
    if mode.terminal and hits and not mode.fields:
        from .terminal import print_view

        print_view(env, mode, highlight_hits(mode, hits))
        return
    emit(env, search_listing(hits), mode)


def _structures(env, result: Structures, mode: Mode) -> None:
    pid = result.program["id"]
    if not result.structures:
        env.err(f"program '{pid}' has no recorded structure (try: merida show {pid})")
        return
    listings = [structure_listing(s, result.program) for s in result.structures]
    if not result.every:
        emit(env, listings[0], mode)
        return
    emit_all(env, listings, mode, data=result.to_json())


def _record_view(env, result: RecordView, mode: Mode) -> None:
    if result.merged_into:
        env.err(printable(f"note: '{result.asked}' was merged into '{result.merged_into}'; "
                          f"showing '{result.merged_into}'"))
    lines = []
    for kind, rec, links, context in result.found:
        lines += ([("", "")] if lines else []) + show_lines(result.sources, kind, rec, links,
                                                            context)
    # one JSON document: the record, or a list when several kinds share the id
    emit_document(env, result.to_json(), mode, lines)


def _analysis(env, result: Analysis, mode: Mode) -> None:
    from . import analysis

    multiline = mode.terminal  # a cell's pieces on lines of their own
    labels = result.structures
    every = result.evidence == "all"
    builders = {
        "compare": lambda: analysis.compare_report(result.data, labels, multiline, every),
        "crosswalk": lambda: analysis.crosswalk_report(result.data, labels, multiline),
        "diff": lambda: analysis.diff_report(result.data, labels, multiline, mode.color,
                                             every),
        "gaps": lambda: analysis.gaps_report(result.data, multiline, labels),
    }
    analysis.emit_report(env, builders[result.view](), mode, result.data)


def _problems(env, result: Problems, mode: Mode) -> None:
    """validate: the problems and warnings (on stderr for a reader), then the verdict."""

    lines = (result.problems + [f"warning: {note}" for note in result.notes]
             + look_alike_lines(result.look_alikes, result.all_warnings))
    if mode.format is not Format.table:
        emit_document(env, result.to_json(), mode, [("", line) for line in lines])
    else:
        for line in lines:
            env.err(bounded(printable(line)))
    if result.problems:
        env.err(f"error: {len(result.problems)} problem(s) found")
    elif result.warnings and result.strict:
        env.err(f"error: {len(result.warnings)} warning(s) found (--strict)")
    else:
        env.err(f"ok: {result.records} records valid"
                + (f", {len(result.warnings)} warning(s)" if result.warnings else ""))


SCREENFUL = 10  # look-alike groups shown without --all-warnings
IDS_PER_LINE = 6  # ids of a group per line with --all-warnings


def look_alike_lines(groups: list, show_all: bool) -> list[str]:
    """validate's look-alike warnings for a reader: how many, the closest groups (a
    screenful; every one, with all its ids, under --all-warnings), and how to see the rest.
    JSON holds every group whatever the flag."""
    if not groups:
        return []
    pairs = sum(len(group.ids) == 2 for group in groups)
    larger = len(groups) - pairs
    records = sum(len(group.ids) for group in groups)
    shown = groups if show_all else groups[:SCREENFUL]
    sizes = " and ".join(([counted(pairs, "pair")] if pairs else [])
                         + ([counted(larger, "group") + " of 3 or more"] if larger else []))
    header = (f"warning: {counted(len(groups), 'look-alike group')} ({sizes}; "
              f"{records:,} records in all), closest first:")
    lines = [header]
    for group in shown:
        lines.append(f"warning: {group.message()}")
        if show_all and len(group.ids) > 2:
            ids = [f"'{rid}'" for rid in group.ids]
            lines += ["    " + ", ".join(ids[k:k + IDS_PER_LINE])
                      for k in range(0, len(ids), IDS_PER_LINE)]
    hidden = len(groups) - len(shown)
    if hidden:
        lines.append(f"warning: {counted(hidden, 'more group')} not shown: rerun with "
                     "--all-warnings to list every group and all its ids")
    elif larger and not show_all:
        lines.append("warning: rerun with --all-warnings to list all the ids of each group")
    return lines



def _verification(env, result: Verification, mode: Mode) -> None:

    where = ", ".join(str(f) for f in result.folders)
    for line in result.warnings:
        env.err(printable(f"warning: {line}"))
    for sid, count in result.skipped.items():
        env.err(printable(f"skipped: {count} quote(s) of '{sid}': "
                          f"{result.files.get(sid, sid)} is not in {where}"))
    emit_document(env, result.to_json(), mode, [("", line) for line in result.failures])
    if result.failures:
        env.err(f"error: {len(result.failures)} of {result.checked} quotes not verified")
        return
    if not result.checked:
        env.err(printable(f"error: no quote could be checked: none of their source texts "
                          f"is in {where}"))
        return
    skipped = sum(result.skipped.values())
    env.err(f"ok: {result.checked} quotes verified"
            + (f" ({skipped} skipped: their texts are not in these folders)" if skipped else ""))


def _coverage(env, result: Coverage, mode: Mode) -> None:
    report = result.report
    for line in report["warnings"]:
        env.err(printable(f"warning: {line}"))
    sentences = report["uncited_sentences"]
    emit_document(env, report, mode, [("", f"- {s}") for s in sentences],
                  [Listing("sentences", sentences, [Column("Sentence", lambda s: s)])])
    summary = (f"{len(sentences)} uncited sentence(s) with a number or date in "
               f"{report['file']} ({report['quotes']} quotes)")
    env.err(summary)  # exit 1 when there are some, like grep when it finds what it looks for


def _citation(env, result, mode: Mode) -> None:
    env.out(result.text())


def _pack_diff(env, result: PackDiff, mode: Mode) -> None:
    from .analysis import pack_diff_lines
    from .terminal import print_lines

    if mode.json:
        env.out(dumps(result.to_json()))
    else:
        print_lines(env, pack_diff_lines(result.to_json()), mode)


def _schema(env, result: Schema, mode: Mode) -> None:
    env.out(dumps(result.to_json()))  # JSON is what a schema is, whatever the format


_VIEWS = {
    Records: _records, FundingLines: _funding, Hits: _hits, Structures: _structures,
    RecordView: _record_view, Analysis: _analysis, Problems: _problems,
    Verification: _verification, Coverage: _coverage, PackDiff: _pack_diff, Schema: _schema,
}

# results of modules imported only by their own command (citeproc for `cite`), by name
_BY_NAME = {"merida_cli.cite.CiteResult": _citation}
