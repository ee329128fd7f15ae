"""The cache: a path, never a URI; broken rows ignored and rebuilt, never fatal; pruning
and clean-up touch only what merida made; an edit is seen whatever its size and mtime.
Each test has its own cache folder (conftest's `isolated`)."""

from __future__ import annotations

import json
import os

import pytest
from conftest import run_cli, write_pack
from helpers import GOOD, clean, notes_pack, run_on_pack, small_pack
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# these tests count and break the files in their cache folder: it starts empty
pytestmark = pytest.mark.empty_cache

def _caches(folder):
    return sorted(folder.glob("packs-*.sqlite"))


@pytest.mark.parametrize("name", ["a#b", "a?mode=rwc", "a%41b", "a b&c=d", "x?y#z%"],
                         ids=["hash", "question-mark", "percent", "space-amp", "all"])
def test_a_cache_path_is_a_path_not_a_uri(tmp_path, monkeypatch, name):
    cache = tmp_path / name
    monkeypatch.setenv("MERIDA_CACHE_DIR", str(cache))
    pack = small_pack(tmp_path)
    first = clean(run_cli("--no-builtin", "--data", pack, "recs", "--json"))
    (made,) = _caches(cache)
    mtime = made.stat().st_mtime_ns
    second = clean(run_cli("--no-builtin", "--data", pack, "recs", "--json"))
    assert first.out == second.out and first.code == 0
    assert _caches(cache) == [made] and made.stat().st_mtime_ns == mtime  # reused
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["pack", name])


BROKEN_ROWS = [("not-json", "UPDATE records SET body = 'not json'"),
               ("empty-object", "UPDATE records SET body = '{}'"),
               ("null", "UPDATE records SET body = NULL"),
               ("list", "UPDATE records SET body = '[]'"),
               ("other-id", "UPDATE records SET body = '{\"id\": \"other\"}'"),
               ("changed-text", "UPDATE records SET body = replace(body, 'Trace', 'Trice')"),
               ("changed-key", "UPDATE records SET body = replace(body, '\"actor\"', '\"actr\"')"),
               ("moved-kind", "UPDATE records SET kind = 'events' WHERE id = 'trace'"),
               ("doc-topics-null", "UPDATE docs SET topics = NULL"),
               ("doc-names-not-json", "UPDATE docs SET names = 'x'"),
               ("doc-title-null", "UPDATE docs SET title = NULL")]


@pytest.mark.parametrize("sql", [c[1] for c in BROKEN_ROWS], ids=[c[0] for c in BROKEN_ROWS])
@pytest.mark.parametrize("command", [["recs", "--json"], ["show", "trace", "--json"],
                                     ["search", "guns", "--json"], ["recs", "--topic", "guns",
                                                                    "--json"]],
                         ids=["recs", "show", "search", "by-topic"])
def test_broken_cache_rows_are_ignored_and_rebuilt(tmp_path, monkeypatch, sql, command):
    import os
    import sqlite3
    from pathlib import Path

    pack = small_pack(tmp_path)
    run_cli("--no-builtin", "--data", pack, "search", "trace")  # the search tables exist too
    expected = clean(run_cli("--no-builtin", "--data", pack, *command))
    (path,) = _caches(Path(os.environ["MERIDA_CACHE_DIR"]))
    conn = sqlite3.connect(path)
    conn.execute(sql)
    conn.commit()
    conn.close()
    result = clean(run_cli("--no-builtin", "--data", pack, *command))
    assert (result.code, result.out, result.err) == (expected.code, expected.out, "")
    again = clean(run_cli("--no-builtin", "--data", pack, *command))
    assert again.out == expected.out and again.err == ""


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.one_of(st.none(), st.integers(-(2 ** 63), 2 ** 63 - 1), st.text(max_size=30), st.binary(max_size=30),
                 st.builds(json.dumps, st.recursive(st.none() | st.booleans() | st.text(max_size=5),
                                                    lambda c: st.lists(c, max_size=3)
                                                    | st.dictionaries(st.text(max_size=3), c,
                                                                      max_size=3), max_leaves=6))),
       st.sampled_from(["body", "id"]))
def test_any_cache_row_content_is_survived(tmp_path_factory, value, column):
    import os
    import sqlite3
    from pathlib import Path

    folder = tmp_path_factory.mktemp("c")
    for old in _caches(Path(os.environ["MERIDA_CACHE_DIR"])):
        old.unlink()
    pack = small_pack(folder)
    expected = run_cli("--no-builtin", "--data", pack, "recs", "--json")
    (path,) = _caches(Path(os.environ["MERIDA_CACHE_DIR"]))
    conn = sqlite3.connect(path)
    conn.execute(f"UPDATE records SET {column} = ? WHERE id = 'trace'", (value,))
    conn.commit()
    conn.close()
    result = clean(run_cli("--no-builtin", "--data", pack, "recs", "--json"))
    assert result.code == 0 and result.out == expected.out, result.err


def test_a_cached_row_under_another_id_is_caught(tmp_path):
    import os
    import sqlite3
    from pathlib import Path

    pack = small_pack(tmp_path)
    expected = run_cli("--no-builtin", "--data", pack, "recs", "--json")
    (path,) = _caches(Path(os.environ["MERIDA_CACHE_DIR"]))
    conn = sqlite3.connect(path)
    conn.execute("UPDATE records SET id = 7 WHERE id = 'trace'")
    conn.commit()
    conn.close()
    result = clean(run_cli("--no-builtin", "--data", pack, "recs", "--json"))
    assert (result.code, result.out, result.err) == (0, expected.out, "")


@pytest.mark.parametrize("sql", ["DELETE FROM records WHERE id = 'trace'",
                                 "UPDATE records SET kind = NULL WHERE id = 'trace'",
                                 ("INSERT INTO records SELECT seq + 100, kind, 'x', body, crc "
                                 "FROM records WHERE id = 'trace'")],
                         ids=["deleted", "kind-null", "added"])
def test_a_listing_missing_or_gaining_cached_rows_is_caught(tmp_path, sql):
    import os
    import sqlite3
    from pathlib import Path

    pack = small_pack(tmp_path)
    expected = run_cli("--no-builtin", "--data", pack, "recs", "--json")
    (path,) = _caches(Path(os.environ["MERIDA_CACHE_DIR"]))
    conn = sqlite3.connect(path)
    conn.execute(sql)
    conn.commit()
    conn.close()
    result = clean(run_cli("--no-builtin", "--data", pack, "recs", "--json"))
    assert (result.code, result.out, result.err) == (0, expected.out, "")


def test_the_retry_after_a_broken_cache_reads_each_pack_once(tmp_path):
    import os
    import sqlite3
    from pathlib import Path

    pack = small_pack(tmp_path)
    run_cli("--data", pack, "recs", "--json")
    (path,) = _caches(Path(os.environ["MERIDA_CACHE_DIR"]))
    conn = sqlite3.connect(path)
    conn.execute("UPDATE records SET body = 'not json'")
    conn.commit()
    conn.close()
    result = clean(run_cli("--data", pack, "recs", "--json"))
    assert result.code == 0 and "duplicate" not in result.err, result.err
    assert "trace" in {r["id"] for r in result.json()}


def test_pruning_touches_only_caches_merida_made(tmp_path, monkeypatch):
    import os
    import sqlite3

    cache = tmp_path / "cache"
    cache.mkdir()
    monkeypatch.setenv("MERIDA_CACHE_DIR", str(cache))
    mine = [cache / "packs-0000000000000000.sqlite", cache / "packs-users-notes.sqlite"]
    for path in mine:
        sqlite3.connect(path).execute("CREATE TABLE t(x)").connection.close()
    (cache / "packs-text.sqlite").write_text("not even sqlite")
    mine.append(cache / "packs-text.sqlite")
    os.mkfifo(cache / "packs-fifo.sqlite")  # never opened for reading (it would hang)
    mine.append(cache / "packs-fifo.sqlite")
    for i in range(6):
        pack = write_pack(tmp_path / f"p{i}", {"a.yaml": GOOD})
        assert run_cli("--no-builtin", "--data", pack, "recs").code == 0
    assert all(path.exists() for path in mine)
    assert len(_caches(cache)) == 4 + len(mine)


def test_stale_temp_files_of_dead_builds_are_removed(tmp_path, monkeypatch):
    import os
    import subprocess
    import sys
    import time

    cache = tmp_path / "cache"
    cache.mkdir()
    monkeypatch.setenv("MERIDA_CACHE_DIR", str(cache))
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    killed = cache / f".packs-{dead}-abc.tmp"
    killed.write_bytes(b"half a build")
    old = cache / f".packs-{os.getpid()}-old.tmp"
    old.write_bytes(b"a day old")
    os.utime(old, (time.time() - 2 * 86400,) * 2)
    running = cache / f".packs-{os.getpid()}-now.tmp"
    running.write_bytes(b"a build in progress")
    users = cache / ".packs-notes.tmp"
    users.write_bytes(b"not ours")
    assert run_cli("--no-builtin", "--data", small_pack(tmp_path), "recs").code == 0
    assert not killed.exists() and not old.exists()
    assert running.exists() and users.exists()


def test_hundreds_of_thousands_of_topics_in_one_query(tmp_path):
    from merida_cli.load import load_dataset

    ds = load_dataset([small_pack(tmp_path)], builtin=False)
    topics = {f"t{i}" for i in range(260_000)} | {"guns"}
    assert [r["id"] for r in ds.store.with_topics("recommendations", topics)] == ["trace"]
    assert ds.search_index.docs_with_topics(topics, 10)


def test_an_edit_that_keeps_size_and_mtime_is_still_seen(tmp_path):
    pack = notes_pack(tmp_path, actor="Alpha")
    path = pack / "a.yaml"
    assert run_on_pack("recs", "--json", pack=pack).json()[0]["actor"] == "Alpha"
    st = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace("Alpha", "Omega"), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # what touch -r does
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    assert run_on_pack("recs", "--json", pack=pack).json()[0]["actor"] == "Omega"


@pytest.mark.parametrize("replaced", [False, True], ids=["same-file", "renamed-in-place"])
def test_giving_up_on_a_cache_removes_only_the_file_it_opened(tmp_path, replaced):
    """A reader that meets another process's write takes its cache for broken (red team 2,
    case 52: five commands at once left the cache folder empty in 4 of 8 rounds); it
    removes the file only if that is still the one it opened, never a good cache another
    process has just renamed into place."""
    import shutil
    import sqlite3
    from pathlib import Path

    from merida_cli.cachefile import file_identity
    from merida_cli.recordstore import Store

    pack = small_pack(tmp_path)
    run_cli("--no-builtin", "--data", pack, "recs")
    (path,) = _caches(Path(os.environ["MERIDA_CACHE_DIR"]))
    store = Store(sqlite3.connect(path), path, {}, file_identity(path))
    if replaced:  # another process's build, renamed over the file this reader opened
        fresh = path.with_suffix(".new")
        shutil.copyfile(path, fresh)
        os.replace(fresh, path)
    store.discard()
    assert path.exists() is replaced
