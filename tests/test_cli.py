"""The command line as a user meets it: help, errors, exit codes, pipes, colour."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli, write_pack
from helpers import GOOD, clean, notes_pack, run_on_pack, small_pack, undecodable
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ANSI = re.compile(r"\x1b\[")
MERIDA = Path(sys.executable).with_name("merida")


def test_help_lists_commands_with_examples(cli):
    result = cli("--help")
    assert result.code == 0
    for command in ("pillars", "recs", "compare", "diff", "search", "funding", "timeline"):
        assert command in result.out
    assert "merida recs --topic firearms" in result.out


def _command_names():
    from typer.main import get_command

    from merida_cli.cli import app

    return list(get_command(app).commands)


def test_the_command_registry_is_read():
    assert {"pillars", "export", "init-pack", "schema"} <= set(_command_names())


@pytest.mark.parametrize("command", _command_names())
def test_every_command_help_has_an_example(cli, command):
    result = cli(command, "--help")
    assert result.code == 0
    assert "merida " in result.out.split("Usage:")[1], result.out


def test_no_arguments_shows_help(cli):
    result = cli()
    assert "Usage" in result.out + result.err


def test_version(cli):
    result = cli("--version")
    assert result.code == 0 and re.match(r"merida \d+\.\d+", result.out)


def test_unknown_command_suggests(cli):
    result = cli("pilars")
    assert result.code == 2
    assert result.err.strip() == "error: unknown command 'pilars' (did you mean 'pillars'?)"


def test_unknown_option_is_usage_error(cli):
    result = cli("recs", "--topik", "guns")
    assert result.code == 2
    assert result.err.startswith("error: ") and "--topik" in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_bad_option_value_is_usage_error(cli):
    result = cli("timeline", "--from", "last-year")
    assert result.code == 2 and "--from" in result.err


def test_unknown_topic_suggests(cli):
    result = cli("recs", "--topic", "firarms")
    assert result.code == 2
    assert result.err.strip() == "error: unknown topic 'firarms' (did you mean 'firearms'?)"


def test_unknown_program_suggests(cli):
    result = cli("pillars", "meridda")
    assert result.code == 2
    assert "unknown program 'meridda' (did you mean 'merida'?)" in result.err


def test_unknown_id_suggests(cli):
    result = cli("show", "merida-pilar-4")
    assert result.code == 2
    assert "unknown id 'merida-pilar-4' (did you mean 'merida-pillar-4'?)" in result.err


def test_control_characters_in_arguments(cli):
    result = cli("show", "mer\x00ida\x1b[31m")
    assert result.code == 2 and "Traceback" not in result.err


def test_piped_output_has_no_ansi(cli):
    result = cli("pillars", tty=False)
    assert result.code == 0
    assert not ANSI.search(result.out)


def test_terminal_output_is_styled(cli):
    result = cli("pillars", tty=True, color=True)
    assert ANSI.search(result.out)


def test_no_color_terminal_has_no_ansi(cli):
    result = cli("pillars", tty=True, color=False)
    assert not ANSI.search(result.out)


def test_data_option_after_subcommand(cli, tmp_path):
    pack = write_pack(tmp_path / "p", {"a.yaml": GOOD})
    result = cli("recs", "--no-builtin", "--data", pack, "--json")
    assert result.code == 0, result.err
    assert [r["id"] for r in result.json()] == ["trace"]


# ---- through the installed entry point -----------------------------------------

def _merida(*args, env=None, **kw):
    full_env = {**os.environ, **(env or {})}
    full_env.pop("MERIDA_DATA", None)
    return subprocess.run([str(MERIDA), *args], check=False, capture_output=True, text=True, env=full_env,
                          timeout=60, **kw)


def test_installed_entry_point_prints_pillars():
    result = _merida("pillars")
    assert result.returncode == 0, result.stderr
    for word in ("Pillar", "rule of law", "border", "communities"):
        assert word.lower() in result.stdout.lower()
    assert not ANSI.search(result.stdout)


def test_installed_entry_point_usage_error_exit_2():
    result = _merida("recs", "--topic", "nosuchtopic")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and result.stderr.startswith("error:")


BUFFERED = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # as in a shell


def test_closed_pipe_exits_quietly():
    proc = subprocess.run(f"'{MERIDA}' export | head -c 100", shell=True, check=False,
                          capture_output=True, text=True, timeout=60, executable="/bin/bash",
                          env=BUFFERED)
    assert len(proc.stdout) == 100
    assert proc.stderr == ""


def test_closed_pipe_status_is_zero():
    proc = subprocess.run(f"set -o pipefail; '{MERIDA}' export --format yaml | head -n 1",
                          shell=True, check=False, capture_output=True, text=True, timeout=60,
                          executable="/bin/bash", env=BUFFERED)
    assert proc.returncode == 0 and proc.stderr == ""


@pytest.mark.parametrize("command", ["recs", "timeline", "search guns -n 50", "sources --json"])
def test_listings_into_a_closed_pipe(command):
    proc = subprocess.run(f"set -o pipefail; '{MERIDA}' {command} | head -n 1", shell=True,
                          check=False, capture_output=True, text=True, timeout=60,
                          executable="/bin/bash", env=BUFFERED)
    assert proc.returncode == 0 and proc.stderr == "" and proc.stdout


def test_no_color_env_on_entry_point():
    result = _merida("recs", "--topic", "firearms", env={"NO_COLOR": "1"})
    assert result.returncode == 0 and not ANSI.search(result.stdout)


@pytest.mark.parametrize("words,expected", [
    ("merida pillars bic", "bicentennial"),
    ("merida recs --topic fire", "firearms"),
    ("merida recs --source ols", "olson"),
    ("merida funding --program meri", "merida"),
])
def test_shell_completion_of_ids(words, expected):
    env = {"_MERIDA_COMPLETE": "complete_bash", "COMP_WORDS": words,
           "COMP_CWORD": str(len(words.split()) - 1)}
    result = _merida(env=env)
    assert result.returncode == 0
    assert expected in result.stdout.split()


def test_wheel_ships_the_data_pack(tmp_path):
    """`pip install .` into any venv works: the built-in pack is inside the wheel."""
    import zipfile

    from conftest import REPO

    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                    "-q", "-w", str(tmp_path), str(REPO)], check=True, timeout=300,
                   capture_output=True)
    (wheel,) = tmp_path.glob("merida-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    data = [n for n in names if n.startswith("merida_cli/data/")]
    assert "merida_cli/data/topics.yaml" in data and "merida_cli/data/olson-part1.yaml" in data
    assert "merida_cli/data/meta/coverage-skip.yaml" in data
    assert len([n for n in data if n.endswith(".yaml")]) >= 14


# ---- hostile command lines: exit 1 or 2 with one line naming the argument ---------

# (id, argv, exit code, fragment of the message)
BAD_COMMAND_LINES = [
    ("unknown-command", ["pilars"], 2, "did you mean 'pillars'"),
    ("unknown-command-far", ["zzzz"], 2, "unknown command 'zzzz'"),
    ("unknown-option", ["recs", "--topik", "x"], 2, "--topik"),
    ("missing-option-value", ["recs", "--topic"], 2, "--topic"),
    ("unknown-topic", ["recs", "--topic", "firarms"], 2, "did you mean 'firearms'"),
    ("unknown-program", ["pillars", "merdia"], 2, "did you mean 'merida'"),
    ("unknown-program-option", ["funding", "--program", "bicentenial"], 2, "did you mean"),
    ("unknown-source", ["recs", "--source", "olsen"], 2, "did you mean 'olson'"),
    ("unknown-id", ["show", "merida-pilar-4"], 2, "did you mean 'merida-pillar-4'"),
    ("unknown-kind", ["search", "x", "--kind", "event"], 2, "did you mean 'events'"),
    ("unknown-funding-measure", ["funding", "--measure", "grant"], 2, "unknown measure"),
    ("retired-kind-option", ["funding", "--kind", "request"], 2, "--kind"),
    ("bad-year", ["timeline", "--from", "twenty"], 2, "--from"),
    ("bad-limit", ["search", "x", "--limit", "0"], 2, "--limit"),
    ("negative-limit", ["search", "x", "--limit", "-5"], 2, "--limit"),
    ("bad-format", ["recs", "--format", "pdf"], 2, "--format"),
    ("bad-export-format", ["export", "--format", "xml"], 2, "--format"),
    ("empty-query", ["search", ""], 2, "empty search query"),
    ("blank-query", ["search", "   "], 2, "empty search query"),
    ("missing-argument", ["show"], 2, "ID"),
    ("too-many-arguments", ["pillars", "merida", "extra"], 2, "extra"),
    ("compare-one-arg", ["compare", "merida"], 2, "B"),
    ("control-chars-id", ["show", "mer\x1b[31mida\x07"], 2, "unknown id"),
    ("nul-in-topic", ["recs", "--topic", "fire\x00arms"], 2, "unknown topic"),
    ("rtl-override-ignored", ["recs", "--topic", "\u202efirearm", "--json"], 2,
     "did you mean 'firearms'"),
    ("missing-data-dir", ["--data", "/nonexistent/pack", "recs"], 2, "no such data directory"),
    ("data-is-file", ["--data", "/etc/hostname", "recs"], 2, "not a directory"),
    ("verify-missing-texts", ["verify", "--texts", "/nonexistent"], 2, "not a directory"),
    ("verify-no-texts", ["verify"], 2, "--texts"),
    ("coverage-unknown-source", ["coverage", "olsn", "--texts", "/tmp"], 2, "did you mean 'olson'"),
    ("gaps-unknown", ["gaps", "meridaa"], 2, "did you mean 'merida'"),
    ("diff-unknown", ["diff", "merida", "nope-program"], 2, "unknown program"),
    ("init-pack-on-file", ["init-pack", "/etc/hostname"], 2, "not a directory"),
    ("empty-result", ["recs", "--actor", "nobody-at-all"], 1, "no recommendations match"),
    ("invalid-utf8-argument", ["show", "mer\udcffida"], 2, "unknown id 'mer\ufffdida'"),
    ("empty-id", ["show", ""], 2, "unknown id ''"),
    ("missing-data-value", ["recs", "--data"], 2, "--data"),
]


@pytest.mark.parametrize("argv,code,fragment", [c[1:] for c in BAD_COMMAND_LINES], ids=[c[0] for c in BAD_COMMAND_LINES])
def test_hostile_argument(argv, code, fragment):
    result = run_cli(*argv)
    assert result.code == code, (result.code, result.err)
    assert "Traceback" not in result.err + result.out and "a bug in merida" not in result.err
    assert fragment in result.err
    assert len(result.err.strip().splitlines()) == 1, result.err


COMMANDS = ["pillars", "programs", "show", "recs", "funding", "timeline", "topics", "sources",
            "figures", "assessments", "search", "compare", "diff", "gaps", "export", "schema"]


OPTIONS = ["--json", "--format", "csv", "markdown", "table", "--topic", "--program", "--source",
           "--actor", "--kind", "--limit", "--from", "--to", "--all", "--account", "--recipient",
           "--help", "-n", "-t", "-p"]


VALUES = ["merida", "bicentennial", "firearms", "guns", "olson", "merida-pillar-4", "2021",
          "appropriation", "INCLE", "10", "-1", "", "é", "\x00", "--", "nope"]


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.sampled_from(COMMANDS), st.lists(st.one_of(st.sampled_from(OPTIONS + VALUES),
                                                     st.text(max_size=12)), max_size=6))
def test_random_command_lines_exit_0_1_or_2(command, rest):
    result = run_cli(command, *rest)
    assert result.code in (0, 1, 2), (command, rest, result.err)
    assert "Traceback" not in result.err + result.out and "a bug in merida" not in result.err


ARGS = [
    ("data-empty", ["--data", "", "recs"], "--data: empty path"),
    ("data-empty-equals", ["--data=", "recs"], "--data: empty path"),
    ("init-pack-empty", ["init-pack", ""], "DIR: empty path"),
    ("diff-empty", ["diff", "", ""], "A: empty path"),
    ("diff-second-empty", ["diff", "merida", ""], "B: empty path"),
    ("verify-texts-empty", ["verify", "--texts", ""], "--texts: empty path"),
    ("coverage-texts-empty", ["coverage", "olson", "--texts", ""], "--texts: empty path"),
    ("export-output-empty", ["export", "-o", ""], "--output: empty path"),
    ("recs-program-empty", ["recs", "--program", ""], "'--program'"),
    ("recs-source-empty", ["recs", "--source", ""], "'--source'"),
    ("recs-topic-empty", ["recs", "--topic", ""], "'--topic'"),
    ("recs-topic-one-empty", ["recs", "--topic", "guns", "--topic", ""], "'--topic'"),
    ("recs-actor-blank", ["recs", "--actor", "  "], "'--actor'"),
    ("funding-measure-empty", ["funding", "--measure", ""], "'--measure'"),
    ("funding-account-empty", ["funding", "--account", ""], "'--account'"),
    ("funding-recipient-empty", ["funding", "--recipient", ""], "'--recipient'"),
    ("figures-source-empty", ["figures", "--source", ""], "'--source'"),
    ("assessments-program-empty", ["assessments", "--program", ""], "'--program'"),
    ("timeline-program-empty", ["timeline", "--program", ""], "'--program'"),
    ("gaps-empty-program", ["gaps", ""], "'program': empty value"),
    ("search-kind-empty", ["search", "x", "--kind", ""], "unknown kind ''"),
    ("coverage-texts-missing", ["coverage", "olson", "--texts", "/nonexistent/texts"],
     "not a directory"),
]


@pytest.mark.parametrize("argv,fragment", [c[1:] for c in ARGS], ids=[c[0] for c in ARGS])
def test_empty_arguments_are_usage_errors(argv, fragment):
    result = clean(run_cli(*argv))
    assert result.code == 2, (result.code, result.err)
    assert fragment in result.err and len(result.err.strip().splitlines()) == 1, result.err


HUGE = "x" * 100_000


HUGE_ARGS = [("topic", ["recs", "--topic", HUGE]), ("id", ["show", HUGE]),
             ("year", ["timeline", "--from", "9" * 5000]), ("program", ["pillars", HUGE]),
             ("command", [HUGE])]


@pytest.mark.parametrize("argv", [c[1] for c in HUGE_ARGS], ids=[c[0] for c in HUGE_ARGS])
def test_a_huge_argument_gives_a_bounded_message(argv):
    result = clean(run_cli(*argv))
    assert result.code == 2 and len(result.err) < 1000 and "more characters" in result.err


def test_coverage_texts_a_file_is_a_usage_error(tmp_path):
    (tmp_path / "f.txt").write_text("x")
    result = clean(run_cli("coverage", "olson", "--texts", tmp_path / "f.txt"))
    assert result.code == 2 and "not a directory" in result.err


@pytest.mark.parametrize("how", ["diff", "diff-json", "texts"])
def test_two_paths_that_clean_to_the_same_text_stay_two_paths(tmp_path, how):
    import os

    a, b = undecodable(tmp_path, b"p\xff.yaml"), undecodable(tmp_path, b"p\xfe.yaml")
    for path, label in ((a, "T"), (b, "U")):
        with open(path, "w") as handle:
            handle.write(f"topics:\n  - id: t\n    label: {label}\n")
    if how == "texts":
        one, two = undecodable(tmp_path, b"t\xff"), undecodable(tmp_path, b"t\xfe")
        os.mkdir(one)
        os.mkdir(two)
        with open(os.path.join(two, "notes.txt"), "w") as handle:
            handle.write("a quote\n")
        result = clean(run_cli("--no-builtin", "--data", small_pack(tmp_path), "verify",
                                "--texts", one, "--texts", two))
        assert result.code == 0 and "2 quotes verified" in result.err, result.err
        return
    result = clean(run_cli("diff", a, b, *(["--json"] if how == "diff-json" else [])))
    assert result.code == 1, result.err  # they differ: two files were read, not one twice


@pytest.mark.parametrize("args", [["show", "notes"], ["cite", "notes"],
                                  ["export", "--format", "json"], ["validate"]],
                         ids=["show", "cite", "export", "validate"])
def test_fields_on_a_document_is_a_usage_error(tmp_path, args):
    result = run_on_pack("--fields", "nope", *args, pack=notes_pack(tmp_path))
    assert result.code == 2 and "--fields" in result.err and result.out == ""


def test_a_commands_own_short_option_is_not_taken_for_a_global_one(tmp_path):
    pack = notes_pack(tmp_path, quote="trace guns")
    quoted = run_on_pack("cite", "r1", "-q", pack=pack)  # cite's -q is --quote, not --quiet
    assert quoted.code == 0 and "\u201ctrace guns\u201d" in quoted.out
    assert run_on_pack("-q", "recs", pack=pack).code == 0  # before the command: --quiet


def test_building_only_the_named_command_leaves_every_command_registered(tmp_path):
    from merida_cli.cli import app

    before = list(app.registered_commands)
    assert run_on_pack("recs", pack=notes_pack(tmp_path)).code == 0
    assert app.registered_commands == before and len(before) > 20
    assert "did you mean 'recs'" in run_cli("recz").err


# ---- streams: closed, full, any locale, Ctrl-C --------------------------------------

def _run_merida(args, env_extra=None, **popen):
    import os
    import subprocess
    import sys

    env = dict(os.environ, **(env_extra or {}))
    code = "import sys; from merida_cli.cli import main; sys.exit(main())"
    return subprocess.run([sys.executable, "-c", code, *args], env=env, check=False,
                          **popen)


def _fds_closed(*fds):
    import os

    def close():
        for fd in fds:
            os.close(fd)
    return close


@pytest.mark.parametrize("args,code", [(["pillars"], 1), (["pillars", "--json"], 1),
                                       (["validate"], 0), (["pillars", "nope"], 2)],
                         ids=["table", "json", "writes-only-stderr", "usage-error"])
def test_a_closed_stdout_is_one_line_and_the_right_exit_code(tmp_path, args, code):
    import subprocess

    done = _run_merida(args, preexec_fn=_fds_closed(1), stderr=subprocess.PIPE)
    err = done.stderr.decode()
    assert done.returncode == code, err
    assert "Traceback" not in err and "a bug in merida" not in err
    if code == 1:
        assert err.strip() == "error: cannot write output: stdout is closed"


@pytest.mark.parametrize("args,code", [(["pillars", "nope"], 2), (["recs", "--topic", "x"], 2),
                                       (["pillars"], 0), (["recs", "--actor", "nobody"], 1)],
                         ids=["usage-error", "unknown-topic", "ok", "no-results"])
def test_a_closed_stderr_keeps_the_exit_code(args, code):
    import subprocess

    done = _run_merida(args, preexec_fn=_fds_closed(2), stdout=subprocess.PIPE)
    assert done.returncode == code


def test_a_full_stdout_is_one_clean_line(tmp_path):
    import os
    import stat
    import subprocess

    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    before = os.stat("/dev/full")
    assert stat.S_ISCHR(before.st_mode)
    with open("/dev/full", "wb") as full:  # an existing device: opened, never replaced
        done = _run_merida(["export"], stdout=full, stderr=subprocess.PIPE)
    after = os.stat("/dev/full")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino
    err = done.stderr.decode()
    assert done.returncode == 1 and err.strip() == \
        "error: cannot write output: No space left on device"


@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "ascii"}, {"LANG": "C", "LC_ALL": "C"},
                                 {"PYTHONIOENCODING": "latin-1"}],
                         ids=["pythonioencoding-ascii", "lang-c", "latin-1"])
def test_output_is_utf8_whatever_the_locale(env):
    import subprocess

    done = _run_merida(["show", "merida"], env_extra={**env, "PYTHONUTF8": "0"},
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert done.returncode == 0, done.stderr.decode()
    assert "Mérida Initiative".encode() in done.stdout
    bad = _run_merida(["show", "mérida-nope"], env_extra={**env, "PYTHONUTF8": "0"},
                      stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert bad.returncode == 2 and b"Traceback" not in bad.stderr


def test_a_path_that_is_not_utf8_prints_as_its_bytes(tmp_path):
    import os
    import subprocess

    a = os.path.join(os.fsencode(tmp_path), b"a\xff.yaml")
    with open(a, "w") as handle:
        handle.write("topics:\n  - id: t\n    label: T\n")
    (tmp_path / "b.yaml").write_text("topics:\n  - id: t\n    label: U\n")
    done = _run_merida(["diff", os.fsdecode(a), str(tmp_path / "b.yaml"), "--json"],
                       env_extra={"LC_ALL": "C.UTF-8", "PYTHONUTF8": "0"},
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert done.returncode == 1 and b"Traceback" not in done.stderr, done.stderr
    assert b"a\xff.yaml" in done.stdout


def test_ctrl_c_is_exit_130_and_one_line(monkeypatch):
    from merida_cli import query

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(query, "timeline", interrupted)
    result = run_cli("timeline")
    assert result.code == 130 and result.err == "interrupted\n"
