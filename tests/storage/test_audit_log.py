"""The audit log in the case database: what is logged, and the append-only triggers."""

from __future__ import annotations

import json
import sqlite3

import pytest
from audit_helpers import busy_case, case_db
from conftest import TEST_PASSWORD, TEST_USER

from triage_app import audit
from triage_app.audit.chain import verify_rows
from triage_app.case.session import CaseSession
from triage_app.storage.case_store import CaseStore


def test_actions_are_logged_with_who_what_before_after(store: CaseStore) -> None:
    case = busy_case(store)
    with CaseSession.sign_in(case, TEST_USER, TEST_PASSWORD) as s:
        rows = list(s.review.audit_rows())
    actions = [r.action for r in rows]
    assert actions[0] == audit.CASE_CREATED
    expected_actions = (
        audit.INGEST_STARTED,
        audit.INGEST_FINISHED,
        audit.SIGN_IN,
        audit.CASE_OPENED,
        audit.GRADE,
        audit.GRADE_AMENDED,
        audit.CASE_CLOSED,
    )
    for expected in expected_actions:
        assert expected in actions, expected
    amended = next(r for r in rows if r.action == audit.GRADE_AMENDED)
    payload = json.loads(amended.payload)
    assert payload["before"]["category"] == "C"
    assert payload["after"] == {"category": "A", "source": "manual"}
    assert payload["reason"] == "closer look"
    assert amended.user == TEST_USER
    assert verify_rows(rows).ok


def test_triggers_reject_update_and_delete(store: CaseStore) -> None:
    case = busy_case(store)
    with case_db(case) as con:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            con.execute("UPDATE audit_log SET user = 'someone else' WHERE seq = 2")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            con.execute("DELETE FROM audit_log WHERE seq = 2")
