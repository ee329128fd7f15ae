"""The optional parts of merida (pyproject's extras): a command that needs one imports it
here, so its absence is one line naming the extra and the pip command, never a traceback.
The exit status is 1 (the CLI's "cannot do it"), not 2: the command line was right."""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from pathlib import Path

from .errors import MeridaError


@dataclass(frozen=True)
class Extra:
    """What an extra gives (the subject of the message), the modules it provides and the
    distributions pip installs for it."""

    gives: str
    modules: tuple[str, ...]
    packages: str
    hint: str = ""


# one table for pyproject.toml's [project.optional-dependencies] as the code sees them
EXTRAS = {
    "cite": Extra("citing in APA, Chicago or MLA style (merida cite, merida brief)",
                  ("citeproc", "lxml"), "citeproc-py"),
    "charts": Extra("the money chart of an HTML or PDF brief (merida brief)",
                    ("matplotlib",), "matplotlib"),
    "sqlite": Extra("merida export --format sqlite|datasette", ("sqlite_utils",),
                    "sqlite-utils"),
    "pdf": Extra("merida brief --format pdf", ("weasyprint",), "weasyprint",
                 " (or use --format html and print it)"),
}


def install_command(extra: str) -> str:
    """The pip command that adds `extra` to this installation: into this interpreter, and
    from the source checkout when merida runs from one (as after `make run`)."""
    checkout = Path(__file__).resolve().parents[1]
    if (checkout / "pyproject.toml").is_file():
        return f"{sys.executable} -m pip install -e '{checkout}[{extra}]'"
    return f"{sys.executable} -m pip install 'merida[{extra}]'"


def missing(extra: str) -> MeridaError:
    """The one-line error for an extra that is not installed (exit 1)."""
    need = EXTRAS[extra]
    return MeridaError(f"{need.gives} needs the {extra} extra ({need.packages}), not "
                       f"installed: {install_command(extra)}{need.hint}")


def require(extra: str):
    """Import the modules of `extra` and return the first; when one is not installed, the
    MeridaError of `missing`. Other errors on import (a missing system library) pass."""
    modules = []
    for name in EXTRAS[extra].modules:
        try:
            modules.append(importlib.import_module(name))
        except ImportError:
            raise missing(extra) from None
    return modules[0]
