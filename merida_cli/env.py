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
    _dataset: object = None
    # arguments as the user gave them, where the command line saw them cleaned (a path
    # that is not UTF-8 must stay the bytes given, not become U+FFFD)
    raw_args: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_system(cls, data=(), builtin=True) -> Environment:
        _occupy_closed_fds()
        # surrogateescape: a path that is not UTF-8 prints as the bytes it is
        stdout = _utf8(sys.stdout, "surrogateescape") if sys.stdout is not None else \
            ClosedStream()
        stderr = _utf8(sys.stderr, "backslashreplace") if sys.stderr is not None else \
            open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as we do
        is_tty = _isatty(stdout)
        color = is_tty and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"
        from .load import env_packs

        return cls(PipeGuard(stdout), stderr, is_tty, color, None,
                   env_packs() + list(data), builtin,
                   os.environ.get("MERIDA_NO_CACHE", "") == "")

    def dataset(self):
        """The loaded packs, loaded once per process."""
        if self._dataset is None:
            from .load import load_dataset

            self._dataset = load_dataset(self.data, self.builtin, self.use_cache)
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


def _occupy_closed_fds() -> None:
    """A closed stdin/stdout/stderr (`>&-`) would hand its number to the next file opened
    (the cache database would receive our output): park /dev/null there."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            try:
                opened = os.open(os.devnull, os.O_RDWR)
                if opened != fd:
                    os.dup2(opened, fd)
                    os.close(opened)
            except OSError:
                pass


def _utf8(stream, errors: str):
    """Output is UTF-8 whatever the locale (LANG=C, PYTHONIOENCODING=ascii)."""
    try:
        stream.reconfigure(encoding="utf-8", errors=errors)
    except (AttributeError, ValueError, OSError):
        pass
    return stream


class OutputError(Exception):
    """stdout cannot be written (closed, a full disk): `cli.main` says so in one line."""


class ClosedStream:
    """Stands in for a closed stdout: any write is an OutputError."""

    encoding = "utf-8"

    def write(self, text: str) -> int:
        if text:
            raise OutputError("stdout is closed")
        return 0

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


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
        except OSError as exc:
            raise OutputError(exc.strerror or str(exc)) from None

    def flush(self) -> None:
        try:
            self.stream.flush()
        except BrokenPipeError:
            raise PipeClosed() from None
        except OSError as exc:
            raise OutputError(exc.strerror or str(exc)) from None

    def __getattr__(self, name):
        return getattr(self.stream, name)


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
