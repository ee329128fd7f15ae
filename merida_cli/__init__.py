"""merida: a policy explorer for US-Mexico security cooperation.

Usable from Python without the CLI::

    from merida_cli import load_data
    data = load_data()
    data.recommendations(topic="firearms")
"""

__version__ = "0.1.0"


def load_data(paths=(), builtin=True):
    """Load the built-in pack plus any extra pack directories into a Dataset."""
    from .load import load_dataset

    return load_dataset(list(paths), builtin=builtin)
