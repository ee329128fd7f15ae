"""How answers look: on a real pseudo-terminal at 60, 80, 100 and 160 columns, piped, and
in every format. A fixture pack with long ids, long words and hostile titles (Rich
markup, escape sequences, bidi overrides) stands in for the data."""

from __future__ import annotations

import csv
import io
import json
import re
import sys

import pytest
from conftest import run_cli, write_pack
from helpers import RENDER_PACK as PACK
from helpers import RENDER_PROGRAM as PROGRAM
from helpers import RICH, SGR, clean, needs_merida, spawn, title_pack, whole

from merida_cli.text import printable

# listing command -> the JSON field holding each record's name (None: no name column)
LISTINGS = {
    ("pillars", PROGRAM): "title",
    ("programs",): "name",
    ("recs",): "text",
    ("funding",): None,
    ("timeline",): "title",
    ("topics",): "label",
    ("sources",): "title",
    ("figures",): "label",
    ("assessments",): "text",
    ("search", "intelligence"): "title",
}
HOSTILE = ["[/]", "[sic]", "[emphasis added]", "[bold red]styled[/bold red]",
           "[link=https://evil.example]", "[bold]Someone[/bold]"]


@pytest.fixture
def pack(tmp_path):
    return write_pack(tmp_path / "pack", {"pack.yaml": PACK})


def fixture_run(pack, *args, **kw):
    return run_cli("--no-builtin", "--data", pack, *args, **kw)


def fits(text: str, columns: int) -> bool:
    """No line wider than the terminal, but for a single word longer than it (an id)."""
    return all(len(line.rstrip()) <= columns or len(line.split()) == 1
               for line in SGR.sub("", text).splitlines())


def assert_safe(text: str) -> None:
    """No escape sequence but colour (SGR) codes, no BEL, no bidi override or zero-width."""
    bare = SGR.sub("", text)
    assert "\x1b" not in bare and "\x07" not in bare, repr(bare[:300])
    assert not re.search("[\u202a-\u202e\u2066-\u2069\u200b]", text)


# ---- every listing on a real terminal -----------------------------------------------

@needs_merida
@pytest.mark.parametrize("columns", [60, 80, 100, 160])
def test_listings_on_a_terminal_never_split_an_id_or_a_word(pack, columns):
    for args, name_field in LISTINGS.items():
        records = fixture_run(pack, *args, "--json").json()
        assert records, args
        code, out, err = spawn(["--no-pager", "--no-builtin", "--data", pack, *args], columns)
        assert code == 0, (args, err)
        text = SGR.sub("", out)
        lines = text.splitlines()
        assert fits(text, columns), (args, text)
        # an id is shown whole, on one line, unless the note under the table names its
        # column hidden (a timeline or funding line at 80 columns: --wide shows it)
        note = " ".join(text.split()).split("hidden to fit")[0][-120:]
        id_hidden = "Id" in note.rsplit("(", 1)[-1].replace(",", " ").split()
        for rec in records:
            assert id_hidden or any(whole(rec["id"], line) for line in lines), \
                (args, columns, rec["id"], text)
            for word in (rec.get(name_field) or "").split() if name_field else []:
                assert whole(printable(word), text), (args, columns, word, text)
        assert_safe(out)


@needs_merida
def test_hidden_columns_are_named_and_wide_keeps_them(pack):
    code, out, _err = spawn(["--no-pager", "--no-builtin", "--data", pack, "funding"], 160)
    assert code == 0
    assert "As of" in out and "2023-09-30" in out  # the as-of column is never hidden
    assert "notes-on-security-cooperation-between-neighbours" in out  # nor the source
    assert "hidden to fit 160 columns" in out and "Links" in out.split("hidden")[0][-200:]
    code, out, _err = spawn(["--no-pager", "--wide", "--no-builtin", "--data", pack, "funding"],
                            100)
    assert code == 0
    assert "hidden" not in out and "Links" in out
    assert "notes-on-security-cooperation-between-neighbours" in out


@needs_merida
@pytest.mark.parametrize("columns", ["0", "garbage", "-5"])
def test_bad_COLUMNS_falls_back_to_the_terminal_width(pack, columns):
    code, out, err = spawn(["--no-pager", "--no-builtin", "--data", pack, "recs"], 100,
                           env={"COLUMNS": columns})
    assert code == 0, err
    assert "neighbours-recommend-intelligence-sharing-on-organized-crime-2022" in out
    assert fits(out, 100)


@needs_merida
def test_COLUMNS_wins_over_the_window_size(pack):
    code, out, _err = spawn(["--no-pager", "--no-builtin", "--data", pack, "recs"], 160,
                           env={"COLUMNS": "60"})
    assert code == 0
    assert fits(out, 60) and "Id:\n" in SGR.sub("", out)  # a record view, not a table


# ---- data is text, never markup ------------------------------------------------------

@needs_merida
@pytest.mark.parametrize("args", [("sources",), ("topics",), ("recs",), ("pillars", PROGRAM),
                                  ("show", "evil-rec"), ("show", "evil")])
def test_markup_and_escapes_are_shown_literally_on_a_terminal(pack, args):
    code, out, err = spawn(["--no-pager", "--no-builtin", "--data", pack, *args], 160)
    assert code == 0, err
    assert_safe(out)
    text = SGR.sub("", out)
    if args != ("show", "evil"):  # each of the others carries markup-like text, literally
        assert any(h in text for h in HOSTILE), text
    if args[0] in ("sources",) or args == ("show", "evil"):
        assert "\\u202e" in text and "\\u2066" in text and "\\u200b" in text


@pytest.mark.parametrize("args", [("sources",), ("topics",), ("recs",), ("pillars", PROGRAM),
                                  ("show", "evil-rec"), ("show", "evil")])
@pytest.mark.parametrize("fmt", ["table", "plain", "markdown"])
def test_markup_and_escapes_are_shown_literally_when_piped(pack, args, fmt):
    result = fixture_run(pack, *args, "--format", fmt)
    assert result.code == 0, result.err
    assert_safe(result.out)
    out = result.out
    if fmt == "markdown":  # what a Markdown reader shows: its backslash escapes undone
        out = re.sub(r"\\([\\`*_\[\]|~<>])", r"\1", out.replace("&lt;", "<").replace("&gt;", ">"))
    if args == ("show", "evil"):
        assert "\\u202e" in out and "\\u200b" in out
    else:
        assert any(h in out for h in HOSTILE)


def test_a_colour_terminal_does_not_style_data(pack):
    result = fixture_run(pack, "topics", tty=True, color=True, width=160)
    assert "[bold red]styled[/bold red]" in SGR.sub("", result.out)
    assert "\x1b]8;" not in result.out  # no live hyperlink
    assert "\x1b[31m" not in result.out and "\x1b[1;31m" not in result.out


def test_piped_rows_stay_rows_whatever_the_data_holds(pack):
    """A TAB or a newline in a value is escaped: one row per record, one cell per column."""
    result = fixture_run(pack, "pillars", PROGRAM)
    lines = result.out.splitlines()
    assert len(lines) == 3 and all(line.count("\t") == 4 for line in lines)
    assert "Tabs\\tand\\nnewlines" in result.out


def test_escaped_arguments_keep_an_error_on_one_line(pack, tmp_path):
    result = fixture_run(pack, "show", "x\x1b[2J\ny\u202e")
    assert result.code == 2
    assert result.err.count("\n") == 1 and "\x1b" not in result.err
    assert "x\\x1b[2J\\ny\\u202e" in result.err
    result = run_cli("--data", tmp_path / "no\x1bpe\nhere", "recs")
    assert result.code == 2 and result.err.count("\n") == 1 and "no\\x1bpe\\nhere" in result.err


# ---- piped: tab-separated with a header, titles for multi-table output ---------------

@pytest.mark.parametrize("args", [("compare", PROGRAM, PROGRAM), ("gaps",),
                                  ("pillars", PROGRAM, "--all")])
def test_piped_analysis_is_tab_separated(pack, args):
    result = fixture_run(pack, *args)
    assert result.code in (0, 1), result.err
    assert "+--" not in result.out and "|" not in result.out.replace("[/]", "")
    assert "\t" in result.out


def test_piped_compare_tables_follow_their_titles(pack):
    out = fixture_run(pack, "compare", PROGRAM, PROGRAM).out
    assert "Aligned by policy topic (each side: the strongest evidence)\nTopic\tStatus\t" in out


@pytest.mark.parametrize("args", [("recs",), ("compare", PROGRAM, PROGRAM),
                                  ("diff", PROGRAM, PROGRAM), ("gaps",), ("show", "evil-rec"),
                                  ("diff", "PACK", "PACK")])
def test_plain_on_a_terminal_is_what_a_pipe_gets(pack, args):
    """--format plain means lines for tools wherever stdout goes, never a table or prose
    drawn to the terminal's width: compare, diff and gaps drew a table on a terminal for
    it, and a diff of pack files wrapped its lines, while listings and show did not."""
    args = [str(pack / "pack.yaml") if a == "PACK" else a for a in args]
    piped = fixture_run(pack, *args, "--format", "plain")
    on_terminal = fixture_run(pack, *args, "--format", "plain", tty=True, color=True, width=40)
    assert piped.code == on_terminal.code and piped.code in (0, 1), piped.err
    assert on_terminal.out == piped.out and "\x1b" not in on_terminal.out
    if args[0] != "show" and args[-1] != str(pack / "pack.yaml"):  # tables: tab-separated
        assert "\t" in piped.out


def test_multi_table_output_titles_each_table(cli):
    out = cli("pillars", "--all").out
    blocks = out.strip().split("\n\n")
    assert len(blocks) >= 3
    for block in blocks:
        title, header = block.splitlines()[:2]
        assert "\t" not in title and "adopted" in title or ":" in title
        assert header.startswith("#\tTitle")


# ---- the pager -------------------------------------------------------------------------

PAGER = f"{sys.executable} -c \"import sys; sys.stdout.write('PAGED\\\\n' + sys.stdin.read())\""


@needs_merida
def test_long_output_on_a_terminal_goes_through_the_pager(pack):
    code, out, err = spawn(["--no-builtin", "--data", pack, "recs"], 100, rows=5,
                           env={"MERIDA_PAGER": PAGER, "PAGER": "false"})
    assert code == 0, err
    assert out.startswith("PAGED") and "evil-rec" in out


@needs_merida
def test_pager_falls_back_to_PAGER(pack):
    _code, out, _err = spawn(["--no-builtin", "--data", pack, "recs"], 100, rows=5,
                           env={"PAGER": PAGER})
    assert out.startswith("PAGED")


@needs_merida
@pytest.mark.parametrize("how", ["no-pager", "piped", "stdin-not-a-terminal", "short"])
def test_no_pager_unless_long_output_on_a_terminal(pack, how):
    argv = ["--no-builtin", "--data", pack, "recs"]
    kw = {"rows": 5}
    if how == "no-pager":
        argv.append("--no-pager")
    elif how == "piped":
        kw["tty_stdout"] = False
    elif how == "stdin-not-a-terminal":
        kw["tty_stdin"] = False
    else:
        kw["rows"] = 500
    code, out, err = spawn(argv, 100, env={"MERIDA_PAGER": PAGER}, **kw)
    assert code == 0, err
    assert "PAGED" not in out and "evil-rec" in out


# (id, the pager command, what the one line on stderr says)
FAILING_PAGERS = [
    ("exits-1", "false", 'the pager "false" exited with status 1'),
    ("exits-3-unread", f"{sys.executable} -c \"raise SystemExit(3)\"", "exited with status 3"),
    ("killed", f"{sys.executable} -c \"import os; os.kill(os.getpid(), 15)\"",
     "was killed by SIGTERM"),
    ("not-found", "no-such-pager-anywhere -R", "cannot be run (No such file or directory)"),
    ("unclosed-quote", "less '-R", "cannot be read (No closing quotation)"),
]


@needs_merida
@pytest.mark.parametrize("command,says", [c[1:] for c in FAILING_PAGERS],
                         ids=[c[0] for c in FAILING_PAGERS])
def test_a_failing_pager_says_so_and_the_output_is_shown_unpaged(pack, command, says):
    code, out, err = spawn(["--no-builtin", "--data", pack, "recs"], 100, rows=5,
                           env={"MERIDA_PAGER": command})
    assert code == 0 and "evil-rec" in out
    assert err.count("\n") == 1 and says in err and "the output follows unpaged" in err, err


@needs_merida
def test_the_default_pager_missing_is_no_error(pack, tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    code, out, err = spawn(["--no-builtin", "--data", pack, "recs"], 100, rows=5,
                           env={"PATH": str(empty)})  # no less to be found
    assert code == 0 and "evil-rec" in out and err == ""


@needs_merida
def test_a_pager_that_exits_0_has_done_its_work(pack):
    """As `q` in less after the first screen, which looks the same from merida: the text
    is not written a second time, and nothing is said."""
    code, out, err = spawn(["--no-builtin", "--data", pack, "recs"], 100, rows=5,
                           env={"MERIDA_PAGER": f"{sys.executable} -c pass"})
    assert code == 0 and "evil-rec" not in out and err == ""


# ---- formats and fields ------------------------------------------------------------------

@pytest.mark.parametrize("args", [("show", "evil-rec"), ("compare", PROGRAM, PROGRAM),
                                  ("diff", PROGRAM, PROGRAM), ("gaps",), ("validate",)])
def test_every_result_command_takes_format_and_json(pack, args):
    as_json = fixture_run(pack, *args, "--json")
    assert as_json.code in (0, 1), as_json.err
    assert fixture_run(pack, *args, "--format", "json").out == as_json.out
    json.loads(as_json.out)
    plain = fixture_run(pack, *args, "--format", "plain")
    assert plain.code == as_json.code and "{" not in plain.out[:1]
    assert plain.out or args == ("validate",)  # a valid pack: no problem to list


def test_show_json_is_one_document_even_when_two_kinds_share_an_id(tmp_path):
    pack = write_pack(tmp_path / "p", {"a.yaml": PACK.replace(
        "  - id: organized-crime\n", "  - id: evil-rec\n    label: Clash\n"
        "  - id: organized-crime\n")})
    result = run_cli("--no-builtin", "--data", pack, "show", "evil-rec", "--json")
    assert result.code == 0, result.err
    kinds = [d["kind"] for d in result.json()]
    assert sorted(kinds) == ["recommendations", "topics"]


def test_fields_pick_columns_and_keys(pack):
    rows = list(csv.reader(io.StringIO(fixture_run(pack, "recs", "--fields", "id,actor",
                                                   "--format", "csv").out)))
    assert rows[0] == ["Id", "Actor"] and len(rows) == 4
    records = fixture_run(pack, "recs", "--json", "--fields=id,text").json()
    assert all(set(r) == {"id", "text"} for r in records)
    plain = fixture_run(pack, "--fields", "id,programs", "recs").out.splitlines()
    assert plain[0] == "Id\tprograms" and PROGRAM in plain[1]


def test_fields_are_the_kinds_whether_or_not_anything_matches(pack):
    """A known field with no results is 'nothing matches' (exit 1), not 'unknown field';
    an unknown field is a usage error (exit 2) with and without results."""
    empty = fixture_run(pack, "recs", "--actor", "nobody-by-this-name", "--fields", "id,text")
    assert empty.code == 1 and "unknown field" not in empty.err and "match" in empty.err
    for topic in ([], ["--actor", "nobody-by-this-name"]):
        bogus = fixture_run(pack, "recs", *topic, "--fields", "id,bogus")
        assert bogus.code == 2 and "unknown field 'bogus'" in bogus.err


def test_unknown_field_gets_a_did_you_mean(pack):
    result = fixture_run(pack, "recs", "--fields", "id,actr")
    assert result.code == 2 and "did you mean 'actor'" in result.err


# ---- show wraps prose ----------------------------------------------------------------------

def test_show_wraps_at_word_boundaries_with_hanging_indents(pack):
    result = fixture_run(pack, "show", "neighbours-recommend-intelligence-sharing-on-organized-"
                         "crime-2022", tty=True, color=False, width=60)
    lines = result.out.splitlines()
    assert fits(result.out, 60)
    at = next(i for i, line in enumerate(lines) if line.startswith("actor: "))
    assert lines[at + 1].startswith(" " * len("actor: ")) and lines[at + 1].strip()
    assert all(whole(w, result.out) for w in
               ["Share", "intelligence", "on", "organized-crime", "networks", "counter-narcotics"])


# ---- the built-in data at every width (data test) ------------------------------------------

@pytest.mark.parametrize("width", [60, 80, 100, 160])
def test_builtin_recs_and_figures_keep_ids_whole(cli, width):
    for command in ("recs", "figures"):
        ids = [r["id"] for r in cli(command, "--json").json()]
        out = cli(command, tty=True, color=False, width=width).out
        assert max(len(line) for line in out.splitlines()) <= width
        missing = [i for i in ids if not any(whole(i, line) for line in out.splitlines())]
        assert not missing, (command, width, missing[:3])


def test_messages_escape_file_names(pack, tmp_path):
    texts = tmp_path / "te\x1b[2Jxts"
    texts.mkdir()
    result = fixture_run(pack, "verify", "--texts", texts)
    assert result.code == 1 and "\x1b" not in result.err and "te\\x1b[2Jxts" in result.err


def _commands():
    from typer.main import get_command

    from merida_cli.cli import app

    group = get_command(app)
    return {name: group.get_command(None, name) for name in group.list_commands(None)}


# commands whose output is not a result to format: a whole export, the schema, files
# written, a citation in a chosen --style, a brief whose --format is markdown|html|pdf
OWN_OUTPUT = {"export", "schema", "init-pack", "cite", "brief"}


@pytest.mark.parametrize("name", sorted(set(_commands()) - OWN_OUTPUT))
def test_every_command_that_prints_results_takes_format_and_json(name):
    options = {opt for param in _commands()[name].params for opt in param.opts}
    assert {"--format", "--json"} <= options, name
    help_text = run_cli(name, "--help").out
    assert "table|plain|json|csv|markdown" in help_text


# ---- data that would drive a terminal, in CSV and JSON --------------------------------------

# (a control character, ESC or C1, never loads: tests/test_rules.py)
TERMINAL_HOSTILE = "\u202eRTL\u200b \u2066isolated\u2069 \u00adsoft \U000e0041tag"


def _hostile_title_pack(tmp_path):
    rec = {"id": "notes", "title": TERMINAL_HOSTILE, "file": "notes.txt"}
    return write_pack(tmp_path / "p", {"a.json": json.dumps({"sources": [rec]})})


@pytest.mark.parametrize("command", [["sources", "--format", "csv"],
                                     ["export", "--format", "csv"]], ids=["listing", "export"])
def test_csv_writes_terminal_escapes_as_text(tmp_path, command):
    """A pack's bidi override and isolate, zero-width, soft hyphen and tag characters reach
    a CSV cell as visible escapes, so `merida ... -f csv | cat` cannot reorder a terminal."""
    result = run_cli("--no-builtin", "--data", _hostile_title_pack(tmp_path), *command)
    assert result.code == 0, result.err
    assert not any(c in result.out for c in "\u202e\u200b\u2066\u00ad\U000e0041")
    assert "\\u202eRTL\\u200b \\u2066isolated\\u2069 \\xadsoft \\U000e0041tag" in result.out


@pytest.mark.parametrize("command", [["sources", "--json"], ["export", "--format", "json"]],
                         ids=["listing", "export"])
def test_json_escapes_terminal_characters_and_keeps_the_value(tmp_path, command):
    """JSON writes them as \\u escapes: inert on a terminal, the same value to a parser."""
    result = run_cli("--no-builtin", "--data", _hostile_title_pack(tmp_path), *command)
    assert result.code == 0, result.err
    assert not any(c in result.out for c in "\u202e\u200b\u2066\u00ad\U000e0041")
    assert TERMINAL_HOSTILE in _strings(json.loads(result.out))


def _strings(value) -> list[str]:
    """Every string in a JSON document."""
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


# ---- values never become markup or formulas in other programs --------------------

# (a bare CR is a control character, which never loads: tests/test_rules.py)
INJECT = ["=HYPERLINK(\"http://x\")", "+1+cmd", "-2+3", "@SUM(A1)", "\tTAB", "a\nb",
          "x,\"y\"", "\uff1d1+1"]


@pytest.mark.parametrize("title", INJECT, ids=["equals", "plus", "minus", "at", "tab",
                                               "newline", "comma-quote", "fullwidth-equals"])
@pytest.mark.parametrize("command", [["export", "--format", "csv"],
                                     ["sources", "--format", "csv"]], ids=["export", "listing"])
def test_csv_never_starts_a_text_cell_with_a_formula_and_keeps_rows_whole(tmp_path, title,
                                                                          command):
    import csv
    import io

    pack = title_pack(tmp_path, title)
    result = clean(run_cli("--no-builtin", "--data", pack, *command))
    assert result.code == 0, result.err
    rows = list(csv.reader(io.StringIO(result.out, newline="")))
    assert len(rows) == 2, rows  # a header and one record: no CR/LF splits a row
    cells = [c for c in rows[1] if title.strip("'") in c or c.lstrip("'") == title]
    assert cells, rows
    for value in cells:
        assert not value.startswith(("=", "+", "-", "@", "\t", "\r", "\uff1d"))
        assert value.lstrip("'") == title


def test_csv_leaves_numbers_alone():
    from merida_cli.render.formats import csv_cell

    assert [csv_cell(v) for v in ("-5", "+1.5", "-2e3", 12)] == ["-5", "+1.5", "-2e3", "12"]


MD_HOSTILE = [
    ("heading", "x\n# Owned", "\n# Owned"),
    ("table", "a | b\n|---|", "a | b"),
    ("link", "[click](javascript:alert(1))", "](javascript:"),
    ("autolink", "<javascript:alert(1)>", "<javascript:"),
    ("bare-scheme", "JavaScript:alert(1)", "JavaScript:alert"),
    ("img-onerror", "<img src=x onerror=alert(1)>", "<img"),
    ("script", "<script>alert(1)</script>", "<script>"),
    ("emphasis", "**bold** _it_ `code`", "**bold**"),
    ("image", "![x](http://evil/x.png)", "![x]"),
]


@pytest.mark.parametrize("title,forbidden", [c[1:] for c in MD_HOSTILE],
                         ids=[c[0] for c in MD_HOSTILE])
@pytest.mark.parametrize("command", [["export", "--format", "markdown"],
                                     ["sources", "--format", "markdown"]],
                         ids=["export", "listing"])
def test_markdown_escapes_values(tmp_path, title, forbidden, command):
    pack = title_pack(tmp_path, title)
    result = clean(run_cli("--no-builtin", "--data", pack, *command))
    assert result.code == 0, result.err
    assert forbidden not in result.out, result.out
    assert "<" not in result.out.replace("&lt;", "")
    assert not any(line.startswith("#") and "Owned" in line for line in result.out.splitlines())
    rows = [line.replace("\\|", "") for line in result.out.splitlines() if line.startswith("|")]
    assert len({row.count("|") for row in rows}) <= 1, rows  # no value adds a table cell


@pytest.mark.parametrize("title", [c[1] for c in MD_HOSTILE] + ["``` closes\n```\n<b>x</b>"],
                         ids=[c[0] for c in MD_HOSTILE] + ["fence"])
def test_a_document_in_markdown_is_inert_text(tmp_path, title):
    """`show -f markdown` printed the plain view as it is: a pack's <script>, **bold** and
    [links](javascript:) reached a Markdown reader as markup (red team 2)."""
    markdown_it = pytest.importorskip("markdown_it")
    pack = title_pack(tmp_path, title)
    result = run_cli("--no-builtin", "--data", pack, "show", "notes", "--format", "markdown")
    assert result.code == 0, result.err
    tokens = markdown_it.MarkdownIt().parse(result.out)
    assert [t.type for t in tokens] == ["fence"], [t.type for t in tokens]
    # the whole view, its layout kept, inside the one block
    plain = run_cli("--no-builtin", "--data", pack, "show", "notes", "--format", "plain")
    assert tokens[0].content == plain.out


@pytest.mark.parametrize("fmt", ["table", "csv", "markdown", "json"])
def test_a_funding_line_is_listed_in_every_format(tmp_path, fmt):
    pack = write_pack(tmp_path / "p", {"a.yaml": RICH.replace("{item_id}", "p2")})
    result = clean(run_cli("--no-builtin", "--data", pack, "funding", "--format", fmt))
    assert result.code == 0 and "f2" in result.out, result.err
