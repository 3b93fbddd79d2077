"""A killed ingest leaves a consistent case and resumes without redoing work."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import run_cli

from triage_app.demo.build import write_demo_source


def _start_ingest(case: Path, source: Path) -> subprocess.Popen[str]:
    cmd = [sys.executable, "-m", "triage_app.cli.main", "ingest", str(case), str(source),
           "--exhibit", "KILL/1", "--workers", "2"]  # fmt: skip
    return subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )


def _group_alive(pgid: int) -> list[int]:
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z" and int(fields[2]) == pgid:
            alive.append(int(entry.name))
    return alive


def _items(case: Path) -> list[dict[str, object]]:
    return json.loads(run_cli("items", case, "--json").stdout)  # type: ignore[no-any-return]


def _count(case: Path) -> int:
    con = sqlite3.connect(case / "case.db", timeout=30)
    try:
        return int(con.execute("SELECT count(*) FROM items").fetchone()[0])
    finally:
        con.close()


def _integrity(case: Path) -> str:
    con = sqlite3.connect(case / "case.db")
    try:
        return str(con.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        con.close()


def _key(item: dict[str, object]) -> tuple[object, ...]:
    return (item["path"], item["status"], item["sha256"], item["phash"], item["decode_status"])


@pytest.fixture(scope="module")
def evidence(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("kill-evidence")
    write_demo_source(folder, images=160, seed=11)
    return folder


@pytest.fixture(scope="module")
def reference_items(
    evidence: Path, tmp_path_factory: pytest.TempPathFactory
) -> list[dict[str, object]]:
    case = tmp_path_factory.mktemp("ref") / "case"
    run_cli("case", "create", case, "--ref", "REF", "--examiner", "E")
    run_cli("ingest", case, evidence, "--exhibit", "KILL/1")
    return _items(case)


def test_kill_9_at_random_points_then_resume(
    evidence: Path, reference_items: list[dict[str, object]], tmp_path: Path
) -> None:
    case = tmp_path / "case"
    run_cli("case", "create", case, "--ref", "KILL", "--examiner", "E")
    rng = random.Random(20261129)
    progress = []
    for _ in range(4):
        proc = _start_ingest(case, evidence)
        before = _count(case)
        deadline = time.monotonic() + 120
        while _count(case) == before and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)  # wait for this run's first committed batch
        time.sleep(rng.uniform(0.0, 1.0))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)  # the main process only: workers must follow
        proc.communicate(timeout=60)
        deadline = time.monotonic() + 15
        while _group_alive(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _group_alive(proc.pid) == [], "worker processes outlived a killed ingest"
        assert _integrity(case) == "ok"
        items = _items(case)
        paths = [i["path"] for i in items]
        assert len(paths) == len(set(paths)), "a path was recorded twice"
        progress.append(len(items))
    assert progress == sorted(progress)
    assert any(0 < n < len(reference_items) for n in progress), (
        f"no kill landed mid-ingest: {progress}"
    )

    out = run_cli("ingest", case, evidence, "--exhibit", "KILL/1").stdout
    assert "resumed:" in out or progress[-1] == len(reference_items)
    final = _items(case)
    assert sorted(map(_key, final)) == sorted(map(_key, reference_items))
    info = json.loads(run_cli("case", "info", case, "--json").stdout)
    t = info["totals"]
    assert t["found"] == t["hashed"] + t["skipped"] + t["failed"] == len(reference_items)

    out = run_cli("ingest", case, evidence, "--exhibit", "KILL/1").stdout
    assert "0 entries recorded this run" in out


def test_ctrl_c_stops_cleanly_and_resumes(
    evidence: Path, reference_items: list[dict[str, object]], tmp_path: Path
) -> None:
    case = tmp_path / "case"
    run_cli("case", "create", case, "--ref", "INT", "--examiner", "E")
    proc = _start_ingest(case, evidence)
    deadline = time.monotonic() + 120
    while _count(case) == 0 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal does on Ctrl-C
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert 0 < _count(case) < len(reference_items), "Ctrl-C should land mid-ingest"
    assert _integrity(case) == "ok"
    run_cli("ingest", case, evidence, "--exhibit", "KILL/1")
    assert sorted(map(_key, _items(case))) == sorted(map(_key, reference_items))
