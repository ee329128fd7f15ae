"""The heavy parts are extras (pyproject.toml, merida_cli/extras.py): a command that needs
one that is not installed says which, and the pip command that adds it, in one line on
stderr and exits 1, writing nothing; every other command works without any extra.

Absence is simulated as Python sees it: in-process, the module's sys.modules entry set to
None; in a real `merida` process, a sitecustomize whose import hook refuses the modules."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import REPO, run_cli, write_pack
from helpers import BRIEF_PACK, BRIEF_TEXT

from merida_cli.extras import EXTRAS

# the command line a user types for each extra, and the file it would write
NEEDS = {
    "cite": (["cite", "notes", "--style", "apa"], None),
    "charts": (["brief", "plan", "-f", "html", "-o", "{out}/brief.html"], "brief.html"),
    "sqlite": (["export", "-f", "sqlite", "-o", "{out}/plan.db"], "plan.db"),
    "pdf": (["brief", "plan", "-f", "pdf", "-o", "{out}/brief.pdf"], "brief.pdf"),
}

# an import hook that makes the modules named in MERIDA_TEST_ABSENT look uninstalled
BLOCKER = """\
import importlib.abc, os, sys

ABSENT = set(filter(None, os.environ.get("MERIDA_TEST_ABSENT", "").split(",")))

class Absent(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ABSENT:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, Absent())
"""


@pytest.fixture
def pack(tmp_path):
    """The brief's pack (a plan with money, cited from `notes`) and that source's text."""
    return write_pack(tmp_path / "pack", {"plan.yaml": BRIEF_PACK, "notes.txt": BRIEF_TEXT})


def _merida(tmp_path, pack, args, absent):
    """`merida --no-builtin --data PACK ARGS` in its own process, `absent` not installed."""
    hook = tmp_path / "hook"
    hook.mkdir(exist_ok=True)
    (hook / "sitecustomize.py").write_text(BLOCKER, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(hook), MERIDA_TEST_ABSENT=",".join(absent))
    code = "import sys; from merida_cli.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, "--no-builtin", "--data", str(pack),
                           *args], capture_output=True, text=True, env=env, timeout=120, check=False)


def _assert_names_extra(err: str, extra: str):
    """One line naming the extra and the pip command that installs it into this merida."""
    assert err.count("\n") == 1 and err.startswith("error: "), err
    assert f"needs the {extra} extra" in err
    assert f"{sys.executable} -m pip install -e '{REPO}[{extra}]'" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("extra", sorted(NEEDS))
def test_a_command_without_its_extra_names_it_in_one_line(tmp_path, pack, extra):
    args, target = NEEDS[extra]
    out = tmp_path / "out"
    out.mkdir()
    result = _merida(tmp_path, pack, [a.format(out=out) for a in args], EXTRAS[extra].modules)
    assert (result.returncode, result.stdout) == (1, "")
    _assert_names_extra(result.stderr, extra)
    assert list(out.iterdir()) == []  # nothing written, not even a temporary file
    if target:
        assert not (out / target).exists()


def test_commands_that_need_no_extra_run_with_none_installed(tmp_path, pack):
    every_module = [m for extra in EXTRAS.values() for m in extra.modules]
    for args in (["programs"], ["cite", "notes", "--style", "bibtex"],
                 ["funding", "--program", "plan"],
                 ["export", "-f", "datapackage", "-o", str(tmp_path / "package")]):
        result = _merida(tmp_path, pack, args, every_module)
        assert result.returncode == 0, (args, result.stderr)
        assert "Traceback" not in result.stderr
    assert (tmp_path / "package" / "datapackage.json").is_file()


@pytest.mark.parametrize("module", ["citeproc", "lxml"])
def test_csl_styles_without_either_part_of_the_cite_extra(monkeypatch, pack, module):
    monkeypatch.setitem(sys.modules, module, None)  # `import module` raises ImportError
    for style in ("apa", "chicago", "mla"):
        result = run_cli("--no-builtin", "--data", pack, "cite", "notes", "--style", style)
        assert (result.code, result.out) == (1, "")
        _assert_names_extra(result.err, "cite")


def test_a_brief_without_the_citation_engine_names_the_cite_extra(monkeypatch, pack,
                                                                   tmp_path):
    monkeypatch.setitem(sys.modules, "citeproc", None)
    out = tmp_path / "brief.md"
    result = run_cli("--no-builtin", "--data", pack, "brief", "plan", "-o", out)
    assert result.code == 1
    _assert_names_extra(result.err, "cite")
    assert not out.exists()


def test_a_markdown_brief_has_no_chart_and_needs_no_charts_extra(monkeypatch, pack, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    out = tmp_path / "brief.md"
    result = run_cli("--no-builtin", "--data", pack, "brief", "plan", "-o", out)
    assert result.code == 0, result.err
    assert "The Plan" in out.read_text(encoding="utf-8")


def test_datasette_export_without_sqlite_utils_names_the_sqlite_extra(monkeypatch, pack,
                                                                     tmp_path):
    monkeypatch.setitem(sys.modules, "sqlite_utils", None)
    result = run_cli("--no-builtin", "--data", pack, "export", "-f", "datasette",
                     "-o", tmp_path / "site")
    assert result.code == 1
    _assert_names_extra(result.err, "sqlite")
    assert not (tmp_path / "site").exists()


def test_pyproject_declares_each_extra_apart_from_the_runtime():
    """`make run` installs `.` (the runtime), `make test` `.[dev]`: every extra the code
    names is declared with its packages, none of them is a runtime dependency, dev has all."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    optional = project["optional-dependencies"]
    runtime = " ".join(project["dependencies"])
    for name, extra in EXTRAS.items():
        assert any(req.startswith(extra.packages) for req in optional[name]), name
        assert extra.packages not in runtime
        assert name in optional["all"][0]
    assert "merida[all]" in optional["dev"]
