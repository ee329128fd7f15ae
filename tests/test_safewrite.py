"""`write_output`, `export -o` and `init-pack`: writes go where the user points (a path as
given, its bytes even when not UTF-8), and nowhere else; init-pack is all or nothing.

Only temporary folders, FIFOs made here and symlinks in tmp; the one real device used is
/dev/null, checked to stay a character device before and after."""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
import threading

import pytest
from conftest import run_cli, write_pack
from helpers import BRIEF_PACK, clean, notes_pack, run_on_pack, title_pack, undecodable
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from merida_cli.errors import MeridaError
from merida_cli.safewrite import write_output


def _leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.fixture
def umask():
    """Set a umask for one test and restore the old one."""
    saved = os.umask(0o022)
    yield os.umask
    os.umask(saved)


@pytest.mark.parametrize("mask,mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)],
                         ids=["umask-022", "umask-077", "umask-002"])
def test_a_new_file_follows_the_umask(tmp_path, umask, mask, mode):
    umask(mask)
    write_output(tmp_path / "out.json", b"{}\n")
    assert stat.S_IMODE((tmp_path / "out.json").stat().st_mode) == mode
    assert (tmp_path / "out.json").read_bytes() == b"{}\n"


def test_an_existing_file_keeps_its_mode(tmp_path):
    path = tmp_path / "out.json"
    path.write_text("old")
    path.chmod(0o640)
    write_output(path, b"new")
    assert path.read_text() == "new" and stat.S_IMODE(path.stat().st_mode) == 0o640


@pytest.mark.parametrize("link", ["absolute", "relative", "chain", "dangling"])
def test_a_symlink_is_kept_and_its_target_written(tmp_path, link):
    real = tmp_path / "real" / "data.json"
    real.parent.mkdir()
    if link != "dangling":
        real.write_text("old")
    path = tmp_path / "link.json"
    if link == "relative":
        path.symlink_to(os.path.join("real", "data.json"))
    elif link == "chain":
        (tmp_path / "hop.json").symlink_to(real)
        path.symlink_to(tmp_path / "hop.json")
    else:
        path.symlink_to(real)
    write_output(path, [b"new ", b"text"])
    assert path.is_symlink() and real.read_text() == "new text"
    assert _leftovers(tmp_path) == [] and _leftovers(real.parent) == []


def test_a_fifo_is_written_as_a_stream(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write_output(fifo, [b"a" * 100_000, b"b"])
    reader.join(timeout=30)
    assert got == [b"a" * 100_000 + b"b"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and _leftovers(tmp_path) == []


def test_dev_null_stays_a_character_device(tmp_path):
    before = os.stat("/dev/null")
    assert stat.S_ISCHR(before.st_mode)
    write_output("/dev/null", b"x" * 10_000)
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


def test_a_symlink_to_dev_null_is_written_through(tmp_path):
    (tmp_path / "sink").symlink_to("/dev/null")
    write_output(tmp_path / "sink", b"x")
    assert (tmp_path / "sink").is_symlink() and stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.parametrize("mode", [0o444, 0o400, 0o000], ids=["r--r--r--", "r--------", "none"])
def test_a_read_only_file_is_refused_even_as_root(tmp_path, mode):
    path = tmp_path / "keep.json"
    path.write_text("precious")
    path.chmod(mode)
    try:
        with pytest.raises(MeridaError, match="read-only"):
            write_output(path, b"overwritten")
        path.chmod(0o600)
        assert path.read_text() == "precious"
    finally:
        path.chmod(0o600)
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("case", ["directory", "missing-parent", "parent-is-file", "link-loop"])
def test_impossible_targets_are_one_clear_error(tmp_path, case):
    if case == "directory":
        path = tmp_path
    elif case == "missing-parent":
        path = tmp_path / "no" / "such" / "out.json"
    elif case == "parent-is-file":
        (tmp_path / "file").write_text("x")
        path = tmp_path / "file" / "out.json"
    else:
        (tmp_path / "a").symlink_to(tmp_path / "b")
        (tmp_path / "b").symlink_to(tmp_path / "a")
        path = tmp_path / "a"
    with pytest.raises(MeridaError, match="cannot write") as exc:
        write_output(path, b"x")
    assert exc.value.exit_code == 1 and "\n" not in exc.value.message
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("failure", [OSError(errno.ENOSPC, "No space left on device"),
                                     KeyboardInterrupt(), ValueError("bad chunk")],
                         ids=["disk-full", "ctrl-c", "producer-error"])
def test_the_temp_file_is_removed_on_every_failure(tmp_path, failure):
    path = tmp_path / "out.json"
    path.write_text("old")

    def chunks():
        yield b"half"
        raise failure

    with pytest.raises((MeridaError, type(failure))):
        write_output(path, chunks())
    assert path.read_text() == "old" and _leftovers(tmp_path) == []


def test_a_full_disk_on_write_is_a_clean_error(tmp_path, monkeypatch):
    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(MeridaError, match="No space left on device"):
        write_output(tmp_path / "out.json", b"x")
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


# ---- through the command line ---------------------------------------------------------

@pytest.mark.parametrize("fmt", ["json", "yaml", "csv", "markdown", "sqlite"])
def test_export_to_a_symlink_writes_its_target(tmp_path, fmt):
    (tmp_path / "link").symlink_to(tmp_path / "real")
    result = run_cli("export", "--format", fmt, "-o", tmp_path / "link")
    assert result.code == 0, result.err
    assert (tmp_path / "link").is_symlink() and (tmp_path / "real").stat().st_size > 0
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("fmt", ["json", "sqlite"])
def test_export_to_dev_null_keeps_the_device(fmt):
    before = os.stat("/dev/null")
    result = run_cli("export", "--format", fmt, "-o", "/dev/null")
    after = os.stat("/dev/null")
    assert result.code == 0, result.err
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


def test_export_refuses_a_read_only_file(tmp_path):
    path = tmp_path / "keep.json"
    path.write_text("precious")
    path.chmod(0o444)
    result = run_cli("export", "-o", path)
    path.chmod(0o600)
    assert result.code == 1 and "read-only" in result.err and path.read_text() == "precious"


def test_a_socket_is_a_clean_error_and_stays_a_socket(tmp_path):
    import socket

    path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(path))
        with pytest.raises(MeridaError, match="cannot write"):
            write_output(path, b"x")
        assert stat.S_ISSOCK(os.lstat(path).st_mode) and _leftovers(tmp_path) == []
    finally:
        server.close()


def test_a_folder_reached_through_a_link_is_written_in_its_target(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "via").symlink_to(tmp_path / "real")
    write_output(tmp_path / "via" / "out.json", b"{}")
    assert (tmp_path / "real" / "out.json").read_bytes() == b"{}"
    assert (tmp_path / "via").is_symlink()


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another owner")
def test_an_existing_file_keeps_its_owner(tmp_path):
    path = tmp_path / "theirs.json"
    path.write_text("old")
    os.chown(path, 4321, 4321)
    write_output(path, b"new")
    st = path.stat()
    assert (st.st_uid, st.st_gid, path.read_text()) == (4321, 4321, "new")


def test_a_file_name_at_the_length_limit_is_written(tmp_path):
    name = "n" * 250 + ".json"  # 255 bytes: the longest a name may be
    write_output(tmp_path / name, b"{}")
    assert (tmp_path / name).read_bytes() == b"{}" and _leftovers(tmp_path) == []


# ---- streams reached through links (issue 28): written in place, as cp and tee do -----

MERIDA = os.path.join(os.path.dirname(sys.executable), "merida")
SMALL_PACK = """\
sources:
  - id: crs
    title: A CRS report
    date: "2020-06"
    file: crs.txt
programs:
  - id: plan
    name: The Plan
    cite:
      - source: crs
        quote: "the plan began in 2008"
"""


def _release(fifo) -> None:
    """Let a reader still waiting on FIFO finish (when nothing was written to it)."""
    try:
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    except OSError:
        pass  # no reader waiting: it has finished


def _small_pack(tmp_path):
    return ["--no-builtin", "--data", str(write_pack(tmp_path / "pack", {"p.yaml": SMALL_PACK}))]


def test_export_csv_to_a_link_to_a_fifo_streams_into_it(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    (tmp_path / "link").symlink_to(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    pack = _small_pack(tmp_path)
    result = run_cli(*pack, "export", "--format", "csv", "-o", tmp_path / "link")
    _release(fifo)
    reader.join(timeout=60)
    assert result.code == 0, result.err
    assert got == [run_cli(*pack, "export", "--format", "csv").out.encode("utf-8")]
    assert b"The Plan" in got[0]
    assert (tmp_path / "link").is_symlink() and stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert _leftovers(tmp_path) == []


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc/self/fd")
@pytest.mark.parametrize("command", [("export", "--format", "csv"),
                                     ("export", "--format", "csv", "--kind", "programs"),
                                     ("brief", "plan")],
                         ids=["export-csv", "export-csv-kind", "brief"])
def test_a_link_to_stdout_writes_into_the_pipe(tmp_path, command):
    (tmp_path / "out").symlink_to("/proc/self/fd/1")  # the -o /dev/stdout idiom
    env = {**os.environ, "MERIDA_CACHE_DIR": str(tmp_path / "cache")}
    pack = _small_pack(tmp_path)
    via_link = subprocess.run([MERIDA, *pack, *command, "-o", str(tmp_path / "out")],
                              capture_output=True, env=env, check=False, cwd=tmp_path)
    plain = subprocess.run([MERIDA, *pack, *command], capture_output=True, env=env,
                           check=False, cwd=tmp_path)
    assert via_link.returncode == 0, via_link.stderr
    assert via_link.stdout == plain.stdout and b"The Plan" in plain.stdout
    assert (tmp_path / "out").is_symlink()


def test_a_link_to_a_pseudo_terminal_is_written_in_place(tmp_path):
    import pty

    master, slave = pty.openpty()
    try:
        (tmp_path / "term").symlink_to(os.ttyname(slave))
        write_output(tmp_path / "term", b"to the terminal\n")
        got = b""
        while b"terminal" not in got:
            got += os.read(master, 1024)
        assert got.startswith(b"to the terminal")
        assert (tmp_path / "term").is_symlink() and _leftovers(tmp_path) == []
    finally:
        os.close(slave)
        os.close(master)


def test_a_listening_socket_is_written_in_place(tmp_path):
    import socket

    path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(path))
        server.listen(1)
        (tmp_path / "link").symlink_to(path)
        write_output(tmp_path / "link", [b"over ", b"the socket"])
        conn, _ = server.accept()
        with conn:
            got = b""
            while chunk := conn.recv(1024):
                got += chunk
        assert got == b"over the socket" and stat.S_ISSOCK(os.lstat(path).st_mode)
    finally:
        server.close()


# ---- init-pack: all or nothing, never through a link it did not create -----------

def _tree(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


@pytest.mark.parametrize("case", ["dangling-example-link", "example-link-to-file", "texts-link",
                                  "text-file-link"])
def test_init_pack_never_writes_through_a_link(tmp_path, case):
    target, elsewhere = tmp_path / "pack", tmp_path / "elsewhere"
    target.mkdir()
    elsewhere.mkdir()
    if case == "dangling-example-link":
        (target / "example.yaml").symlink_to(elsewhere / "made.yaml")
    elif case == "example-link-to-file":
        (elsewhere / "mine.yaml").write_text("mine")
        (target / "example.yaml").symlink_to(elsewhere / "mine.yaml")
    elif case == "texts-link":
        (target / "texts").symlink_to(elsewhere)
    else:
        (target / "texts").mkdir()
        (target / "texts" / "my-notes-2026.txt").symlink_to(elsewhere / "made.txt")
    before = _tree(tmp_path)
    result = clean(run_cli("init-pack", target))
    assert result.code == 1 and ("symbolic link" in result.err or "exists" in result.err)
    assert _tree(tmp_path) == before and _tree(elsewhere) == (["mine.yaml"] if "file" in case
                                                              and "text" not in case else [])


def test_init_pack_leaves_nothing_when_it_fails_halfway(tmp_path, monkeypatch):
    import errno
    import os

    real_open = os.open

    def full_on_the_text(path, flags, *args):
        if os.fspath(path).endswith(".txt"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", full_on_the_text)
    result = clean(run_cli("init-pack", tmp_path / "new" / "pack"))
    monkeypatch.setattr(os, "open", real_open)
    assert result.code == 1 and "No space left on device" in result.err
    assert _tree(tmp_path) == []


def test_init_pack_into_an_existing_folder_removes_only_what_it_made(tmp_path):
    target = tmp_path / "pack"
    target.mkdir()
    (target / "mine.txt").write_text("mine")
    (target / "texts").write_text("a file where the texts folder goes")
    result = clean(run_cli("init-pack", target))
    assert result.code == 1 and "cannot write" in result.err
    assert _tree(tmp_path) == ["pack", "pack/mine.txt", "pack/texts"]


# ---- output paths as given -------------------------------------------------------

def test_an_output_path_that_is_not_utf8_is_written_as_given(tmp_path):
    import os

    target = undecodable(tmp_path, b"out-\xff.json")
    result = clean(run_cli("--no-builtin", "--data", title_pack(tmp_path, "T"), "export",
                            "-o", target))
    assert result.code == 0, result.err
    assert os.listdir(os.fsencode(tmp_path)).count(b"out-\xff.json") == 1
    assert not any("\ufffd" in name for name in os.listdir(tmp_path))


def test_output_dash_is_stdout(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = clean(run_cli("--no-builtin", "--data", title_pack(tmp_path, "T"), "export",
                            "-o", "-"))
    assert result.code == 0 and json.loads(result.out)["sources"][0]["title"] == "T"
    assert not (tmp_path / "-").exists()


def test_an_output_path_ending_in_a_slash_names_a_directory(tmp_path):
    target = f"{tmp_path / 'newdir'}{os.sep}"
    result = run_on_pack("export", "-f", "json", "-o", target, pack=notes_pack(tmp_path))
    assert result.code == 2 and "names a directory" in result.err
    assert not (tmp_path / "newdir").exists()


NAME_CHARS = st.sampled_from(list("ab#?%&= -_.~*'\"\\:;é\udcff\udc80\u202e\x1b\t") + ["\n"])


NAMES = st.text(NAME_CHARS, min_size=1, max_size=12).filter(lambda n: n.strip(".") != "")


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(NAMES, st.sampled_from(["export-json", "export-sqlite", "init-pack", "diff", "verify",
                               "data"]))
def test_any_path_argument_is_used_as_given_and_only_inside_its_folder(tmp_path_factory, name,
                                                                       command):
    import os

    folder = tmp_path_factory.mktemp("argv")
    pack = title_pack(folder, "T")
    target = os.path.join(str(folder), name)  # one component: never outside the folder
    argv = {"export-json": ["--no-builtin", "--data", pack, "export", "-o", target],
            "export-sqlite": ["--no-builtin", "--data", pack, "export", "-f", "sqlite",
                              "-o", target],
            "init-pack": ["init-pack", target],
            "diff": ["diff", target, target],
            "verify": ["--no-builtin", "--data", pack, "verify", "--texts", target],
            "data": ["--no-builtin", "--data", target, "sources"]}[command]
    before = set(os.listdir(os.fsencode(folder)))
    result = run_cli(*argv)
    assert result.code in (0, 1, 2), result.err
    assert "Traceback" not in result.err and "a bug in merida" not in result.err, result.err
    created = set(os.listdir(os.fsencode(folder))) - before
    assert created <= {os.fsencode(name)}, (created, name)  # that name, as its bytes
    if command.startswith("export") or command == "init-pack":
        assert result.code == 0 and created == {os.fsencode(name)}, result.err


@pytest.mark.parametrize("command", [["export", "--format", "json", "-o"],
                                     ["export", "--format", "datapackage", "-o"],
                                     ["brief", "plan", "-o"], ["init-pack"]],
                         ids=["export", "folder-export", "brief", "init-pack"])
def test_a_path_with_a_newline_is_one_wrote_line(tmp_path, command):
    """'wrote n<newline>l.json' made two lines of one message: a script reading stderr
    line by line saw a file 'l.json' that was never written (red team 2)."""
    pack = write_pack(tmp_path / "p", {"a.yaml": BRIEF_PACK})
    target = tmp_path / "n\nl\x1b[31m"
    result = run_on_pack(*command, target, pack=pack)
    assert result.code == 0, result.err
    assert os.path.lexists(target)
    lines = [line for line in result.err.splitlines() if line.startswith("wrote ")]
    assert lines and all("n\\nl\\x1b[31m" in line for line in lines), result.err
    assert "\x1b" not in result.err and not [x for x in result.err.splitlines()
                                               if x.startswith("l")]
