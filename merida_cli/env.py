"""The environment a command runs in: streams, terminal facts, data packs.

Passed down from `cli.main` so tests can fake a terminal, a narrow width or
NO_COLOR without patching globals (httpie's Environment).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import TextIO


@dataclass
class Environment:
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    is_tty: bool = False
    color: bool = False
    width: int | None = None
    data: list[str] = field(default_factory=list)
    builtin: bool = True
    use_cache: bool = True
    stderr_tty: bool = False  # progress bars are drawn only on a terminal
    quiet: bool = False  # --quiet: no progress bars
    progress_delay: float = 0.5  # seconds of work before a bar appears (MERIDA_PROGRESS_DELAY)
    _dataset: object = None

    @classmethod
    def from_system(cls, data=(), builtin=True) -> Environment:
        is_tty = _isatty(sys.stdout)
        color = is_tty and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"
        from .load import env_packs

        return cls(PipeGuard(sys.stdout), sys.stderr, is_tty, color, None,
                   env_packs() + list(data), builtin,
                   os.environ.get("MERIDA_NO_CACHE", "") == "", _isatty(sys.stderr),
                   progress_delay=_seconds(os.environ.get("MERIDA_PROGRESS_DELAY"), 0.5))

    def progress(self, label: str):
        """A progress bar for long work, on stderr; silent when piped or --quiet."""
        from .progress import Progress

        return Progress(self.stderr, label, self.stderr_tty and not self.quiet,
                        self.progress_delay)

    def dataset(self):
        """The loaded packs, loaded once per process."""
        if self._dataset is None:
            from .load import load_dataset

            with self.progress("reading packs") as progress:
                self._dataset = load_dataset(self.data, self.builtin, self.use_cache,
                                             progress)
        return self._dataset

    def console(self, stderr: bool = False):
        """A Rich console: colour only on a colour terminal, never ANSI codes otherwise."""
        from rich.console import Console

        return Console(file=self.stderr if stderr else self.stdout,
                       force_terminal=self.color, no_color=not self.color,
                       color_system="auto" if self.color else None,
                       width=self.width, highlight=False, emoji=False,
                       legacy_windows=False, force_jupyter=False)

    def out(self, text: str = "") -> None:
        self.stdout.write(text + "\n")

    def err(self, text: str) -> None:
        self.stderr.write(text + "\n")


class PipeClosed(Exception):
    """stdout's reader went away (`merida export | head`): not an OSError, so no layer
    in between (typer exits 1 on EPIPE) handles it before `cli.main` ends quietly."""


class PipeGuard:
    """A text stream that turns a broken pipe into PipeClosed."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text: str) -> int:
        try:
            return self.stream.write(text)
        except BrokenPipeError:
            raise PipeClosed() from None

    def flush(self) -> None:
        try:
            self.stream.flush()
        except BrokenPipeError:
            raise PipeClosed() from None

    def __getattr__(self, name):
        return getattr(self.stream, name)


def _seconds(value: str | None, default: float) -> float:
    try:
        seconds = float(value) if value else default
    except ValueError:
        return default
    return seconds if 0 <= seconds < 3600 else default


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
