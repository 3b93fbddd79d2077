"""Accounts of a case: adding one, signing in by name or ID, the supervisor rule."""

from __future__ import annotations

import os
from pathlib import Path

from conftest import run_cli


def _env(**values: str) -> dict[str, str]:
    return {**os.environ, **values}


def test_user_add_and_sign_in_by_name_or_id(tmp_path: Path) -> None:
    case = tmp_path / "case"
    run_cli("case", "create", case, "--ref", "R", "--examiner", "E", "--examiner-id", "PC1")
    run_cli("user", "add", case, "--name", "Sam Sup", "--id", "SGT9", "--role", "supervisor",
            env=_env(TRIAGE_NEW_PASSWORD="sup-pass"))  # fmt: skip
    listing = run_cli("user", "list", case, "--user", "PC1").stdout
    assert "Sam Sup" in listing and "supervisor" in listing
    run_cli("status", case, "--user", "SGT9", env=_env(TRIAGE_PASSWORD="sup-pass"))
    refused = run_cli("status", case, "--user", "SGT9", env_password="wrong")
    assert refused.returncode == 4 and "wrong password" in refused.stderr
    missing = run_cli("status", case, "--user", "nobody", check=False)
    assert missing.returncode == 4 and "unknown account" in missing.stderr


def test_examiner_cannot_add_a_second_supervisor(tmp_path: Path) -> None:
    case = tmp_path / "case"
    run_cli("case", "create", case, "--ref", "R", "--examiner", "E")
    new = _env(TRIAGE_NEW_PASSWORD="pw-1234")
    run_cli("user", "add", case, "--name", "First Sup", "--role", "supervisor", env=new)
    refused = run_cli(
        "user", "add", case, "--name", "Second Sup", "--role", "supervisor", env=new, check=False
    )
    assert refused.returncode == 5
    assert "needs a supervisor account" in refused.stderr
    run_cli("user", "add", case, "--name", "Another Examiner", "--role", "examiner", env=new)


def test_no_user_means_a_clear_error(tmp_path: Path) -> None:
    case = tmp_path / "case"
    run_cli("case", "create", case, "--ref", "R", "--examiner", "E")
    env = {k: v for k, v in os.environ.items() if k != "TRIAGE_USER"}
    result = run_cli("status", case, env=env, check=False)
    assert result.returncode == 2 and "--user" in result.stderr
