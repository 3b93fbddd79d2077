"""kill -9 during a burst of grading: no committed grade is lost."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from conftest import TEST_PASSWORD, TEST_USER, run_cli
from review_helpers import add_items

from triage_app.storage.case_store import CaseStore

BURST = """
import sys
from pathlib import Path
from triage_app.review import grading
from triage_app.case.session import CaseSession

case, user, password, *ids = sys.argv[1:]
codes = ["A", "B", "C"]
with CaseSession.sign_in(Path(case), user, password) as session:
    for n, item in enumerate(ids):
        grading.grade(session, [int(item)], codes[n % 3])
        print(item, codes[n % 3], flush=True)  # printed only after the commit
"""


def test_kill_9_during_grading_loses_no_committed_grade(store: CaseStore, tmp_path: Path) -> None:
    ids = add_items(store, 400)
    case = store.case_dir
    store.close()
    script = tmp_path / "burst.py"
    script.write_text(BURST)
    rng = random.Random(7)
    for _round in range(3):
        proc = subprocess.Popen(
            [sys.executable, str(script), str(case), TEST_USER, TEST_PASSWORD, *map(str, ids)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        first = proc.stdout.readline()  # wait until grading is under way
        time.sleep(rng.uniform(0.1, 0.8))
        os.kill(proc.pid, signal.SIGKILL)
        out, err = proc.communicate(timeout=30)
        committed = dict(line.split() for line in (first + out).splitlines() if line.strip())
        assert committed, f"the kill came before any grade was committed: {err}"
        if _round == 0:
            assert len(committed) < len(ids), "the kill should land in the middle of the burst"
        con = sqlite3.connect(case / "case.db")
        try:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            stored = dict(con.execute("SELECT item_id, category FROM grades").fetchall())
        finally:
            con.close()
        for item, code in committed.items():
            assert stored.get(int(item)) == code, f"committed grade of item {item} lost"
    verify = run_cli("audit", "verify", case)
    assert "audit trail intact" in verify.stdout
