"""How a command's output looks, decided once: `output_mode` reads the terminal's facts (the
Environment: is stdout a terminal, colour, width) and the flags (--json, --format, --wide,
--fields) and returns a Mode, as httpie decides its output in one function
(`get_stream_type_and_kwargs`). Views ask the Mode (`mode.terminal`, `mode.grouped`,
`mode.json`); none tests the terminal or combines a format with it itself.

Paging is decided apart, around the whole run (`cli.main`, `Environment.pageable`): it
covers every command's output (a brief or an export too), before the flags are read.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Format(str, Enum):
    table = "table"
    plain = "plain"
    json = "json"
    csv = "csv"
    markdown = "markdown"


@dataclass(frozen=True)
class Mode:
    """One command's output mode. `terminal`: drawn for a reader (a table fitted to the
    width, prose wrapped, a chart), which is --format table on a terminal; any other
    table or plain output is tab-separated lines for tools."""

    format: Format = Format.table
    terminal: bool = False
    color: bool = False  # styles, only where the output is drawn on a colour terminal
    width: int = 80  # the terminal's columns
    wide: bool = False  # --wide: keep every table column
    fields: tuple[str, ...] = ()  # --fields: only these columns or keys

    @property
    def json(self) -> bool:
        return self.format is Format.json

    @property
    def grouped(self) -> bool:
        """A reader's layout: one table per group under its title (funding by measure),
        on a terminal and in Markdown; tools (plain, CSV) get one stream with one header."""
        return self.terminal or self.format is Format.markdown


def pick_format(json_flag: bool, fmt: Format | None) -> Format:
    """--json, else --format, else a table."""
    return Format.json if json_flag else (fmt or Format.table)


def output_mode(env, json_flag: bool = False, fmt: Format | None = None) -> Mode:
    """The one place that decides how output looks, from the environment and the flags."""
    chosen = pick_format(json_flag, fmt)
    terminal = chosen is Format.table and env.is_tty
    return Mode(chosen, terminal, terminal and env.color, env.width or 80, env.wide,
                tuple(env.fields or ()))
