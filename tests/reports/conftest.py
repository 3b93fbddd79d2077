"""The generated report case (``report_helpers.build_case``), built once for these tests;
each test works on its own copy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import TEST_PASSWORD, TEST_USER, run_cli
from report_helpers import BuiltCase, build_case, copy_case


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, test_password_hash: str) -> BuiltCase:
    root = tmp_path_factory.mktemp("report-case")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TRIAGE_HOME", str(root / "home"))
        return build_case(root, test_password_hash)


@pytest.fixture
def case(built: BuiltCase, tmp_path: Path) -> Path:
    return copy_case(built, tmp_path / "case")


@pytest.fixture(scope="session")
def items(built: BuiltCase, tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """``triage items --json`` of (a copy of) the case, once for the session."""
    copy = copy_case(built, tmp_path_factory.mktemp("items") / "case")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TRIAGE_USER", TEST_USER)
        mp.setenv("TRIAGE_PASSWORD", TEST_PASSWORD)
        return list(json.loads(run_cli("items", copy, "--json").stdout))
