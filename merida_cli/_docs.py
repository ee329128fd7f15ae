"""Generators for the README (run by cog): the CLI reference and real example output.

`make docs` regenerates; tests/test_docs.py fails when the README is stale.
"""

from __future__ import annotations

import io
import os

from typer.main import get_command

from . import load_data
from .cli import app, main
from .env import Environment
from .render.formats import md_table


def run(*args: str, width: int = 100) -> str:
    """Output of `merida ARGS` as a colourless terminal of the given width shows it."""
    out, err = io.StringIO(), io.StringIO()
    env = Environment(stdout=out, stderr=err, is_tty=True, color=False, width=width)
    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(width)  # click wraps --help to the terminal: pin it
    try:
        main(list(args), env)
    finally:
        if saved is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = saved
    text = "\n".join(line.rstrip() for line in out.getvalue().splitlines())
    return text.strip("\n")


EXAMPLE_WIDTH = 80  # the README's examples are what a terminal this wide shows


def example(*args: str, width: int = EXAMPLE_WIDTH, lines: int | None = None) -> str:
    """A fenced block: the command line, then its output as a colourless terminal of
    `width` columns shows it (optionally cut after `lines` lines, marked '...')."""
    output = run(*args, width=width).splitlines()
    if lines is not None and len(output) > lines:
        output = output[:lines] + ["..."]
    command = "merida " + " ".join(a if " " not in a else f'"{a}"' for a in args)
    return "```console\n$ " + command + "\n" + "\n".join(output) + "\n```"


def reference() -> str:
    """Every command's --help, in the app's order."""
    group = get_command(app)
    parts = ["```console\n$ merida --help\n" + run("--help", width=100) + "\n```"]
    for name in group.list_commands(None):
        parts.append(f"#### `merida {name}`\n\n```console\n$ merida {name} --help\n"
                     + run(name, "--help", width=100) + "\n```")
    return "\n\n".join(parts)


def inventory() -> str:
    """A Markdown table: how many records of each kind the built-in pack holds."""
    ds = load_data()
    rows = [(kind, len(ds.records[kind])) for kind in ds.records]
    items = sum(len(s["items"]) for s in ds.records["structures"])
    rows.append(("(structure items: pillars, goals, objectives...)", items))
    return "\n".join(md_table(["kind", "records"], ([kind, str(n)] for kind, n in rows)))
