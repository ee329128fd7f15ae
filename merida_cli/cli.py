"""The `merida` command line: commands parse arguments, call the library, render.

Errors are raised as MeridaError anywhere below and caught once, in `main`.
"""


import os
import sys
from contextlib import redirect_stderr, redirect_stdout
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

# typer 0.28 vendors click as typer._click; these are the pieces main() needs.
from typer._click.exceptions import ClickException
from typer._click.exceptions import UsageError as ClickUsageError
from typer._click.globals import get_current_context
from typer.core import TyperGroup
from typer.exceptions import Abort

from . import __version__
from .env import Environment, OutputError, PipeClosed
from .errors import MeridaError, NoResults, StoreError, UsageError
from .render import Format, emit, pick_format

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
            from .validate import suggest

            raise ClickUsageError(f"unknown command '{name}'{suggest(name, self.commands)}")
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


def _env() -> Environment:
    return get_current_context().find_root().obj


# ---- shell completion of ids -----------------------------------------------

def _complete(kind: str):
    def complete(incomplete: str):
        try:
            env = Environment.from_system()
            ids = [r["id"] for r in env.dataset().records[kind]]
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


JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (a stable array of records).")]
FormatOpt = Annotated[Format | None, typer.Option(
    "--format", "-f", help="Output format: table (default), json, csv, markdown.")]
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
        raise typer.Exit(0)


@app.callback()
def root(
    ctx: typer.Context,
    data: Annotated[list[str] | None, typer.Option(
        "--data", "-d", help="Extra data pack directory (repeatable; also MERIDA_DATA).",
        metavar="DIR")] = None,
    no_builtin: Annotated[bool, typer.Option(
        "--no-builtin", help="Leave out the built-in data pack.")] = False,
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.",
                                          is_eager=True, callback=_print_version)] = False,
):
    """Explore US-Mexico security cooperation, every line cited."""
    env = ctx.obj
    env.data = env.data + [str(_user_path(p, "--data")) for p in data or []]
    env.builtin = env.builtin and not no_builtin


# ---- browse ------------------------------------------------------------------

def _list_filtered(kind: str, make_listing, output: Format, **filters) -> None:
    """The listing commands that are one filtered kind: filter, build the view, emit."""
    from . import query

    env = _env()
    emit(env, make_listing(query.filter_records(env.dataset(), kind, **filters)), output)


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
    from . import query
    from .render.views import structure_listing

    env = _env()
    ds = env.dataset()
    pid = ds.resolve_program(program)
    structures = query.structures_of(ds, pid) if all_ else [query.current_structure(ds, pid)]
    structures = [s for s in structures if s]
    if not structures:
        raise NoResults(f"program '{pid}' has no recorded structure "
                        f"(try: merida show {pid})")
    output = pick_format(json_, fmt)
    if output is Format.json:
        from .render import dumps

        env.out(dumps(structures if all_ else structures[0]["items"]))
        return
    for i, structure in enumerate(structures):
        if i:
            env.out()
        emit(env, structure_listing(ds, structure, ds.get("programs", pid)), output)


@app.command()
def programs(json_: JsonOpt = False, fmt: FormatOpt = None):
    """List programs with their period, parent and how much is recorded about each.

    Example: merida programs --format csv
    """
    from . import query
    from .render.views import program_listing

    env = _env()
    listing = program_listing(query.program_rows(env.dataset()))
    if pick_format(json_, fmt) is Format.json:
        listing.records = env.dataset().records["programs"]
    emit(env, listing, pick_format(json_, fmt))


@app.command()
def show(
    record_id: Annotated[str, typer.Argument(metavar="ID", help="Any record id.")],
    json_: JsonOpt = False,
):
    """Show any record with its citations and links.

    Examples: merida show merida-pillar-4 | merida show olson --json
    """
    from . import query
    from .render.terminal import print_lines
    from .render.views import show_json, show_lines

    env = _env()
    ds = env.dataset()
    found = ds.find(record_id.strip())
    if not found:
        names = {rid: rid for rid in ds.all_ids()}
        raise UsageError(f"unknown id '{record_id}'{ds.did_you_mean(record_id, names)}")
    for i, (kind, rec) in enumerate(found):
        context = None
        if kind == "items":
            _item, structure = ds.items[rec["id"]]
            context = {"structure": structure["id"], "program": structure["program"]}
            links = {"programs": [structure["program"]]}
        else:
            links = query.related(ds, kind, rec)
        if json_:
            env.out(show_json(kind, rec, links, context))
        else:
            if i:
                env.out()
            print_lines(env, show_lines(ds, kind, rec, links, context))


@app.command()
def recs(
    topic: TopicOpt = None,
    source: SourceOpt = None,
    actor: Annotated[str | None, typer.Option("--actor", "-a", callback=_not_empty,
                                                 help="Who recommends (substring).")] = None,
    program: ProgramOpt = None,
    json_: JsonOpt = False,
    fmt: FormatOpt = None,
):
    """List recommendations, filtered by topic, source, actor or program.

    Examples: merida recs --topic firearms | merida recs --topic guns --json
    """
    from .render.views import recs_listing

    _list_filtered("recommendations", recs_listing, pick_format(json_, fmt), topic=topic,
                   source=source, actor=actor, program=program)


@app.command()
def funding(
    program: ProgramOpt = None,
    kind: Annotated[str | None, typer.Option("--kind", "-k", callback=_not_empty,
                                                help="request, appropriation, ...")] = None,
    account: Annotated[str | None, typer.Option("--account", help="INCLE, ESF, FMF...",
                                                   callback=_not_empty)] = None,
    recipient: Annotated[str | None, typer.Option("--recipient", help="e.g. Mexico",
                                                     callback=_not_empty)] = None,
    json_: JsonOpt = False,
    fmt: FormatOpt = None,
):
    """Money lines by period, each with its source and as-of date; a bar chart on a terminal.

    Examples: merida funding --program merida | merida funding --kind appropriation --json
    """
    from . import query
    from .render.views import funding_chart, funding_listing

    env = _env()
    lines = query.funding_lines(env.dataset(), program, kind, account, recipient)
    output = pick_format(json_, fmt)
    chart = None
    if output is Format.table and env.is_tty and lines:
        chart = funding_chart(lines, env.console().width)
    emit(env, funding_listing(lines, chart), output)


@app.command()
def timeline(
    from_: Annotated[int | None, typer.Option("--from", help="First year.")] = None,
    to: Annotated[int | None, typer.Option("--to", help="Last year.")] = None,
    topic: TopicOpt = None,
    program: ProgramOpt = None,
    json_: JsonOpt = False,
    fmt: FormatOpt = None,
):
    """Events in date order (dates keep their precision: 2014, 2014-09, 2014-09-26).

    Example: merida timeline --from 2021 --program bicentennial
    """
    from . import query
    from .render.views import events_listing

    env = _env()
    events = query.timeline(env.dataset(), from_, to, topic, program)
    emit(env, events_listing(events), pick_format(json_, fmt))


@app.command()
def topics(json_: JsonOpt = False, fmt: FormatOpt = None):
    """The topic vocabulary, with aliases and how many records carry each topic.

    Example: merida topics --json
    """
    from . import query
    from .render.views import topics_listing

    env = _env()
    emit(env, topics_listing(query.topic_rows(env.dataset())), pick_format(json_, fmt))


@app.command()
def sources(json_: JsonOpt = False, fmt: FormatOpt = None):
    """The documents cited, with how many records cite each.

    Example: merida sources --json
    """
    from . import query
    from .render.views import sources_listing

    env = _env()
    emit(env, sources_listing(query.source_rows(env.dataset())), pick_format(json_, fmt))


@app.command()
def figures(topic: TopicOpt = None, program: ProgramOpt = None, source: SourceOpt = None,
            json_: JsonOpt = False, fmt: FormatOpt = None):
    """Indicators: homicides, traced firearms, counts, rewards.

    Example: merida figures --topic violence
    """
    from .render.views import figures_listing

    _list_filtered("figures", figures_listing, pick_format(json_, fmt), topic=topic,
                   program=program, source=source)


@app.command()
def assessments(program: ProgramOpt = None, topic: TopicOpt = None, source: SourceOpt = None,
                json_: JsonOpt = False, fmt: FormatOpt = None):
    """Findings and critiques about programs, with who made them.

    Example: merida assessments --program bicentennial
    """
    from .render.views import assessments_listing

    _list_filtered("assessments", assessments_listing, pick_format(json_, fmt), topic=topic,
                   program=program, source=source)


# ---- analysis ------------------------------------------------------------------

SEARCH_KINDS = ("sources", "topics", "programs", "structures", "items", "funding",
                "recommendations", "events", "figures", "assessments")


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

    Examples: merida search "straw purchses" | merida search guns --kind recommendations --json
    """
    from .render.analysis import highlight_hits, search_listing
    from .search import Searcher
    from .validate import suggest

    env = _env()
    for k in kind or []:
        if k not in SEARCH_KINDS:
            raise UsageError(f"unknown kind '{k}'{suggest(k, SEARCH_KINDS)}")
    if not query.strip():
        raise UsageError("empty search query")
    hits = Searcher(env.dataset()).search(query, set(kind or []), limit)
    output = pick_format(json_, fmt)
    if output is Format.table and env.is_tty and hits:
        env.console().print(highlight_hits(env, hits))
        return
    emit(env, search_listing(hits), output)


@app.command()
def compare(
    a: Annotated[str, typer.Argument(metavar="A", help="First program.",
                                     autocompletion=_complete("programs"))],
    b: Annotated[str, typer.Argument(metavar="B", help="Second program.",
                                     autocompletion=_complete("programs"))],
    json_: JsonOpt = False,
):
    """Two programs side by side, aligned by topic.

    Example: merida compare merida bicentennial
    """
    from . import query
    from .render import dumps
    from .render.analysis import compare_table

    env = _env()
    result = query.compare(env.dataset(), a, b)
    if json_:
        env.out(dumps(result))
        return
    console = env.console()
    for table in compare_table(env, result):
        console.print(table)


@app.command()
def diff(
    a: Annotated[str, typer.Argument(metavar="A", help="Program id, or a pack file/directory.")],
    b: Annotated[str, typer.Argument(metavar="B", help="Program id, or a pack file/directory.")],
    json_: JsonOpt = False,
):
    """What B added, dropped and continued relative to A, by topic; exit 1 if they differ.

    Examples: merida diff merida bicentennial | merida diff old.yaml new.yaml
    """
    from . import query
    from .render import dumps
    from .render.analysis import diff_lines, pack_diff_lines
    from .render.terminal import print_lines

    env = _env()
    path_a, path_b = _user_path(a, "A"), _user_path(b, "B")
    if path_a.exists() and path_b.exists():
        from .packs import diff_packs

        result = diff_packs(path_a, path_b)
        differ = any(result[k] for k in ("added", "removed", "changed"))
        lines = pack_diff_lines(result)
    else:
        ds = env.dataset()
        result = query.diff_programs(ds, a, b)
        differ = bool(result["added"] or result["dropped"])
        names = {p: ds.get("programs", p)["name"] for p in (result["a"], result["b"])}
        lines = diff_lines(result, names)
    if json_:
        env.out(dumps(result))
    else:
        print_lines(env, lines)
    raise typer.Exit(1 if differ else 0)


@app.command()
def gaps(
    program: Annotated[str | None, typer.Argument(
        help="Program (default: every program).", autocompletion=_complete("programs"),
        callback=_not_empty)] = None,
    json_: JsonOpt = False,
    fmt: FormatOpt = None,
):
    """Recommendations no component addresses, and components no recommendation speaks to.

    Example: merida gaps bicentennial
    """
    from . import query
    from .render import dumps
    from .render.analysis import gaps_listings

    env = _env()
    result = query.gaps(env.dataset(), program)
    output = pick_format(json_, fmt)
    if output is Format.json:
        env.out(dumps(result))
        return
    for i, listing in enumerate(gaps_listings(result)):
        if i:
            env.out()
        try:
            emit(env, listing, output)
        except NoResults:
            env.err(f"{listing.title}: none")


# ---- data integrity ------------------------------------------------------------

@app.command()
def validate():
    """Check every data pack: schema, ids, references. Exit 1 with file:line messages.

    Example: merida --data ./my-pack validate
    """
    from .load import validate_packs

    env = _env()
    records, problems = validate_packs(env.data, env.builtin)
    if problems:
        for problem in problems:
            env.err(_bounded(problem))
        raise MeridaError(f"{len(problems)} problem(s) found", 1)
    total = sum(len(v) for v in records.values())
    env.err(f"ok: {total} records valid")


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
):
    """Prove every quote occurs in its source text (matched by sha256, then file name).

    Quotes whose source text is in none of the folders are skipped and counted.
    Example: merida verify --texts ../shared/seeds --texts ../shared/sources
    """
    from .verify import verify as run_verify

    env = _env()
    texts = _text_folders(texts)
    records = env.dataset().records
    result = run_verify(records, texts)
    for line in result.warnings:
        env.err(f"warning: {line}")
    files = {s["id"]: s["file"] for s in records["sources"]}
    for sid, count in result.skipped.items():
        env.err(f"skipped: {count} quote(s) of '{sid}': {files.get(sid, sid)} is not in "
                + ", ".join(str(f) for f in texts))
    for line in result.failures:
        env.out(line)
    if result.failures:
        raise MeridaError(f"{len(result.failures)} of {result.checked} quotes not verified", 1)
    if not result.checked:
        raise MeridaError("no quote could be checked: none of their source texts is in "
                          + ", ".join(str(f) for f in texts), 1)
    skipped = sum(result.skipped.values())
    env.err(f"ok: {result.checked} quotes verified"
            + (f" ({skipped} skipped: their texts are not in these folders)" if skipped else ""))


class ExportFormat(str, Enum):
    json = "json"
    yaml = "yaml"
    csv = "csv"
    markdown = "markdown"
    sqlite = "sqlite"


@app.command()
def export(
    fmt: Annotated[ExportFormat, typer.Option(
        "--format", "-f", help="json, yaml, csv, markdown, or sqlite (needs --output).")]
    = ExportFormat.json,
    output: Annotated[str | None, typer.Option(
        "--output", "-o", help="Write to this file instead of stdout (- is stdout).",
        metavar="FILE")] = None,
):
    """Every record, complete: JSON/YAML load back as a pack; CSV/Markdown for reading;
    SQLite (the cache database: records, topics, search index) for sqlite3 or Datasette.

    Examples: merida export --format yaml > pack/all.yaml | merida export -f sqlite -o m.db
    """
    from .packs import export_sqlite, export_text

    env = _env()
    output = None if output in (None, "-") else _user_path(output, "--output")
    if fmt is ExportFormat.sqlite:
        if output is None:
            raise UsageError("--format sqlite needs --output FILE")
        export_sqlite(env.dataset().store, output)
        env.err(f"wrote {output}")
        return
    text = export_text(env.dataset().records, fmt.value)
    if output is None:
        env.stdout.write(text)
    else:
        from .safewrite import write_output

        write_output(output, text.encode("utf-8"))
        env.err(f"wrote {output}")


@app.command()
def schema():
    """Print the JSON Schema of a pack file, for editors that validate as you type.

    Example: merida schema > merida.schema.json
    """
    from .packs import json_schema
    from .render import dumps

    _env().out(dumps(json_schema()))


@app.command("init-pack")
def init_pack(directory: Annotated[str, typer.Argument(metavar="DIR",
                                                       help="Directory to create.")]):
    """Write a commented example data pack to start your own records from.

    Example: merida init-pack my-pack && merida --data my-pack validate
    """
    from .packs import init_pack as write_pack

    env = _env()
    for path in write_pack(_user_path(directory, "DIR")):
        env.err(f"wrote {path}")


@app.command()
def coverage(
    source: Annotated[str, typer.Argument(help="Source id.", autocompletion=_complete("sources"))],
    texts: Annotated[list[str], typer.Option("--texts", help="Folder of source texts.",
                                             metavar="DIR")],
    json_: JsonOpt = False,
):
    """Sentences of a source with a number or date that no record cites (completeness).

    Example: merida coverage olson --texts ../shared/seeds
    """
    from .coverage import coverage_report
    from .render import dumps

    env = _env()
    folders = _text_folders(texts)
    ds = env.dataset()
    report = coverage_report(ds, ds.resolve_id("sources", source), folders)
    for line in report["warnings"]:
        env.err(f"warning: {line}")
    if json_:
        env.out(dumps(report))
    else:
        for sentence in report["uncited_sentences"]:
            env.out(f"- {sentence}")
    env.err(f"{len(report['uncited_sentences'])} uncited sentence(s) with a number or date "
            f"in {report['file']} ({report['quotes']} quotes)")
    if report["uncited_sentences"]:
        raise typer.Exit(1)


def main(argv: list[str] | None = None, env: Environment | None = None) -> int:
    """Entry point: run the app, turn every error into a message and an exit code."""
    raw = list(sys.argv[1:] if argv is None else argv)
    argv = [_clean_arg(a) for a in raw]
    env = env or Environment.from_system()
    env.raw_args = _raw_values(_globals_first(argv), _globals_first(raw))
    start = (list(env.data), env.builtin)  # a retry starts from these, not from the 1st run's
    try:
        with redirect_stdout(env.stdout), redirect_stderr(env.stderr):  # click writes to sys.*
            result = app(args=_globals_first(argv), prog_name="merida", standalone_mode=False,
                         obj=env)
        code = result if isinstance(result, int) else 0
        if code == 130:  # typer turns Ctrl-C into Exit(130)
            env.err("interrupted")
    except MeridaError as exc:
        env.err(_bounded(f"error: {exc.message}" if not isinstance(exc, NoResults)
                         else exc.message))
        code = exc.exit_code
    except ClickUsageError as exc:
        env.err(_bounded(f"error: {exc.format_message()}"))
        code = 2
    except ClickException as exc:
        env.err(_bounded(f"error: {exc.format_message()}"))
        code = exc.exit_code
    except Abort:
        env.err("aborted")
        code = 1
    except (BrokenPipeError, PipeClosed):
        _silence_stdout()
        code = 0
    except OutputError as exc:
        env.err(f"error: cannot write output: {exc}")
        _silence_stdout()
        return 1
    except StoreError as exc:
        # a cache that breaks mid-command is deleted and the command re-run from the YAML
        if env.use_cache and env._dataset is not None:
            env._dataset.store.discard()
            env._dataset, env.use_cache = None, False
            env.data, env.builtin = start
            return main(raw, env)
        env.err(f"error: the loaded data is unusable: {exc}")
        code = 1
    except KeyboardInterrupt:
        env.err("interrupted")
        code = 130
    except Exception as exc:  # the last resort: one line, never a traceback
        if os.environ.get("MERIDA_DEBUG"):
            raise
        env.err(f"error: unexpected {type(exc).__name__}: {exc} "
                "(a bug in merida; MERIDA_DEBUG=1 shows the traceback)")
        code = 1
    try:
        env.stdout.flush()
    except (BrokenPipeError, PipeClosed):
        _silence_stdout()
    except OutputError as exc:
        env.err(f"error: cannot write output: {exc}")
        _silence_stdout()
        code = code or 1
    return code


MAX_MESSAGE_LINE = 500


def _bounded(message: str) -> str:
    """Messages echo what the user gave; a 100,000-character argument is cut, per line."""
    return "\n".join(line if len(line) <= MAX_MESSAGE_LINE else
                     f"{line[:MAX_MESSAGE_LINE]}... ({len(line) - MAX_MESSAGE_LINE} more characters)"
                     for line in message.split("\n"))


def _clean_arg(arg: str) -> str:
    """Bytes that are not UTF-8 arrive as lone surrogates; make them U+FFFD (for ids and
    words; paths get their original back through `_user_path`)."""
    return arg.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _raw_values(cleaned: list[str], raw: list[str]) -> dict[str, list[str]]:
    """cleaned -> the arguments as given, in command-line order, for those cleaning changed
    (and `--opt=value` values). A list: two different paths can clean to the same text."""
    out: dict[str, list[str]] = {}
    for c, r in zip(cleaned, raw):
        if c != r:
            if c.startswith("-") and "=" in c:
                c, r = c.split("=", 1)[1], r.split("=", 1)[1]
            out.setdefault(c, []).append(r)
    return out


def _user_path(value: str, what: str) -> Path:
    """A path argument: never empty (that would quietly mean the current directory), and
    the bytes the user gave even when they are not UTF-8."""
    if not value:
        raise UsageError(f"{what}: empty path (write . for the current directory)")
    given = _env().raw_args.get(value)
    return Path(given.pop(0) if given else value)  # path options are read in argv order


def _globals_first(argv: list[str]) -> list[str]:
    """Let --data / --no-builtin appear after the subcommand too: move them to the front."""
    front, rest, i = [], [], 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest += argv[i:]
            break
        if arg in ("--data", "-d") and i + 1 < len(argv):
            front += [arg, argv[i + 1]]
            i += 2
            continue
        if arg.startswith("--data=") or arg == "--no-builtin":
            front.append(arg)
        else:
            rest.append(arg)
        i += 1
    return front + rest


def _silence_stdout() -> None:
    """After a closed pipe, point stdout at /dev/null so the interpreter exits quietly."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # AttributeError: stdout was closed (None)
        pass
