"""The package's shape: no circle of imports (imports inside functions count too), and the
library answers questions without loading the command line (typer, click, rich)."""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import merida_cli

PACKAGE_DIR = Path(merida_cli.__file__).parent
IMPORT_COSTS = Path(__file__).parent.parent / "benchmarks" / "import_costs.py"


def module_files(package_dir: Path = PACKAGE_DIR) -> dict[str, Path]:
    """Every module of the package by dotted name (a package's name for its __init__)."""
    modules = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = path.relative_to(package_dir.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def imported(node: ast.AST, package: str, modules: dict[str, Path]) -> list[str]:
    """The modules an import statement names: for `from . import x`, the submodule x when
    there is one, the package otherwise (`from . import __version__`)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not node.level:  # `from lxml import etree` imports the module lxml.etree
        return [sub if _is_module(sub := f"{node.module}.{alias.name}") else node.module
                for alias in node.names]
    base = package.split(".")[:len(package.split(".")) - node.level + 1]
    source = ".".join(base + ([node.module] if node.module else []))
    return [sub if (sub := f"{source}.{alias.name}") in modules else source
            for alias in node.names]


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # a parent that is not a package
        return False


def _package_of(name: str, path: Path) -> str:
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Each module's imports of the package's own modules, from every import statement
    (top level or inside a function)."""
    graph = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                graph[name].update(t for t in imported(node, _package_of(name, path), modules)
                                   if t in modules and t != name)
    return graph


def deferred_imports(modules: dict[str, Path]) -> list[tuple[str, int, str]]:
    """Every import inside a function: (module, line, the module it imports)."""
    found = []
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for function in ast.walk(tree):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(function):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    found += [(name, node.lineno, target) for target in
                              imported(node, _package_of(name, path), modules)]
    return sorted(set(found))


def find_circle(graph: dict[str, set[str]]) -> list[str] | None:
    """One circle of imports as the modules along it (first repeated at the end), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state:
                found = visit(target)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_the_package_has_no_circle_of_imports():
    circle = find_circle(import_graph(module_files()))
    assert circle is None, "a circle of imports: " + " -> ".join(circle)


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    """Every module `start` imports, directly or through others."""
    seen, todo = set(), [start]
    while todo:
        for target in graph[todo.pop()] - seen:
            seen.add(target)
            todo.append(target)
    return seen


# the cache's layers, lowest first: each may import those below it, never one above
CACHE_LAYERS = ["merida_cli.cachefile", "merida_cli.recordstore", "merida_cli.searchindex"]


@pytest.mark.parametrize("layer", CACHE_LAYERS[:-1])
def test_the_cache_layers_import_only_downwards(layer):
    """The cache file knows nothing of the tables in it, the record store nothing of the
    search index (issue 23): a layer never reaches one above it, even through others."""
    graph = import_graph(module_files())
    above = set(CACHE_LAYERS[CACHE_LAYERS.index(layer) + 1:])
    assert reachable(graph, layer) & above == set()


def test_the_walk_sees_imports_inside_functions_and_from_dot_imports(tmp_path):
    # the checker itself: a circle closed only by an import inside a function is found,
    # and `from . import x` is an edge to the submodule x, not to the package
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("VERSION = 1\n")
    (pkg / "a.py").write_text("from . import b\n")
    (pkg / "b.py").write_text("def later():\n    from .a import thing\n")
    (pkg / "c.py").write_text("from . import VERSION\n")
    graph = import_graph(module_files(pkg))
    assert graph["pkg.a"] == {"pkg.b"}
    assert graph["pkg.c"] == {"pkg"}
    assert find_circle(graph) == ["pkg.a", "pkg.b", "pkg.a"]
    (pkg / "b.py").write_text("def later():\n    pass\n")
    assert find_circle(import_graph(module_files(pkg))) is None


LIBRARY_USE = """
import json, sys
import merida_cli
catalog = merida_cli.open()
funding = catalog.funding(program="merida")
compare = catalog.compare("merida", "bicentennial")
checked = catalog.validate()
schema = catalog.schema()
exported = catalog.export("json")
brief = catalog.brief("merida")
print(json.dumps({
    "loaded": sorted(m for m in ("typer", "click", "rich") if m in sys.modules),
    "funding_lines": len(funding.to_json()),
    "exported": sorted(json.loads(exported.text)),
    "schema": schema.to_json().get("type"),
    "brief": brief.title,
    "statuses": [r.exit_status for r in (funding, compare, checked, schema, exported, brief)],
}))
"""


def test_the_library_answers_without_loading_the_command_line(tmp_path):
    env = dict(os.environ, MERIDA_CACHE_DIR=str(tmp_path / "cache"))
    env.pop("MERIDA_DATA", None)
    done = subprocess.run([sys.executable, "-c", LIBRARY_USE], capture_output=True,
                          text=True, env=env, cwd=tmp_path, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["loaded"] == [], f"the library loaded {report['loaded']}"
    # the questions were answered, not refused
    assert report["statuses"] == [0] * 6
    assert report["funding_lines"] > 0
    assert "programs" in report["exported"] and report["schema"] == "object"
    assert "Mérida" in report["brief"]


def test_no_test_module_imports_another():
    """Shared helpers live in conftest.py and tests/helpers.py: a test module imported by
    another ties two concerns together (and its tests' names leak into the other)."""
    tests = Path(__file__).parent
    modules = {path.stem for path in tests.glob("test_*.py")}
    found = []
    for path in sorted(tests.glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            found += [(path.name, name) for name in names if name.split(".")[0] in modules]
    assert found == []


def _cost_table() -> dict[str, str]:
    """BENCHMARKS.md's table of the modules imported inside functions: module -> why."""
    spec = importlib.util.spec_from_file_location("import_costs", IMPORT_COSTS)
    costs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(costs)
    return dict(costs.table_rows(costs.BENCHMARKS.read_text(encoding="utf-8")))


def _listed(module: str, table: dict[str, str]) -> bool:
    return any(module == name or module.startswith(name + ".") for name in table)


def test_an_import_inside_a_function_names_a_module_with_a_measured_cost():
    """Imports go at the top of a module, except those BENCHMARKS.md lists with what
    they would add to every start (benchmarks/import_costs.py measures it)."""
    table = _cost_table()
    assert table, "no table of deferred imports in BENCHMARKS.md"
    unlisted = [f"{module} line {line}: {target}"
                for module, line, target in deferred_imports(module_files())
                if not _listed(target, table)]
    assert not unlisted, ("imported inside a function with no measured cost in "
                          "BENCHMARKS.md (move it to the top, or measure and list it): "
                          + "; ".join(unlisted))
    used = {target for _module, _line, target in deferred_imports(module_files())}
    stale = [name for name in table if not any(_listed(t, {name: ""}) for t in used)]
    assert not stale, f"listed in BENCHMARKS.md but imported inside no function: {stale}"


HELP_MODULES = """
import io, json, sys
from merida_cli.cli import main
from merida_cli.env import Environment
main(["--help"], Environment(stdout=io.StringIO(), stderr=io.StringIO()))
print(json.dumps(sorted(sys.modules)))
"""


def test_a_deferred_import_is_of_a_module_the_start_does_not_load_anyway(tmp_path):
    """Deferring an import that `merida --help` makes anyway saves nothing: it belongs at
    the top."""
    done = subprocess.run([sys.executable, "-c", HELP_MODULES], capture_output=True,
                          text=True, cwd=tmp_path, timeout=120, check=True)
    loaded = set(json.loads(done.stdout))
    anyway = sorted(name for name in _cost_table() if name in loaded)
    assert not anyway, f"deferred, but loaded by every start: {anyway}"
