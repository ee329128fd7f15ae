"""Pack-level operations: export, JSON Schema, an example pack, diffing two packs."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import DataError, MeridaError, UsageError
from .load import DEFAULT_MAX_FILE_BYTES, locate_records, parse_file
from .model import KIND_ORDER, KINDS, NESTED, Field, title_of
from .packfiles import pack_files
from .render.formats import csv_row, md_text
from .text import json_text

# ---- export -------------------------------------------------------------------


def export_object(records: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """Every kind (plural keys), complete records, in schema order: a loadable pack."""
    return {kind: records.get(kind, []) for kind in KIND_ORDER if records.get(kind)}


def export_text(records: dict[str, list[dict]], fmt: str) -> str:
    data = export_object(records)
    if fmt == "json":
        return json_text(data) + "\n"
    if fmt == "yaml":
        from .yamlsafe import dump_yaml

        header = "# merida data pack (exported); load with: merida --no-builtin --data DIR\n"
        return header + dump_yaml(data)
    if fmt == "csv":
        return _export_csv(data)
    if fmt == "markdown":
        return _export_markdown(data)
    raise UsageError(f"unknown export format '{fmt}' (json, yaml, csv, markdown)")


def _flat(rec: dict) -> dict:
    quotes = [c["quote"] for c in rec.get("cite", [])]
    sources = sorted({c["source"] for c in rec.get("cite", [])})
    return {"title": title_of("", rec), "summary": rec.get("summary", ""),
            "date": rec.get("date") or rec.get("as_of") or rec.get("adopted") or "",
            "topics": ";".join(rec.get("topics", [])), "sources": ";".join(sources),
            "quote": quotes[0] if quotes else ""}


def _export_csv(data) -> str:
    header = ["kind", "id", "title", "summary", "date", "topics", "sources", "quote"]
    out = [csv_row(header)]
    for kind, recs in data.items():
        for rec in recs:
            flat = _flat(rec)
            out.append(csv_row([kind, rec["id"], *(flat[h] for h in header[2:])]))
            for item in rec.get("items", []):
                flat = _flat(item)
                out.append(csv_row(["items", item["id"], *(flat[h] for h in header[2:])]))
    return "".join(out)


def _export_markdown(data) -> str:
    """Every value through md_text: a record cannot add headings, tables, links or HTML."""
    lines = ["# merida data export", ""]
    for kind, recs in data.items():
        lines += [f"## {kind}", ""]
        for rec in recs:
            lines.append(f"- **{md_text(title_of(kind, rec))}** ({md_text(rec['id'])})"
                         + (f": {md_text(rec['summary'])}" if rec.get("summary") else ""))
            for item in rec.get("items", []):
                lines.append(f"  - {md_text(item.get('number', ''))} {md_text(item['title'])} "
                             f"({md_text(item['id'])})")
            for cite in rec.get("cite", []):
                lines.append(f"  > “{md_text(cite['quote'])}” ({md_text(cite['source'])})")
        lines.append("")
    return "\n".join(lines)


# ---- JSON Schema --------------------------------------------------------------

_JSON_TYPES = {
    "str": {"type": "string", "minLength": 1}, "text": {"type": "string", "minLength": 1},
    "slug": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"},
    "ref": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"},
    "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
    "date": {"type": ["string", "integer"], "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"},
    "fiscal_years": {"type": "string", "pattern": r"^FY\d{4}(-FY\d{4})?$"},
    "number": {"type": "number", "minimum": 0},
    "bool": {"type": "boolean"},
    "label": {"type": ["integer", "string"]},
    "strs": {"type": "array", "items": {"type": "string"}},
    "refs": {"type": "array", "items": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"}},
}


def _object(schema: dict[str, Field]) -> dict:
    props = {}
    for name, spec in schema.items():
        if spec.type == "enum":
            prop = {"enum": list(spec.choices)}
        elif spec.type in NESTED:
            prop = {"type": "array", "minItems": 1, "items": _object(NESTED[spec.type][0])}
        else:
            prop = dict(_JSON_TYPES[spec.type])
        if spec.help:
            prop["description"] = spec.help
        props[name] = prop
    return {"type": "object", "additionalProperties": False, "properties": props,
            "required": [n for n, s in schema.items() if s.required]}


def json_schema() -> dict:
    """JSON Schema for one pack file, generated from the same schema validation uses."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "merida data pack file",
        "type": "object",
        "additionalProperties": False,
        "properties": {kind: {"type": "array", "items": _object(fields)}
                       for kind, fields in KINDS.items()},
    }


# ---- example pack -------------------------------------------------------------

EXAMPLE_PACK = """\
# An example merida data pack. Copy this directory, edit, then check it with:
#   merida --data {dir} validate
#   merida --data {dir} verify --texts DIR_WITH_YOUR_SOURCE_TEXTS
# Records may reference the built-in topics, sources and programs
# (see `merida topics`, `merida sources`, `merida programs`).
# Editors can validate as you type with the JSON Schema: `merida schema > merida.schema.json`.

sources:
  - id: my-notes-2026              # lower-case id, unique across all packs
    title: My reading notes on the 2025 Security Implementation Group
    author: Your Name
    date: "2026-01"                # dates keep their precision: 2026, 2026-01, 2026-01-15
    file: my-notes-2026.txt        # the text `merida verify` looks for

recommendations:
  - id: my-notes-trace-every-gun
    text: Trace every seized firearm and publish the results each year
    actor: Your Name
    topics: [firearms, evaluation] # ids from `merida topics`
    programs: [bicentennial]       # ids from `merida programs`
    cite:
      - source: my-notes-2026
        quote: "Every seized firearm should be traced."   # verbatim from the text
"""

EXAMPLE_TEXT = "Notes.\nEvery seized firearm should be traced.\n"


def init_pack(directory) -> list[Path]:
    """Write an example pack (and its source text): all of it or nothing, never over an
    existing file and never through a link it did not create."""
    if not os.fspath(directory):
        raise UsageError("init-pack: empty directory name")
    directory = Path(directory)
    shown = os.fsencode(directory).decode("utf-8", "replace")  # the pack file is UTF-8
    files = {Path("example.yaml"): EXAMPLE_PACK.format(dir=shown),
             Path("texts") / "my-notes-2026.txt": EXAMPLE_TEXT}
    if os.path.lexists(directory) and not directory.is_dir():
        raise UsageError(f"{directory}: exists and is not a directory")
    for rel in [*files, Path("texts")]:
        path = directory / rel
        if os.path.islink(path):
            raise MeridaError(f"{path}: is a symbolic link; not writing through it", 1)
        if rel in files and os.path.lexists(path):
            raise MeridaError(f"{path}: already exists; not overwriting", 1)
    made: list[Path] = []  # what this call created, removed again on any failure
    try:
        for folder in reversed([directory, *directory.parents]):
            if not os.path.lexists(folder):
                folder.mkdir()
                made.append(folder)
        for rel, text in files.items():
            parent = directory / rel.parent
            if not parent.is_dir():
                parent.mkdir()
                made.append(parent)
            if os.path.islink(parent):  # appeared since the check above
                raise MeridaError(f"{parent}: is a symbolic link; not writing through it", 1)
            fd = os.open(directory / rel, os.O_WRONLY | os.O_CREAT | os.O_EXCL
                         | getattr(os, "O_NOFOLLOW", 0), 0o666)
            made.append(directory / rel)
            with os.fdopen(fd, "wb") as handle:
                handle.write(text.encode("utf-8"))
    except BaseException as exc:
        for path in reversed(made):
            try:
                path.rmdir() if path.is_dir() and not path.is_symlink() else path.unlink()
            except OSError:
                pass
        if isinstance(exc, OSError):
            raise MeridaError(f"{directory}: cannot write: {exc.strerror or exc}", 1) from None
        raise
    return [directory / rel for rel in files]


# ---- diff of two packs ----------------------------------------------------------


def read_pack_records(path: Path, limit: int | None = None) -> dict[tuple[str, str], dict]:
    """Records of a pack file or directory by (kind, id), schema-checked but not linked;
    `limit` is the size cap of a pack file (the Environment's)."""
    from .validate import check_fields  # the Catalog imports packs: keep validate off its start

    limit = limit or DEFAULT_MAX_FILE_BYTES
    files = pack_files(path) if path.is_dir() else [path]
    out, problems = {}, []
    for file in files:
        for loc in locate_records(file, parse_file(file, False, limit), limit):
            rec = check_fields(loc, problems)
            if rec is not None:
                out[(loc.kind, rec["id"])] = rec
    if problems:
        raise DataError(problems)
    return out


def diff_packs(a: Path, b: Path, limit: int | None = None) -> dict:
    """Records added, removed and changed (field by field) from pack A to pack B."""
    left, right = read_pack_records(a, limit), read_pack_records(b, limit)
    result = {"a": str(a), "b": str(b), "added": [], "removed": [], "changed": []}
    for key in sorted(set(left) | set(right), key=lambda k: (KIND_ORDER.index(k[0]), k[1])):
        kind, rid = key
        if key not in left:
            result["added"].append({"kind": kind, "id": rid})
        elif key not in right:
            result["removed"].append({"kind": kind, "id": rid})
        elif left[key] != right[key]:
            fields = {}
            for name in list(dict.fromkeys([*left[key], *right[key]])):
                va, vb = left[key].get(name), right[key].get(name)
                if va != vb:
                    fields[name] = {k: v for k, v in (("a", va), ("b", vb)) if v is not None}
            result["changed"].append({"kind": kind, "id": rid, "fields": fields})
    return result
