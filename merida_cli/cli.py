"""The `merida` command line: commands parse arguments, call the library, render.

Errors are raised as MeridaError anywhere below and caught once, in `main`.
"""


import io
import os
import sys
from contextlib import redirect_stderr, redirect_stdout
from contextvars import ContextVar
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

# Only public Typer names: click's exceptions derive from typer.TyperException (typer 0.28
# vendors click as the private typer._click, and `click` itself is not installed).
from typer.core import TyperGroup

from .argv import command_of, prepare, user_path
from .env import Environment, OutputError, PipeClosed
from .errors import ExitStatus, MeridaError, StoreError, UsageError
from .model import SEARCH_KINDS
from .packs import init_pack as write_pack
from .render import Format, output_mode, pick_format, refuse_fields
from .text import bounded, did_you_mean, printable, wrote
from .version import __version__

EXAMPLES = """
\b
Examples:
  merida pillars                      the Mérida Initiative's four pillars
  merida compare merida bicentennial  what the Bicentennial Framework changed
  merida recs --topic firearms        what analysts recommended on guns
  merida funding --program merida     the money, by whose count
  merida search "straw purchases"     fuzzy search across every record
"""


class MeridaGroup(TyperGroup):
    """Adds 'did you mean' to unknown commands and keeps commands in source order."""

    def list_commands(self, ctx):
        return list(self.commands)

    def resolve_command(self, ctx, args):
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            raise UsageError(f"unknown command '{name}'{did_you_mean(name, list(self.commands))}")
        return super().resolve_command(ctx, args)


app = typer.Typer(
    cls=MeridaGroup,
    help="Explore US-Mexico security cooperation: the Mérida Initiative, the Bicentennial "
         "Framework, their funding, and what analysts recommended; every line cited.\n" + EXAMPLES,
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


_ENV: ContextVar[Environment] = ContextVar("merida_env")


def _env() -> Environment:
    """The environment `main` runs the command in."""
    return _ENV.get()


# ---- shell completion of ids -----------------------------------------------

def _complete(kind: str):
    def complete(incomplete: str):
        try:
            env = Environment.from_system()
            ids = [r["id"] for r in env.catalog().records[kind]]
        except Exception:  # noqa: BLE001 - completion must never crash the shell
            return []
        return [i for i in ids if i.startswith(incomplete)]

    return complete


# ---- shared options (declared once) ----------------------------------------

def _not_empty(value):
    """An option given as '' (or spaces) is a mistake, not a request to drop the filter."""
    for one in value if isinstance(value, list) else [value]:
        if one is not None and not str(one).strip():
            raise typer.BadParameter("empty value")
    return value


JsonOpt = Annotated[bool, typer.Option(
    "--json", help="Print JSON: what the library returns (a list for listings).")]
FormatOpt = Annotated[Format | None, typer.Option(
    "--format", "-f", help="Output format: table (default; tab-separated plain when piped), "
    "plain, json, csv, markdown.")]
ProgramOpt = Annotated[str | None, typer.Option(
    "--program", "-p", help="Program id, name or alias.", autocompletion=_complete("programs"),
    callback=_not_empty)]
TopicOpt = Annotated[list[str] | None, typer.Option(
    "--topic", "-t", help="Topic id or alias (repeatable; guns = firearms).",
    autocompletion=_complete("topics"), callback=_not_empty)]
SourceOpt = Annotated[str | None, typer.Option(
    "--source", "-s", help="Source id.", autocompletion=_complete("sources"),
    callback=_not_empty)]


def _print_version(value: bool):
    if value:
        _env().out(f"merida {__version__}")
        raise typer.Exit(ExitStatus.OK)


@app.callback()
def root(
    ctx: typer.Context,
    data: Annotated[list[str] | None, typer.Option(
        "--data", "-d", help="Extra data pack directory (repeatable; also MERIDA_DATA).",
        metavar="DIR")] = None,
    no_builtin: Annotated[bool, typer.Option(
        "--no-builtin", help="Leave out the built-in data pack.")] = False,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="No progress bars on stderr.")] = False,
    no_pager: Annotated[bool, typer.Option(
        "--no-pager", help="Never page long output (default on a terminal: MERIDA_PAGER, "
        "PAGER, else less -FRX).")] = False,
    wide: Annotated[bool, typer.Option(
        "--wide", help="Keep every table column, even wider than the terminal.")] = False,
    fields: Annotated[str | None, typer.Option(
        "--fields", help="Only these fields, comma-separated (table, CSV, JSON): "
        "--fields id,title.", metavar="A,B,C")] = None,
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.",
                                          is_eager=True, callback=_print_version)] = False,
):
    """Explore US-Mexico security cooperation, every line cited."""
    env = ctx.obj
    env.data = env.data + [str(_user_path(p, "--data")) for p in data or []]
    env.builtin = env.builtin and not no_builtin
    env.quiet = env.quiet or quiet
    env.wide = wide
    if no_pager:
        env.pager = None
    if fields is not None:
        env.fields = [f.strip() for f in fields.split(",") if f.strip()]
        if not env.fields:
            raise UsageError("--fields: name at least one field (e.g. --fields id,title)")


# ---- browse ------------------------------------------------------------------

def _catalog():
    return _env().catalog()


def _show(result, json_: bool, fmt) -> int:
    """Every query command ends here: its result, through the one render registry; returns
    the result's exit status (a command that returns it exits with it)."""
    from .render.registry import show

    env = _env()
    show(env, result, output_mode(env, json_, fmt))
    return result.exit_status


@app.command()
def pillars(
    program: Annotated[str, typer.Argument(help="Program id or name.",
                                           autocompletion=_complete("programs"))] = "merida",
    all_: Annotated[bool, typer.Option("--all", "-a", help="Every structure over time.")] = False,
    json_: JsonOpt = False,
    fmt: FormatOpt = None,
):
    """Show a program's structure: Mérida's pillars, the Bicentennial goals.

    Examples: merida pillars | merida pillars bicentennial | merida pillars --all --json
    """
    return _show(_catalog().structures(program, all_), json_, fmt)


@app.command()
def programs(json_: JsonOpt = False, fmt: FormatOpt = None):
    """List programs with their period, parent and how much is recorded about each.

    Example: merida programs --format csv
    """
    return _show(_catalog().programs(), json_, fmt)


@app.command()
def show(
    record_id: Annotated[str, typer.Argument(metavar="ID", help="Any record id.")],
    json_: JsonOpt = False,
    fmt: FormatOpt = None,
):
    """Show any record with its citations and links.

    Examples: merida show merida-pillar-4 | merida show olson --json
    """
    return _show(_catalog().record(record_id), json_, fmt)


@app.command()
def recs(
    topic: TopicOpt = None,
    source: SourceOpt = None,
    actor: Annotated[str | None, typer.Option(
        "--actor", "-a", callback=_not_empty,
        help="Who recommends (part of the name: olson).")] = None,
    program: ProgramOpt = None,
    json_: JsonOpt = False,
    fmt: FormatOpt = None,
):
    """List recommendations, filtered by topic, source, actor or program.

    Examples: merida recs --topic firearms | merida recs --topic guns --json
    """
    return _show(_catalog().recommendations(topic=topic, source=source, actor=actor,
                                     program=program), json_, fmt)


@app.command()
def funding(
    program: ProgramOpt = None,
    measure: Annotated[str | None, typer.Option(
        "--measure", "-m", callback=_not_empty,
        help="What a line counts: cumulative-appropriation, appropriation, "
        "request, released, delivered, share, partner-spending, domestic-spending, ...")] = None,
    account: Annotated[str | None, typer.Option("--account", help="INCLE, ESF, FMF...",
                                                   callback=_not_empty)] = None,
    recipient: Annotated[str | None, typer.Option(
        "--recipient", callback=_not_empty,
        help="Whom the money is for, exactly: mexico, central-america, caribbean, "
        "mexico-and-central-america, region, ... ('Mexico' is mexico, not the region).")] = None,
    publisher: Annotated[str | None, typer.Option(
        "--publisher", callback=_not_empty,
        help="Whose count: crs, gao, state, white-house, embassy, ...")] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", metavar="DATE", callback=_not_empty,
        help="The latest count each publisher had given by DATE.")] = None,
    json_: JsonOpt = False,
    fmt: FormatOpt = None,
):
    """How much, by whose count, as of when: running totals first, then the other measures.

    On a terminal a bar chart draws one measure (default: cumulative-appropriation).
    Examples: merida funding --program merida | merida funding --publisher crs --recipient mexico
    """
    return _show(_catalog().funding(program, measure, account, recipient, as_of, publisher),
          json_, fmt)


@app.command()
def timeline(
    from_: Annotated[str | None, typer.Option(
        "--from", metavar="DATE", help="First date: YYYY, YYYY-MM or YYYY-MM-DD.")] = None,
    to: Annotated[str | None, typer.Option(
        "--to", metavar="DATE", help="Last date: YYYY, YYYY-MM or YYYY-MM-DD.")] = None,
    on: Annotated[str | None, typer.Option(
        "--on", metavar="DATE", help="Only events within this day, month or year.")] = None,
    topic: TopicOpt = None,
    program: ProgramOpt = None,
    json_: JsonOpt = False,
    fmt: FormatOpt = None,
):
    """Events in date order (dates keep their precision: 2014, 2014-09, 2014-09-26).

    A range keeps the events whose date, at its own precision, lies inside it; ~ marks a
    date not printed in the source.
    Examples: merida timeline --from 2021-10 --program bicentennial | merida timeline --on 2014
    """
    return _show(_catalog().timeline(from_, to, topic, program, on), json_, fmt)


@app.command()
def topics(json_: JsonOpt = False, fmt: FormatOpt = None):
    """The topic vocabulary, with aliases and how many records carry each topic.

    Example: merida topics --json
    """
    return _show(_catalog().topics(), json_, fmt)


@app.command()
def sources(json_: JsonOpt = False, fmt: FormatOpt = None):
    """The documents cited, with how many records cite each.

    Example: merida sources --json
    """
    return _show(_catalog().sources(), json_, fmt)


@app.command()
def figures(topic: TopicOpt = None, program: ProgramOpt = None, source: SourceOpt = None,
            json_: JsonOpt = False, fmt: FormatOpt = None):
    """Indicators: homicides, traced firearms, counts, rewards.

    Example: merida figures --topic violence
    """
    return _show(_catalog().figures(topic=topic, program=program, source=source), json_, fmt)


@app.command()
def assessments(program: ProgramOpt = None, topic: TopicOpt = None, source: SourceOpt = None,
                json_: JsonOpt = False, fmt: FormatOpt = None):
    """Findings and critiques about programs, with who made them.

    Example: merida assessments --program bicentennial
    """
    return _show(_catalog().assessments(program=program, topic=topic, source=source), json_, fmt)


# ---- analysis ------------------------------------------------------------------



@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words to look for; typos and accents are fine.")],
    kind: Annotated[list[str] | None, typer.Option(
        "--kind", "-k", help="Only these kinds (repeatable): " + ", ".join(SEARCH_KINDS))] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=1000,
                                       help="Most hits to show.")] = 10,
    json_: JsonOpt = False,
    fmt: FormatOpt = None,
):
    """Fuzzy search across every record: titles, aliases, summaries, topics, quotes.

    Shows the close matches (the phrase, the topic it names, or three in four of its words
    in a record); when none is close, the nearest guesses under "no close match", exit 1.

    Examples: merida search "straw purchses" | merida search guns --kind recommendations --json
    """
    return _show(_catalog().search(query, kind or [], limit), json_, fmt)


class CompareBy(str, Enum):
    topic = "topic"
    component = "component"


StructureOpt = Annotated[list[str] | None, typer.Option(
    "--structure", help="Only this structure of its program (repeatable; a program none of "
    "whose structures is named keeps them all; a topic the other program has outside its "
    "chosen structures is shown so, never added or dropped; ids: merida show PROGRAM).",
    metavar="ID", autocompletion=_complete("structures"))]
AsOfOpt = Annotated[str | None, typer.Option(
    "--as-of", help="Only structures adopted, and evidence dated, by this date (2012, "
    "2012-06 or 2012-06-30).", metavar="DATE")]
EvidenceOpt = Annotated[str, typer.Option(
    "--evidence", help="top: each side's strongest piece of evidence and how many more; "
    "all: every piece (--json always has every piece).", metavar="top|all")]


@app.command()
def compare(
    a: Annotated[str, typer.Argument(metavar="A", help="First program.",
                                     autocompletion=_complete("programs"))],
    b: Annotated[str, typer.Argument(metavar="B", help="Second program.",
                                     autocompletion=_complete("programs"))],
    structure: StructureOpt = None,
    as_of: AsOfOpt = None,
    by: Annotated[CompareBy, typer.Option(
        "--by", help="topic: one row per topic with each side's evidence; component: "
        "each component of A with the components of B sharing its topics, and the reverse.")]
    = CompareBy.topic,
    evidence: EvidenceOpt = "top",
    json_: JsonOpt = False,
    fmt: FormatOpt = None,
):
    """Two programs aligned by policy topic on all the evidence each has: structure items
    and commitments (stated intent), assessments, events, figures, funding lines and
    follow-through reports (reported practice), each with its kind, date, source and
    quote; rows where sources disagree on what is new are marked disputed, with both
    sides; bookkeeping topics (funding levels) apart.

    Examples: merida compare merida bicentennial |
    merida compare merida bicentennial --evidence all |
    merida compare merida bicentennial --by component --structure merida-pillars
    --structure bicentennial-goals | merida compare merida bicentennial --as-of 2021-12 --json
    """
    catalog = _catalog()
    if by is CompareBy.component:
        return _show(catalog.crosswalk(a, b, structure or (), as_of), json_, fmt)
    else:
        return _show(catalog.compare(a, b, structure or (), as_of, evidence), json_, fmt)


@app.command()
def diff(
    a: Annotated[str, typer.Argument(metavar="A", help="Program id, or a pack file/directory.")],
    b: Annotated[str, typer.Argument(metavar="B", help="Program id, or a pack file/directory.")],
    structure: StructureOpt = None,
    as_of: AsOfOpt = None,
    evidence: EvidenceOpt = "top",
    json_: JsonOpt = False,
    fmt: FormatOpt = None,
):
    """What B added, dropped and continued relative to A, by policy topic on all the
    evidence each has (as compare weighs it; disputed rows marked ?, bookkeeping topics
    apart); exit 1 if they differ. Two pack files or directories: record by record.

    Examples: merida diff merida bicentennial | merida diff old.yaml new.yaml
    """
    path_a, path_b = _user_path(a, "A"), _user_path(b, "B")
    if path_a.exists() and path_b.exists():
        if structure or as_of:
            raise UsageError("--structure and --as-of narrow a program diff; "
                             "A and B are pack files")
        if pick_format(json_, fmt) not in (Format.json, Format.table, Format.plain):
            raise UsageError("a diff of pack files prints text or --json")
        return _show(_catalog().diff_packs(path_a, path_b), json_, fmt)
    return _show(_catalog().diff(a, b, structure or (), as_of, evidence), json_, fmt)


@app.command()
def gaps(
    program: Annotated[str | None, typer.Argument(
        help="Program (default: the top-level initiatives and frameworks).",
        autocompletion=_complete("programs"), callback=_not_empty)] = None,
    json_: JsonOpt = False,
    fmt: FormatOpt = None,
):
    """Recommendations nothing in the program's evidence addresses (no structure item,
    commitment, assessment, event, figure or funding line carrying one of their topics is
    near in text; the nearest is shown, with how near; a critique or a stalled report
    never addresses one, and is shown beside it), and items no recommendation speaks to.
    For a program that has ended, recommendations made after it are listed apart.
    Without a program: what none of the top-level initiatives and frameworks addresses.

    Example: merida gaps bicentennial
    """
    return _show(_catalog().gaps(program), json_, fmt)


@app.command()
def commitments(
    program: Annotated[str, typer.Argument(help="Program id or name.",
                                           autocompletion=_complete("programs"))],
    status: Annotated[str | None, typer.Option(
        "--status", help="reported-done, reported-under-way, reported-stalled or "
        "no-later-report (done, under-way, stalled, none for short).")] = None,
    by: Annotated[str | None, typer.Option(
        "--by", help="Who made it: us, mexico or both (joint commitments are --by both).")]
    = None,
    since: Annotated[str | None, typer.Option(
        "--since", help="Only commitments made on or after this date.", metavar="DATE")]
    = None,
    topic: TopicOpt = None,
    json_: JsonOpt = False,
    fmt: FormatOpt = None,
):
    """What a program committed to (pledges, actions, goals and objectives of its
    structures) and what later records report of each: the status is derived from the
    later evidence (the latest report decides; see docs/DATA.md), never asserted.

    Examples: merida commitments bicentennial | merida commitments bicentennial --status
    stalled | merida commitments merida --by mexico | merida commitments bicentennial --json
    """
    return _show(_catalog().commitments(program, status, by, since, topic), json_, fmt)


# ---- hand it over ----------------------------------------------------------------

CITE_STYLES = ("apa", "chicago", "mla", "bibtex", "ris", "csl-json")
StyleOpt = Annotated[str, typer.Option(
    "--style", help="apa, chicago (author-date), mla, bibtex, ris or csl-json.",
    metavar="STYLE", autocompletion=lambda incomplete: [
        s for s in CITE_STYLES if s.startswith(incomplete)])]


@app.command()
def cite(
    record_id: Annotated[str, typer.Argument(metavar="ID", help="A source id, or any record.")],
    style: StyleOpt = "apa",
    quote: Annotated[bool, typer.Option(
        "--quote", "-q", help="Each verbatim quote with its in-text citation and reference.")]
    = False,
    json_: Annotated[bool, typer.Option("--json", help="Same as --style csl-json.")] = False,
    retrieved: Annotated[bool, typer.Option(
        "--retrieved", help="Add where merida's copy of each text was retrieved from (a "
                            "mirror or archive; CSL-JSON and RIS always carry it).")] = False,
):
    """A source's reference in a citation style; for any other record, the references
    of the sources it cites (or, with --quote, its quotes ready to paste).

    Examples: merida cite olson --style chicago | merida cite olson-firearms-working-group
    --quote | merida cite crs-r41349-2011-07-22 --style bibtex
    """
    refuse_fields(_env())
    return _show(_catalog().cite(record_id, "csl-json" if json_ else style, quote, retrieved),
          False, None)


class BriefFormat(str, Enum):
    markdown = "markdown"
    html = "html"
    pdf = "pdf"


@app.command()
def brief(
    subject: Annotated[str, typer.Argument(help="A program (id, name or alias) or a topic.")],
    fmt: Annotated[BriefFormat, typer.Option(
        "--format", "-f", help="markdown, html (one self-contained file) or pdf "
                               "(needs the pdf extra and --output).")] = BriefFormat.markdown,
    output: Annotated[str | None, typer.Option(
        "--output", "-o", help="Write to this file instead of stdout (- is stdout).",
        metavar="FILE")] = None,
    style: Annotated[str, typer.Option(
        "--style", help="Citation style of the notes: apa, chicago (author-date), mla.",
        metavar="STYLE")] = "chicago",
    texts: Annotated[list[str] | None, typer.Option(
        "--texts", help="Folder of source texts (repeatable): add an appendix saying which "
                        "quotes were verified.", metavar="DIR")] = None,
    all_money: Annotated[bool, typer.Option(
        "--all-money", help="Also list money that is not U.S. assistance (U.S. domestic or "
                            "Mexican spending, recovered funds), labelled by measure.")] = False,
    length: Annotated[str, typer.Option(
        "--length", help="full, or short: one page of key facts (what it is, the latest "
                         "count by each publisher, the open commitments).",
        metavar="LENGTH")] = "full",
    paper: Annotated[str, typer.Option(
        "--paper", help="Page size of the PDF (and of the HTML when printed): a4 or letter.",
        metavar="SIZE")] = "a4",
):
    """A brief on a program or topic: overview, structures, money, events, recommendations,
    assessments; every sentence a record's own words, footnoted with its verbatim quote.

    Examples: merida brief merida -f html -o merida.html | merida brief firearms
    --texts ../shared/seeds --texts ../shared/sources | merida brief bicentennial
    --length short -f pdf --paper letter -o bicentennial.pdf
    """
    from .brief import render_brief

    env = _env()
    refuse_fields(env)
    texts = _text_folders(texts or [])
    output = _output_path(output, "--output")
    if fmt is BriefFormat.pdf and output is None:
        raise UsageError("--format pdf needs --output FILE")
    result = env.catalog().brief(subject, style, texts, all_money, length, paper)
    data = render_brief(result, fmt.value)
    if output is None:
        env.stdout.write(data.decode("utf-8"))
    else:
        from .safewrite import write_output

        write_output(output, data)
        env.err(wrote(output))
    return result.exit_status


# ---- data integrity ------------------------------------------------------------

@app.command()
def validate(
    strict: Annotated[bool, typer.Option(
        "--strict", help="Treat warnings (probable duplicates) as problems: exit 1.")] = False,
    all_warnings: Annotated[bool, typer.Option(
        "--all-warnings", help="List every group of look-alike records with all its ids "
        "(default: the ten closest and how many).")] = False,
    json_: JsonOpt = False,
    fmt: FormatOpt = None,
):
    """Check every data pack: schema, ids, references; warn about probable duplicates.

    Exit 1 with file:line messages (with --strict, on warnings too). Look-alikes: one
    happening told twice within a month, one count (funding, figures) or one claim in two
    versions of a report at any dates, unless linked (docs/DATA.md). They are grouped (k
    copies of a record are one warning); a screenful is shown, the closest first; --json
    always holds every group.
    Example: merida --data ./my-pack validate --strict
    """
    env = _env()
    refuse_fields(env)
    result = env.catalog().validate(strict, all_warnings)
    return _show(result, json_, fmt)


def _text_folders(texts: list[str]) -> list[Path]:
    """--texts values: each a directory (exit 2 otherwise)."""
    folders = [_user_path(t, "--texts") for t in texts]
    for folder in folders:
        if not folder.is_dir():
            raise UsageError(f"--texts {folder}: not a directory")
    return folders


@app.command()
def verify(
    texts: Annotated[list[str], typer.Option(
        "--texts", help="Folder of source texts (repeatable).", metavar="DIR")],
    json_: JsonOpt = False,
    fmt: FormatOpt = None,
):
    """Prove every quote occurs in its source text (matched by sha256, then file name).

    Quotes whose source text is in none of the folders are skipped and counted.
    Example: merida verify --texts ../shared/seeds --texts ../shared/sources
    """
    env = _env()
    folders = _text_folders(texts)
    result = env.catalog().verify(folders)
    return _show(result, json_, fmt)


def _complete_table(incomplete: str):
    from .tables import TABLE_NAMES

    return [name for name in TABLE_NAMES if name.startswith(incomplete)]


class ExportFormat(str, Enum):
    json = "json"
    yaml = "yaml"
    csv = "csv"
    markdown = "markdown"
    sqlite = "sqlite"
    datasette = "datasette"
    datapackage = "datapackage"


@app.command()
def export(
    fmt: Annotated[ExportFormat, typer.Option(
        "--format", "-f", help="json, yaml, csv, markdown; sqlite (needs -o FILE); datasette or "
                               "datapackage (need -o DIR).")]
    = ExportFormat.json,
    output: Annotated[str | None, typer.Option(
        "--output", "-o", help="Write to this file (or directory) instead of stdout (- is "
                               "stdout). With csv, a directory (existing, or new without a "
                               "suffix) gets one CSV per table.", metavar="PATH")] = None,
    kind: Annotated[str | None, typer.Option(
        "--kind", "-k", help="With csv: one typed table (a kind such as funding, or items, "
                             "citations, record_topics, record_programs, records).",
        metavar="TABLE", autocompletion=_complete_table, callback=_not_empty)] = None,
):
    """Every record, complete: JSON/YAML load back as a pack; CSV/Markdown for reading.

    Typed tables for other tools: csv --kind TABLE (numbers numeric, dates ISO, lists
    joined by "; "), sqlite (a table per kind, keys, full-text search, views), datasette
    (merida.db + metadata.json: facets, descriptions), datapackage (Frictionless).

    Examples: merida export --format yaml > pack/all.yaml | merida export -f csv -k funding |
    merida export -f datasette -o site && datasette site/merida.db -m site/metadata.json
    """
    env = _env()
    refuse_fields(env)
    output = _output_path(output, "--output", folder=fmt in (
        ExportFormat.csv, ExportFormat.datasette, ExportFormat.datapackage))
    done = env.catalog().export(fmt.value, output, kind)
    if done.text is not None:
        env.stdout.write(done.text)
    for line in done.summary():
        env.err(line)
    return done.exit_status


@app.command()
def schema():
    """Print the JSON Schema of a pack file, for editors that validate as you type.

    Example: merida schema > merida.schema.json
    """
    from .catalog import Catalog

    return _show(Catalog.schema(), True, None)


@app.command("init-pack")
def init_pack(directory: Annotated[str, typer.Argument(metavar="DIR",
                                                       help="Directory to create.")]):
    """Write a commented example data pack to start your own records from.

    Example: merida init-pack my-pack && merida --data my-pack validate
    """
    env = _env()
    for path in write_pack(_user_path(directory, "DIR")):
        env.err(wrote(path))


@app.command()
def coverage(
    source: Annotated[str, typer.Argument(help="Source id.", autocompletion=_complete("sources"))],
    texts: Annotated[list[str], typer.Option("--texts", help="Folder of source texts.",
                                             metavar="DIR")],
    json_: JsonOpt = False,
    fmt: FormatOpt = None,
):
    """Sentences of a source with a number or date that no record cites (completeness).

    Example: merida coverage olson --texts ../shared/seeds
    """

    return _show(_catalog().coverage(source, _text_folders(texts)), json_, fmt)


def main(argv: list[str] | None = None, env: Environment | None = None) -> int:
    """Entry point: run the app, turn every error into a message and an exit code; on a
    terminal (stdin and stdout), long output goes through the pager."""
    raw = list(sys.argv[1:] if argv is None else argv)
    env = env or Environment.from_system()
    if not env.pageable:
        return _run(raw, env)
    from .render.pager import page

    stdout, env.stdout = env.stdout, io.StringIO()
    try:
        code = _run(raw, env)
    finally:
        text, env.stdout = env.stdout.getvalue(), stdout
    try:
        page(env, stdout, text)
        stdout.flush()
    except (BrokenPipeError, PipeClosed):
        _silence_stdout()
    return code


class _CacheBroke(Exception):
    """The cache failed mid-command (a StoreError): `_run` runs the command again without it."""


def _run(raw: list[str], env: Environment) -> int:
    """The command line, run; once more from the YAML when the cache breaks mid-command."""
    start = (list(env.data), env.builtin)  # the retry starts from these, not from the 1st run's
    try:
        return _run_once(raw, env)
    except _CacheBroke:
        return _rerun_without_cache(raw, env, start)


def _rerun_without_cache(raw: list[str], env: Environment, start) -> int:
    """A cache that broke mid-command is deleted and the command run again from the packs'
    YAML, with the options it started from and the cache off: a second failure is
    reported, never retried."""
    env.forget_data()
    env.use_cache = False
    env.data, env.builtin = start
    return _run_once(raw, env)


def _run_once(raw: list[str], env: Environment) -> int:
    """Run the app once: every error becomes one message and an exit code."""
    args, env.raw_args = prepare(raw)
    token = _ENV.set(env)
    try:
        with redirect_stdout(env.stdout), redirect_stderr(env.stderr), _only(command_of(args)):
            result = app(args=args, prog_name="merida", standalone_mode=False, obj=env)
        code = result if isinstance(result, int) else ExitStatus.OK
        if code == ExitStatus.INTERRUPTED:  # typer turns Ctrl-C into Exit(130)
            env.err("interrupted")
    except MeridaError as exc:
        # arguments and file names in messages are escaped and bounded: one line each
        problems = getattr(exc, "problems", None) or [exc.message]
        lines = [bounded(printable(p)) for p in problems]
        if len(lines) > 1:
            lines.insert(0, f"{len(lines)} problems in the data:")
        lines[0] = "error: " + lines[0]
        env.err("\n".join(lines))
        code = exc.exit_code
    except typer.Abort:
        env.err("aborted")
        code = ExitStatus.FAILURE
    except typer.TyperException as exc:  # click's usage errors and exceptions
        env.err(bounded(f"error: {printable(exc.format_message())}"))
        code = getattr(exc, "exit_code", ExitStatus.FAILURE)
    except (BrokenPipeError, PipeClosed):
        _silence_stdout()
        code = ExitStatus.OK
    except OutputError as exc:
        env.err(bounded(f"error: cannot write output: {printable(str(exc))}"))
        _silence_stdout()
        return ExitStatus.FAILURE
    except StoreError as exc:
        if env.use_cache and env.data_loaded:
            raise _CacheBroke() from exc
        env.err(f"error: the loaded data is unusable: {printable(str(exc))}")
        code = ExitStatus.FAILURE
    except KeyboardInterrupt:
        env.err("interrupted")
        code = ExitStatus.INTERRUPTED
    except Exception as exc:  # the last resort: one line, never a traceback
        if env.debug:
            raise
        env.err(bounded(f"error: unexpected {type(exc).__name__}: {printable(str(exc))} "
                         "(a bug in merida; MERIDA_DEBUG=1 shows the traceback)"))
        code = ExitStatus.FAILURE
    finally:
        _ENV.reset(token)
    try:
        env.stdout.flush()
    except (BrokenPipeError, PipeClosed):
        _silence_stdout()
    except OutputError as exc:
        env.err(bounded(f"error: cannot write output: {printable(str(exc))}"))
        _silence_stdout()
        code = code or ExitStatus.FAILURE
    return int(code)


def _user_path(value: str, what: str) -> Path:
    """A path argument as the user gave it (`argv.user_path`)."""
    return user_path(value, what, _env().raw_args)


def _command_name(info) -> str:
    return info.name or info.callback.__name__.replace("_", "-")


class _only:
    """Typer turns every registered command into a Click command on each run (about 5 ms
    for two dozen commands, more than any query takes on a warm cache). When the command
    line names one command, only that one is built; --help, completion, a typo (for its
    did-you-mean) and the root options still see them all."""

    def __init__(self, name: str | None):
        self.name = name
        self.saved = None

    def __enter__(self):
        chosen = [c for c in app.registered_commands if _command_name(c) == self.name]
        if self.name and chosen and not _env().completing:
            self.saved, app.registered_commands = app.registered_commands, chosen
        return self

    def __exit__(self, *exc):
        if self.saved is not None:
            app.registered_commands = self.saved


def _output_path(value: str | None, what: str, folder: bool = False) -> Path | None:
    """Where to write: None for stdout ('-' or no option). For a file, 'name/' names a
    directory, so it is refused rather than written as a file called 'name'."""
    if value in (None, "-"):
        return None
    if value.endswith(os.sep) and not folder:
        raise UsageError(f"{what} {value}: names a directory; give a file name")
    return _user_path(value, what)


def _silence_stdout() -> None:
    """After a closed pipe, point stdout at /dev/null so the interpreter exits quietly."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # AttributeError: stdout was closed (None)
        pass
