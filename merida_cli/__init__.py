"""merida: a policy explorer for US-Mexico security cooperation.

Usable from Python without the CLI::

    from merida_cli import load_data
    data = load_data()
    recs = data.recommendations(topic="firearms")   # a list of records, and a result:
    recs.to_json(), recs.exit_status                # what `merida recs --topic firearms --json` prints
"""

from .version import __version__  # noqa: F401 - merida_cli.__version__


def load_data(paths=(), builtin=True):
    """The built-in pack plus any extra pack directories, as a Catalog: every question
    merida answers is a method returning a result value (`to_json()`, `exit_status`)."""
    from .env import Environment

    # an Environment reads the cache folder and limits from the process environment, once
    return Environment(data=[str(p) for p in paths], builtin=builtin).catalog()
