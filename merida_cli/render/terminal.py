"""Rich tables that fit the terminal; plain (no ANSI at all) when piped."""

from __future__ import annotations

from . import cell


def make_table(env, columns, rows, title=None, caption=None):
    from rich import box
    from rich.table import Table

    table = Table(title=title, caption=caption, box=box.SIMPLE_HEAD if env.color else box.ASCII2,
                  header_style="bold" if env.color else "", title_style="bold" if env.color else "",
                  expand=False, show_lines=False, pad_edge=False)
    for col in columns:
        table.add_column(col.header, no_wrap=col.no_wrap, ratio=col.ratio, overflow="fold",
                         style=col.style if env.color else None)
    for row in rows:
        table.add_row(*(_cell(col.get(row)) for col in columns))
    return table


def print_table(env, listing, rows) -> None:
    console = env.console()
    console.print(make_table(env, listing.columns, rows, listing.title, listing.caption))
    for extra in listing.extra:
        console.print(extra)


def _cell(value):
    """Rich renderables pass through (highlighted text); everything else as text."""
    return value if hasattr(value, "__rich_console__") else cell(value)
