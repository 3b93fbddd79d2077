"""Signing in: a refused sign-in is logged."""

from __future__ import annotations

import json
import time
from pathlib import Path

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


def test_repeated_failures_make_the_account_wait_and_are_logged(tmp_path: Path) -> None:
    """After three wrong passwords in a row each attempt waits (1 s, 2 s, ...), even one
    with the right password; every refusal, the waits included, is in the audit trail."""
    case = tmp_path / "case"
    run_cli("case", "create", case, "--ref", "R", "--examiner", "E")
    for _ in range(3):
        assert run_cli("status", case, env_password="wrong").returncode == 4
    early = run_cli("status", case, check=False)
    assert early.returncode == 4 and "try again in" in early.stderr
    time.sleep(1.2)
    assert run_cli("status", case, check=False).returncode == 0
    refusals = [json.loads(str(r[5]))["reason"] for r in audit_table(case)
                if r[3] == audit.SIGN_IN_REFUSED]  # fmt: skip
    assert refusals.count("wrong password") == 3
    assert any(reason.startswith("throttled") for reason in refusals)
    # A success resets the count: one more wrong password does not make anyone wait.
    assert run_cli("status", case, env_password="wrong").returncode == 4
    assert run_cli("status", case, check=False).returncode == 0
