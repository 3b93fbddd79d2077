"""The walker: links and special files are never followed or opened, every name survives
byte for byte, deep trees work, and unreadable folders are reported with the OS error.

Trees are built here with real links, FIFOs, sockets and (as root) device nodes.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import tempfile
import threading
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import run_cli

from evidence.helpers import (
    IS_ROOT,
    bind_socket,
    drop_dac_capabilities,
    give_to_child,
    make_char_device,
    make_deep,
    unlock_and_remove,
    unprivileged,
)
from triage_app.domain.records import STATUS_HASHED
from triage_app.evidence import readonly
from triage_app.evidence.folder import DIRECTORY, FILE, WalkEntry, Walker, describe_os_error
from triage_app.ingest.examine import examine
from triage_app.ingest.examine_task import ExamineTask


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
# Root ignores chmod 000: see evidence.helpers.unprivileged for how the process under
# test runs then.


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
    drop: dict[str, object] = {"preexec_fn": drop_dac_capabilities} if IS_ROOT else {}
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
