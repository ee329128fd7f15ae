"""Output on a terminal: tables that fit the width without splitting an id, a number, a
date or a word, and prose wrapped at word boundaries with hanging indents.

A table gets, per column, the width of its longest word at least. When the columns do
not fit, lower-priority columns are hidden and a line under the table says which
(`--wide` keeps them all); when even the essential ones do not fit, each record is
shown as a block of `field: value` lines. Lists (topics, programs) wrap between items.
Nothing from the data is read as Rich markup, and every value goes through
`text.printable`, so control characters and escape sequences are shown escaped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..text import printable
from .base import cell

MIN_COLUMNS = 20  # narrower than this, the terminal width is not believed


def term_width(env) -> int:
    return max(env.width or 80, MIN_COLUMNS)


# ---- words and wrapping ------------------------------------------------------

def cell_len(text: str) -> int:
    if text.isascii():
        return len(text)
    from rich.cells import cell_len as rich_cell_len

    return rich_cell_len(text)


def longest_word(text: str) -> int:
    return max((cell_len(w) for w in text.split()), default=0)


def wrap(text: str, width: int) -> list[str]:
    """Greedy wrap at spaces; a word longer than the width keeps a line of its own, whole."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and cell_len(current) + 1 + cell_len(word) <= width:
            current += " " + word
        else:
            if current:
                lines.append(current)
            current = word
    lines.append(current)
    return lines


def wrap_items(items: list[str], width: int) -> list[str]:
    """A list as lines broken between items ('a, b,' / 'c'); an item wider than the
    line is wrapped at its own word boundaries."""
    lines: list[str] = []
    current = ""
    for i, item in enumerate(items):
        piece = item + ("," if i < len(items) - 1 else "")
        if current and cell_len(current) + 1 + cell_len(piece) <= width:
            current += " " + piece
            continue
        if current:
            lines.append(current)
        parts = wrap(piece, width)
        lines += parts[:-1]
        current = parts[-1]
    if current or not lines:
        lines.append(current)
    return lines


# ---- cells -----------------------------------------------------------------------

def _cell_value(value):
    """A list of escaped strings, a Rich Text without unsafe characters, or a string."""
    if isinstance(value, (list, tuple)):
        return [printable(v) for v in value]
    if hasattr(value, "__rich_console__") and hasattr(value, "plain"):
        return value if printable(value.plain) == value.plain else printable(value.plain)
    # line breaks a view put in a cell are kept on a terminal; everything else escaped
    return "\n".join(printable(line) for line in cell(value).split("\n"))


def _plain(value) -> str:
    if isinstance(value, list):
        return ", ".join(value)
    return value.plain if hasattr(value, "plain") else value


def _min_width(value) -> int:
    if isinstance(value, list):
        return max((longest_word(v) + 1 for v in value), default=0)
    return longest_word(_plain(value))


def _lines(value, width: int) -> list[str]:
    if isinstance(value, list):
        return wrap_items(value, width)
    return [w for line in _plain(value).splitlines() or [""] for w in wrap(line, width)]


# ---- fitting a table -------------------------------------------------------------

def overhead(columns: int) -> int:
    """Characters a table spends beyond its cells: two edges, a divider between columns
    and one space of padding on each inner side of a cell."""
    return 3 * columns - 1


@dataclass
class Fit:
    shown: list[int]  # column indexes, in order
    widths: list[int]  # one per shown column
    hidden: list[str]  # headers of the hidden columns
    width: int  # the table's total width

    @property
    def fits(self) -> bool:
        return bool(self.shown)


def essential(columns) -> set[int]:
    """Columns never hidden: the first (the row's key), the Id, those of priority 0 and
    the text columns with the largest share of the width (`ratio`)."""
    top = max((c.ratio or 0) for c in columns)
    return {i for i, c in enumerate(columns)
            if i == 0 or c.header == "Id" or c.priority == 0 or (top and c.ratio == top)}


def fit(columns, cells: list[list], width: int, wide: bool = False) -> Fit:
    """Which columns to show and how wide, so no word is split and the table fits.
    An empty `shown` means even the essential columns do not fit: use a record view."""
    n = len(columns)
    maxs = [max([cell_len(c.header)] + [max((cell_len(line) for line in
                                             _plain(row[i]).splitlines()), default=0)
                                        for row in cells])
            for i, c in enumerate(columns)]
    # a no_wrap column (ids, dates, short labels) is as wide as its widest cell line
    mins = [maxs[i] if c.no_wrap else
            max([longest_word(c.header)] + [_min_width(row[i]) for row in cells])
            for i, c in enumerate(columns)]
    shown = list(range(n))
    hidden: list[str] = []

    def need(idx):
        return sum(mins[i] for i in idx) + overhead(len(idx))

    if not wide:
        keep = essential(columns)
        order = sorted((i for i in range(n) if i not in keep),
                       key=lambda i: (-(columns[i].priority or 1), -i))
        while need(shown) > width and order:
            victim = order.pop(0)
            shown.remove(victim)
            hidden.append(columns[victim].header)
        if need(shown) > width:
            return Fit([], [], hidden, width)
    total = max(width, need(shown)) if wide else width
    widths = {i: mins[i] for i in shown}
    # weighted water-filling: the spare width goes in shares by `ratio`, and a column
    # that needs less than its share to show its cells on one line passes the rest on
    extra = total - need(shown)
    weight = {i: columns[i].ratio or 1 for i in shown}
    wanting = sorted((i for i in shown if maxs[i] > mins[i]),
                     key=lambda i: (maxs[i] - mins[i]) / weight[i])
    for k, i in enumerate(wanting):
        rest = sum(weight[j] for j in wanting[k:])
        share = min(maxs[i] - mins[i], extra * weight[i] // rest)
        widths[i] += share
        extra -= share
    out = [widths[i] for i in shown]
    return Fit(shown, out, [c for c in hidden], sum(out) + overhead(len(out)))


# ---- printing --------------------------------------------------------------------

def make_table(env, columns, rows, title=None, caption=None):
    """A renderable that fits the terminal: a Rich table, or a record view, and a line
    naming any hidden columns. `print_view` prints it (tab-separated when piped)."""
    return TableView(env, list(columns), list(rows), title, caption)


class TableView:
    def __init__(self, env, columns, rows, title=None, caption=None):
        self.env, self.columns, self.rows = env, columns, rows
        self.title, self.caption = title, caption

    def plain(self) -> str:
        from .formats import plain_rows

        return plain_rows(self.columns, self.rows)

    def renderables(self, width: int):
        env = self.env
        cells = [[_cell_value(c.get(row)) for c in self.columns] for row in self.rows]
        layout = fit(self.columns, cells, width, getattr(env, "wide", False))
        if not layout.fits:
            yield from self._records(cells, width)
            return
        yield self._table(layout, cells)
        if layout.hidden:
            from rich.text import Text

            note = (f"({', '.join(layout.hidden)} hidden to fit {width} columns; "
                    "--wide shows every column)")
            yield Text("\n".join(wrap(note, width)), style="dim" if env.color else "")

    def _table(self, layout: Fit, cells):
        from rich import box
        from rich.table import Table
        from rich.text import Text

        color = self.env.color
        table = Table(title=Text(printable(self.title)) if self.title else None,
                      caption=Text(printable(self.caption)) if self.caption else None,
                      box=box.SIMPLE_HEAD if color else box.ASCII2,
                      header_style="bold" if color else "", title_style="bold" if color else "",
                      caption_style="dim" if color else "", expand=False, show_lines=False,
                      pad_edge=False)
        for i, width in zip(layout.shown, layout.widths):
            col = self.columns[i]
            table.add_column(Text("\n".join(wrap(printable(col.header), width))),
                             width=width, overflow="fold",
                             style=col.style if color else None)
        for row in cells:
            table.add_row(*(row[i] if isinstance(row[i], Text) else
                            Text("\n".join(_lines(row[i], width)))
                            for i, width in zip(layout.shown, layout.widths)))
        return table

    def _records(self, cells, width: int):
        """One block per record: `field: value` lines wrapped at word boundaries."""
        from rich.text import Text

        bold = "bold" if self.env.color else ""
        if self.title:
            yield Text("\n".join(wrap(printable(self.title), width)), style=bold)
        for n, row in enumerate(cells):
            text = Text(no_wrap=True, overflow="ignore")  # wrapped here, never folded by Rich
            if n or self.title:
                text.append("\n")
            for col, value in zip(self.columns, row):
                if _plain(value) == "":
                    continue
                label = printable(col.header) + ": "
                hang = len(label) if len(label) <= width // 3 else 2
                if _min_width(value) > width - hang:  # an id wider than the rest of the line
                    text.append(label.rstrip() + "\n", style=bold)
                    hang = 0
                lines = _lines(value, max(width - hang, 1))
                if hang:
                    text.append(label, style=bold)
                text.append(lines[0] + "\n")
                for line in lines[1:]:
                    text.append(" " * hang + line + "\n")
            text.rstrip()
            yield text
        if self.caption:
            yield Text("\n".join(wrap(printable(self.caption), width)))

    def __rich_console__(self, console, options):
        yield from self.renderables(min(options.max_width, term_width(self.env)))


def print_view(env, view) -> None:
    """A table view on a terminal; its tab-separated rows when piped."""
    if not env.is_tty:
        env.stdout.write(view.plain())
        return
    width = term_width(env)
    console = env.console(width=width)
    for part in view.renderables(width):
        _print_part(env, console, part, width)


def _print_part(env, console, part, width) -> None:
    from rich.table import Table

    if isinstance(part, Table):
        # a --wide table may be wider than the terminal: give it the room it asks for
        need = sum(c.width or 0 for c in part.columns) + overhead(len(part.columns))
        if need > width:
            env.console(width=need).print(part)
            return
    console.print(part, soft_wrap=not isinstance(part, Table))


def print_table(env, listing, rows) -> None:
    print_view(env, make_table(env, listing.columns, rows, listing.title, listing.caption))
    if listing.extra:
        console = env.console()
        for extra in listing.extra:
            console.print(extra, soft_wrap=True)


# ---- prose -------------------------------------------------------------------------

# where a continuation line starts: after the indent and a quote mark, a dash, a diff
# mark, a list number or a 'field: ' label
_HANG = re.compile(r"\s*(?:“|— |[-+=~]{1,3} |\d+\. |[A-Za-z_][\w .()/-]{0,30}: )?")


def hanging_wrap(text: str, width: int) -> list[str]:
    """One line of prose as lines no wider than `width`, continuations indented to
    where the line's text starts (a hanging indent); words are never split."""
    if cell_len(text) <= width:
        return [text]
    head_end = _HANG.match(text).end()
    head, body = text[:head_end], text[head_end:]
    hang = head_end
    if hang > width // 2 or longest_word(body) > width - hang:
        hang = min(len(text) - len(text.lstrip()) + 2, width // 2)
    lines = wrap(body, max(width - hang, 1))
    if cell_len(head) + cell_len(lines[0]) > width and head.strip():
        # the first word does not fit beside the label: it starts the next line
        return [head.rstrip()] + [" " * hang + line for line in lines]
    return [head + lines[0]] + [" " * hang + line for line in lines[1:]]


def print_lines(env, lines, plain: bool = False) -> None:
    """(style, text) lines: on a terminal wrapped to its width with hanging indents and
    styled when it has colour; plain text (one line per line) when piped or `plain`."""
    safe = [(style, printable(text)) for style, text in lines]
    if plain or not env.is_tty:
        for _style, text in safe:
            env.out(text)
        return
    width = term_width(env)
    if not env.color:
        for _style, text in safe:
            for line in hanging_wrap(text, width):
                env.out(line)
        return
    from rich.text import Text

    console = env.console()
    for style, text in safe:
        for line in hanging_wrap(text, width):
            console.print(Text(line, style=style), soft_wrap=True)
