"""Locate the shipped data folder (``resources/``)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

RESOURCES_ENV = "TRIAGE_RESOURCES"


def resources_dir() -> Path:
    """Return the folder holding schemes and other shipped data.

    Looked for in ``$TRIAGE_RESOURCES``, then beside the package (a source
    checkout, an editable install, or the one-folder build: PyInstaller puts
    the package's modules in ``sys._MEIPASS``, its ``_internal/`` folder, and
    packaging/triage.spec puts ``resources/`` there too), then under
    ``<prefix>/share`` (a wheel).
    """
    candidates = []
    if os.environ.get(RESOURCES_ENV):
        candidates.append(Path(os.environ[RESOURCES_ENV]))
    candidates.append(Path(__file__).resolve().parents[2] / "resources")
    candidates.append(Path(sys.prefix) / "share" / "triage-workstation" / "resources")
    for folder in candidates:
        if (folder / "schemes").is_dir():
            return folder
    raise FileNotFoundError(
        "cannot find the resources folder (looked in: "
        + ", ".join(str(c) for c in candidates)
        + f"); set {RESOURCES_ENV}"
    )
