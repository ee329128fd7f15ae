"""The benchmark scripts run on a tiny pack (no timing assertions: see BENCHMARKS.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml
from conftest import REPO, run_cli

BENCH = REPO / "benchmarks"


def make_pack(n: int, directory: Path, *extra: str) -> None:
    subprocess.run([sys.executable, str(BENCH / "make_pack.py"), str(n), str(directory), *extra],
                   check=True, capture_output=True)


def count_records(directory: Path, pattern: str) -> int:
    return sum(len(records) for path in directory.glob(pattern)
               for records in yaml.safe_load(path.read_text(encoding="utf-8")).values())


def test_make_pack_writes_a_valid_pack_of_n_records(tmp_path):
    pack = tmp_path / "pack"
    make_pack(300, pack, "--per-file", "120")
    files = sorted(p.name for p in pack.iterdir())
    assert files == ["synthetic-0001.yaml", "synthetic-0002.yaml", "synthetic-0003.yaml"]
    assert count_records(pack, "*.yaml") == 300
    result = run_cli("validate", data=[pack])
    assert result.code == 0, result.err


def test_make_pack_is_deterministic_and_writes_json(tmp_path):
    make_pack(300, tmp_path / "a")
    make_pack(300, tmp_path / "b")
    assert (tmp_path / "a/synthetic-0001.yaml").read_bytes() == \
        (tmp_path / "b/synthetic-0001.yaml").read_bytes()
    make_pack(300, tmp_path / "json", "--format", "json")
    assert count_records(tmp_path / "json", "*.json") == 300  # JSON is YAML
    assert run_cli("validate", data=[tmp_path / "json"]).code == 0


def test_runner_prints_a_table(tmp_path):
    done = subprocess.run([sys.executable, str(BENCH / "run.py"), "--quick", "--records", "300",
                           "--runs", "2", "--pack-dir", str(tmp_path / "pack")],
                          check=False, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "ratio" in done.stdout
    assert "merida pillars" in done.stdout
    assert "first search, cold (search is the first command)" in done.stdout
    # the peer runs in the same rounds, and merida's cold first search is set against it
    peer = [line for line in done.stdout.splitlines() if line.startswith("peer: sqlite-utils")]
    assert len(peer) == 1 and "ERROR" not in peer[0], peer
    assert "yaml: first search, cold, against the peer" in done.stdout


def test_the_peer_is_skipped_with_a_message_without_sqlite_utils(tmp_path, capsys):
    sys.path.insert(0, str(BENCH))
    try:
        import run
    finally:
        sys.path.remove(str(BENCH))
    lonely = tmp_path / "bin" / "python"  # an interpreter with no sqlite-utils beside it
    assert run.Peer.prepare(str(lonely), "merida", tmp_path, tmp_path / "work", {}) is None
    assert "sqlite-utils" in capsys.readouterr().err and not (tmp_path / "work").exists()
