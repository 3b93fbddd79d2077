"""A quick look into a case's SQLite database without loading the ORM.

Signing in spends most of its time in scrypt; reading the stored hash with
the standard library first lets the password check run while the rest of the
program loads (see :mod:`triage_app.case.password_check`). Only reads, only
SQLite, read-only; anything unexpected returns None and the normal path
(through the ORM) decides.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from triage_app.domain import safe_json

#: Mirrors the stores' names (checked by a test).
CASE_MARKER = "case.json"
CASE_DB = "case.db"
LIBRARY_READY = "ready"


def stored_password_hash(case_dir: Path, login: str) -> str | None:
    """The password hash of the account named ``login`` (name or ID), if it can be read."""
    try:
        marker = safe_json.loads((Path(case_dir) / CASE_MARKER).read_text(encoding="utf-8"))
        if not isinstance(marker, dict) or marker.get("database_url"):
            return None
        db = (Path(case_dir) / str(marker.get("database", CASE_DB))).resolve()
        con = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True, timeout=1.0)
        try:
            row = con.execute(
                "SELECT password_hash FROM users WHERE name = ? OR badge = ? LIMIT 1",
                (login, login),
            ).fetchone()
        finally:
            con.close()
    except (OSError, ValueError, sqlite3.Error):
        return None
    return str(row[0]) if row and isinstance(row[0], str) else None


def library_has_sets(path: Path) -> bool | None:
    """Whether the hash library at ``path`` holds a complete set (None: cannot tell).

    A library that does not exist yet holds none.
    """
    if not Path(path).exists():
        return False
    try:
        con = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=1.0)
        try:
            row = con.execute(
                "SELECT 1 FROM hash_sets WHERE state = ? LIMIT 1", (LIBRARY_READY,)
            ).fetchone()
        finally:
            con.close()
    except (OSError, ValueError, sqlite3.Error):
        return None
    return row is not None
