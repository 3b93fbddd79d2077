"""The log read and verified for the review (``triage_app.supervision.audit_review``)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from supervision_helpers import FIRST_LABEL, SUPER, cli


def test_audit_list_names_the_first_bad_entry(qa_case: tuple[Path, list[int]]) -> None:
    case, _ = qa_case
    listed = json.loads(cli("audit", "list", case, "--json", "--action", "grade",
                            "--examiner", "AF1", user=SUPER).stdout)  # fmt: skip
    assert listed["chain"]["ok"] and len(listed["entries"]) == 18
    assert {(e["user"], e["action"]) for e in listed["entries"]} == {(FIRST_LABEL, "grade")}
    with sqlite3.connect(case / "case.db", isolation_level=None) as con:
        con.execute("DROP TRIGGER audit_log_no_update")
        con.execute("UPDATE audit_log SET payload = '{}' WHERE seq = 12")
    broken = cli("audit", "list", case, "--since", "2000-01-01", user=SUPER, check=False)
    assert broken.returncode == 1
    assert broken.stdout.startswith("AUDIT TRAIL BROKEN at entry 12:")
