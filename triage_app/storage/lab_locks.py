"""Advisory locks that make a lab (PostgreSQL) case behave like an SQLite one.

On SQLite every write transaction starts with ``BEGIN IMMEDIATE``: one writer
at a time, the others wait on the busy timeout. On PostgreSQL every write
transaction starts by taking a transaction-level advisory lock
(``pg_advisory_xact_lock``), held until it commits or rolls back, so audit
appends (which read the head and write the next sequence number) and grade
writes (which read the current grade first) never interleave across
workstations. A wait longer than :data:`LOCK_TIMEOUT_MS` fails cleanly (the
transaction rolls back: nothing was changed).

Exclusive jobs (an ingest) hold a session-level advisory lock on a connection
of their own for as long as they run; a second one is refused at once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine, text

from triage_app.domain.errors import CaseLockedError

#: The first key of every advisory lock this program takes ("tr" + "ia").
NAMESPACE = 0x74726961
#: Second keys: one per kind of lock.
WRITES = 1
INGEST = 2
LIBRARY_IMPORT = 3
#: How long a write waits for another writer (the same as SQLite's busy timeout).
LOCK_TIMEOUT_MS = 15_000


def connect_args() -> dict[str, Any]:
    """psycopg connection settings of a lab engine."""
    return {
        "options": f"-c lock_timeout={LOCK_TIMEOUT_MS}",
        "application_name": "triage",
        "connect_timeout": 10,
    }


def begin_write(conn: Any) -> None:
    """The first statement of every write transaction: wait for the case's write lock."""
    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({NAMESPACE}, {WRITES})")


def lock_writes(session: Any) -> None:
    """Hold the write lock in ``session``'s transaction (already held after
    :func:`begin_write`; taking it again costs nothing and changes nothing)."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        session.execute(text(f"SELECT pg_advisory_xact_lock({NAMESPACE}, {WRITES})"))


@contextlib.contextmanager
def job_lock(engine: Engine, key: int, busy_message: str) -> Iterator[None]:
    """Hold the session-level advisory lock ``key`` while the block runs; refuse if taken."""
    with engine.connect() as conn:
        taken = conn.execute(text(f"SELECT pg_try_advisory_lock({NAMESPACE}, {key})")).scalar()
        conn.commit()
        if not taken:
            raise CaseLockedError(busy_message)
        try:
            yield
        finally:
            conn.rollback()
            conn.execute(text(f"SELECT pg_advisory_unlock({NAMESPACE}, {key})"))
            conn.commit()
