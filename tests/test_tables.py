"""Typed tables for the tools analysts use: CSV per kind, SQLite, Datasette, Frictionless."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli, write_pack

from merida_cli.tables import Column, Table, csv_text

PACK = """\
sources:
  - id: crs
    title: A CRS report
    date: "2020-06"
    file: crs.txt
  - id: oped
    title: An op-ed
    file: oped.txt
topics:
  - id: firearms
    label: Firearms
  - id: funding-levels
    label: Funding levels
programs:
  - id: plan
    name: The Plan
    successor: next-plan
    topics: [firearms]
    cite:
      - source: crs
        quote: "the plan began in 2008"
  - id: next-plan
    name: The Next Plan
    predecessor: plan
    parent: plan
    cite:
      - source: crs
        quote: "a new framework replaced it"
structures:
  - id: plan-pillars
    program: plan
    label: Two pillars
    adopted: "2011"
    current: true
    items:
      - id: pillar-1
        number: 1
        title: Disrupt groups
        share_pct: 61.5
        topics: [firearms]
        cite:
          - source: crs
            quote: "disrupt organized criminal groups"
            page: 12
      - id: pillar-1-1
        number: "1.1"
        title: Trace guns
        parent: pillar-1
        cite:
          - source: crs
            quote: "trace seized weapons"
    cite:
      - source: crs
        quote: "organized around pillars"
funding:
  - id: cum-2010
    title: "=HYPERLINK(\\"http://evil\\") cumulative to 2010"
    summary: "-5 points, then @everyone"
    program: plan
    measure: cumulative-appropriation
    amount_usd: 1500000000
    qualifier: about
    fiscal_years: FY2008-FY2010
    as_of: "2010-12"
    topics: [funding-levels]
    note: "line one\\nline two"
    cite:
      - source: crs
        quote: "some $1.5 billion had been appropriated"
  - id: cum-2009
    title: Cumulative to 2009
    program: plan
    measure: cumulative-appropriation
    amount_usd: 700000000
    as_of: "2009"
    source: oped
    same_as: [cum-2010]
    cite:
      - source: oped
        quote: "700 million dollars so far"
  - id: annual-share
    title: Share for pillar one
    program: next-plan
    measure: share
    share_pct: 61.5
    as_of: "2011-03-02"
    cite:
      - source: crs
        quote: "61.5 percent went to the first pillar"
recommendations:
  - id: trace-guns
    text: Trace every seized gun
    actor: An analyst
    programs: [plan, next-plan]
    topics: [firearms]
    cite:
      - source: oped
        quote: "investigate straw purchases of rifles"
assessments:
  - id: plan-worked
    text: The plan worked in part
    about: plan
    actor: CRS
    stance: mixed
    cite:
      - source: crs
        quote: "mixed results on violence"
"""


@pytest.fixture
def pack(tmp_path):
    return write_pack(tmp_path / "pack", {"a.yaml": PACK})


def export(pack, *args):
    result = run_cli("--no-builtin", "--data", pack, "export", *args)
    assert result.code == 0, result.err
    return result


def rows_of(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


# ---- CSV ---------------------------------------------------------------------------


def test_csv_kind_has_the_columns_of_the_kind_with_typed_values(pack):
    out = export(pack, "--format", "csv", "--kind", "funding").out
    rows = {r["id"]: r for r in rows_of(out)}
    assert {"amount_usd", "share_pct", "measure", "qualifier", "as_of", "same_as"} <= set(
        rows["cum-2009"])
    assert rows["cum-2010"]["amount_usd"] == "1500000000"
    assert rows["annual-share"]["share_pct"] == "61.5" and rows["annual-share"]["amount_usd"] == ""
    assert rows["cum-2010"]["as_of"] == "2010-12" and rows["cum-2010"]["fiscal_years"] == (
        "FY2008-FY2010")
    # the source a line does not name is its first citation's
    assert rows["cum-2010"]["source"] == "crs" and rows["cum-2009"]["source"] == "oped"


def test_csv_lists_are_joined_and_booleans_spelt(pack):
    recs = rows_of(export(pack, "-f", "csv", "-k", "recommendations").out)
    assert recs[0]["programs"] == "plan; next-plan"
    items = {r["id"]: r for r in rows_of(export(pack, "-f", "csv", "-k", "items").out)}
    assert items["pillar-1-1"]["parent"] == "pillar-1" and items["pillar-1"]["position"] == "1"
    assert items["pillar-1"]["structure"] == "plan-pillars"
    structures = rows_of(export(pack, "-f", "csv", "-k", "structures").out)
    assert structures[0]["current"] == "true" and "items" not in structures[0]


def test_csv_cells_never_start_a_formula_and_a_line_break_is_quoted(pack):
    out = export(pack, "-f", "csv", "-k", "funding").out
    assert "\r\n" in out and '"line one\nline two"' in out
    row = next(r for r in rows_of(out) if r["id"] == "cum-2010")
    assert row["title"].startswith("'=HYPERLINK")
    assert row["summary"] == "'-5 points, then @everyone"
    assert row["note"] == "line one\nline two"


def test_csv_numeric_columns_keep_negative_numbers():
    table = Table("t", "", (Column("n", "number"), Column("s")), ("n",),
                  rows=[{"n": -5, "s": "-5"}, {"n": 2.5, "s": "+x"}])
    # a text cell that is a number is no formula: left as it is (the listing writers' rule)
    assert csv_text(table).split("\r\n")[1:3] == ["-5,-5", "2.5,'+x"]


def test_csv_citations_table_has_every_quote_with_its_record(pack):
    rows = rows_of(export(pack, "-f", "csv", "-k", "citations").out)
    pillar = next(r for r in rows if r["record_id"] == "pillar-1")
    assert pillar == {"record_kind": "items", "record_id": "pillar-1", "position": "1",
                      "source": "crs", "quote": "disrupt organized criminal groups",
                      "page": "12", "note": ""}
    assert len(rows) == 10


def test_csv_to_a_directory_writes_one_file_per_table(pack, tmp_path):
    target = tmp_path / "tables"
    result = export(pack, "-f", "csv", "-o", target)
    names = sorted(p.name for p in target.iterdir())
    assert {"funding.csv", "items.csv", "citations.csv", "record_topics.csv",
            "record_programs.csv"} <= set(names)
    assert f"wrote {len(names)} files to {target}" in result.err
    topics = rows_of((target / "record_topics.csv").read_bytes().decode("utf-8"))
    assert {"record_kind": "items", "record_id": "pillar-1", "topic": "firearms"} in topics


def test_csv_kind_to_a_file(pack, tmp_path):
    target = tmp_path / "funding.csv"
    export(pack, "-f", "csv", "-k", "funding", "-o", target)
    assert target.read_bytes().decode("utf-8").startswith("id,title,summary,program,measure")


@pytest.mark.parametrize("args,message", [
    (["-f", "csv", "-k", "fundng"], "did you mean 'funding'"),
    (["-f", "json", "-k", "funding"], "--kind needs --format csv"),
    (["-f", "datasette"], "--format datasette needs --output DIR"),
], ids=["unknown-table", "kind-without-csv", "datasette-without-output"])
def test_table_export_usage_errors(pack, args, message):
    result = run_cli("--no-builtin", "--data", pack, "export", *args)
    assert result.code == 2 and message in result.err and "Traceback" not in result.err


def test_shell_completes_table_names():
    env = {**os.environ, "_MERIDA_COMPLETE": "complete_bash",
           "COMP_WORDS": "merida export --kind rec", "COMP_CWORD": "3"}
    merida = Path(sys.executable).with_name("merida")
    result = subprocess.run([str(merida)], env=env, capture_output=True, text=True, check=False,
                            timeout=60)
    assert result.stdout.split() == ["recommendations", "record_topics", "record_programs",
                                     "records"]


def test_output_directory_in_a_missing_folder_is_one_clear_error(pack, tmp_path):
    result = run_cli("--no-builtin", "--data", pack, "export", "-f", "datapackage",
                     "-o", tmp_path / "no" / "such")
    assert result.code == 1 and result.err.startswith("error: ") and "cannot create" in result.err
    assert len(result.err.splitlines()) == 1


def test_datasette_output_that_is_a_file_is_refused(pack, tmp_path):
    (tmp_path / "site").write_text("x")
    result = run_cli("--no-builtin", "--data", pack, "export", "-f", "datasette",
                     "-o", tmp_path / "site")
    assert result.code == 2 and "not a directory" in result.err


# A SIGINT sent by the export process to itself at a known step: deterministic, untimed.
_INTERRUPT_AT = """\
import os, signal, sys
from merida_cli import tableexport
from merida_cli.cli import main
real = getattr(tableexport, sys.argv[1])
def step(*args, **kwargs):
    done = real(*args, **kwargs)  # the step's files are made, then Ctrl-C
    os.kill(os.getpid(), signal.SIGINT)
    return done
setattr(tableexport, sys.argv[1], step)
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.parametrize("fmt,step", [("datasette", "build_database"),
                                      ("datasette", "datasette_metadata"),
                                      ("datapackage", "write_csv_files"),
                                      ("csv", "csv_text")],
                         ids=["datasette-after-the-db", "datasette-before-metadata",
                              "datapackage-after-the-csvs", "csv-directory-first-table"])
def test_ctrl_c_during_a_folder_export_leaves_nothing_and_exits_130(pack, tmp_path, fmt, step):
    site = tmp_path / "out" / "site"
    site.parent.mkdir()
    done = subprocess.run([sys.executable, "-c", _INTERRUPT_AT, step, "--no-builtin", "--data",
                           str(pack), "export", "-f", fmt, "-o", str(site)],
                          capture_output=True, text=True, check=False, timeout=300)
    assert done.returncode == 130, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "interrupted"
    assert sorted(os.listdir(site.parent)) == []  # no folder, no temp folder beside it


def test_a_new_export_folder_follows_the_umask_and_a_second_export_updates_it(pack, tmp_path):
    site = tmp_path / "site"
    export(pack, "-f", "datasette", "-o", site)
    umask = os.umask(0o022)
    os.umask(umask)
    assert site.stat().st_mode & 0o777 == 0o777 & ~umask
    first = sorted(os.listdir(site))
    result = export(pack, "-f", "datasette", "-o", site)  # an existing folder: updated
    assert sorted(os.listdir(site)) == first == ["merida.db", "metadata.json"]
    assert f"wrote {site / 'merida.db'}" in result.err
    assert sorted(os.listdir(tmp_path)) == ["pack", "site"]


# ---- SQLite ------------------------------------------------------------------------


@pytest.fixture
def db(pack, tmp_path):
    target = tmp_path / "merida.db"
    assert export(pack, "-f", "sqlite", "-o", target).err == f"wrote {target}\n"
    conn = sqlite3.connect(target)
    yield conn
    conn.close()


def test_sqlite_tables_have_typed_columns_and_primary_keys(db):
    types = {name: kind for _, name, kind, *_ in db.execute("PRAGMA table_info(funding)")}
    assert types["amount_usd"] == "NUMERIC" and types["as_of"] == "TEXT"
    assert db.execute("SELECT typeof(amount_usd), typeof(share_pct) FROM funding "
                      "WHERE id = 'cum-2010'").fetchone() == ("integer", "null")
    assert db.execute("SELECT share_pct FROM items WHERE id = 'pillar-1'").fetchone() == (61.5,)
    assert db.execute("SELECT current FROM structures").fetchone() == (1,)
    pk = [name for _, name, _, _, _, key in db.execute("PRAGMA table_info(citations)") if key]
    assert pk == ["record_kind", "record_id", "position"]
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO programs (id, name) VALUES ('plan', 'again')")


def test_sqlite_foreign_keys_are_declared_and_hold(db):
    refs = {(row[3], row[2]) for row in db.execute("PRAGMA foreign_key_list(funding)")}
    assert refs == {("program", "programs"), ("source", "sources")}
    refs = {(row[3], row[2]) for row in db.execute("PRAGMA foreign_key_list(items)")}
    assert refs == {("structure", "structures"), ("parent", "items")}
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_sqlite_full_text_search_finds_a_quote_and_a_title(db):
    found = db.execute("SELECT c.record_kind, c.record_id FROM citations c JOIN citations_fts f "
                       "ON f.rowid = c.rowid WHERE citations_fts MATCH 'straw'").fetchall()
    assert found == [("recommendations", "trace-guns")]
    found = db.execute("SELECT r.record_id FROM records r JOIN records_fts f ON f.rowid = r.rowid"
                       " WHERE records_fts MATCH 'quotes:rifles'").fetchall()
    assert found == [("trace-guns",)]
    found = db.execute("SELECT id FROM items WHERE rowid IN "
                       "(SELECT rowid FROM items_fts WHERE items_fts MATCH 'guns')").fetchall()
    assert found == [("pillar-1-1",)]


def test_sqlite_view_of_the_cumulative_appropriations_series(db):
    rows = db.execute("SELECT as_of, amount_usd, id FROM cumulative_appropriations").fetchall()
    assert rows == [("2009", 700000000, "cum-2009"), ("2010-12", 1500000000, "cum-2010")]


def test_sqlite_link_tables(db):
    programs = db.execute("SELECT record_kind, record_id, field, program FROM record_programs "
                          "ORDER BY 1, 2, 4").fetchall()
    assert ("recommendations", "trace-guns", "programs", "next-plan") in programs
    assert ("funding", "annual-share", "program", "next-plan") in programs
    assert ("assessments", "plan-worked", "about", "plan") in programs
    assert db.execute("SELECT programs FROM recommendations").fetchone() == (
        '["plan", "next-plan"]',)


def test_sqlite_export_replaces_a_file_and_leaves_no_temp(pack, tmp_path):
    target = tmp_path / "m.db"
    target.write_text("old")
    export(pack, "-f", "sqlite", "-o", target)
    assert sqlite3.connect(target).execute("SELECT count(*) FROM funding").fetchone() == (3,)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "pack") == ["m.db"]


# ---- Datasette ---------------------------------------------------------------------


def test_datasette_serves_facets_and_search(pack, tmp_path):
    datasette_app = pytest.importorskip("datasette.app", reason="datasette (a dev extra) "
                                        "is not installed")
    site = tmp_path / "site"
    export(pack, "-f", "datasette", "-o", site)
    metadata = json.loads((site / "metadata.json").read_text())
    funding = metadata["databases"]["merida"]["tables"]["funding"]
    assert {"program", "measure", "source"} <= {f for f in funding["facets"] if isinstance(f, str)}
    assert {"array": "topics"} in funding["facets"] and funding["sort"] == "as_of"
    assert funding["columns"]["amount_usd"].startswith("amount in US dollars")
    assert metadata["license"] and metadata["source"] and metadata["title"]
    conn = sqlite3.connect(site / "merida.db")
    for name, meta in metadata["databases"]["merida"]["tables"].items():
        assert meta["description"], name
        if "columns" in meta:  # a table, not a view: every column is described
            columns = {row[1] for row in conn.execute(f"PRAGMA table_info({name})")}
            assert set(meta["columns"]) == columns, name
    conn.close()

    async def get(path):
        ds = datasette_app.Datasette([str(site / "merida.db")], metadata=metadata)
        response = await ds.client.get(path)
        assert response.status_code == 200, path
        return response

    async def session():
        table = (await get("/merida/funding.json?_shape=objects")).json()
        measures = {r["value"]: r["count"] for r in table["facet_results"]["measure"]["results"]}
        search = (await get("/merida/citations.json?_search=straw&_shape=objects")).json()
        page = (await get("/merida/funding")).text
        return table["rows"], measures, search["rows"], page

    funding_rows, measures, rows, page = asyncio.run(session())
    assert [r["id"] for r in funding_rows] == ["cum-2009", "cum-2010", "annual-share"]  # by date
    assert measures == {"cumulative-appropriation": 2, "share": 1}
    assert [r["record_id"] for r in rows] == ["trace-guns"]
    assert "61.5&nbsp;%" in page and "1500000000" in page


# ---- Frictionless ------------------------------------------------------------------


def package(tmp_path, *packs):
    """Export a data package (of these packs, else the built-in one); frictionless, its dir."""
    frictionless = pytest.importorskip("frictionless", reason="frictionless (a dev extra) "
                                       "is not installed")
    target = tmp_path / "pkg"
    data = [arg for pack in packs for arg in ("--no-builtin", "--data", pack)]
    result = run_cli(*data, "export", "-f", "datapackage", "-o", target)
    assert result.code == 0, result.err
    return frictionless, target


def test_datapackage_passes_frictionless_validate(pack, tmp_path):
    frictionless, target = package(tmp_path, pack)
    descriptor = json.loads((target / "datapackage.json").read_text())
    funding = next(r for r in descriptor["resources"] if r["name"] == "funding")
    types = {f["name"]: f["type"] for f in funding["schema"]["fields"]}
    assert types["amount_usd"] == "number" and types["title"] == "string"
    assert funding["schema"]["primaryKey"] == ["id"]
    assert {"fields": "program", "reference": {"resource": "programs", "fields": "id"}} in (
        funding["schema"]["foreignKeys"])
    assert descriptor["licenses"] and {"title": "A CRS report"} in descriptor["sources"]
    report = frictionless.validate(target / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_frictionless_catches_a_broken_reference_in_the_package(pack, tmp_path):
    frictionless, target = package(tmp_path, pack)
    funding = target / "funding.csv"
    funding.write_bytes(funding.read_bytes().replace(b",plan,", b",no-plan,"))
    report = frictionless.validate(target / "datapackage.json")
    assert not report.valid
    assert "foreign-key" in {e.type for task in report.tasks for e in task.errors}


# ---- the built-in pack -------------------------------------------------------------


def test_builtin_pack_exports_consistent_tables(tmp_path):
    target = tmp_path / "merida.db"
    assert run_cli("export", "-f", "sqlite", "-o", target).code == 0
    conn = sqlite3.connect(target)
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    recs = run_cli("recs", "--json").json()
    assert conn.execute("SELECT count(*) FROM recommendations").fetchone() == (len(recs),)
    exported = run_cli("export", "--format", "json").json()
    quotes = sum(len(r.get("cite", [])) + sum(len(i["cite"]) for i in r.get("items", []))
                 for recs in exported.values() for r in recs)
    assert conn.execute("SELECT count(*) FROM citations").fetchone() == (quotes,)
    assert conn.execute("SELECT name FROM programs WHERE id = 'merida'").fetchone() == (
        "Mérida Initiative",)
    pillars = conn.execute("SELECT count(*) FROM items WHERE structure = 'merida-pillars'")
    assert pillars.fetchone() == (4,)
    # the full-text index folds accents: 'merida' finds the Mérida Initiative
    found = conn.execute("SELECT p.id FROM programs p JOIN programs_fts f ON f.rowid = p.rowid "
                         "WHERE programs_fts MATCH 'name:merida'").fetchall()
    assert ("merida",) in found


def test_builtin_pack_is_a_valid_data_package(tmp_path):
    frictionless, target = package(tmp_path)
    report = frictionless.validate(target / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    descriptor = json.loads((target / "datapackage.json").read_text())
    assert len(descriptor["sources"]) == len(run_cli("sources", "--json").json())


def test_one_csv_writer_for_listings_and_typed_tables(tmp_path):
    """The typed tables and a listing's CSV are written by one writer: a value's field is
    spelt the same in both, and a value that starts or ends with a space is quoted, so a
    reader that trims unquoted spaces (skipinitialspace) still gets it whole."""
    title = "  padded  "
    pack = write_pack(tmp_path / "p", {"a.json": json.dumps(
        {"sources": [{"id": "notes", "title": title, "file": "notes.txt"}]})})
    listing = run_cli("--no-builtin", "--data", pack, "sources", "--format", "csv")
    typed = export(pack, "-f", "csv", "-k", "sources")
    assert listing.code == 0, listing.err
    field = '"  padded  "'
    assert field in listing.out.splitlines()[1] and field in typed.out.split("\r\n")[1]
    for out in (listing.out, typed.out):
        rows = list(csv.DictReader(io.StringIO(out, newline=""), skipinitialspace=True))
        assert {r.get("title") or r.get("Title") for r in rows} == {title}
