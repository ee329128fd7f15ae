"""Long output on a terminal goes through a pager (MERIDA_PAGER, then PAGER, else
`less -FRX`), and only when stdin and stdout are both terminals (Environment.pageable)."""

from __future__ import annotations

import shlex
import subprocess


def page(env, stdout, text: str) -> None:
    """Write `text` to `stdout`, through the pager when it is taller than the terminal."""
    if not text:
        return
    if env.pager and text.count("\n") >= (env.height or 24) and _through_pager(env.pager, text):
        return
    stdout.write(text)


def _through_pager(command: str, text: str) -> bool:
    """True once the pager has shown the text; False if it could not be started."""
    try:
        argv = shlex.split(command)
        if not argv:
            return False
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, encoding="utf-8",
                                errors="replace")
    except (OSError, ValueError):
        return False
    try:
        proc.stdin.write(text)
        proc.stdin.close()
    except (BrokenPipeError, OSError):
        pass  # the reader quit early (q in less)
    while True:
        try:
            proc.wait()
            return True
        except KeyboardInterrupt:
            continue  # Ctrl-C belongs to the pager while it runs
