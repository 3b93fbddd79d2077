"""Shared fixtures: isolated per-user home, Qt offscreen, case and source folders."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# Qt must never try to reach a display in tests.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from triage_app.domain.accounts import hash_password
from triage_app.storage.case_store import CaseStore

REPO = Path(__file__).resolve().parents[1]


#: The account every test acts as unless it says otherwise.
TEST_USER = "E"
TEST_PASSWORD = "test-password"


@pytest.fixture(scope="session", autouse=True)
def _session_defaults(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Defaults for module- and session-scoped fixtures, which run before per-test ones."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRIAGE_HOME", str(tmp_path_factory.mktemp("triage-home-session")))
        patch.setenv("TRIAGE_USER", TEST_USER)
        patch.setenv("TRIAGE_PASSWORD", TEST_PASSWORD)
        yield


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Point per-user state at a fresh folder and sign in as the test account."""
    monkeypatch.setenv("TRIAGE_HOME", str(tmp_path_factory.mktemp("triage-home")))
    monkeypatch.setenv("TRIAGE_USER", TEST_USER)
    monkeypatch.setenv("TRIAGE_PASSWORD", TEST_PASSWORD)
    monkeypatch.delenv("TRIAGE_NEW_PASSWORD", raising=False)


@pytest.fixture(scope="session")
def test_password_hash() -> str:
    """The scrypt hash of TEST_PASSWORD (computed once)."""
    return hash_password(TEST_PASSWORD)


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    """Path for a new case folder (not yet created)."""
    return tmp_path / "case"


@pytest.fixture
def store(case_dir: Path, test_password_hash: str) -> Iterator[CaseStore]:
    """A freshly created case store whose first account is the test account."""
    with CaseStore.create(
        case_dir, reference="TEST-001", examiner=TEST_USER, password_hash=test_password_hash
    ) as s:
        yield s


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """An empty evidence folder to fill."""
    folder = tmp_path / "evidence"
    folder.mkdir()
    return folder


def run_cli(
    *args: str | os.PathLike[str],
    check: bool = True,
    env_password: str | None = None,
    **kwargs: object,
) -> subprocess.CompletedProcess[str]:
    """Run the ``triage`` CLI in a real subprocess (``env_password`` overrides the password)."""
    cmd = [sys.executable, "-m", "triage_app.cli.main", *map(str, args)]
    if env_password is not None:
        kwargs["env"] = {**os.environ, "TRIAGE_PASSWORD": env_password}
        check = False
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False, **kwargs)  # type: ignore[call-overload]
    if check and result.returncode != 0:
        raise AssertionError(
            f"{' '.join(cmd)} exited {result.returncode}\n"
            f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
    return result  # type: ignore[no-any-return]
