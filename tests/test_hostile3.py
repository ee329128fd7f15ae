"""Hostile input, round three: what a second, independent red-team round found after
round two (issue 16) and the renderer (issue 12) landed. One test per case, readable ids."""

from __future__ import annotations

import os

import pytest
import test_brief
from conftest import run_cli, write_pack

SOURCE = """\
sources:
  - id: notes
    title: "{title}"
    author: "{author}"
    file: notes.txt
    type: report
"""
REC = """\
recommendations:
  - id: r1
    text: Trace guns
    actor: "{actor}"
    cite:
      - source: notes
        quote: "{quote}"
"""


def pack_of(tmp_path, title="Notes", author="Ana B. Writer", actor="Someone", quote="q"):
    text = SOURCE.format(title=title, author=author) + REC.format(actor=actor, quote=quote)
    return write_pack(tmp_path / "p", {"a.yaml": text})


def fixture(*args, pack):
    return run_cli("--no-builtin", "--data", pack, *args)


def test_a_dollar_sign_in_a_chart_label_is_text_not_tex(tmp_path):
    text = test_brief.PACK.replace("    fiscal_years: FY2009-FY2012\n",
                                   '    period: "$\\\\notacommand{$ then $^ more"\n')
    assert "notacommand" in text
    pack = write_pack(tmp_path / "p", {"a.yaml": text})
    out = tmp_path / "b.html"
    result = fixture("brief", "plan", "-f", "html", "-o", out, pack=pack)
    assert result.code == 0, result.err
    assert "notacommand" in out.read_text()


ESCAPES = [("esc-title", {"title": "Esc \\e]0;OWNED\\a \\e[2J"}),
           ("c1-author", {"author": "Doe \\u009b31m"}),
           ("bidi-title", {"title": "Notes \\u202e reversed"})]


@pytest.mark.parametrize("fields", [c[1] for c in ESCAPES], ids=[c[0] for c in ESCAPES])
@pytest.mark.parametrize("args", [["cite", "notes"], ["cite", "notes", "--style", "ris"],
                                  ["cite", "r1", "--quote"], ["cite", "notes", "--style",
                                                                "bibtex"]],
                         ids=["apa", "ris", "quote", "bibtex"])
def test_control_characters_in_citations_are_shown_escaped(tmp_path, fields, args):
    result = fixture(*args, pack=pack_of(tmp_path, **fields))
    assert result.code == 0, result.err
    assert not any(c in result.out for c in "\x1b\x07\x9b\u202e\r"), repr(result.out)


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_control_characters_never_reach_a_brief(tmp_path, fmt):
    text = test_brief.PACK.replace('title: Notes on the plan', 'title: "Notes \\e[2J\\rX"')
    pack = write_pack(tmp_path / "p", {"a.yaml": text})
    result = fixture("brief", "plan", "-f", fmt, pack=pack)
    assert result.code == 0, result.err
    assert "\x1b" not in result.out and "\r" not in result.out and "\\x1b" in result.out


def test_a_newline_in_an_author_cannot_split_a_ris_record(tmp_path):
    pack = pack_of(tmp_path, author="Doe\\nTY  - JOUR\\nER  - ")
    result = fixture("cite", "notes", "--style", "ris", pack=pack)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert sum(x.startswith("TY  -") for x in lines) == 1
    assert sum(x.startswith("ER  -") for x in lines) == 1


def test_a_carriage_return_in_a_quote_is_not_printed_raw(tmp_path):
    result = fixture("cite", "r1", "--quote", pack=pack_of(tmp_path, quote="q1\\rq2"))
    assert result.code == 0 and "\r" not in result.out


DATES = [("full-width", "２０１４"), ("arabic-indic", "٢٠١٤"), ("year-zero", "0000")]


@pytest.mark.parametrize("date", [c[1] for c in DATES], ids=[c[0] for c in DATES])
def test_dates_take_ascii_digits_only(tmp_path, date):
    text = SOURCE.format(title="T", author="A") + (
        f'events:\n  - id: e1\n    title: E\n    date: "{date}"\n'
        '    cite: [{source: notes, quote: q}]\n')
    pack = write_pack(tmp_path / "p", {"a.yaml": text})
    result = fixture("validate", pack=pack)
    assert result.code == 1 and "a.yaml:10:" in result.err and "date" in result.err
    for option in ("--to", "--from", "--on"):
        result = run_cli("timeline", option, date)
        assert result.code == 2 and option in result.err
    assert run_cli("funding", "--as-of", date).code == 2


@pytest.mark.parametrize("kind", ["topics", "programs"])
def test_a_cycle_of_parents_is_a_problem(tmp_path, kind):
    label = "label" if kind == "topics" else "name"
    cite = "" if kind == "topics" else "    cite: [{source: notes, quote: q}]\n"
    text = SOURCE.format(title="T", author="A") + f"{kind}:\n" + "".join(
        f"  - id: {rid}\n    {label}: {rid.upper()}\n    parent: {parent}\n{cite}"
        for rid, parent in (("cyc-a", "cyc-b"), ("cyc-b", "cyc-c"), ("cyc-c", "cyc-a")))
    pack = write_pack(tmp_path / "p", {"a.yaml": text})
    result = fixture("validate", pack=pack)
    assert result.code == 1 and "a cycle of parents" in result.err, result.err
    assert result.err.count("is its own ancestor") == 3
    assert fixture("recs", pack=pack).code == 1  # a read command refuses the pack too


@pytest.mark.parametrize("extra", [["-f", "csv"], ["-f", "markdown"], ["--as-of", "2020"],
                                   ["--structure", "x"]],
                         ids=["csv", "markdown", "as-of", "structure"])
def test_a_pack_file_diff_refuses_options_it_cannot_honour(tmp_path, extra):
    a = write_pack(tmp_path / "a", {"a.yaml": SOURCE.format(title="T", author="A")})
    result = run_cli("diff", a / "a.yaml", a / "a.yaml", *extra)
    assert result.code == 2 and "Traceback" not in result.err


@pytest.mark.parametrize("args", [["show", "notes"], ["cite", "notes"],
                                  ["export", "--format", "json"], ["validate"]],
                         ids=["show", "cite", "export", "validate"])
def test_fields_on_a_document_is_a_usage_error(tmp_path, args):
    result = fixture("--fields", "nope", *args, pack=pack_of(tmp_path))
    assert result.code == 2 and "--fields" in result.err and result.out == ""


def test_a_number_where_a_record_should_be_says_a_number(tmp_path):
    pack = write_pack(tmp_path / "p", {"a.yaml": "sources:\n  - 5\n"})
    result = fixture("validate", pack=pack)
    assert result.code == 1 and "got a number" in result.err and "Raw" not in result.err


def test_an_output_path_ending_in_a_slash_names_a_directory(tmp_path):
    target = f"{tmp_path / 'newdir'}{os.sep}"
    result = fixture("export", "-f", "json", "-o", target, pack=pack_of(tmp_path))
    assert result.code == 2 and "names a directory" in result.err
    assert not (tmp_path / "newdir").exists()


def test_a_commands_own_short_option_is_not_taken_for_a_global_one(tmp_path):
    pack = pack_of(tmp_path, quote="trace guns")
    quoted = fixture("cite", "r1", "-q", pack=pack)  # cite's -q is --quote, not --quiet
    assert quoted.code == 0 and "\u201ctrace guns\u201d" in quoted.out
    assert fixture("-q", "recs", pack=pack).code == 0  # before the command: --quiet


def test_building_only_the_named_command_leaves_every_command_registered(tmp_path):
    from merida_cli.cli import app

    before = list(app.registered_commands)
    assert fixture("recs", pack=pack_of(tmp_path)).code == 0
    assert app.registered_commands == before and len(before) > 20
    assert "did you mean 'recs'" in run_cli("recz").err


def test_hidden_files_in_a_pack_are_not_records(tmp_path):
    pack = pack_of(tmp_path)
    (pack / ".#a.yaml").symlink_to(tmp_path / "lock-owned-by-an-editor")  # an Emacs lock
    (pack / ".backup.yaml").write_text("not: [valid", encoding="utf-8")
    assert fixture("validate", pack=pack).code == 0
    assert [r["id"] for r in fixture("recs", "--json", pack=pack).json()] == ["r1"]


def test_an_edit_that_keeps_size_and_mtime_is_still_seen(tmp_path):
    pack = pack_of(tmp_path, actor="Alpha")
    path = pack / "a.yaml"
    assert fixture("recs", "--json", pack=pack).json()[0]["actor"] == "Alpha"
    st = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace("Alpha", "Omega"), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # what touch -r does
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    assert fixture("recs", "--json", pack=pack).json()[0]["actor"] == "Omega"
