"""What every output format shares, below them all: formats and terminal import it, and
the render package re-exports it, so no module of render imports its own package."""

from __future__ import annotations


def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)
