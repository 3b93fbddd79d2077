"""Accounts of a case: adding one, signing in by name or ID, the supervisor rule."""

from __future__ import annotations

import os
from pathlib import Path

from conftest import run_cli


def _env(**values: str) -> dict[str, str]:
    return {**os.environ, **values}


def test_user_add_and_sign_in_by_name_or_id(tmp_path: Path) -> None:
    case = tmp_path / "case"
    run_cli("case", "create", case, "--ref", "R", "--examiner", "E", "--examiner-id", "PC1",
            "--supervisor", "Sam Sup", "--supervisor-id", "SGT9",
            env=_env(TRIAGE_SUPERVISOR_PASSWORD="sup-pass"))  # fmt: skip
    run_cli("user", "add", case, "--name", "Eve Two", "--role", "examiner",
            env=_env(TRIAGE_NEW_PASSWORD="eve-pass"))  # fmt: skip
    listing = run_cli("user", "list", case, "--user", "PC1").stdout
    assert "Sam Sup" in listing and "supervisor" in listing and "Eve Two" in listing
    run_cli("status", case, "--user", "SGT9", env=_env(TRIAGE_PASSWORD="sup-pass"))
    refused = run_cli("status", case, "--user", "SGT9", env_password="wrong")
    assert refused.returncode == 4 and "wrong password" in refused.stderr
    missing = run_cli("status", case, "--user", "nobody", check=False)
    assert missing.returncode == 4 and "unknown account" in missing.stderr


def test_only_a_supervisor_adds_a_supervisor(tmp_path: Path) -> None:
    """An examiner cannot make the first supervisor (and then sign off their own work)."""
    case = tmp_path / "case"
    run_cli("case", "create", case, "--ref", "R", "--examiner", "E")
    new = _env(TRIAGE_NEW_PASSWORD="pw-1234")
    refused = run_cli(
        "user", "add", case, "--name", "First Sup", "--role", "supervisor", env=new, check=False
    )
    assert refused.returncode == 5
    assert "needs a supervisor account" in refused.stderr
    assert "First Sup" not in run_cli("user", "list", case).stdout
    run_cli("user", "add", case, "--name", "Another Examiner", "--role", "examiner", env=new)


def test_the_supervisor_named_with_the_case_can_add_another(tmp_path: Path) -> None:
    case = tmp_path / "case"
    run_cli("case", "create", case, "--ref", "R", "--examiner", "E", "--supervisor", "Sue",
            env=_env(TRIAGE_SUPERVISOR_PASSWORD="sue-pass"))  # fmt: skip
    sue = _env(TRIAGE_USER="Sue", TRIAGE_PASSWORD="sue-pass", TRIAGE_NEW_PASSWORD="pw-1234")
    run_cli("user", "add", case, "--name", "Second Sup", "--role", "supervisor", env=sue)
    listing = run_cli("user", "list", case).stdout
    assert listing.count("supervisor") == 2


def test_a_case_is_private_to_its_owner(tmp_path: Path) -> None:
    """Thumbnails and password hashes: the folder is 0700, the database and its WAL 0600."""
    case = tmp_path / "case"
    run_cli("case", "create", case, "--ref", "R", "--examiner", "E")
    run_cli("status", case)
    assert case.stat().st_mode & 0o777 == 0o700
    for name in ("case.db", "case.db-wal", "case.db-shm"):
        if (case / name).exists():
            assert (case / name).stat().st_mode & 0o777 == 0o600, name


def test_a_bad_database_url_leaves_no_case_folder(tmp_path: Path) -> None:
    for url in ("not a url", "postgres:/x", "mysql://db/x", "postgresql://h:notaport/db"):
        case = tmp_path / "lab"
        result = run_cli(
            "case", "create", case, "--ref", "R", "--examiner", "E", "--database-url", url,
            check=False,
        )  # fmt: skip
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
        assert not case.exists()


def test_no_user_means_a_clear_error(tmp_path: Path) -> None:
    case = tmp_path / "case"
    run_cli("case", "create", case, "--ref", "R", "--examiner", "E")
    env = {k: v for k, v in os.environ.items() if k != "TRIAGE_USER"}
    result = run_cli("status", case, env=env, check=False)
    assert result.returncode == 2 and "--user" in result.stderr
