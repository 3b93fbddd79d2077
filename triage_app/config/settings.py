"""Per-user state: where it lives and the settings file.

Everything per-user sits under one folder, platformdirs' user data directory
by default, or ``$TRIAGE_HOME`` when set (tests and portable installs use it).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from triage_app.domain import safe_json
from triage_app.domain.errors import TriageError
from triage_app.files.atomic import atomic_write_bytes

APP_NAME = "triage-workstation"
HOME_ENV = "TRIAGE_HOME"
LIBRARY_FILE = "hashsets.db"


class SettingsError(TriageError, OSError):
    """The settings file cannot be read (an OSError too, for callers that fall back)."""


def user_home() -> Path:
    """Return the per-user data folder, creating it if needed."""
    override = os.environ.get(HOME_ENV)
    if override:
        home = Path(override)
    else:
        import platformdirs

        home = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    home.mkdir(parents=True, exist_ok=True)
    return home


def library_path() -> Path:
    """The per-user hash library file (``hashsets.db`` under :func:`user_home`)."""
    return user_home() / LIBRARY_FILE


def settings_path() -> Path:
    """Return the path of the user's settings file."""
    return user_home() / "settings.json"


def load_settings() -> dict[str, Any]:
    """Read user settings; a missing file means defaults."""
    path = settings_path()
    try:
        data = safe_json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise SettingsError(f"cannot read the settings file {path}: {exc}") from None
    return data if isinstance(data, dict) else {}


def save_settings(settings: dict[str, Any]) -> None:
    """Write user settings atomically."""
    payload = json.dumps(settings, indent=2, sort_keys=True).encode("utf-8")
    atomic_write_bytes(settings_path(), payload)
