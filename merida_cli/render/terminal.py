"""Rich tables that fit the terminal; plain (no ANSI at all) when piped."""

from __future__ import annotations

from . import cell


def make_table(env, columns, rows, title=None, caption=None):
    from rich import box
    from rich.table import Table

    table = Table(title=title, caption=caption, box=box.SIMPLE_HEAD if env.color else box.ASCII2,
                  header_style="bold" if env.color else "", title_style="bold" if env.color else "",
                  caption_style="dim" if env.color else "",
                  expand=any(c.ratio for c in columns), show_lines=False, pad_edge=False)
    for col in columns:
        # ids wrap (fold) only when they must: they get a share of the width, never cut
        table.add_column(col.header, ratio=col.ratio, overflow="fold",
                         min_width=col.min_width or (12 if col.no_wrap and col.ratio else None),
                         style=col.style if env.color else None)
    for row in rows:
        table.add_row(*(_cell(col.get(row)) for col in columns))
    return table


def print_table(env, listing, rows) -> None:
    if not env.is_tty:
        env.stdout.write(plain_rows(listing.columns, rows))
        return
    console = env.console()
    console.print(make_table(env, listing.columns, rows, listing.title, listing.caption))
    for extra in listing.extra:
        console.print(extra)


def _cell(value):
    """Rich renderables pass through (highlighted text); everything else as text."""
    return value if hasattr(value, "__rich_console__") else cell(value)


def plain_rows(columns, rows) -> str:
    """Piped output: a header line and one tab-separated line per row (like gh)."""
    def clean(value) -> str:
        return str(value).replace("\t", " ").replace("\n", " ")

    lines = ["\t".join(c.header for c in columns)]
    lines += ["\t".join(clean(_plain(c.get(row))) for c in columns) for row in rows]
    return "\n".join(lines) + "\n"


def _plain(value) -> str:
    return value.plain if hasattr(value, "plain") else cell(value)


def print_lines(env, lines) -> None:
    """(style, text) lines: styled on a colour terminal, plain text otherwise."""
    if env.color:
        from rich.text import Text

        console = env.console()
        for style, text in lines:
            console.print(Text(text, style=style), soft_wrap=True)
    else:
        for _style, text in lines:
            env.out(text)
