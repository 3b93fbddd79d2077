"""Database errors said in words for the user (the front ends never see SQLAlchemy)."""

from __future__ import annotations

import sys

#: Exit code when another process kept the case locked past the busy timeout.
BUSY_EXIT = 3


def database_error_message(exc: BaseException) -> tuple[str, int] | None:
    """``(message, exit code)`` for a database error, or None if ``exc`` is not one."""
    exc_module = sys.modules.get("sqlalchemy.exc")
    if exc_module is None or not isinstance(exc, exc_module.DatabaseError):
        return None
    said = " ".join(str(getattr(exc, "orig", exc)).split())
    if isinstance(exc, exc_module.OperationalError) and (
        "locked" in str(exc) or "lock timeout" in said
    ):
        return (
            "the case is busy: another process kept it locked past the busy timeout; try again",
            BUSY_EXIT,
        )
    if "no password supplied" in said or "password authentication failed" in said:
        return (
            f"the lab database refused the sign-in ({said[:200]}): put the password in "
            "~/.pgpass or $PGPASSFILE (mode 0600), or use a libpq service",
            2,
        )
    return f"database error: {said[:400]}", 2
