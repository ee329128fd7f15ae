"""merida's version, in a module of its own: the cache key and `--version` read it without
importing the package's door (which opens the Catalog), and pyproject takes it from here."""

__version__ = "0.1.0"
