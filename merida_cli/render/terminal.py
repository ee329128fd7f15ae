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
from dataclasses import dataclass, field

from ..text import printable
from .base import cell

MIN_COLUMNS = 20  # narrower than this, the terminal width is not believed


def term_width(mode) -> int:
    return max(mode.width, MIN_COLUMNS)


def console(env, mode):
    """A Rich console on stdout: colour only when the mode has it, never ANSI codes
    otherwise; no markup, no emoji codes, no highlighting: data is printed as text."""
    from rich.console import Console

    return Console(file=env.stdout, force_terminal=mode.color, no_color=not mode.color,
                   color_system="auto" if mode.color else None, width=mode.width,
                   height=env.height or 25, markup=False, highlight=False, emoji=False,
                   legacy_windows=False, force_jupyter=False)


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

GAP = 2  # spaces between two columns
INDENT = 2  # a row under its heading line (the lifted columns) is indented this much
READABLE = 16  # a wrapped text column narrower than this reads a word or two a line


def overhead(columns: int) -> int:
    """Characters a table spends beyond its cells: the gaps between columns."""
    return GAP * max(columns - 1, 0)


@dataclass
class Fit:
    shown: list[int]  # column indexes beside each other, in order
    widths: list[int]  # one per shown column
    hidden: list[str]  # headers of the hidden columns
    width: int  # the table's total width
    lifted: list[int] = field(default_factory=list)  # columns on a line above each row

    @property
    def fits(self) -> bool:
        return bool(self.shown)


def essential(columns) -> set[int]:
    """Columns never hidden: those of priority 0 and, for a column that states no
    priority, the first (the row's key), the Id and the text columns with the largest
    share of the width (`ratio`)."""
    top = max((c.ratio or 0) for c in columns)
    return {i for i, c in enumerate(columns) if c.priority == 0 or c.priority is None and (
        i == 0 or c.header == "Id" or (top and c.ratio == top))}


def fit(columns, cells: list[list], width: int, wide: bool = False) -> Fit:
    """Which columns to show and how wide, so no word is split and the table fits.

    One rule for every listing: the least important columns (highest `priority`, then
    the rightmost) hide first; the essential ones never hide. When those do not fit side
    by side, the widest unbreakable ones (ids, source ids: one word a cell) move to a
    line of their own above each row, so the columns that say who or what keep their
    room. A wrapped text column gets its `readable` width before anything else does;
    only when nothing fits that way is it narrowed to its longest word. An empty `shown`
    means even that does not fit: use a record view."""
    n = len(columns)
    maxs = [max([cell_len(c.header)] + [max((cell_len(line) for line in
                                             _plain(row[i]).splitlines()), default=0)
                                        for row in cells])
            for i, c in enumerate(columns)]
    # a no_wrap column (ids, dates, short labels) is as wide as its widest cell line
    mins = [maxs[i] if c.no_wrap else
            max([longest_word(c.header)] + [_min_width(row[i]) for row in cells])
            for i, c in enumerate(columns)]
    if wide:
        shown = list(range(n))
        return _widths(columns, shown, mins, maxs, max(width, _need(shown, mins)), [], [])
    floors = [max(mins[i], min(maxs[i], readable(c))) for i, c in enumerate(columns)]
    keep = essential(columns)
    # ids and source ids: one word a cell, so wrapping cannot narrow them
    liftable = sorted((i for i in keep if all(len(_plain(row[i]).split()) <= 1 for row in cells)),
                      key=lambda i: -mins[i])
    for base in (floors, mins):
        for k in range(min(len(liftable), len(keep) - 1) + 1):
            lifted = sorted(liftable[:k])
            room = width - (INDENT if lifted else 0)
            shown = [i for i in range(n) if i not in lifted]
            order = sorted((i for i in shown if i not in keep),
                           key=lambda i: (-(columns[i].priority or 1), -i))
            hidden: list[str] = []
            while _need(shown, base) > room and order:
                victim = order.pop(0)
                shown.remove(victim)
                hidden.append(columns[victim].header)
            if _need(shown, base) <= room:
                return _widths(columns, shown, base, maxs, room, hidden, lifted)
    return Fit([], [], [columns[i].header for i in range(n) if i not in keep], width)


def readable(column) -> int:
    """The width a wrapped text column needs to read well: its `min_width`, else by its
    share (`ratio`) of the width, never under READABLE; 0 for a column that states none."""
    if column.min_width:
        return column.min_width
    return max(READABLE, READABLE // 2 * column.ratio) if column.ratio else 0


def _need(idx, mins) -> int:
    return sum(mins[i] for i in idx) + overhead(len(idx))


def _widths(columns, shown, mins, maxs, total, hidden, lifted) -> Fit:
    """Weighted water-filling: the spare width goes in shares by `ratio`, and a column
    that needs less than its share to show its cells on one line passes the rest on."""
    widths = {i: mins[i] for i in shown}
    extra = total - _need(shown, mins)
    weight = {i: columns[i].ratio or 1 for i in shown}
    wanting = sorted((i for i in shown if maxs[i] > mins[i]),
                     key=lambda i: (maxs[i] - mins[i]) / weight[i])
    for k, i in enumerate(wanting):
        rest = sum(weight[j] for j in wanting[k:])
        share = min(maxs[i] - mins[i], extra * weight[i] // rest)
        widths[i] += share
        extra -= share
    out = [widths[i] for i in shown]
    return Fit(shown, out, hidden, sum(out) + overhead(len(out)), lifted)


# ---- drawing a table -------------------------------------------------------------

def _text_lines(value, width: int):
    """A cell as Rich Text lines no wider than `width`, broken between words (a
    highlighted cell keeps its highlights)."""
    from rich.text import Text

    if isinstance(value, Text):
        plain = value.plain
        return [value[a:b] for a, b in wrap_spans(plain, width)] or [Text()]
    return [Text(line) for line in _lines(value, width)]


def wrap_spans(text: str, width: int) -> list[tuple[int, int]]:
    """`wrap` as (start, end) offsets into `text`, for text whose characters carry styles."""
    spans: list[tuple[int, int]] = []
    for m in re.finditer(r"\S+", text):
        if spans and cell_len(text[spans[-1][0]:m.end()]) <= width:
            spans[-1] = (spans[-1][0], m.end())
        else:
            spans.append((m.start(), m.end()))
    return spans


def table_lines(layout: Fit, columns, cells, color: bool, width: int) -> list:
    """The table as Rich Text lines: headers, a rule, then each row's cells side by side,
    wrapped in their columns; lifted columns make a heading line above their row."""
    from rich.text import Text

    bold = "bold" if color else ""
    indent = " " * (INDENT if layout.lifted else 0)

    def side_by_side(parts: list[list], style: str = "") -> list:
        rows = []
        for k in range(max(len(p) for p in parts)):
            line = Text(indent, style=style)
            for j, (part, column_width) in enumerate(zip(parts, layout.widths)):
                piece = part[k] if k < len(part) else Text()
                line.append_text(piece)
                if j < len(parts) - 1:
                    line.append(" " * (column_width - cell_len(piece.plain) + GAP))
            line.rstrip()
            rows.append(line)
        return rows

    lines = []
    if layout.lifted:
        lines += [Text(line, style=bold) for line in
                  heading([printable(columns[i].header) for i in range(len(columns))],
                          layout.lifted, width)]
    lines += side_by_side([[Text(h) for h in wrap(printable(columns[i].header), w)]
                           for i, w in zip(layout.shown, layout.widths)], bold)
    rule_width = layout.width + len(indent)
    lines.append(Text(("─" if color else "-") * rule_width, style="dim" if color else ""))
    for row in cells:
        if layout.lifted:
            lines += [Text(line, style=bold) for line in heading(row, layout.lifted, width)]
        lines += side_by_side([_text_lines(row[i], w)
                               for i, w in zip(layout.shown, layout.widths)])
    return lines


def heading(row, lifted: list[int], width: int) -> list[str]:
    """A row's lifted values, side by side while they fit the width, else a line each
    (the header block names their columns)."""
    lines: list[str] = []
    for value in (v for v in (_plain(row[i]) for i in lifted) if v):
        if lines and cell_len(lines[-1]) + 2 + cell_len(value) <= width:
            lines[-1] += "  " + value
        else:
            lines.append(value)
    return lines


# ---- printing --------------------------------------------------------------------

def make_table(mode, columns, rows, title=None, caption=None):
    """A renderable that fits the terminal: a table, or a record view, and a line
    naming any hidden columns. `print_view` prints it."""
    return TableView(mode, list(columns), list(rows), title, caption)


class TableView:
    def __init__(self, mode, columns, rows, title=None, caption=None):
        self.mode, self.columns, self.rows = mode, columns, rows
        self.title, self.caption = title, caption

    def renderables(self, width: int):
        """Rich Text lines, none wider than `width` (but for a word wider than it, or a
        --wide table)."""
        from rich.text import Text

        mode = self.mode
        cells = [[_cell_value(c.get(row)) for c in self.columns] for row in self.rows]
        layout = fit(self.columns, cells, width, mode.wide)
        if not layout.fits:
            yield from self._records(cells, width)
            return
        if self.title:
            yield Text("\n".join(wrap(printable(self.title), width)),
                       style="bold" if mode.color else "")
        yield from table_lines(layout, self.columns, cells, mode.color, width)
        if self.caption:
            yield Text("\n".join(wrap(printable(self.caption), width)),
                       style="dim" if mode.color else "")
        if layout.hidden:
            note = (f"({', '.join(layout.hidden)} hidden to fit {width} columns; "
                    "--wide shows every column)")
            yield Text("\n".join(wrap(note, width)), style="dim" if mode.color else "")

    def _records(self, cells, width: int):
        """One block per record: `field: value` lines wrapped at word boundaries."""
        from rich.text import Text

        bold = "bold" if self.mode.color else ""
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
        yield from self.renderables(min(options.max_width, term_width(self.mode)))


def print_view(env, mode, view) -> None:
    """A table view drawn on the terminal: its lines as drawn, never re-wrapped by Rich
    (a --wide table may be wider than the terminal)."""
    parts = list(view.renderables(term_width(mode)))
    if not mode.color:
        env.stdout.write("".join(part.plain + "\n" for part in parts))
        return
    from rich.text import Text

    console(env, mode).print(Text("\n").join(parts), soft_wrap=True)


def print_table(env, mode, listing, rows) -> None:
    print_view(env, mode, make_table(mode, listing.columns, rows, listing.title,
                                     listing.caption))
    if listing.extra:
        drawn = console(env, mode)
        for extra in listing.extra:
            drawn.print(extra, soft_wrap=True)


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


def print_lines(env, lines, mode) -> None:
    """(style, text) lines: drawn on a terminal (`mode.terminal`), wrapped to its width
    with hanging indents and styled when it has colour; else plain text, one line per
    line."""
    safe = [(style, printable(text)) for style, text in lines]
    if not mode.terminal:
        for _style, text in safe:
            env.out(text)
        return
    width = term_width(mode)
    if not mode.color:
        for _style, text in safe:
            for line in hanging_wrap(text, width):
                env.out(line)
        return
    from rich.text import Text

    drawn = console(env, mode)
    for style, text in safe:
        for line in hanging_wrap(text, width):
            drawn.print(Text(line, style=style), soft_wrap=True)
