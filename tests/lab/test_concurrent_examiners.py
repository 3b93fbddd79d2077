"""Three examiners grading one lab case at once, each in a process of their own.

The fast test runs each examiner's 20 ``triage grade`` commands one after another
in one process (each command signs in, grades, logs and closes, as from a shell);
the stress test starts a process per command, as a shell would.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli

from lab.conftest import Cluster
from lab.helpers import EXAMINERS, SUPERVISOR, as_user, make_case, write_images

PER_EXAMINER = 20
CATEGORIES = ("A", "B", "C")


def _grade_all(
    case: Path, examiner: str, items: list[int], category: str
) -> list[tuple[int, int, str]]:
    """One examiner's session: a ``triage grade`` process per item, one after another."""
    done = []
    for item in items:
        result = subprocess.run(
            [sys.executable, "-m", "triage_app.cli.main", "grade", str(case), "--item", str(item),
             "--category", category],
            capture_output=True, text=True, timeout=300, env=as_user(examiner), check=False,
        )  # fmt: skip
        done.append((item, result.returncode, result.stderr.strip()))
    return done


#: One examiner's session in one process: each grade a full CLI command.
_SESSION = """
import json, sys
from triage_app.cli.main import main
case, category, items = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
done = [(item, main(["grade", case, "--item", str(item), "--category", category]), "")
        for item in items]
print(json.dumps(done))
"""


def _session_in_one_process(
    case: Path, examiner: str, items: list[int], category: str
) -> list[tuple[int, int, str]]:
    result = subprocess.run(
        [sys.executable, "-c", _SESSION, str(case), category, json.dumps(items)],
        capture_output=True, text=True, timeout=300, env=as_user(examiner), check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    done = json.loads(result.stdout.strip().splitlines()[-1])
    return [(int(i), int(code), result.stderr.strip()) for i, code, _ in done]


def test_three_examiners_at_once_lose_nothing(pg: Cluster, tmp_path: Path) -> None:
    _three_examiners(pg, tmp_path, _session_in_one_process, "one process per examiner")


@pytest.mark.stress
def test_three_examiners_a_process_per_command(pg: Cluster, tmp_path: Path) -> None:
    _three_examiners(pg, tmp_path, _grade_all, "one process per command")


def _three_examiners(pg: Cluster, tmp_path: Path, session: Any, how: str) -> None:
    source = tmp_path / "evidence"
    write_images(source, PER_EXAMINER * len(EXAMINERS))
    db = pg.lab_database()
    case = tmp_path / "case"
    items = make_case(case, pg.url(db), source, EXAMINERS)
    assert len(items) == PER_EXAMINER * len(EXAMINERS)
    shares = {
        name: (items[i * PER_EXAMINER : (i + 1) * PER_EXAMINER], CATEGORIES[i])
        for i, name in enumerate(EXAMINERS)
    }
    start = time.monotonic()
    with ThreadPoolExecutor(len(EXAMINERS)) as pool:
        futures = {
            name: pool.submit(session, case, name, share, category)
            for name, (share, category) in shares.items()
        }
        results = {name: f.result() for name, f in futures.items()}
    elapsed = time.monotonic() - start

    rows = pg.psql(
        "SELECT g.item_id, g.category, u.name FROM grades g JOIN users u ON u.id = g.user_id",
        db,
    ).stdout.split()
    saved = {int(i): (c, n) for i, c, n in (row.split("|") for row in rows)}
    commands = [r for done in results.values() for r in done]
    failed = [r for r in commands if r[1] != 0]
    failed_but_saved = [r for r in failed if r[0] in saved]
    expected = {
        item: (category, name) for name, (share, category) in shares.items() for item in share
    }
    lost = [item for item in expected if saved.get(item) != expected[item]]
    print(
        f"\n3 examiners x {PER_EXAMINER} ({how}): {len(commands)} commands in {elapsed:.1f} s, "
        f"{len(failed)} failed, {len(lost)} grades lost, {len(failed_but_saved)} failed but saved"
    )
    assert len(commands) == 60
    assert failed == []
    assert lost == [] and len(saved) == 60
    assert failed_but_saved == []
    history = pg.psql("SELECT count(*) FROM grade_history", db).stdout.strip()
    assert history == "60"
    verify = run_cli("audit", "verify", case, env=as_user(SUPERVISOR))
    assert "audit trail intact" in verify.stdout
