"""Signing in: a refused sign-in is logged."""

from __future__ import annotations

import json

from audit_helpers import audit_table
from conftest import run_cli

from triage_app import audit
from triage_app.storage.case_store import CaseStore


def test_refused_sign_in_is_logged(store: CaseStore) -> None:
    store.close()
    result = run_cli("items", store.case_dir, "--json", env_password="wrong")
    assert result.returncode == 4
    assert "sign-in refused" in result.stderr
    rows = audit_table(store.case_dir)
    assert rows[-1][3] == audit.SIGN_IN_REFUSED
    assert json.loads(str(rows[-1][5]))["reason"] == "wrong password"
