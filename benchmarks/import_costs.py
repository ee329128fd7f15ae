"""What each module imported inside a function would cost every start if it were imported
at the top: the median time to import it on top of what `merida --help` loads.

Usage: python benchmarks/import_costs.py [MODULE ...]
Without arguments it measures the modules of the table "Imports inside functions" in
BENCHMARKS.md and prints the table again with the new figures (paste it back).
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
BENCHMARKS = HERE.parent / "BENCHMARKS.md"
HEADING = "## Imports inside functions"
ROUNDS = 9
ROW = re.compile(r"^\| `([\w.]+)` \| [\d.]+ \| (.*) \|$")

# each run: a fresh interpreter that loads the command line (as `merida --help` does),
# then imports the module; the time of that import alone
PROBE = """
import importlib, sys, time
import merida_cli.cli
start = time.perf_counter()
importlib.import_module(sys.argv[1])
print((time.perf_counter() - start) * 1000)
"""


def table_rows(text: str) -> list[tuple[str, str]]:
    """(module, why) of each row of the table in BENCHMARKS.md."""
    section = text.split(HEADING, 1)[1].split("\n## ", 1)[0]
    return [(m.group(1), m.group(2)) for line in section.splitlines()
            if (m := ROW.match(line))]


def cost_ms(module: str) -> float:
    runs = []
    for _ in range(ROUNDS):
        done = subprocess.run([sys.executable, "-c", PROBE, module], capture_output=True,
                              text=True, check=True)
        runs.append(float(done.stdout))
    return statistics.median(runs)


def main(argv: list[str]) -> int:
    rows = [(m, "") for m in argv] or table_rows(BENCHMARKS.read_text(encoding="utf-8"))
    for module, why in rows:
        print(f"| `{module}` | {cost_ms(module):.1f} | {why} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
