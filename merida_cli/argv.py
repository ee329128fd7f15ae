"""The command line as typer should see it, and the arguments as the user gave them.

Two rewrites before typer parses: arguments that are not UTF-8 (lone surrogates) are made
U+FFFD for ids and words, while a path keeps its original bytes (`user_path` finds them in
`raw_values`); and the global options (--data, --no-builtin, --no-pager, --wide,
--fields, --quiet) may follow the command: they are moved to the front.
"""

from __future__ import annotations

from pathlib import Path

from .errors import UsageError

# the root's options that may also follow the command: those taking a value, the flags
# (not -q: after a command it is that command's own, cite -q is --quote)
GLOBAL_WITH_VALUE = ("--data", "-d", "--fields")
GLOBAL_FLAGS = ("--no-builtin", "--no-pager", "--wide", "--quiet")


def prepare(raw: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    """The arguments typer parses (cleaned, globals first), and cleaned -> as given for
    those that cleaning changed."""
    cleaned = globals_first([clean_arg(a) for a in raw])
    return cleaned, raw_values(cleaned, globals_first(list(raw)))


def clean_arg(arg: str) -> str:
    """Bytes that are not UTF-8 arrive as lone surrogates; make them U+FFFD (for ids and
    words; paths get their original back through `user_path`)."""
    return arg.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def raw_values(cleaned: list[str], raw: list[str]) -> dict[str, list[str]]:
    """cleaned -> the arguments as given, in command-line order, for those cleaning changed
    (and `--opt=value` values). A list: two different paths can clean to the same text."""
    out: dict[str, list[str]] = {}
    for c, r in zip(cleaned, raw):
        if c != r:
            if c.startswith("-") and "=" in c:
                c, r = c.split("=", 1)[1], r.split("=", 1)[1]
            out.setdefault(c, []).append(r)
    return out


def user_path(value: str, what: str, raw: dict[str, list[str]]) -> Path:
    """A path argument: never empty (that would quietly mean the current directory), and
    the bytes the user gave even when they are not UTF-8 (`raw`: from `prepare`; each
    original is used once, as path options are read in command-line order)."""
    if not value:
        raise UsageError(f"{what}: empty path (write . for the current directory)")
    given = raw.get(value)
    return Path(given.pop(0) if given else value)


def is_global(arg: str) -> bool:
    return arg.startswith(("--data=", "--fields=")) or arg in GLOBAL_FLAGS


def command_of(args: list[str]) -> str | None:
    """The subcommand a command line names after the global options, or None (root
    --help, --version, completion options, or no command at all)."""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in GLOBAL_WITH_VALUE:
            i += 2
        elif is_global(arg) or arg == "-q":
            i += 1
        elif arg.startswith("-"):
            return None
        else:
            return arg
    return None


def globals_first(argv: list[str]) -> list[str]:
    """Let the global options (--data/-d, --no-builtin, --no-pager, --wide, --fields,
    --quiet; not -q, a command's own there) appear after the subcommand too: move them to
    the front."""
    front, rest, i = [], [], 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest += argv[i:]
            break
        if arg in GLOBAL_WITH_VALUE and i + 1 < len(argv):
            front += [arg, argv[i + 1]]
            i += 2
            continue
        if is_global(arg):
            front.append(arg)
        else:
            rest.append(arg)
        i += 1
    return front + rest
