"""Long work shows progress on a terminal's stderr, and only there; validate leaves a cache."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli, write_pack

MERIDA = Path(sys.executable).with_name("merida")
# cold loads and the caches they leave: each test's cache folder starts empty
pytestmark = pytest.mark.empty_cache

PACK = {
    "topics.yaml": "topics:\n  - id: firearms\n    label: Firearms\n",
    "sources.yaml": ("sources:\n  - id: doc\n    title: A document\n    file: doc.txt\n"),
    "recs.yaml": ("recommendations:\n  - id: r1\n    text: Trace every gun\n    actor: Someone\n"
                  "    topics: [firearms]\n    cite:\n      - source: doc\n"
                  "        quote: trace every gun\n"),
}


def cache_files(env_cache: str) -> list[Path]:
    return sorted(Path(env_cache).glob("packs-*.sqlite"))


def test_validate_leaves_the_cache_the_next_command_uses(tmp_path):
    pack = write_pack(tmp_path / "pack", PACK)
    cache = os.environ["MERIDA_CACHE_DIR"]
    assert run_cli("--no-builtin", "--data", pack, "validate").code == 0
    [built] = cache_files(cache)
    stamp = (built.stat().st_ino, built.stat().st_mtime_ns)
    listing = run_cli("--no-builtin", "--data", pack, "recs", "--json")
    assert listing.code == 0 and [r["id"] for r in listing.json()] == ["r1"]
    [reused] = cache_files(cache)
    assert (reused.stat().st_ino, reused.stat().st_mtime_ns) == stamp


def test_validate_of_an_invalid_pack_leaves_no_cache(tmp_path):
    pack = write_pack(tmp_path / "pack", {**PACK, "bad.yaml": "events:\n  - id: e1\n"})
    assert run_cli("--no-builtin", "--data", pack, "validate").code == 1
    cache = Path(os.environ["MERIDA_CACHE_DIR"])
    assert cache_files(str(cache)) == [] and not list(cache.glob(".packs-*"))


def _run_with_terminal_stderr(args: list[str], env: dict) -> tuple[int, bytes, bytes]:
    """Run merida with stdout piped and stderr on a pseudo-terminal; (code, out, terminal)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([str(MERIDA), *args], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=slave, env=env)
    os.close(slave)
    seen = b""
    while True:
        ready, _, _ = select.select([master], [], [], 20)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed its end
            break
        if not chunk:
            break
        seen += chunk
    out = proc.stdout.read()
    code = proc.wait(timeout=20)
    os.close(master)
    return code, out, seen


@pytest.fixture
def terminal_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MERIDA_")}
    env.update(MERIDA_CACHE_DIR=str(tmp_path / "cache"), MERIDA_PROGRESS_DELAY="0",
               TERM="xterm", COLUMNS="80")
    return env


def test_a_cold_load_draws_a_progress_bar_on_a_terminal(tmp_path, terminal_env):
    pack = write_pack(tmp_path / "pack", PACK)
    code, out, seen = _run_with_terminal_stderr(
        ["--no-builtin", "--data", str(pack), "recs", "--json"], terminal_env)
    assert code == 0 and b'"r1"' in out
    assert b"reading packs" in seen and b"/3" in seen  # files done of total
    assert b"reading packs" not in out


def test_validate_names_each_step_on_its_bar(tmp_path, terminal_env):
    """Reading the packs, then the look-alike scan (41 s on a generated 100k pack): the
    bar says which, instead of a finished step's label standing still."""
    pack = write_pack(tmp_path / "pack", PACK)
    code, _out, seen = _run_with_terminal_stderr(
        ["--no-builtin", "--data", str(pack), "validate"], terminal_env)
    assert code == 0 and b"validating packs" in seen
    assert b"looking for look-alike records" in seen


def test_quiet_draws_no_progress(tmp_path, terminal_env):
    pack = write_pack(tmp_path / "pack", PACK)
    code, _out, seen = _run_with_terminal_stderr(
        ["--no-builtin", "--data", str(pack), "recs", "--quiet"], terminal_env)
    assert code == 0 and b"reading packs" not in seen


def test_no_progress_when_stderr_is_piped(tmp_path, terminal_env):
    pack = write_pack(tmp_path / "pack", PACK)
    proc = subprocess.run([str(MERIDA), "--no-builtin", "--data", str(pack), "recs"],
                          check=False, capture_output=True, env=terminal_env, timeout=30)
    assert proc.returncode == 0
    assert b"reading packs" not in proc.stderr and b"\x1b" not in proc.stderr


def test_a_warm_command_is_under_the_delay_and_draws_nothing(tmp_path, terminal_env):
    pack = write_pack(tmp_path / "pack", PACK)
    terminal_env["MERIDA_PROGRESS_DELAY"] = "30"
    code, _out, seen = _run_with_terminal_stderr(
        ["--no-builtin", "--data", str(pack), "recs"], terminal_env)
    assert code == 0 and b"reading packs" not in seen


# ---- the search index is built by the first search, not by the cold load -------------

SEARCH_PACK = {**PACK, "more.yaml": (
    "events:\n  - id: e1\n    title: Straw purchases traced\n    date: '2014'\n"
    "    cite:\n      - source: doc\n        quote: straw purchases\n")}


def _has_search_tables(path: Path) -> bool:
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return bool(conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'fts'").fetchall())
    finally:
        conn.close()


def test_the_first_search_adds_the_index_to_the_cache_for_every_later_run(tmp_path):
    pack = write_pack(tmp_path / "pack", SEARCH_PACK)
    cache = os.environ["MERIDA_CACHE_DIR"]
    assert run_cli("--no-builtin", "--data", pack, "recs").code == 0
    [built] = cache_files(cache)
    assert not _has_search_tables(built)  # the cold load did not fold every text
    first = run_cli("--no-builtin", "--data", pack, "search", "straw purchases", "--json")
    assert first.code == 0 and first.json()[0]["id"] == "e1"
    assert _has_search_tables(built)
    stamp = built.stat().st_mtime_ns
    again = run_cli("--no-builtin", "--data", pack, "search", "straw purchases", "--json")
    assert again.json() == first.json() and built.stat().st_mtime_ns == stamp


def test_search_works_when_the_cache_cannot_be_written(tmp_path, monkeypatch):
    import sqlite3

    from merida_cli import searchindex

    pack = write_pack(tmp_path / "pack", SEARCH_PACK)
    assert run_cli("--no-builtin", "--data", pack, "recs").code == 0
    [built] = cache_files(os.environ["MERIDA_CACHE_DIR"])
    real_connect = sqlite3.connect

    def read_only(target, *args, **kwargs):
        if str(target) == str(built):  # the writer opens the cache by its path
            raise sqlite3.OperationalError("attempt to write a readonly database")
        return real_connect(target, *args, **kwargs)

    monkeypatch.setattr(searchindex.sqlite3, "connect", read_only)
    result = run_cli("--no-builtin", "--data", pack, "search", "straw", "--json")
    assert result.code == 0 and [h["id"] for h in result.json()] == ["e1"]
    monkeypatch.undo()
    assert not _has_search_tables(built)


@pytest.mark.parametrize("query", ["straw purchases", "merida", "firearms trafficking"])
def test_a_search_index_folded_on_every_core_finds_what_one_process_finds(tmp_path,
                                                                          monkeypatch, query):
    """Big packs fold their search documents in worker processes, a batch at a time, while
    the index takes the batches done (searchindex.PARALLEL_RECORDS): same hits, no workers left."""
    import multiprocessing

    from merida_cli import searchindex

    serial = run_cli("search", query, "--json")
    monkeypatch.setenv("MERIDA_CACHE_DIR", str(tmp_path / "parallel"))
    monkeypatch.setattr(searchindex, "PARALLEL_RECORDS", 0)
    parallel = run_cli("search", query, "--json")
    assert parallel.code == serial.code == 0 and parallel.json() == serial.json()
    assert multiprocessing.active_children() == []
