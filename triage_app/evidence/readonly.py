"""Read-only access to evidence files.

Files are opened with ``O_RDONLY | O_NOFOLLOW | O_NONBLOCK`` (a FIFO swapped in
after the walk cannot block us, a link swapped in cannot be followed) and with
``O_NOATIME`` where the kernel allows it, so reading does not touch the access
time. Nothing here can write, create or rename anything.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator

_BASE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_NOATIME = getattr(os, "O_NOATIME", 0)
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
#: Paths longer than this are opened one component at a time (PATH_MAX is 4096).
_LONG_PATH = 3800


def _open_with_atime_fallback(
    name: bytes, flags: int, dir_fd: int | None = None
) -> tuple[int, bool]:
    if _NOATIME:
        try:
            return os.open(name, flags | _NOATIME, dir_fd=dir_fd), True
        except PermissionError:
            # O_NOATIME needs ownership of the file or CAP_FOWNER.
            pass
    return os.open(name, flags, dir_fd=dir_fd), False


def _open_parent(path: bytes) -> tuple[int | None, bytes]:
    """Open the directory holding ``path`` one component at a time."""
    parent, _, name = path.rpartition(b"/")
    parts = [p for p in parent.split(b"/") if p]
    fd = os.open(b"/" if path.startswith(b"/") else b".", _DIR_FLAGS)
    try:
        for part in parts:
            new_fd, _ = _open_with_atime_fallback(part, _DIR_FLAGS, dir_fd=fd)
            os.close(fd)
            fd = new_fd
    except BaseException:
        os.close(fd)
        raise
    return fd, name


def _open(path: bytes, flags: int) -> tuple[int, bool]:
    """Open ``path`` with ``flags`` (one component at a time if it is long)."""
    if len(path) < _LONG_PATH:
        return _open_with_atime_fallback(path, flags)
    dir_fd, name = _open_parent(path)
    try:
        return _open_with_atime_fallback(name, flags, dir_fd=dir_fd)
    finally:
        if dir_fd is not None:
            os.close(dir_fd)


def open_file(path: bytes) -> tuple[int, bool]:
    """Open an evidence file read-only; return the fd and whether atime is preserved."""
    return _open(path, _BASE_FLAGS)


def open_dir(path: bytes) -> tuple[int, bool]:
    """Open an evidence folder for listing; return the fd and whether atime is preserved."""
    return _open(path, _DIR_FLAGS)


def lstat(path: bytes) -> os.stat_result:
    """``os.lstat`` that also works on paths longer than PATH_MAX."""
    if len(path) < _LONG_PATH:
        return os.lstat(path)
    dir_fd, name = _open_parent(path)
    try:
        return os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    finally:
        if dir_fd is not None:
            os.close(dir_fd)


def read_chunks(fd: int, chunk_size: int = 1 << 20) -> Iterator[bytes]:
    """Yield the rest of an open file in chunks, retrying interrupted reads."""
    while True:
        try:
            chunk = os.read(fd, chunk_size)
        except InterruptedError:
            continue
        except BlockingIOError:
            raise OSError(errno.EAGAIN, "read would block (not a regular file?)") from None
        if not chunk:
            return
        yield chunk
