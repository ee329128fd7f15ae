"""Typed tables written for other tools: CSV files, a SQLite database for people,
a Datasette site (database + metadata.json), a Frictionless data package.

The tables come from tables.py; this module only spells them in each format
and writes the files (each through a temp file and a rename).
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

from .errors import MeridaError, UsageError
from .extras import require
from .results import Written
from .tables import Table, csv_text, table_name, tables
from .text import json_text

TITLE = "merida: US–Mexico security cooperation, every line cited"
DESCRIPTION = ("Curated records on the Mérida Initiative and the Bicentennial Framework: "
               "programs and their structures, funding lines by whose count, recommendations, "
               "events, figures and assessments. Every record cites verbatim quotes of its "
               "sources (table citations).")
SOURCE = "merida data packs (the built-in pack and any --data packs loaded)"
# the project's license (pyproject.toml), which the built-in pack ships under
LICENSE = {"name": "MIT", "title": "MIT License", "path": "https://opensource.org/licenses/MIT"}
QUOTES_NOTE = ("Quotes are short passages of the cited documents, which keep their own terms; "
               "see the sources table for each document.")
DATABASE = "merida.db"

# the questions analysts ask most, answered by a view each
VIEWS = {
    "cumulative_appropriations": (
        ("The cumulative appropriations series: every line counting appropriations to date, "
         "oldest statement first."),
        ("SELECT f.as_of, f.amount_usd, f.qualifier, f.fiscal_years, f.period, f.recipient, "
         "f.recipient_as_written, f.program, f.source, f.id, f.title FROM funding f "
         "WHERE f.measure = 'cumulative-appropriation' ORDER BY f.as_of, f.id")),
    "funding_lines": (
        "Every funding line with its program's name and its source's title.",
        ("SELECT f.id, f.title, p.name AS program, f.measure, f.amount_usd, f.share_pct, "
         "f.qualifier, f.fiscal_years, f.period, f.recipient, f.recipient_as_written, f.as_of, "
         "s.title AS source "
         "FROM funding f JOIN programs p ON p.id = f.program "
         "LEFT JOIN sources s ON s.id = f.source ORDER BY f.program, f.as_of, f.id")),
    "quotes": (
        "Every quote with the record it supports and the source it comes from.",
        ("SELECT c.record_kind, c.record_id, r.title AS record, c.quote, c.page, "
         "s.title AS source, s.date AS source_date FROM citations c "
         "JOIN sources s ON s.id = c.source "
         "LEFT JOIN records r ON r.record_kind = c.record_kind AND r.record_id = c.record_id "
         "ORDER BY c.record_kind, c.record_id, c.position")),
    "topic_counts": (
        "How many records of each kind carry each topic.",
        ("SELECT t.id AS topic, t.label, rt.record_kind, count(*) AS records "
         "FROM record_topics rt JOIN topics t ON t.id = rt.topic "
         "GROUP BY t.id, rt.record_kind ORDER BY t.id, rt.record_kind")),
}


def export_tables(records, fmt: str, output: Path | None, kind: str | None = None) -> Written:
    """`export --format csv|sqlite|datasette|datapackage` as typed tables."""
    if kind is not None:
        kind = table_name(kind)
    if fmt == "csv":
        if output is not None and csv_directory(output):
            built = tables(records)
            chosen = [built[kind]] if kind else list(built.values())
            return _into_folder(output, lambda folder: write_csv_files(chosen, folder))
        if kind is None:
            raise UsageError("typed CSV needs --kind TABLE (or --output DIR for every table)")
        text = csv_text(tables(records)[kind])
        return Written(text=text) if output is None else write_file(Written(), output,
                                                               text.encode("utf-8"))
    if fmt not in ("sqlite", "datasette", "datapackage"):
        raise UsageError(f"unknown table format '{fmt}'")
    if output is None:
        raise UsageError(f"--format {fmt} needs --output {'FILE' if fmt == 'sqlite' else 'DIR'}")
    built = tables(records)
    if fmt == "sqlite":
        return write_database(built, output)
    if fmt == "datasette":
        return _into_folder(output, lambda folder: write_file(
            write_database(built, folder / DATABASE), folder / "metadata.json",
            _json(datasette_metadata(built))))
    return _into_folder(output, lambda folder: write_file(
        write_csv_files(built.values(), folder), folder / "datapackage.json",
        _json(datapackage(built, records.get("sources", [])))))


def _into_folder(output: Path, fill) -> Written:
    """`fill(folder)` writes a folder export's files; a new folder appears only complete
    (see safewrite.output_folder). The paths reported are the final ones."""
    from .safewrite import output_folder

    with output_folder(output) as folder:
        done = fill(folder)
    done.paths = [Path(output) / path.relative_to(folder) for path in done.paths]
    return done


def csv_directory(output: Path) -> bool:
    """-o names a directory (one CSV per table) or a file: an existing directory, or a new
    path without a suffix (not a link: a link's target is a file to write), is a directory."""
    output = Path(output)
    return output.is_dir() or (not os.path.lexists(output) and not output.suffix)


def write_file(done: Written, path: Path, data: bytes) -> Written:
    """Write `data` to `path` (atomically, or in place on a stream) and add it to `done`."""
    from .safewrite import write_output

    write_output(path, data)
    done.paths.append(path)
    return done


def _json(value) -> bytes:
    return (json_text(value) + "\n").encode("utf-8")


def write_csv_files(chosen, directory: Path) -> Written:
    done = Written()
    for table in chosen:
        write_file(done, directory / f"{table.name}.csv", csv_text(table).encode("utf-8"))
    return done


# ---- SQLite -----------------------------------------------------------------------

_SQL_TYPES = {"string": "TEXT", "list": "TEXT", "number": "NUMERIC", "integer": "INTEGER",
              "boolean": "INTEGER"}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def create_sql(table: Table) -> str:
    """CREATE TABLE with typed columns, NOT NULL, the primary key and foreign keys."""
    parts = [f"{_quote(c.name)} {_SQL_TYPES[c.type]}" + (" NOT NULL" if c.required else "")
             for c in table.columns]
    parts.append(f"PRIMARY KEY ({', '.join(map(_quote, table.primary_key))})")
    parts += [f"FOREIGN KEY ({_quote(c.name)}) REFERENCES {_quote(c.ref)}(id)"
              for c in table.columns if c.ref]
    return f"CREATE TABLE {_quote(table.name)} (\n  " + ",\n  ".join(parts) + "\n)"


def _sql_value(column, value):
    if value is None:
        return None
    if column.type == "list":
        return json.dumps(value, ensure_ascii=False)
    if column.type == "boolean":
        return int(value)
    return value


def build_database(built: dict[str, Table], path: Path) -> None:
    """Fill a new SQLite file: one table per kind and part, full-text indexes, views."""
    sqlite_utils = require("sqlite")
    db = sqlite_utils.Database(path, recreate=True)
    # a scratch file until it is renamed into place: no need to sync every batch to disk
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA journal_mode = MEMORY")
    with db.conn:
        for table in built.values():
            db.execute(create_sql(table))
            db[table.name].insert_all(
                ({c.name: _sql_value(c, row[c.name]) for c in table.columns}
                 for row in table.rows), batch_size=500)
        for table in built.values():
            if table.search:
                db[table.name].enable_fts(list(table.search), fts_version="FTS5",
                                          tokenize="unicode61 remove_diacritics 2")
        for name, (_help, sql) in VIEWS.items():
            db.create_view(name, sql)
    broken = db.execute("PRAGMA foreign_key_check").fetchall()
    db.close()
    if broken:
        table, rowid, parent, _ = broken[0]
        raise MeridaError(f"{len(broken)} broken reference(s), e.g. row {rowid} of {table} "
                          f"names a missing {parent} row", 1)


def write_database(built: dict[str, Table], path: Path) -> Written:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="merida-export-") as tmp:
        temp = Path(tmp) / DATABASE
        try:
            build_database(built, temp)
        except sqlite3.Error as exc:
            raise MeridaError(f"{path}: cannot build the database: {exc}", 1) from None
        return write_file(Written(), Path(path), temp.read_bytes())


# ---- Datasette ---------------------------------------------------------------------


def datasette_metadata(built: dict[str, Table]) -> dict:
    """metadata.json for `datasette merida.db -m metadata.json`: descriptions, units,
    default facets, full-text search, labels for foreign keys."""
    tables_meta = {}
    for table in built.values():
        meta = {"description": table.description,
                "columns": {c.name: c.description for c in table.columns if c.description}}
        units = {c.name: c.unit for c in table.columns if c.unit}
        if units:
            meta["units"] = units
        if table.facets:
            meta["facets"] = [{"array": f} if table.column(f).type == "list" else f
                              for f in table.facets]
        if table.search:
            meta["fts_table"] = f"{table.name}_fts"
        dated = [c.name for c in table.columns if c.name in ("date", "as_of") and c.required]
        if dated:  # events and funding lines read best in time order
            meta["sort"] = dated[0]
        label = next((c for c in ("name", "title", "label") if c in
                      {col.name for col in table.columns}), None)
        if label and table.primary_key == ("id",):
            meta["label_column"] = label
        tables_meta[table.name] = meta
    for name, (help_, _sql) in VIEWS.items():
        tables_meta[name] = {"description": help_}
    return {
        "title": TITLE, "description": f"{DESCRIPTION} {QUOTES_NOTE}",
        "source": SOURCE, "license": LICENSE["name"], "license_url": LICENSE["path"],
        "databases": {Path(DATABASE).stem: {"description": DESCRIPTION, "tables": tables_meta}},
    }


# ---- Frictionless --------------------------------------------------------------------


def _field(column) -> dict:
    out = {"name": column.name, "type": "string" if column.type == "list" else column.type}
    if column.description:
        out["description"] = column.description + (
            " ('; '-separated list)" if column.type == "list" else "")
    if column.type == "boolean":
        out["trueValues"], out["falseValues"] = ["true"], ["false"]
    constraints = {}
    if column.required:
        constraints["required"] = True
    if column.choices:
        constraints["enum"] = list(column.choices)
    if column.pattern:
        constraints["pattern"] = column.pattern
    if constraints:
        out["constraints"] = constraints
    return out


def datapackage(built: dict[str, Table], sources: list[dict]) -> dict:
    """datapackage.json: a Table Schema per CSV with types, keys and references."""
    resources = []
    for table in built.values():
        schema = {"fields": [_field(c) for c in table.columns],
                  "primaryKey": list(table.primary_key),
                  "missingValues": [""]}
        keys = [{"fields": c.name, "reference": {
                    "resource": "" if c.ref == table.name else c.ref, "fields": "id"}}
                for c in table.columns if c.ref]
        if keys:
            schema["foreignKeys"] = keys
        resources.append({"name": table.name, "path": f"{table.name}.csv",
                          "title": table.name, "description": table.description,
                          "profile": "tabular-data-resource", "format": "csv",
                          "mediatype": "text/csv", "encoding": "utf-8",
                          "dialect": {"delimiter": ",", "lineTerminator": "\r\n"},
                          "schema": schema})
    return {
        "profile": "tabular-data-package", "name": "merida", "title": TITLE,
        "description": f"{DESCRIPTION} {QUOTES_NOTE} CSV cells that would start a "
                       "spreadsheet formula (=, +, -, @) carry a leading apostrophe.",
        "licenses": [LICENSE],
        "sources": [{"title": s["title"], **({"path": s["url"]} if s.get("url") else {})}
                    for s in sources],
        "resources": resources,
    }

