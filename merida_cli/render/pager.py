"""Long output on a terminal goes through a pager (MERIDA_PAGER, then PAGER, else
`less -FRX`), and only when stdin and stdout are both terminals (Environment.pageable).

A pager that cannot be started or that fails (exits non-zero: `false`, a bad option) has
shown nothing the user can rely on, so the text is written as if there were no pager,
after one line on stderr saying why (git says "cannot run" and loses the text of a pager
that fails). A pager that exits 0 has done its work, even unread: `q` in less after the
first screen looks the same from here as `PAGER=true`."""

from __future__ import annotations

import shlex
import signal
import subprocess

from ..env import DEFAULT_PAGER


def page(env, stdout, text: str) -> None:
    """Write `text` to `stdout`, through the pager when it is taller than the terminal."""
    if not text:
        return
    if env.pager and text.count("\n") >= (env.height or 24):
        failure = _through_pager(env.pager, text)
        if failure is None:
            return
        if failure:
            env.err(f'error: the pager "{env.pager}" {failure}; the output follows unpaged')
    stdout.write(text)


def _through_pager(command: str, text: str) -> str | None:
    """None once the pager has shown the text; else why not ('' for a blank command or the
    default pager not installed: no error of the user's, as git takes a blank one)."""
    try:
        argv = shlex.split(command)
        if not argv:
            return ""
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, encoding="utf-8",
                                errors="replace")
    except ValueError as exc:  # shlex: an unclosed quote
        return f"cannot be read ({exc})"
    except OSError as exc:
        return "" if command == DEFAULT_PAGER else f"cannot be run ({exc.strerror or exc})"
    try:
        proc.stdin.write(text)
        proc.stdin.close()
    except (BrokenPipeError, OSError):
        pass  # the reader quit early (q in less)
    interrupted = False
    while True:
        try:
            code = proc.wait()
            break
        except KeyboardInterrupt:
            interrupted = True  # Ctrl-C belongs to the pager while it runs
    if code == 0 or interrupted:  # an interrupted pager was the reader's choice
        return None
    if code < 0:
        try:
            return f"was killed by {signal.Signals(-code).name}"
        except ValueError:  # a real-time signal has no name
            return f"was killed by signal {-code}"
    return f"exited with status {code}"
