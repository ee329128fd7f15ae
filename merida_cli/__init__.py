"""merida: a policy explorer for US-Mexico security cooperation.

Usable from Python without the CLI (nothing of typer, click or rich is loaded)::

    import merida_cli
    catalog = merida_cli.open()                        # the built-in pack
    recs = catalog.recommendations(topic="firearms")   # a list of records, and a result:
    recs.to_json(), recs.exit_status                   # `merida recs --topic firearms --json`
    merida_cli.open(["my-pack"], builtin=False, cache="/tmp/merida-cache")
"""

import os
from pathlib import Path

from .env import cache_dir_from, max_file_bytes_from
from .load import Packs
from .version import __version__  # noqa: F401 - merida_cli.__version__


# the library's one door; the name shadows the builtin only inside this module, which
# opens no files itself
def open(data=(), builtin=True, cache=None):
    """The built-in pack (unless `builtin=False`) plus the pack directories in `data`, as a
    Catalog: every question merida answers is a method returning a result value
    (`to_json()`, `exit_status`). Nothing is read until the first question. `cache` is the
    folder of the cache; None takes the CLI's (MERIDA_CACHE_DIR, else
    $XDG_CACHE_HOME/merida, else ~/.cache/merida)."""
    from .catalog import Catalog  # not at the top: `merida --help` needs none of it

    cache_dir = cache_dir_from(os.environ) if cache is None else Path(cache)
    return Catalog(Packs(data, builtin, cache_dir, max_file_bytes_from(os.environ)))


def load_data(paths=(), builtin=True):
    """The older name of `open` (kept for existing callers)."""
    return open(paths, builtin)
