"""Hostile command lines: every case exits 1 or 2 with a one-line message naming the
argument, never a traceback; and random argument lists only ever exit 0, 1 or 2."""

from __future__ import annotations

import pytest
from conftest import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# (id, argv, exit code, fragment of the message)
CASES = [
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


@pytest.mark.parametrize("argv,code,fragment", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hostile_argument(argv, code, fragment):
    result = run_cli(*argv)
    assert result.code == code, (result.code, result.err)
    assert "Traceback" not in result.err + result.out and "a bug in merida" not in result.err
    assert fragment in result.err
    assert len(result.err.strip().splitlines()) == 1, result.err


def test_huge_search_query():
    result = run_cli("search", "x" * 100_000)
    assert result.code in (0, 1) and "Traceback" not in result.err


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
