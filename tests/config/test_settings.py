"""Per-user settings: the per-user home."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from triage_app.config import settings


def test_triage_home_relocates_per_user_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRIAGE_HOME", str(tmp_path / "elsewhere"))
    settings.save_settings({"tile_size": 128})
    assert settings.settings_path() == tmp_path / "elsewhere" / "settings.json"
    assert json.loads(settings.settings_path().read_text()) == {"tile_size": 128}
    assert settings.load_settings() == {"tile_size": 128}
