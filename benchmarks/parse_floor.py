"""The parse floor of a pack: every file read by the fastest safe reader, one process per core.

Usage: python benchmarks/parse_floor.py DIR

YAML files are read with ryaml (the fast reader merida uses), JSON files with json.loads.
Nothing is validated or stored: this is the least any loader of these files could do, the
baseline a cold load is measured against (issue: a new pack loads at the speed of parsing).
"""

from __future__ import annotations

import json
import os
import sys
from multiprocessing import get_context
from pathlib import Path


def parse(path: str) -> int:
    text = Path(path).read_text(encoding="utf-8")
    if path.endswith(".json"):
        return len(json.loads(text))
    import ryaml

    return len(ryaml.loads(text))


def main() -> int:
    paths = sorted(str(p) for p in Path(sys.argv[1]).iterdir()
                   if p.suffix in (".yaml", ".yml", ".json"))
    with get_context("fork").Pool(os.cpu_count() or 1) as pool:
        kinds = sum(pool.imap(parse, paths, chunksize=1))
    return 0 if kinds else 1


if __name__ == "__main__":
    sys.exit(main())
