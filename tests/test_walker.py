"""The walker: links and special files are never followed or opened, every name survives
byte for byte, deep trees work, and unreadable folders are reported with the OS error.

Trees are built here with real links, FIFOs, sockets and (as root) device nodes.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import run_cli

from triage_app.domain.records import STATUS_HASHED
from triage_app.evidence import readonly
from triage_app.evidence.folder import DIRECTORY, FILE, WalkEntry, Walker, describe_os_error
from triage_app.ingest.examine import examine
from triage_app.ingest.tasks import ExamineTask

IS_ROOT = os.geteuid() == 0
NOBODY = 65534


def walk(root: Path, timeout: float = 20) -> dict[bytes, WalkEntry]:
    """Walk ``root`` in a thread, failing (not hanging) if the walk blocks."""
    found: list[WalkEntry] = []
    thread = threading.Thread(target=lambda: found.extend(Walker(os.fsencode(root))), daemon=True)
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), "the walk blocked"
    by_rel = {entry.rel: entry for entry in found}
    assert len(by_rel) == len(found), "an entry was reported twice"
    return by_rel


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


def test_links_and_special_files_are_skipped_with_their_rule(tmp_path: Path) -> None:
    """symlink loops, links out of the source, broken links, FIFOs, sockets: never
    followed or opened (a FIFO would block); reported as skipped with the rule. (Devices:
    see the next test.)"""
    source = tmp_path / "evidence"
    outside = tmp_path / "outside"
    (source / "sub").mkdir(parents=True)
    outside.mkdir()
    (outside / "secret.jpg").write_bytes(b"outside the exhibit")
    (source / "sub" / "real.txt").write_bytes(b"inside")
    (source / "loop1").symlink_to("loop2")
    (source / "loop2").symlink_to("loop1")
    (source / "self").symlink_to("self")
    (source / "sub" / "up").symlink_to("..")  # a folder loop if it were followed
    (source / "out-file.jpg").symlink_to(outside / "secret.jpg")
    (source / "out-dir").symlink_to(outside)
    (source / "broken.jpg").symlink_to(tmp_path / "no-such-file")
    os.mkfifo(source / "pipe.jpg")
    bind_socket(source / "sock")
    expected_skipped = {
        b"loop1": "symlink",
        b"loop2": "symlink",
        b"self": "symlink",
        b"sub/up": "symlink",
        b"out-file.jpg": "symlink",
        b"out-dir": "symlink",
        b"broken.jpg": "symlink",
        b"pipe.jpg": "fifo",
        b"sock": "socket",
    }

    entries = walk(source)

    assert set(entries) == {*expected_skipped, b"sub/real.txt"}
    assert entries[b"sub/real.txt"].kind == FILE
    for rel, kind in expected_skipped.items():
        entry = entries[rel]
        assert entry.kind == kind, rel
        assert entry.skip_rule is not None and "never" in entry.skip_rule, rel
        assert entry.error is None
    assert "link" in (entries[b"loop1"].skip_rule or "")
    assert "FIFO" in (entries[b"pipe.jpg"].skip_rule or "")
    assert "socket" in (entries[b"sock"].skip_rule or "")


def test_device_node_is_skipped_not_opened(tmp_path: Path) -> None:
    """devices: never opened, reported as skipped with the rule (needs root to create)."""
    if not make_char_device(tmp_path / "null"):
        pytest.skip("creating a device node needs root (CAP_MKNOD); only this case is skipped")
    entries = walk(tmp_path)
    assert list(entries) == [b"null"]
    assert entries[b"null"].kind == "char-device"
    assert entries[b"null"].skip_rule == "character device: special files are never opened"


def _names() -> dict[str, bytes]:
    cafe = "café.jpg"
    return {
        "latin-1": b"caf\xe9.jpg",  # not valid UTF-8
        "invalid-utf8": b"\xff\xfe\x80name.png",
        "nfc": unicodedata.normalize("NFC", cafe).encode(),
        "nfd": unicodedata.normalize("NFD", cafe).encode(),
        "long-255": b"n" * 251 + b".jpg",
        "spaces-and-newline": b" lead\ttab\nnewline .jpg",
        "backslash": b"back\\slash.jpg",
    }


def test_names_survive_byte_for_byte(tmp_path: Path) -> None:
    """non-UTF-8 names, NFC vs NFD, 255-byte names: every name listed, exactly."""
    names = _names()
    assert names["nfc"] != names["nfd"]
    assert len(names["long-255"]) == 255
    root = os.fsencode(tmp_path)
    for index, name in enumerate(names.values()):
        with open(root + b"/" + name, "wb") as handle:
            handle.write(b"file %d" % index)
    entries = walk(tmp_path)
    assert set(entries) == set(names.values())
    assert [e.kind for e in entries.values()] == [FILE] * len(names)
    for index, name in enumerate(names.values()):
        record = examine(ExamineTask(root, name))
        assert record.status == STATUS_HASHED
        assert record.path == name
        assert record.size == len(b"file %d" % index)


def test_deep_paths_beyond_path_max(tmp_path: Path) -> None:
    """deep paths: a file more than 4096 bytes below / is found, opened, hashed."""
    data = b"at the bottom of a very deep tree"
    rel = make_deep(tmp_path, data)
    full = os.fsencode(tmp_path) + b"/" + rel
    assert len(full) > 4096
    with pytest.raises(OSError) as too_long:  # control: the plain path is unusable
        os.lstat(full)
    assert too_long.value.errno == errno.ENAMETOOLONG

    entries = walk(tmp_path)
    assert list(entries) == [rel]
    assert entries[rel].kind == FILE and entries[rel].size == len(data)
    assert readonly.lstat(full).st_size == len(data)
    record = examine(ExamineTask(os.fsencode(tmp_path), rel))
    assert record.status == STATUS_HASHED and record.size == len(data)
    assert record.path == rel


def test_walk_order_is_sorted_and_depth_first(tmp_path: Path) -> None:
    for rel in ("b/2", "b/1", "a/z/9", "c", "a/0"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"x")
    assert [e.rel for e in Walker(os.fsencode(tmp_path))] == [
        b"c",
        b"a/0",
        b"a/z/9",
        b"b/1",
        b"b/2",
    ]


def test_describe_os_error_names_the_errno() -> None:
    text = describe_os_error(PermissionError(errno.EACCES, "Permission denied"))
    assert text == f"{os.strerror(errno.EACCES)} (errno {errno.EACCES})"


# ---------------------------------------------------------------------------- permissions
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


def _drop_dac_capabilities() -> None:
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
        {"preexec_fn": _drop_dac_capabilities},
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


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A temp folder the unprivileged child can use (pytest's own tmp is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="triage-walker-"))
    give_to_child(folder)
    try:
        yield folder
    finally:
        unlock_and_remove(folder)


_WALK_AS_USER = """
import json, os, sys
from triage_app.evidence.folder import Walker
walker = Walker(os.fsencode(sys.argv[1]))
out = {e.rel.decode(): [e.kind, e.error, e.skip_rule] for e in walker}
print(json.dumps({"entries": out, "atime_preserved": walker.atime_preserved}))
"""


def test_unreadable_folders_are_reported_with_the_os_error(shared_tmp: Path) -> None:
    """unreadable folder: reported as failed with the OS error, the walk goes on. As root
    (which ignores permissions) the walk runs unprivileged (see ``unprivileged``)."""
    source = shared_tmp / "evidence"
    (source / "locked").mkdir(parents=True)
    (source / "locked" / "inside.jpg").write_bytes(b"never seen")
    (source / "no-exec").mkdir()
    (source / "no-exec" / "listed.jpg").write_bytes(b"name visible, not stat-able")
    (source / "open").mkdir()
    (source / "open" / "fine.jpg").write_bytes(b"fine")
    give_to_child(source)
    (source / "locked").chmod(0o000)
    (source / "no-exec").chmod(0o600)  # can list names, cannot stat them
    done = subprocess.run(  # type: ignore[call-overload]
        [sys.executable, "-c", _WALK_AS_USER, str(source)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=shared_tmp,
        **unprivileged().kwargs,
    )
    assert done.returncode == 0, (unprivileged().how, done.stderr)
    result = json.loads(done.stdout)
    entries = result["entries"]
    denied = f"{os.strerror(errno.EACCES)} (errno {errno.EACCES})"
    assert entries == {
        "locked": [DIRECTORY, f"folder unreadable: {denied}", None],
        "no-exec/listed.jpg": ["unknown", f"cannot stat: {denied}", None],
        "open/fine.jpg": [FILE, None, None],
    }
    assert result["atime_preserved"] is True  # the owner may use O_NOATIME


def test_an_unreadable_source_root_is_a_clear_error(tmp_path: Path) -> None:
    """The root itself cannot be listed: the ingest stops with a message, not a traceback."""
    drop: dict[str, object] = {"preexec_fn": _drop_dac_capabilities} if IS_ROOT else {}
    case, src = tmp_path / "case", tmp_path / "src"
    src.mkdir()
    (src / "a.jpg").write_bytes(b"x")
    run_cli("case", "create", case, "--ref", "R", "--examiner", "E")
    src.chmod(0)
    try:
        result = run_cli("ingest", case, src, "--exhibit", "X/1", check=False, **drop)
    finally:
        src.chmod(0o755)
    assert result.returncode == 2, result.stderr
    assert "cannot read the source folder" in result.stderr
    assert "Traceback" not in result.stderr
