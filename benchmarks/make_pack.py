"""Write a synthetic merida data pack of N records, replicated from the built-in data.

Usage: python benchmarks/make_pack.py N DIR [--format yaml|json] [--per-file K]

The pack is meant to be loaded on top of the built-in one (`merida --data DIR`):
topics and sources are not copied, and references to them keep pointing at the
built-in records. Every other kind (programs, structures, funding,
recommendations, events, figures, assessments) is copied in "replicas": replica
r gives each record, and each structure item, the id suffix `-s{r:06d}`, and a
reference to a program copied in the same replica points at that copy (else
at the built-in program). Within a replica the kinds are interleaved in their
built-in proportions, so any N gives roughly the built-in mix. Texts and cite
entries are copied unchanged, so quotes stay verbatim.

Files hold PER_FILE records each (synthetic-0001.yaml, ...), well under the
8 MiB cap of a pack file. The output is deterministic: the same N and the same
built-in data give byte-identical files. Old synthetic-* files in DIR are
removed first.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

COPIED = ("programs", "structures", "funding", "recommendations", "events", "figures",
          "assessments")
PER_FILE = 2500


def template(records: dict[str, list[dict]]) -> list[tuple[str, dict]]:
    """One replica: the copied kinds' records, interleaved in their built-in proportions."""
    order = []
    for rank, kind in enumerate(COPIED):
        recs = records.get(kind, [])
        for i, rec in enumerate(recs):
            order.append(((i + 0.5) / len(recs), rank, kind, rec))
    order.sort(key=lambda entry: entry[:2])
    return [(kind, rec) for _, _, kind, rec in order]


def program_ref_fields() -> dict[str, list[tuple[str, bool]]]:
    """Per kind, the fields that reference programs, and whether each is a list."""
    from merida_cli.model import KINDS

    return {kind: [(key, spec.type == "refs") for key, spec in fields.items()
                   if spec.ref == "programs"]
            for kind, fields in KINDS.items()}


def replicate(kind: str, rec: dict, suffix: str, copied_programs: set[str],
              ref_fields: list[tuple[str, bool]]) -> dict:
    """A copy of one record with new ids and its program references remapped."""
    out = json.loads(json.dumps(rec))  # deep copy of plain data

    def program(pid: str) -> str:
        return pid + suffix if pid in copied_programs else pid

    out["id"] = rec["id"] + suffix
    for key, is_list in ref_fields:
        if key in out:
            out[key] = [program(p) for p in out[key]] if is_list else program(out[key])
    for item in out.get("items", []):
        item["id"] += suffix
        if "parent" in item:
            item["parent"] += suffix
    return out


def synthetic_records(records: dict[str, list[dict]], n: int) -> list[tuple[str, dict]]:
    """The first n records of the replica stream, as (kind, record)."""
    one = template(records)
    if not one:
        raise SystemExit("make_pack: the built-in data has no records to copy")
    ref_fields = program_ref_fields()
    out = []
    for replica in range((n + len(one) - 1) // len(one)):
        suffix = f"-s{replica:06d}"
        part = one[: n - replica * len(one)]
        copied = {rec["id"] for kind, rec in part if kind == "programs"}
        out += [(kind, replicate(kind, rec, suffix, copied, ref_fields.get(kind, [])))
                for kind, rec in part]
    return out


def write_pack(stream: list[tuple[str, dict]], directory: Path, fmt: str = "yaml",
               per_file: int = PER_FILE) -> list[Path]:
    """Write the records in files of per_file records each; return the paths."""
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("synthetic-*"):
        if old.suffix in (".yaml", ".json"):
            old.unlink()
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    paths = []
    for number, start in enumerate(range(0, len(stream), per_file), 1):
        document: dict[str, list[dict]] = {}
        for kind, rec in stream[start:start + per_file]:
            document.setdefault(kind, []).append(rec)
        document = {kind: document[kind] for kind in COPIED if kind in document}
        path = directory / f"synthetic-{number:04d}.{fmt}"
        with open(path, "w", encoding="utf-8") as handle:
            if fmt == "json":
                json.dump(document, handle, ensure_ascii=False, indent=1)
                handle.write("\n")
            else:
                yaml.dump(document, handle, Dumper=dumper, sort_keys=False, allow_unicode=True)
        paths.append(path)
    return paths


def make_pack(n: int, directory: Path, fmt: str = "yaml", per_file: int = PER_FILE) -> list[Path]:
    """Generate and write a pack of n records replicated from the built-in data."""
    from merida_cli import load_data

    return write_pack(synthetic_records(load_data().records, n), Path(directory), fmt, per_file)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of records")
    parser.add_argument("dir", type=Path, help="pack directory to write")
    parser.add_argument("--format", choices=("yaml", "json"), default="yaml")
    parser.add_argument("--per-file", type=int, default=PER_FILE, help="records per file")
    args = parser.parse_args(argv)
    if args.n < 1 or args.per_file < 1:
        parser.error("N and --per-file must be at least 1")
    paths = make_pack(args.n, args.dir, args.format, args.per_file)
    size = sum(p.stat().st_size for p in paths)
    print(f"wrote {args.n} records in {len(paths)} files ({size / 1048576:.1f} MiB) to {args.dir}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
