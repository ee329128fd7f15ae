"""User data packs: export round-trip, init-pack, schema, MERIDA_DATA, the cache."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from conftest import run_cli, write_pack
from helpers import GOOD

import merida_cli


def test_export_json_has_every_kind_and_complete_records(cli):
    data = cli("export", "--format", "json").json()
    assert {"sources", "topics", "programs", "structures", "funding", "recommendations",
            "events", "figures", "assessments"} <= set(data)
    pillars = next(s for s in data["structures"] if s["id"] == "merida-pillars")
    listed = cli("pillars", "--json").json()  # what `merida pillars` shows of them
    assert [i["id"] for i in pillars["items"]] == [i["id"] for i in listed]
    assert all(i["cite"] for i in pillars["items"])


@pytest.mark.parametrize("fmt,suffix", [("yaml", "yaml"), ("json", "json")])
def test_export_round_trips_as_a_pack(cli, tmp_path, fmt, suffix):
    exported = cli("export", "--format", fmt).out
    pack = write_pack(tmp_path / "pack", {f"all.{suffix}": exported})
    again = cli("--no-builtin", "--data", pack, "export", "--format", "json")
    assert again.code == 0, again.err
    assert again.json() == cli("export", "--format", "json").json()


def test_export_csv_and_markdown(cli):
    csv_out = cli("export", "--format", "csv").out
    assert csv_out.startswith("kind,id,title") and "merida-pillar-4" in csv_out
    md = cli("export", "--format", "markdown").out
    assert md.startswith("# merida data export") and "## recommendations" in md


def test_export_unknown_format_is_usage_error(cli):
    result = cli("export", "--format", "pdf")
    assert result.code == 2 and "pdf" in result.err


def test_pack_adds_records_referencing_builtin(cli, tmp_path):
    pack = write_pack(tmp_path / "p", {"mine.yaml": """\
recommendations:
  - id: my-rec
    text: Trace every gun
    actor: Me
    topics: [firearms]
    programs: [bicentennial]
    cite:
      - source: olson
        quote: "Establish a high-level interagency working group"
"""})
    result = cli("--data", pack, "recs", "--topic", "guns", "--json")
    assert result.code == 0, result.err
    assert "my-rec" in {r["id"] for r in result.json()}


def test_duplicate_of_builtin_id_names_both_places(cli, tmp_path):
    pack = write_pack(tmp_path / "p", {"dup.yaml": "topics:\n  - id: firearms\n    label: Again\n"})
    result = cli("--data", pack, "validate")
    assert result.code == 1
    assert "dup.yaml:2" in result.err and "topics.yaml:" in result.err


def test_merida_data_environment_variable(tmp_path, monkeypatch):
    a = write_pack(tmp_path / "a", {"a.yaml": GOOD})
    b = write_pack(tmp_path / "b", {"b.yaml": "events:\n  - id: e1\n    title: T\n    date: '2024'\n"
                                              "    cite: [{source: notes, quote: q}]\n"})
    monkeypatch.setenv("MERIDA_DATA", os.pathsep.join([str(a), str(b)]))
    import io

    from merida_cli.cli import main
    from merida_cli.env import Environment

    env = Environment.from_system()
    env.stdout, env.stderr, env.builtin = io.StringIO(), io.StringIO(), False
    assert main(["timeline", "--json"], env) == 0
    assert [e["id"] for e in json.loads(env.stdout.getvalue())] == ["e1"]


def test_init_pack_writes_a_valid_example(cli, tmp_path):
    target = tmp_path / "my-pack"
    result = cli("init-pack", target)
    assert result.code == 0
    assert (target / "example.yaml").read_text().startswith("# An example merida data pack")
    assert cli("--data", target, "validate").code == 0
    verified = cli("--data", target, "verify", "--texts", target / "texts")
    assert verified.code == 0, verified.err
    assert "my-notes-trace-every-gun" not in verified.out and "1 quotes verified" in verified.err


def test_init_pack_never_overwrites(cli, tmp_path):
    target = tmp_path / "p"
    cli("init-pack", target)
    (target / "example.yaml").write_text("mine")
    result = cli("init-pack", target)
    assert result.code == 1 and "already exists" in result.err
    assert (target / "example.yaml").read_text() == "mine"


def test_schema_is_json_schema_matching_the_model(cli):
    schema = cli("schema").json()
    assert schema["$schema"].startswith("https://json-schema.org/")
    rec = schema["properties"]["recommendations"]["items"]
    assert rec["additionalProperties"] is False
    assert {"id", "text", "actor", "cite"} <= set(rec["required"])


def test_schema_accepts_the_builtin_data(cli):
    jsonschema = pytest.importorskip("jsonschema")
    schema = cli("schema").json()
    jsonschema.validate(cli("export", "--format", "json").json(), schema)


# ---- the cache ------------------------------------------------------------------

def _cache_files():
    return list(Path(os.environ["MERIDA_CACHE_DIR"]).glob("packs-*.sqlite"))


@pytest.mark.empty_cache
def test_cache_is_written_once_and_reused(cli):
    assert cli("pillars").code == 0
    files = _cache_files()
    assert len(files) == 1
    mtime = files[0].stat().st_mtime_ns
    assert cli("recs", "--json").code == 0
    assert files[0].stat().st_mtime_ns == mtime


@pytest.mark.empty_cache
@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty", "wrong-version"])
def test_broken_cache_is_ignored(cli, damage):
    expected = cli("pillars", "--json").out
    (path,) = _cache_files()
    if damage == "truncate":
        path.write_bytes(path.read_bytes()[:5000])
    elif damage == "garbage":
        path.write_bytes(b"\x00garbage" * 1000)
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        # Store.open compares the whole key, which holds merida's and the schema's version:
        # a cache written by another version has another key
        conn = sqlite3.connect(path)
        (key,) = conn.execute("SELECT value FROM meta WHERE key = 'key'").fetchone()
        conn.execute("UPDATE meta SET value = ? WHERE key = 'key'",
                     (key.replace(merida_cli.__version__, "0.0.0", 1),))
        conn.commit()
        conn.close()
        key_before = key
    result = cli("pillars", "--json")
    assert result.code == 0 and result.out == expected and result.err == ""
    if damage == "wrong-version":  # ignored and rebuilt, not read
        conn = sqlite3.connect(path)
        assert conn.execute("SELECT value FROM meta WHERE key = 'key'").fetchone() == (key_before,)
        conn.close()


@pytest.mark.empty_cache
def test_corrupt_rows_fall_back_to_yaml(cli):
    expected = cli("recs", "--json").out
    (path,) = _cache_files()
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE records")
    conn.commit()
    conn.close()
    result = cli("recs", "--json")
    assert result.code == 0 and result.out == expected


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to a read-only directory anyway "
                    "(test_unwritable_cache_directory_even_as_root covers root)")
def test_read_only_cache_directory(cli, tmp_path, monkeypatch):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    monkeypatch.setenv("MERIDA_CACHE_DIR", str(ro / "sub"))
    try:
        result = cli("pillars", "--json")
        assert result.code == 0 and len(result.json()) == 4
        assert list(ro.iterdir()) == []
    finally:
        ro.chmod(0o700)


def test_unwritable_cache_directory_even_as_root(cli, tmp_path, monkeypatch):
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setenv("MERIDA_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    result = cli("pillars", "--json")
    monkeypatch.undo()
    assert result.code == 0 and len(result.json()) == 4 and result.err == ""
    assert not list((tmp_path / "cache").glob("packs-*"))


@pytest.mark.parametrize("step", ["add", "finish"])
def test_a_cache_write_that_fails_midway_is_redone_in_memory(cli, tmp_path, monkeypatch, step):
    """A full disk while the cache is written: the command still answers, and neither a
    cache nor a temp file is left behind."""
    import sqlite3

    from merida_cli import recordstore

    real = getattr(recordstore.Builder, step)

    def full_disk(self, *args):
        if self.key is not None:
            raise sqlite3.OperationalError("database or disk is full")
        return real(self, *args)

    monkeypatch.setenv("MERIDA_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(recordstore.Builder, step, full_disk)
    result = cli("pillars", "--json")
    assert result.code == 0 and len(result.json()) == 4 and result.err == ""
    assert list((tmp_path / "cache").iterdir()) == []


def test_cache_dir_is_a_file(cli, tmp_path, monkeypatch):
    f = tmp_path / "file"
    f.write_text("x")
    monkeypatch.setenv("MERIDA_CACHE_DIR", str(f))
    assert cli("pillars").code == 0


def test_editing_a_pack_invalidates_the_cache(cli, tmp_path):
    pack = write_pack(tmp_path / "p", {"a.yaml": GOOD})
    assert cli("--no-builtin", "--data", pack, "recs", "--json").json()[0]["text"] == "Trace guns"
    (pack / "a.yaml").write_text(GOOD.replace("Trace guns", "Trace all guns"))
    os.utime(pack / "a.yaml", ns=(1, 1))
    assert cli("--no-builtin", "--data", pack, "recs", "--json").json()[0]["text"] == "Trace all guns"


def test_read_commands_never_write_pack_files(cli, tmp_path):
    pack = write_pack(tmp_path / "p", {"a.yaml": GOOD})
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in pack.iterdir()}
    for args in (["recs"], ["show", "trace"], ["search", "guns"], ["export"], ["validate"],
                 ["topics"], ["diff", "plan", "plan"]):
        run_cli("--no-builtin", "--data", pack, *args)
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in pack.iterdir()} == before


@pytest.mark.empty_cache
def test_old_caches_are_pruned(cli, tmp_path):
    for i in range(6):
        pack = write_pack(tmp_path / f"p{i}", {"a.yaml": GOOD})
        assert cli("--no-builtin", "--data", pack, "recs").code == 0
    assert len(_cache_files()) == 4


def test_export_sqlite_for_sqlite3_users(cli, tmp_path):
    target = tmp_path / "merida.db"
    result = cli("export", "--format", "sqlite", "--output", target)
    assert result.code == 0, result.err
    conn = sqlite3.connect(target)
    (count,) = conn.execute("SELECT count(*) FROM recommendations").fetchone()
    assert count == len(cli("recs", "--json").json())
    name = conn.execute("SELECT name FROM programs WHERE id = 'merida'").fetchone()[0]
    assert name == "Mérida Initiative"


def test_export_sqlite_needs_output(cli):
    result = cli("export", "--format", "sqlite")
    assert result.code == 2 and "--output" in result.err


def test_export_to_file_is_atomic_and_complete(cli, tmp_path):
    target = tmp_path / "all.json"
    assert cli("export", "--output", target).code == 0
    assert json.loads(target.read_text()) == cli("export").json()
    assert not list(tmp_path.glob(".*tmp"))


def test_export_to_unwritable_place(cli, tmp_path):
    result = cli("export", "--output", tmp_path / "no" / "such" / "dir.json")
    assert result.code == 1 and "cannot write" in result.err
