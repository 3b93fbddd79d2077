"""Exporting the audit trail: atomic, hashed and logged."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest
from audit_helpers import audit_table, busy_case
from conftest import run_cli

from triage_app import audit
from triage_app.storage.case_store import CaseStore


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_is_atomic_hashed_and_logged(store: CaseStore, tmp_path: Path, fmt: str) -> None:
    case = busy_case(store)
    out_file = tmp_path / f"audit.{fmt}"
    result = run_cli("audit", "export", case, "--out", out_file, "--format", fmt)
    digest = hashlib.sha256(out_file.read_bytes()).hexdigest()
    assert f"sha256 {digest}" in result.stdout
    if fmt == "json":
        rows = json.loads(out_file.read_text())
    else:
        rows = list(csv.DictReader(out_file.read_text().splitlines()))
    assert int(rows[0]["seq"]) == 1 and rows[0]["action"] == audit.CASE_CREATED
    logged = [r for r in audit_table(case) if r[3] == audit.EXPORT]
    assert json.loads(str(logged[-1][5]))["sha256"] == digest
    assert not list(tmp_path.glob("*.part"))
