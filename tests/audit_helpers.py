"""Helpers for audit tests: a case with grades, its raw database, the verify command."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from conftest import TEST_PASSWORD, TEST_USER, run_cli
from review_helpers import add_items

from triage_app.case.session import CaseSession
from triage_app.review import grading
from triage_app.storage.case_store import CaseStore


def busy_case(store: CaseStore) -> Path:
    """Grade items of ``store``'s case (one amended), close it and return its folder."""
    ids = add_items(store, 4)
    with CaseSession.sign_in(store.case_dir, TEST_USER, TEST_PASSWORD) as s:
        grading.grade(s, ids[:2], "C")
        grading.grade(s, [ids[0]], "A", reason="closer look")
    store.close()
    return store.case_dir


def case_db(case: Path) -> sqlite3.Connection:
    """The case database, opened raw (no triggers bypassed, autocommit)."""
    return sqlite3.connect(case / "case.db", isolation_level=None)


def drop_triggers(con: sqlite3.Connection) -> None:
    """Drop the append-only triggers, as a tamperer with file access would."""
    con.execute("DROP TRIGGER audit_log_no_update")
    con.execute("DROP TRIGGER audit_log_no_delete")


def audit_table(case: Path) -> list[tuple[object, ...]]:
    """Every row of the audit log as stored, by sequence number."""
    with case_db(case) as con:
        return list(con.execute("SELECT * FROM audit_log ORDER BY seq"))


def verify_cli(case: Path, *extra: str) -> tuple[int, str]:
    """Run ``triage audit verify``; return its exit code and output."""
    result = run_cli("audit", "verify", case, *extra, check=False)
    return result.returncode, result.stdout + result.stderr
