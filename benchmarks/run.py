"""The benchmark runner behind `make bench`: whole-process wall time and peak RSS.

Usage: python benchmarks/run.py [--runs N] [--records N] [--quick] [--json FILE]

Every command is run as a separate process, with stdout to /dev/null, and
timed from spawn to exit. The floor is `python -c "import typer, rich.console,
rich.table"` with the interpreter that runs `merida`. After one warm-up run of
each, the commands are timed in interleaved rounds (floor, cmd1, cmd2, ... per
round), so drift in machine load hits them all alike; each figure is the
median over the rounds and each ratio is median(command) / median(floor).
Peak RSS is the child's ru_maxrss from os.wait4, the largest over the runs.

A synthetic pack of --records records (benchmarks/make_pack.py) is generated
once into benchmarks/.pack-N/ (reused while the built-in data and the
generator are unchanged). Its cold load, validation included, is timed with
an empty cache directory each time; the warm commands share one cache.
MERIDA_CACHE_DIR points at a temporary directory for the whole run, so the
user's cache is untouched. The runner reports; it always exits 0.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
COLD_RUNS = 3
COLD_SLOW_S = 60.0  # a cold load slower than this is timed only once
COLD_TIMEOUT_S = 300.0  # ... and killed after this long

FLOOR = "floor: python -c 'import typer, rich.console, rich.table'"


def find_merida() -> str:
    """The `merida` script beside this interpreter, else the one on PATH."""
    beside = Path(sys.executable).parent / "merida"
    found = str(beside) if beside.exists() else shutil.which("merida")
    if not found:
        sys.exit("run.py: cannot find the merida command; run `make bench` or install merida")
    return found


def interpreter_of(script: str) -> str:
    """The Python named in a script's #! line (the floor must use the same one)."""
    try:
        with open(script, "rb") as handle:
            first = handle.readline().decode(errors="replace").strip()
    except OSError:
        return sys.executable
    if first.startswith("#!") and len(first[2:].split()) == 1 and "python" in first:
        return first[2:].strip()
    return sys.executable


def run_once(argv: list[str], env: dict, timeout: float | None = None) -> dict:
    """Run one process; return wall ms, peak RSS MiB (os.wait4), exit code, stderr head."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=err, env=env)
        deadline = None if timeout is None else start + timeout
        killed = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG if deadline else 0)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                killed = True
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        ms = (time.perf_counter() - start) * 1000
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        err.seek(0)
        lines = err.read().decode(errors="replace").strip().splitlines()
    return {"ms": ms, "rss_mib": usage.ru_maxrss / 1024, "code": code, "timed_out": killed,
            "stderr": lines[-1] if lines else ""}


def pack_stamp(records: int) -> str:
    """Changes when the generator, the built-in data or N changes."""
    import merida_cli

    digest = hashlib.sha256(f"{records}\n".encode())
    digest.update((HERE / "make_pack.py").read_bytes())
    for path in sorted((Path(merida_cli.__file__).parent / "data").iterdir()):
        if path.suffix in (".yaml", ".yml", ".json") and path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def ensure_pack(records: int, directory: Path, env: dict, fmt: str = "yaml") -> float | None:
    """Generate the synthetic pack unless an up-to-date one is there.

    Returns the seconds spent generating it, or None if generation failed.
    """
    stamp_file = directory / ".stamp"
    stamp = pack_stamp(records) + fmt
    if stamp_file.exists() and stamp_file.read_text() == stamp:
        return 0.0
    print(f"generating a synthetic pack of {records} records in {directory} ...", file=sys.stderr)
    start = time.perf_counter()
    stamp_file.unlink(missing_ok=True)
    done = subprocess.run([sys.executable, str(HERE / "make_pack.py"), str(records),
                           str(directory), "--format", fmt], check=False, env=env)
    if done.returncode:
        print("run.py: generating the synthetic pack failed; its rows are left out",
              file=sys.stderr)
        return None
    stamp_file.write_text(stamp)
    return time.perf_counter() - start


def machine() -> dict:
    """Date, cores, memory and Python version, for the record."""
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1048576:.1f} GiB"
    except OSError:
        pass
    return {"date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
            "cores": os.cpu_count(), "memory": mem, "python": platform.python_version(),
            "platform": platform.platform()}


def judge(row: dict, floor_ms: float) -> None:
    """Fill in ratio and pass/fail against the row's targets."""
    row["baseline_ms"] = floor_ms
    row["ratio"] = row["median_ms"] / floor_ms if floor_ms else None
    checks = []
    if row.get("max_ratio") is not None:
        checks.append(row["ratio"] is not None and row["ratio"] <= row["max_ratio"])
    if row.get("max_ms") is not None:
        checks.append(row["median_ms"] < row["max_ms"])
    if row.get("max_rss_mib") is not None:
        checks.append(row["rss_mib"] <= row["max_rss_mib"])
    if row["codes"] != [0]:
        row["result"] = "ERROR"
    elif row.get("timed_out"):
        row["result"] = "FAIL"
    else:
        row["result"] = ("pass" if all(checks) else "FAIL") if checks else ""


def summarise(name: str, runs: list[dict], **targets) -> dict:
    return {"command": name, "median_ms": statistics.median(r["ms"] for r in runs),
            "runs_ms": [round(r["ms"], 1) for r in runs],
            "rss_mib": max(r["rss_mib"] for r in runs),
            "codes": sorted({r["code"] for r in runs}),
            "timed_out": any(r["timed_out"] for r in runs),
            "stderr": next((r["stderr"] for r in runs if r["code"]), ""), **targets}


def target_text(row: dict) -> str:
    parts = []
    if row.get("max_ratio") is not None:
        parts.append(f"<={row['max_ratio']}x")
    if row.get("max_ms") is not None:
        parts.append(f"<{row['max_ms'] / 1000:g} s")
    if row.get("max_rss_mib") is not None:
        parts.append(f"<={row['max_rss_mib']:.0f} MiB")
    return ", ".join(parts) or "-"


def table(rows: list[dict]) -> str:
    """A plain-text table: command, median ms, its baseline's ms, ratio, peak RSS, target,
    result."""
    head = ("command", "median ms", "baseline ms", "ratio", "peak RSS MiB", "target",
            "result")
    lines = [head]
    for row in rows:
        ratio = f"{row['ratio']:.2f}" if row.get("ratio") is not None else "-"
        result = row["result"]
        if row["codes"] != [0]:
            result += f" (exit {','.join(map(str, row['codes']))})"
        elif row.get("timed_out"):
            result += " (killed)"
        lines.append((row["command"], f"{row['median_ms']:.0f}", f"{row['baseline_ms']:.0f}",
                      ratio,
                      f"{row['rss_mib']:.0f}", target_text(row), result))
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    out = []
    for n, line in enumerate(lines):
        cells = [c.ljust(w) if i in (0, 5, 6) else c.rjust(w)
                 for i, (c, w) in enumerate(zip(line, widths))]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def cold_loads(merida: str, python: str, pack: Path, json_pack: Path | None, n: str,
               env: dict, cache: Path, runs: int, peer: Peer | None = None) -> list[dict]:
    """First commands on a new pack (an empty cache each time), each judged against the
    parse floor of the same files (benchmarks/parse_floor.py), interleaved with it: the
    first command (not a search), the first search after it (builds the search index),
    and a search as the very first command; with the peer (sqlite-utils on the same
    records as JSON) in the same rounds, merida's cold first search as a ratio of it."""
    floor_script = str(HERE / "parse_floor.py")
    plans = [(pack, "yaml")] + ([(json_pack, "json")] if json_pack else [])
    search = ["search", "straw purchases", "--json"]
    rows = []
    peer_runs: list[dict] = []
    first_searches: list[dict] = []
    for directory, fmt in plans:
        floor_name = f"{n} {fmt}: parse floor (every file read, one process per core)"
        cold_name = f"{n} {fmt}: first command, cold (recs --topic firearms)"
        after_name = f"{n} {fmt}: first search after it (builds the search index)"
        first_name = f"{n} {fmt}: first search, cold (search is the first command)"
        names = (floor_name, cold_name, after_name, first_name)
        runs_of: dict[str, list[dict]] = {name: [] for name in names}
        for i in range(runs):
            print(f"cold load {fmt} {i + 1} ...", file=sys.stderr)
            runs_of[floor_name].append(run_once([python, floor_script, str(directory)], env))
            data = ["--data", str(directory)]
            for name, argvs in ((cold_name, [["recs", "--topic", "firearms"], search]),
                                (first_name, [search])):
                cold_env = dict(env, MERIDA_CACHE_DIR=str(cache / f"cold-{fmt}-{i}"))
                for argv_, into in zip(argvs, (name, after_name)):
                    runs_of[into].append(run_once([merida, *data, *argv_], cold_env,
                                                  timeout=COLD_TIMEOUT_S))
                shutil.rmtree(cache / f"cold-{fmt}-{i}", ignore_errors=True)
            if peer is not None and fmt == "yaml":
                peer_runs.append(peer.run(env))
            if runs_of[first_name][-1]["ms"] > COLD_SLOW_S * 1000:
                break
        floor = summarise(floor_name, runs_of[floor_name])
        judge(floor, floor["median_ms"])
        cold = summarise(cold_name, runs_of[cold_name], max_ratio=2.0)
        after = summarise(after_name, runs_of[after_name])
        first = summarise(first_name, runs_of[first_name], max_ratio=2.0)
        for row in (cold, after, first):
            judge(row, floor["median_ms"])
        rows += [floor, cold, after, first]
        first_searches.append(first)
    if peer_runs:
        peer_row = summarise(PEER, peer_runs)
        judge(peer_row, rows[0]["median_ms"])  # against the YAML parse floor
        rows.append(peer_row)
        for first in first_searches:
            versus = dict(first, command=first["command"].replace(
                "first search, cold (search is the first command)",
                "first search, cold, against the peer"), max_ratio=0.5,
                max_rss_mib=peer_row["rss_mib"])
            judge(versus, peer_row["median_ms"])
            rows.append(versus)
    return rows


PEER = "peer: sqlite-utils insert + enable-fts --fts5 + search, same records as JSON"
# the columns merida's search reads a record by (searchindex.document), as the peer indexes
PEER_TEXT_COLUMNS = ("title", "name", "label", "text", "aliases", "summary", "description",
                     "actor", "place", "note", "recipient", "account", "publisher", "author",
                     "unit", "cite", "items")


class Peer:
    """sqlite-utils doing what a first merida search does, without the YAML, the
    validation or merida's ranking: insert the same records (exported as one JSON array,
    untimed), enable FTS5 on their text columns, one search. Timed as the three
    processes one after another; peak RSS the largest of them."""

    def __init__(self, tool: str, records_file: Path, columns: list[str], work: Path):
        self.tool, self.records_file, self.columns, self.work = tool, records_file, columns, work

    @classmethod
    def prepare(cls, python: str, merida: str, json_pack: Path, work: Path,
                env: dict) -> Peer | None:
        """The peer beside the interpreter, and its input file; None (with a message
        saying why) when sqlite-utils is not installed or the export fails."""
        tool = Path(python).parent / "sqlite-utils"
        if not tool.exists():
            print(f"run.py: {tool} not found (sqlite-utils is not installed in this "
                  "environment): the peer benchmark is skipped", file=sys.stderr)
            return None
        work.mkdir(parents=True, exist_ok=True)
        records_file = work / "records.json"
        done = subprocess.run([python, str(HERE / "peer_records.py"), merida, str(json_pack),
                               str(records_file)], check=False, capture_output=True, env=env,
                              text=True)
        if done.returncode:
            print("run.py: exporting the records for the peer failed "
                  f"({done.stderr.strip().splitlines()[-1:]}): the peer benchmark is skipped",
                  file=sys.stderr)
            return None
        present = set(json.loads(done.stdout))
        return cls(str(tool), records_file, [c for c in PEER_TEXT_COLUMNS if c in present],
                   work)

    def run(self, env: dict) -> dict:
        db = self.work / "peer.db"
        db.unlink(missing_ok=True)
        steps = [[self.tool, "insert", str(db), "records", str(self.records_file), "--alter"],
                 [self.tool, "enable-fts", str(db), "records", *self.columns, "--fts5"],
                 [self.tool, "search", str(db), "records", "straw purchases", "--limit", "10"]]
        done = [run_once(step, env, timeout=COLD_TIMEOUT_S) for step in steps]
        db.unlink(missing_ok=True)
        failed = next((r for r in done if r["code"]), None)
        return {"ms": sum(r["ms"] for r in done), "rss_mib": max(r["rss_mib"] for r in done),
                "code": failed["code"] if failed else 0,
                "timed_out": any(r["timed_out"] for r in done),
                "stderr": failed["stderr"] if failed else ""}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, help="timed rounds (default 10; --quick: 3)")
    parser.add_argument("--records", type=int,
                        help="records in the synthetic pack (default 100000; --quick: 2000)")
    parser.add_argument("--quick", action="store_true", help="a fast smoke run")
    parser.add_argument("--pack-dir", type=Path,
                        help="where the synthetic pack lives (default benchmarks/.pack-N/)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also save the results here")
    args = parser.parse_args(argv)
    runs = max(1, args.runs or (3 if args.quick else 10))
    records = max(1, args.records or (2000 if args.quick else 100000))
    pack = args.pack_dir or HERE / f".pack-{records}"
    n = f"{records:,} records"

    merida = find_merida()
    python = interpreter_of(merida)
    floor_argv = [python, "-c", "import typer, rich.console, rich.table"]
    # (name, argv, targets): the built-in data, then the synthetic pack (warm cache)
    commands = [
        ("merida pillars", [merida, "pillars"], {"max_ratio": 1.0}),
        ("merida recs --topic firearms", [merida, "recs", "--topic", "firearms"],
         {"max_ratio": 1.0}),
        ("merida --help", [merida, "--help"], {"max_ratio": 1.0}),
        ('merida search "straw purchases" --json',
         [merida, "search", "straw purchases", "--json"], {"max_ratio": 1.3}),
    ]
    data = ["--data", str(pack)]
    pack_commands = [
        (f'{n}: search "straw purchases" --json (warm)',
         [merida, *data, "search", "straw purchases", "--json"],
         {"max_ratio": 1.5, "max_rss_mib": 100}),
        (f"{n}: recs --topic firearms --json (warm)",
         [merida, *data, "recs", "--topic", "firearms", "--json"], {"max_ratio": 1.5}),
    ]

    cache = Path(tempfile.mkdtemp(prefix="merida-bench-"))
    env = {k: v for k, v in os.environ.items() if k not in ("MERIDA_DATA", "MERIDA_NO_CACHE")}
    env["MERIDA_CACHE_DIR"] = str(cache / "warm")
    json_pack = pack.with_name(pack.name + "-json")
    cold_rows: list[dict] = []
    try:
        generated_s = ensure_pack(records, pack, env)
        if generated_s is None:
            pack_commands = []
        json_ok = bool(pack_commands) and ensure_pack(records, json_pack, env, "json") is not None
        peer = Peer.prepare(python, merida, json_pack, cache / "peer", env) if json_ok else None
        cold_rows = cold_loads(merida, python, pack, json_pack if json_ok else None, n, env,
                               cache, min(COLD_RUNS, runs) if pack_commands else 0, peer)

        # one warm-up run each (fills the OS and merida caches), then interleaved rounds
        timed = [(FLOOR, floor_argv, {}), *commands, *pack_commands]
        for _, argv_, _ in timed:
            run_once(argv_, env)
        timings: dict[str, list[dict]] = {name: [] for name, _, _ in timed}
        for r in range(runs):
            print(f"round {r + 1}/{runs} ...", file=sys.stderr)
            for name, argv_, _ in timed:
                timings[name].append(run_once(argv_, env))
    finally:
        shutil.rmtree(cache, ignore_errors=True)

    rows = [summarise(name, timings[name], **targets) for name, _, targets in timed]
    floor_ms = rows[0]["median_ms"]
    for row in rows:
        judge(row, floor_ms)
    rows[1 + len(commands):1 + len(commands)] = cold_rows

    info = machine()
    print(f"\nmerida benchmarks, {info['date']}: {info['cores']} cores, {info['memory']}, "
          f"Python {info['python']}; median of {runs} interleaved rounds; "
          f"cold loads: {sum(' parse floor ' in r['command'] for r in cold_rows)} pack "
          "format(s)"
          + (f"; pack generated in {generated_s:.1f} s" if generated_s else ""))
    print(table(rows))
    for row in rows:
        if row["stderr"]:
            print(f"  {row['command']}: {row['stderr']}")
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "runs": runs, "records": records,
                                         "floor_ms": floor_ms, "rows": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
