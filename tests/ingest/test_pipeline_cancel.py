"""A huge (sparse) file: the ingest can be cancelled while it is read, and it completes."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from evidence.helpers import (
    give_to_child,
    unlock_and_remove,
    unprivileged,
)

from ingest.hostile_exhibit import child_env, create_case, triage


@pytest.fixture
def sparse_case() -> Iterator[tuple[Path, Path, dict[str, str]]]:
    """A case and an exhibit holding one 3 GiB sparse file (hashing it takes ~20 s)."""
    base = Path(tempfile.mkdtemp(prefix="triage-sparse-"))
    try:
        (base / "fakebin").mkdir()
        env = child_env(base)
        source = base / "evidence"
        source.mkdir()
        with open(source / "huge.bin", "wb") as handle:
            handle.truncate(3 << 30)
        give_to_child(base)
        create_case(base / "case", env, base)
        yield base, source, env
    finally:
        unlock_and_remove(base)


def _descendants(pid: int) -> set[int]:
    found: set[int] = set()
    todo = [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                children = Path(f"/proc/{parent}/task/{tid}/children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                if child not in found:
                    found.add(child)
                    todo.append(child)
    return found


def _reading_position(pid: int, target: Path) -> int | None:
    """Offset at which process ``pid`` is reading ``target``, if it has it open."""
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return None
    for fd in fds:
        try:
            if Path(f"/proc/{pid}/fd/{fd}").readlink() == target:
                info = Path(f"/proc/{pid}/fdinfo/{fd}").read_text()
                return int(info.split("pos:")[1].split()[0])
        except (OSError, IndexError, ValueError):
            continue
    return None


def _wait_until_reading(pid: int, target: Path, timeout: float) -> set[int]:
    """Wait until a worker under ``pid`` is part-way through reading ``target``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        readers = {
            child for child in _descendants(pid) if (_reading_position(child, target) or 0) > 0
        }
        if readers:
            return readers
        time.sleep(0.05)
    raise AssertionError(f"no worker started reading {target} within {timeout} s")


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def test_huge_sparse_file_ingest_is_cancellable(
    sparse_case: tuple[Path, Path, dict[str, str]],
) -> None:
    """huge sparse file: cancellable. Ctrl-C (SIGINT) while a worker is part-way through
    hashing 3 GiB stops `triage ingest` and that worker within seconds, and nothing
    half-done is recorded for the file."""
    base, source, env = sparse_case
    case = base / "case"
    process = subprocess.Popen(  # type: ignore[call-overload]
        [sys.executable, "-m", "triage_app.cli.main", "ingest", str(case), str(source),
         "--exhibit", "BIG/1", "--workers", "1", "--no-progress", "--no-match"],
        env=env, cwd=base, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        **unprivileged().kwargs,
    )  # fmt: skip
    try:
        readers = _wait_until_reading(process.pid, source / "huge.bin", timeout=60)
    except BaseException:
        process.kill()
        process.communicate()
        raise
    interrupted = time.monotonic()
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=30)
    assert time.monotonic() - interrupted < 10
    assert process.returncode != 0, out
    deadline = time.monotonic() + 10  # the worker that was hashing is gone too
    while [pid for pid in readers if _alive(pid)] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in readers if _alive(pid)]
    items = triage("items", case, "--json", env=env, cwd=base)
    assert items.returncode == 0, items.stderr
    assert json.loads(items.stdout) == []


@pytest.mark.stress
def test_huge_sparse_file_ingest_completes(sparse_case: tuple[Path, Path, dict[str, str]]) -> None:
    """huge sparse file: a 3 GiB sparse file is hashed through the whole ingest (memory is
    checked on examine() itself in ingest/test_examine.py)."""
    base, source, env = sparse_case
    done = triage(
        "ingest", base / "case", source, "--exhibit", "BIG/1", "--workers", "1",
        "--no-progress", "--no-match", env=env, cwd=base,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "found 1 = hashed 1 + skipped 0 + failed 0" in done.stdout
    items = triage("items", base / "case", "--json", env=env, cwd=base)
    (item,) = json.loads(items.stdout)
    zeros, digest = bytes(16 << 20), hashlib.sha256()
    for _ in range((3 << 30) // len(zeros)):
        digest.update(zeros)
    assert (item["size"], item["sha256"]) == (3 << 30, digest.hexdigest())
