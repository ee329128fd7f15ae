"""Pack files on disk: where the packs are, which files hold records, and the mapping
type the parsers build. A leaf module (only errors below it), so the loader, the cache
and the YAML reader all use it without importing each other."""

from __future__ import annotations

from pathlib import Path

from .errors import UsageError

PACK_SUFFIXES = (".yaml", ".yml", ".json")


class LinedDict(dict):
    """A mapping that remembers the line it starts on and the line of each key."""

    __slots__ = ("keylines", "line")


def builtin_pack() -> Path:
    """The pack shipped inside the package (works for wheels and editable installs).

    The package directory itself when it is one (every pip install), else
    importlib.resources, which costs a few milliseconds of imports at startup.
    """
    here = Path(__file__).with_name("data")
    if here.is_dir():
        return here
    from importlib.resources import files  # 6-10 ms (it loads tempfile): only for a zip install

    return Path(str(files("merida_cli") / "data"))


def pack_files(directory: Path) -> list[Path]:
    """The record files of a pack, sorted so merges are deterministic."""
    directory = Path(directory)
    if not directory.exists():
        raise UsageError(f"{directory}: no such data directory")
    if not directory.is_dir():
        raise UsageError(f"{directory}: not a directory (--data expects a pack directory)")
    try:
        entries = sorted(directory.iterdir())
    except OSError as exc:
        raise UsageError(f"{directory}: cannot read directory: {exc.strerror}") from None
    # not only regular files: a FIFO or a dangling link named *.yaml is reported, unread;
    # hidden files are not records (an editor's .#notes.yaml lock, a .~backup.yaml)
    return [p for p in entries if p.suffix in PACK_SUFFIXES and not p.name.startswith(".")
            and not p.is_dir()]
