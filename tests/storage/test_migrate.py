"""Schema versioning: models and migrations agree, newer refused, older upgraded."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine

from triage_app.domain.errors import CaseError, SchemaTooNewError
from triage_app.storage import migrate
from triage_app.storage.case_store import CASE_DB, CaseStore
from triage_app.storage.models.all import Base


def test_models_and_migrations_agree(store: CaseStore) -> None:
    with store._reader.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_newer_schema_is_refused_and_file_left_alone(case_dir: Path) -> None:
    CaseStore.create(case_dir, reference="OP-1", examiner="E", password_hash="x").close()
    db = case_dir / CASE_DB
    raw = sqlite3.connect(db)
    raw.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    raw.commit()
    raw.close()
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    with pytest.raises(SchemaTooNewError, match="newer version"):
        CaseStore.open(case_dir)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_older_schema_is_upgraded_with_a_backup(case_dir: Path) -> None:
    CaseStore.create(case_dir, reference="OP-1", examiner="E", password_hash="x").close()
    heads = list(migrate.CASE.known_revisions())
    if len(heads) < 2:
        # Only one revision exists: stamping an unknown older one is the closest check.
        db = case_dir / CASE_DB
        raw = sqlite3.connect(db)
        raw.execute("DELETE FROM alembic_version")
        raw.commit()
        raw.close()
        with pytest.raises(CaseError, match="no schema"):
            CaseStore.open(case_dir)
        return
    # With several revisions: downgrade to the first and reopen.
    from alembic import command

    engine = create_engine(f"sqlite:///{case_dir / CASE_DB}")
    with engine.begin() as conn:
        command.downgrade(migrate.CASE.config(conn), sorted(heads)[0])
    engine.dispose()
    with CaseStore.open(case_dir) as store:
        assert store.summary().schema_revision == migrate.CASE.head_revision()
    assert list(case_dir.glob(f"{CASE_DB}.before-*.bak"))


def test_the_written_heads_are_alembics() -> None:
    """Opening a current database skips Alembic, so the heads written in the code must match."""
    assert migrate.CASE.head == migrate.CASE.alembic_head()
    assert migrate.LIBRARY.head == migrate.LIBRARY.alembic_head()
