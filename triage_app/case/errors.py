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
    if isinstance(exc, exc_module.OperationalError) and "locked" in str(exc):
        return (
            "the case is busy: another process kept it locked past the busy timeout; try again",
            BUSY_EXIT,
        )
    return f"database error: {getattr(exc, 'orig', exc)}", 2
