"""The environment a command runs in: streams, terminal facts, data packs.

Passed down from `cli.main` so tests can fake a terminal, a narrow width or
NO_COLOR without patching globals (httpie's Environment). These are facts; how output
looks follows from them and the flags in one place, `render.mode.output_mode`.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

# the reader owns its limit; the environment only lets MERIDA_MAX_FILE_MB change it
from .load import DEFAULT_MAX_FILE_MIB, Packs
from .progress import Progress
from .text import printable

# the pager when neither MERIDA_PAGER nor PAGER names one (missing, it is no error)
DEFAULT_PAGER = "less -FRX"


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
    height: int | None = None
    stdin_tty: bool = False
    pager: str | None = None  # the pager command; None: never page
    debug: bool = False  # MERIDA_DEBUG: let an unexpected exception show its traceback
    stderr_tty: bool = False  # progress bars are drawn only on a terminal
    progress_delay: float = 0.5  # seconds of work before a bar appears (MERIDA_PROGRESS_DELAY)
    # global options, set by the root command
    wide: bool = False
    fields: list[str] | None = None
    quiet: bool = False  # --quiet: no progress bars
    # where the cache lives and how big a pack file may be (MERIDA_CACHE_DIR /
    # XDG_CACHE_HOME, MERIDA_MAX_FILE_MB): an Environment made in a test reads them too
    cache_dir: Path = field(default_factory=lambda: cache_dir_from(os.environ))
    max_file_bytes: int = field(default_factory=lambda: max_file_bytes_from(os.environ))
    completing: bool = False  # the shell is asking for completions (_MERIDA_COMPLETE)
    _catalog: object = None
    # arguments as the user gave them, where the command line saw them cleaned (a path
    # that is not UTF-8 must stay the bytes given, not become U+FFFD)
    raw_args: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_system(cls, data=(), builtin=True, environ=None) -> Environment:
        """The real process: its streams, terminal and environment variables, read once."""
        environ = os.environ if environ is None else environ
        _occupy_closed_fds()
        # surrogateescape: a path that is not UTF-8 prints as the bytes it is
        stdout = _utf8(sys.stdout, "surrogateescape") if sys.stdout is not None else \
            ClosedStream()
        stderr = _utf8(sys.stderr, "backslashreplace") if sys.stderr is not None else \
            open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as we do
        is_tty = _isatty(stdout)
        color = is_tty and "NO_COLOR" not in environ and environ.get("TERM") != "dumb"
        width, height = terminal_size(environ, stdout)
        pager = environ.get("MERIDA_PAGER") or environ.get("PAGER") or DEFAULT_PAGER
        return cls(PipeGuard(stdout), stderr, is_tty, color, width,
                   _env_packs(environ) + list(data), builtin,
                   environ.get("MERIDA_NO_CACHE", "") == "", height, _isatty(sys.stdin),
                   pager, bool(environ.get("MERIDA_DEBUG")), _isatty(stderr),
                   _seconds(environ.get("MERIDA_PROGRESS_DELAY"), 0.5),
                   cache_dir=cache_dir_from(environ),
                   max_file_bytes=max_file_bytes_from(environ),
                   completing=bool(environ.get("_MERIDA_COMPLETE")))

    @property
    def pageable(self) -> bool:
        """Long output may go through the pager: stdin and stdout are both terminals."""
        return bool(self.pager) and self.is_tty and self.stdin_tty

    def progress(self, label: str):
        """A progress bar for long work, on stderr; silent when piped or --quiet."""
        return Progress(self.stderr, label, self.stderr_tty and not self.quiet,
                        self.progress_delay)

    def catalog(self):
        """The packs given (--data, MERIDA_DATA, --no-builtin) as the library's Catalog,
        one per process: it loads them once, on the first question, with a progress bar."""
        if self._catalog is None:
            from .catalog import Catalog

            packs = Packs(self.data, self.builtin, self.cache_dir, self.max_file_bytes,
                          self.use_cache)
            self._catalog = Catalog(packs, self.progress)
        return self._catalog

    @property
    def data_loaded(self) -> bool:
        """Whether this process has loaded the packs (a cache may be open)."""
        return self._catalog is not None and self._catalog.loaded

    def forget_data(self) -> None:
        """Drop the loaded packs (a cache that broke mid-command is discarded and the
        command run again from the YAML): the next catalog() reads them afresh."""
        if self.data_loaded:
            self._catalog.dataset.store.discard()
        self._catalog = None

    def out(self, text: str = "") -> None:
        self.stdout.write(text + "\n")

    def err(self, text: str) -> None:
        """A message on stderr, each line with control characters escaped (file names
        and arguments in it cannot drive the terminal)."""
        self.stderr.write("\n".join(printable(line) for line in text.split("\n")) + "\n")


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


def cache_dir_from(environ) -> Path:
    """MERIDA_CACHE_DIR, else $XDG_CACHE_HOME/merida, else ~/.cache/merida."""
    base = environ.get("MERIDA_CACHE_DIR") or os.path.join(
        environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
        "merida")
    return Path(base)


def max_file_bytes_from(environ) -> int:
    """The per-file cap: MERIDA_MAX_FILE_MB (MiB) when it is a positive number, else 256 MiB."""
    raw = environ.get("MERIDA_MAX_FILE_MB", "")
    try:
        mib = float(raw) if raw else DEFAULT_MAX_FILE_MIB
    except ValueError:
        mib = DEFAULT_MAX_FILE_MIB
    if not 0 < mib < float("inf"):  # also false for nan
        mib = DEFAULT_MAX_FILE_MIB
    return int(mib * 1024 * 1024)


def _seconds(value: str | None, default: float) -> float:
    try:
        seconds = float(value) if value else default
    except ValueError:
        return default
    return seconds if 0 <= seconds < 3600 else default


def terminal_size(environ, stream, fallback=(80, 24)) -> tuple[int, int]:
    """Columns and lines: COLUMNS / LINES when they are positive numbers, else the
    terminal's own size, else 80 x 24 (COLUMNS=0 or garbage must not mean no width)."""
    real = None
    try:
        real = os.get_terminal_size(stream.fileno())
    except (AttributeError, ValueError, OSError):
        pass
    size = []
    for name, index in (("COLUMNS", 0), ("LINES", 1)):
        value = environ.get(name, "").strip()
        if value.isdigit() and 0 < int(value) < 100_000:
            size.append(int(value))
        elif real is not None and real[index] > 0:
            size.append(real[index])
        else:
            size.append(fallback[index])
    return size[0], size[1]


def _env_packs(environ) -> list[str]:
    """MERIDA_DATA: extra pack directories, separated like PATH."""
    return [p for p in environ.get("MERIDA_DATA", "").split(os.pathsep) if p]


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
