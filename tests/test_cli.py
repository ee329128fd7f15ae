"""The command line as a user meets it: help, errors, exit codes, pipes, colour."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

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
    from conftest import write_pack
    from test_loader import GOOD

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
