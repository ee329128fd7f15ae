"""Write a file where the user points, and nowhere else: `write_output(path, data)`.

One rule for every command that writes a file (export, brief, the table exports):
- a regular file (new or existing) is written atomically: a temp file beside it, then a
  rename; an existing file keeps its mode (and owner, where allowed), a new one follows
  the umask; a read-only file is refused;
- a symlink is followed: its target is written (atomically), the link itself is kept;
- a stream (a FIFO or pipe, a terminal or other character device such as /dev/null, a
  socket), by its own path or through links such as /dev/stdout -> /proc/self/fd/1, is
  opened and written in place, never replaced by a regular file;
- a directory or a block device is refused;
- the temp file is removed on every failure, Ctrl-C included.

A folder of files (`output_folder`) is built beside its target and renamed into place when
complete, so an interrupted export leaves no half-made folder; an existing folder is
written into, each file as above.

Failures raise MeridaError (exit 1) with one line: `PATH: cannot write: reason`.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import MeridaError, UsageError

Data = bytes | bytearray | memoryview | Iterable[bytes]


def write_output(path, data: Data) -> None:
    """Write DATA (bytes, or an iterable of byte chunks) to PATH; see the module doc."""
    shown = os.fsdecode(path)
    try:
        # the kernel follows the links, /proc's fd links to pipes included (realpath cannot)
        st = os.stat(path)
    except FileNotFoundError:
        st = None  # a new file, or a dangling link: the link's target is created
    except OSError as exc:
        raise _error(shown, exc) from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise MeridaError(f"{shown}: cannot write: is a directory", 1)
    if st is not None and stat.S_ISBLK(st.st_mode):
        raise MeridaError(f"{shown}: cannot write: is a block device, not a file or stream", 1)
    if st is not None and not stat.S_ISREG(st.st_mode):
        _write_stream(shown, os.fsdecode(path), st, data)
        return
    target = os.path.realpath(os.fsdecode(path))  # through every symlink; a link is kept
    if st is not None and (not os.access(target, os.W_OK) or not st.st_mode & 0o222):
        raise MeridaError(f"{shown}: cannot write: the file is read-only; not overwriting", 1)
    _write_atomic(shown, target, data, st)


def _chunks(data: Data) -> Iterable[bytes]:
    if isinstance(data, (bytes, bytearray, memoryview)):
        return (data,)
    return data


def _write_all(fd: int, data: Data) -> None:
    for chunk in _chunks(data):
        view = memoryview(chunk)
        while view:
            view = view[os.write(fd, view):]


def _write_stream(shown: str, path: str, st: os.stat_result, data: Data) -> None:
    """A FIFO, terminal, character device or socket: write in place, never create or
    replace."""
    try:
        fd = _open_stream(path, st)
    except OSError as exc:
        raise _error(shown, exc) from None
    try:
        _write_all(fd, data)
    except OSError as exc:
        raise _error(shown, exc) from None
    finally:
        os.close(fd)


def _open_stream(path: str, st: os.stat_result) -> int:
    """A file descriptor open for writing on the stream at PATH. A socket cannot be
    opened: our own stdout or stderr (/dev/stdout on a socket) is duplicated, another
    socket file is connected to."""
    if not stat.S_ISSOCK(st.st_mode):
        return os.open(path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
    for fd in (1, 2):
        try:
            mine = os.fstat(fd)
        except OSError:
            continue
        if (mine.st_dev, mine.st_ino) == (st.st_dev, st.st_ino):
            return os.dup(fd)
    import socket

    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(path)
    except OSError:
        sock.close()
        raise
    return sock.detach()


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _write_atomic(shown: str, target: str, data: Data, st: os.stat_result | None) -> None:
    directory, name = os.path.split(target)
    tmp = None
    try:
        # a short prefix: a 250-byte file name must not make the temp name too long
        fd, tmp = tempfile.mkstemp(dir=directory or ".", prefix=f".{name[:32]}-",
                                   suffix=".tmp")
        try:
            if st is not None:
                os.fchmod(fd, stat.S_IMODE(st.st_mode))
                try:
                    os.fchown(fd, st.st_uid, st.st_gid)
                except OSError:
                    pass  # not allowed to give it away: the new file is ours
            else:
                os.fchmod(fd, 0o666 & ~_umask())
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise _error(shown, exc) from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


@contextmanager
def output_folder(path) -> Iterator[Path]:
    """The folder to write a folder export's files in. An existing folder (or a link to
    one) is that folder. A new one is a hidden temp folder beside PATH, renamed to PATH
    once the block completes and removed on any failure, Ctrl-C included."""
    path = Path(path)
    if path.is_dir():
        yield path
        return
    if os.path.lexists(path):
        raise UsageError(f"{path}: exists and is not a directory")
    try:
        tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name[:32]}-",
                                    suffix=".tmp"))
        os.chmod(tmp, 0o777 & ~_umask())  # a folder made for the user follows the umask
    except OSError as exc:
        raise MeridaError(f"{path}: cannot create: {exc.strerror or exc}", 1) from None
    try:
        yield tmp
        try:
            os.rename(tmp, path)  # fails rather than replace what appeared meanwhile
        except OSError as exc:
            raise MeridaError(f"{path}: cannot create: {exc.strerror or exc}", 1) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _error(shown: str, exc: OSError) -> MeridaError:
    return MeridaError(f"{shown}: cannot write: {exc.strerror or exc}", 1)
