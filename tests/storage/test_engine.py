"""Connection settings: every connection gets the durability pragmas."""

from __future__ import annotations

from triage_app.storage.case_store import CaseStore


def test_every_connection_gets_the_durability_pragmas(store: CaseStore) -> None:
    for engine in (store._writer, store._reader):
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
