"""Database engines with the connection settings the case store relies on.

SQLite gets WAL, ``synchronous=FULL``, ``foreign_keys=ON`` and a busy timeout
on every connection. Transactions are opened explicitly: ``BEGIN IMMEDIATE``
on the writer engine, so a second writer waits on the busy timeout instead of
failing half-way through, and plain ``BEGIN`` on the reader engine. A lab
(PostgreSQL) engine does the same with an advisory lock (:mod:`.lab_locks`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import NullPool

BUSY_TIMEOUT_MS = 15_000


def sqlite_url(path: str) -> str:
    """Return an SQLAlchemy URL for the SQLite file at ``path``."""
    return f"sqlite+pysqlite:///{path}"


def make_engine(url: str, *, writer: bool) -> Engine:
    """Create an engine for ``url`` with the store's connection settings."""
    if not url.startswith("sqlite"):
        return _lab_engine(url, writer=writer)
    engine = create_engine(
        url,
        poolclass=NullPool,
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )
    begin_sql = "BEGIN IMMEDIATE" if writer else "BEGIN"

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control away from the sqlite3 module so that the
        # BEGIN below is the only one and PRAGMAs run outside transactions.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql(begin_sql)

    return engine


def _lab_engine(url: str, *, writer: bool) -> Engine:
    """A PostgreSQL engine: writers serialised by an advisory lock, readers on a snapshot."""
    from triage_app.storage import lab_locks, lab_url

    engine = create_engine(
        url,
        pool_pre_ping=True,
        pool_size=2,
        connect_args=lab_locks.connect_args(),
        # One snapshot per read transaction, as SQLite's reader has; a read-only
        # REPEATABLE READ transaction never fails on a concurrent write.
        isolation_level="READ COMMITTED" if writer else "REPEATABLE READ",
    )

    @event.listens_for(engine, "do_connect")
    def _on_do_connect(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        return lab_url.connect_asking(url, dialect, cargs, cparams)

    if writer:
        event.listen(engine, "begin", lab_locks.begin_write)
    return engine
