"""The checksum a cached row carries, in one place below both sides: fastcheck computes it
as it prepares rows, the store checks it as it reads them back."""

from __future__ import annotations

import zlib  # a builtin module


def checksum(kind: str, rid: str, body: bytes) -> int:
    """What a cached row carries of its kind, id and body (a changed byte, a row moved)."""
    return zlib.crc32(body, zlib.crc32(f"{kind}\0{rid}\0".encode()))
