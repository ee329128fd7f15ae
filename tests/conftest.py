"""Shared test helpers: run the CLI in-process like a user session."""

from __future__ import annotations

import io
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from merida_cli.cli import main
from merida_cli.env import Environment

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
SOURCES = SHARED / "sources"
needs_shared = pytest.mark.skipif(not SEEDS.is_dir(),
                                  reason="../shared/seeds (the source texts) is not beside the repo")

# Property tests draw the same examples on every run (a failure in CI repeats on a laptop);
# HYPOTHESIS_PROFILE=explore draws new ones each run, to look for failures on purpose.
settings.register_profile("ci", derandomize=True, database=None, deadline=None,
                          print_blob=True, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("explore", deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


def run_cli(*args, tty: bool = False, color: bool | None = None, width: int = 120,
            data=(), builtin: bool = True) -> Result:
    """Run `merida ARGS` in-process with fake streams; tty/colour as a user would have."""
    out, err = io.StringIO(), io.StringIO()
    env = Environment(stdout=out, stderr=err, is_tty=tty,
                      color=tty if color is None else color, width=width,
                      data=list(data), builtin=builtin)
    code = main([str(a) for a in args], env)
    return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli():
    return run_cli


def pytest_configure(config):
    config.addinivalue_line("markers", "empty_cache: the test starts with an empty cache "
                            "folder (it tests the cache itself, or a cold load)")


@pytest.fixture(scope="session")
def builtin_cache(tmp_path_factory) -> list[Path]:
    """The built-in pack's cache file (records and search index), built once a session:
    every test would otherwise build the same one again (about 1,400 builds a run)."""
    folder = tmp_path_factory.mktemp("builtin-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MERIDA_CACHE_DIR", str(folder))
        patch.delenv("MERIDA_DATA", raising=False)
        result = run_cli("search", "firearms", "--json")  # the first search adds the index
    assert result.code == 0, result.err
    return sorted(folder.glob("packs-*.sqlite"))


@pytest.fixture(autouse=True)
def isolated(request, tmp_path_factory, monkeypatch, builtin_cache):
    """Each test gets its own cache directory and no ambient user packs. The directory
    starts with a copy of the session's built-in cache (a test may break its copy), or
    empty for a test marked `empty_cache`."""
    cache = tmp_path_factory.mktemp("cache")
    if request.node.get_closest_marker("empty_cache") is None:
        for built in builtin_cache:
            shutil.copy2(built, cache / built.name)
    monkeypatch.setenv("MERIDA_CACHE_DIR", str(cache))
    monkeypatch.delenv("MERIDA_DATA", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)


def write_pack(directory: Path, files: dict[str, str | bytes]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = directory / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return directory
