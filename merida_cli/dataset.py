"""The validated, merged records and the lookups every command needs.

Resolution of user input (a topic alias, a program name, an id with a typo)
lives here so that every command answers an unknown name the same way:
exit 2 with "did you mean".
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property

from .errors import UsageError
from .model import KIND_ORDER, SINGULAR
from .searchindex import SearchIndex
from .text import did_you_mean, fold


class PerKind(Mapping):
    """kind -> value computed by `load(kind)` on first use (records read from the store,
    or those records by id)."""

    def __init__(self, load):
        self.load = load
        self.loaded: dict[str, object] = {}

    def __getitem__(self, kind: str):
        if kind not in KIND_ORDER:
            raise KeyError(kind)
        if kind not in self.loaded:
            self.loaded[kind] = self.load(kind)
        return self.loaded[kind]

    def __iter__(self):
        return iter(KIND_ORDER)

    def __len__(self) -> int:
        return len(KIND_ORDER)


class Dataset:
    """The validated records, read lazily from their store, plus the lookups commands need."""

    def __init__(self, store, directories=()):
        self.store = store
        self.records = PerKind(store.kind)
        self.directories = list(directories)

    @cached_property
    def search_index(self) -> SearchIndex:
        """The store's search tables, built by the first question put to them."""
        return SearchIndex(self.store)

    # ---- indices ---------------------------------------------------------
    @cached_property
    def by_id(self) -> PerKind:
        return PerKind(lambda kind: {r["id"]: r for r in self.records[kind]})

    @cached_property
    def items(self) -> dict[str, tuple[dict, dict]]:
        """Structure items by id -> (item, structure)."""
        return {item["id"]: (item, s) for s in self.records["structures"] for item in s["items"]}

    def _names(self, kind: str, label: str) -> dict[str, str]:
        """Folded id, label/name and aliases of every record of a kind -> its id."""
        names: dict[str, str] = {}
        for rec in self.records[kind]:
            for name in (rec["id"], rec[label], *rec.get("aliases", [])):
                names.setdefault(fold(name), rec["id"])
        return names

    @cached_property
    def topic_names(self) -> dict[str, str]:
        return self._names("topics", "label")

    @cached_property
    def program_names(self) -> dict[str, str]:
        return self._names("programs", "name")

    @cached_property
    def topic_children(self) -> dict[str, list[str]]:
        children: dict[str, list[str]] = {}
        for topic in self.records["topics"]:
            if "parent" in topic:
                children.setdefault(topic["parent"], []).append(topic["id"])
        return children

    # ---- lookups ---------------------------------------------------------
    def get(self, kind: str, rid: str) -> dict | None:
        if kind in self.records.loaded or kind in ("topics", "programs", "sources"):
            return self.by_id[kind].get(rid)
        return self.store.get(kind, rid)

    def item(self, rid: str) -> dict | None:
        return self.items[rid][0] if rid in self.items else None

    def find(self, rid: str) -> list[tuple[str, dict]]:
        """Every record (any kind, structure items too) with this id."""
        found = sorted(self.store.find(rid), key=lambda kr: KIND_ORDER.index(kr[0]))
        if rid in self.items:
            found.append(("items", self.items[rid][0]))
        return found

    def all_ids(self) -> list[str]:
        return self.store.ids() + list(self.items)

    def with_topics(self, kind: str, topics: set[str]) -> list[dict]:
        """Records of a kind that carry any of these topic ids (answered by the store)."""
        return self.store.with_topics(kind, topics) if topics else []

    def resolve_topic(self, name: str) -> str:
        """A topic id from an id, label or alias ('guns' -> 'firearms')."""
        if name in self.by_id["topics"]:  # fast path: no folding of every alias
            return name
        return self._resolve(name, self.topic_names, "topic")

    def topic_family(self, name: str) -> set[str]:
        """The topic and all topics nested under it."""
        root = self.resolve_topic(name)
        family, todo = set(), [root]
        while todo:
            tid = todo.pop()
            if tid not in family:
                family.add(tid)
                todo += self.topic_children.get(tid, [])
        return family

    def resolve_program(self, name: str) -> str:
        if name in self.by_id["programs"]:
            return name
        return self._resolve(name, self.program_names, "program")

    def resolve_id(self, kind: str, name: str) -> str:
        names = {fold(rid): rid for rid in self.by_id[kind]}
        return self._resolve(name, names, SINGULAR[kind])

    def _resolve(self, name: str, names: dict[str, str], what: str) -> str:
        key = fold(name)
        if key in names:
            return names[key]
        raise UsageError(f"unknown {what} '{name}'{did_you_mean(name, names)}")
