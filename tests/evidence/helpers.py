"""Helpers for tests on evidence trees: special files, deep trees, and a child process
for which file permissions really bite (as root too).
"""

from __future__ import annotations

import ctypes
import functools
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

IS_ROOT = os.geteuid() == 0


NOBODY = 65534


def bind_socket(path: Path) -> None:
    """Leave a UNIX socket file at ``path`` (bound where the path is short enough)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        if len(os.fsencode(path)) < 100:
            sock.bind(os.fsencode(path))
        else:  # AF_UNIX paths are limited to 108 bytes: bind nearby, then move it in
            short = Path(tempfile.mkdtemp(prefix="sock"))
            sock.bind(str(short / "s"))
            (short / "s").replace(path)
            short.rmdir()


def make_char_device(path: Path) -> bool:
    """Create a character device (same numbers as /dev/null); False if not allowed."""
    try:
        os.mknod(path, 0o600 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        return False
    return True


def make_deep(root: Path, data: bytes, levels: int = 18, name_len: int = 250) -> bytes:
    """Create a folder chain deeper than PATH_MAX (4096 bytes) using folder fds only, with
    a file at the bottom; return the file's path relative to ``root``."""
    names: list[bytes] = []
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for level in range(levels):
            name = b"%02d" % level + b"d" * (name_len - 2)
            os.mkdir(name, dir_fd=fd)
            child = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = child
            names.append(name)
        out = os.open(b"bottom.bin", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644, dir_fd=fd)
        with os.fdopen(out, "wb") as handle:
            handle.write(data)
    finally:
        os.close(fd)
    return b"/".join([*names, b"bottom.bin"])


# Root ignores chmod 000, so as root the process under test runs unprivileged: as user
# 65534 when that user can run this Python, else (e.g. the interpreter lives under a
# private /root) as root without the capabilities that bypass file permissions.
def _nobody_can_run_python() -> bool:
    try:
        done = subprocess.run(
            [sys.executable, "-c", "import triage_app"],
            user=NOBODY,
            group=NOBODY,
            extra_groups=[],
            cwd="/",
            capture_output=True,
            timeout=120,
            check=False,
        )
    except PermissionError:
        return False
    return done.returncode == 0


def drop_dac_capabilities() -> None:
    """preexec_fn: drop CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the bounding set, so
    the exec'd root process (and its workers) must obey file permissions."""
    libc = ctypes.CDLL(None, use_errno=True)
    pr_capbset_drop, cap_dac_override, cap_dac_read_search = 24, 1, 2
    for cap in (cap_dac_override, cap_dac_read_search):
        if libc.prctl(pr_capbset_drop, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


@dataclass(frozen=True)
class Unprivileged:
    """How to start a child process for which file permissions really bite."""

    kwargs: dict[str, object]  # extra arguments for subprocess.run
    owner: int | None  # uid that must own the files the child reads, None: leave as is
    how: str


@functools.cache
def unprivileged() -> Unprivileged:
    if not IS_ROOT:
        return Unprivileged({}, None, "not root: permissions apply as they are")
    if _nobody_can_run_python():
        return Unprivileged(
            {"user": NOBODY, "group": NOBODY, "extra_groups": []}, NOBODY, "as user 65534"
        )
    return Unprivileged(
        {"preexec_fn": drop_dac_capabilities},
        None,
        "as root without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH (user 65534 cannot run Python)",
    )


_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


_NOATIME = getattr(os, "O_NOATIME", 0)


def _open_dir(name: bytes, dir_fd: int | None = None) -> int:
    try:
        return os.open(name, _DIR_FLAGS | _NOATIME, dir_fd=dir_fd)
    except PermissionError:
        return os.open(name, _DIR_FLAGS, dir_fd=dir_fd)


def _walk_fd(fd: int, prefix: bytes) -> Iterator[tuple[int, bytes, bytes]]:
    for name in sorted(os.fsencode(n) for n in os.listdir(fd)):
        rel = prefix + name
        yield fd, name, rel
        if stat.S_ISDIR(os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode):
            try:
                child = _open_dir(name, fd)
            except PermissionError:
                continue
            try:
                yield from _walk_fd(child, rel + b"/")
            finally:
                os.close(child)


def walk_fd(top: Path) -> Iterator[tuple[int, bytes, bytes]]:
    """Yield ``(dir_fd, name, rel)`` for everything below ``top``, parents first.

    The test's own independent walk: folder fds (so paths beyond PATH_MAX work),
    O_NOATIME where allowed, links never followed, unopenable folders not entered. A
    folder is entered only after the caller has handled its entry (e.g. unlocked it).
    """
    fd = _open_dir(os.fsencode(top))
    try:
        yield from _walk_fd(fd, b"")
    finally:
        os.close(fd)


def give_to_child(top: Path) -> None:
    """Make the unprivileged child the owner of everything under ``top`` (when it has to be)."""
    owner = unprivileged().owner
    if owner is None:
        return
    os.chown(top, owner, owner, follow_symlinks=False)
    for fd, name, _ in walk_fd(top):
        os.chown(name, owner, owner, dir_fd=fd, follow_symlinks=False)


def unlock_and_remove(folder: Path) -> None:
    """Remove a test folder, first giving back the permissions a test took away."""
    for fd, name, _ in walk_fd(folder):
        if stat.S_ISDIR(os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode):
            os.chmod(name, 0o700, dir_fd=fd)
    shutil.rmtree(folder)
