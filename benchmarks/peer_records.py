"""The peer benchmark's input: every record merida would load, as one JSON array.

Usage: python benchmarks/peer_records.py MERIDA JSON_PACK OUT

The built-in records (`merida export --format json`) and a JSON pack's, each with a `kind`
field, written to OUT for `sqlite-utils insert`. A process of its own, so that the
runner, whose children's peak RSS it reports, never holds 100,000 records.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def main() -> int:
    merida, pack, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    builtin = subprocess.run([merida, "export", "--format", "json"], check=True,
                             capture_output=True)
    documents = [json.loads(builtin.stdout)] + [json.loads(p.read_text(encoding="utf-8"))
                                                for p in sorted(pack.glob("*.json"))]
    records = [dict(rec, kind=kind) for document in documents
               for kind, recs in document.items() for rec in recs]
    out.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    print(json.dumps(sorted({key for rec in records for key in rec})))
    return 0


if __name__ == "__main__":
    sys.exit(main())
