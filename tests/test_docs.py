"""The README's CLI reference and example output are generated; stale means failing."""

from __future__ import annotations

from conftest import REPO


def test_readme_is_up_to_date():
    from cogapp import Cog

    cog = Cog()
    status = cog.main(["cog", "--check", "--check-fail-msg=run `make docs`",
                       str(REPO / "README.md")])
    assert status == 0, "README.md is stale: run `make docs`"


def test_readme_quick_start_has_exactly_the_two_commands():
    text = (REPO / "README.md").read_text()
    block = text.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["make run", "make test"]


def test_ci_runs_the_readme_test_command():
    ci = (REPO / ".ci" / "run").read_text()
    assert "set -euo pipefail" in ci and "make test" in ci
