"""``triage-app --smoke``: the GUI opens a case, paints, and exits by itself."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

DEMO = {"TRIAGE_USER": "Demo Examiner", "TRIAGE_PASSWORD": "demo"}


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, **DEMO, "TRIAGE_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}


@pytest.fixture(scope="module")
def demo_case(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("smoke")
    case, home = root / "case", root / "home"
    subprocess.run(
        [sys.executable, "-m", "triage_app.cli.main", "demo", str(case), "--images", "12"],
        env=_env(home),
        check=True,
        capture_output=True,
        timeout=300,
    )
    return case, home


def _smoke(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "triage_app.gui.app", "--smoke", *args],
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_smoke_opens_the_case_paints_and_exits_zero(demo_case: tuple[Path, Path]) -> None:
    case, home = demo_case
    result = _smoke(str(case), home=home)
    assert result.returncode == 0, result.stderr
    assert "items in the gallery" in result.stdout
    assert "Traceback" not in result.stderr


def test_smoke_fails_when_the_case_cannot_be_opened(tmp_path: Path) -> None:
    result = _smoke(str(tmp_path / "no-such-case"), home=tmp_path / "home")
    assert result.returncode == 1
    assert "smoke: error" in result.stderr


def test_smoke_without_credentials_stops_instead_of_asking(demo_case: tuple[Path, Path]) -> None:
    """A sign-in dialog would wait for a person forever; --smoke refuses instead."""
    case, home = demo_case
    env = {k: v for k, v in _env(home).items() if k not in DEMO}
    result = subprocess.run(
        [sys.executable, "-m", "triage_app.gui.app", "--smoke", str(case)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "TRIAGE_USER" in result.stderr
