"""Case store: creation, connection settings, schema versioning, per-user home."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine

from triage_app.config import settings
from triage_app.domain.errors import CaseError, SchemaTooNewError
from triage_app.domain.records import STATUS_HASHED, FileRecord
from triage_app.storage import migrate
from triage_app.storage.case_store import CASE_DB, CaseStore
from triage_app.storage.models.all import Base


def test_create_then_open_round_trip(case_dir: Path) -> None:
    with CaseStore.create(
        case_dir, reference="OP-1", examiner="A. Examiner", password_hash="x", scheme="projectvic"
    ):
        pass
    with CaseStore.open(case_dir) as store:
        summary = store.summary()
    assert (summary.reference, summary.examiner, summary.scheme) == (
        "OP-1",
        "A. Examiner",
        "projectvic",
    )
    assert summary.schema_revision == migrate.CASE.head_revision()
    assert summary.totals.found == 0


def test_every_connection_gets_the_durability_pragmas(store: CaseStore) -> None:
    for engine in (store._writer, store._reader):
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_foreign_keys_are_enforced(store: CaseStore) -> None:
    with pytest.raises(Exception, match="FOREIGN KEY"):
        store.add_records(
            exhibit_id=999, run_id=999, records=[FileRecord(b"x", "file", STATUS_HASHED)]
        )


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


def test_create_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    folder = tmp_path / "busy"
    folder.mkdir()
    (folder / "something.txt").write_text("x")
    with pytest.raises(CaseError, match="not an empty folder"):
        CaseStore.create(folder, reference="R", examiner="E", password_hash="x")
    assert sorted(p.name for p in folder.iterdir()) == ["something.txt"]


def test_open_refuses_a_folder_that_is_not_a_case(tmp_path: Path) -> None:
    with pytest.raises(CaseError, match="not a case folder"):
        CaseStore.open(tmp_path)


def test_open_refuses_a_broken_marker(case_dir: Path) -> None:
    CaseStore.create(case_dir, reference="R", examiner="E", password_hash="x").close()
    (case_dir / "case.json").write_text("{not json")
    with pytest.raises(CaseError, match="cannot read"):
        CaseStore.open(case_dir)


def test_unknown_scheme_is_refused(case_dir: Path) -> None:
    with pytest.raises(CaseError, match="unknown scheme"):
        CaseStore.create(case_dir, reference="R", examiner="E", password_hash="x", scheme="martian")


def test_replayed_batch_adds_nothing(store: CaseStore, tmp_path: Path) -> None:
    exhibit = store.exhibit_for_ingest("EX/1", str(tmp_path).encode())
    run = store.start_run(
        exhibit, workers=1, versions={"pillow": "x", "imagehash": "y"}, actor="E", source="/x"
    )
    batch = [FileRecord(f"f{i}".encode(), "file", STATUS_HASHED, size=i) for i in range(5)]
    assert store.add_records(exhibit, run, batch) == 5
    assert store.add_records(exhibit, run, batch) == 0
    assert store.exhibit_totals(exhibit).found == 5


def test_triage_home_relocates_per_user_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRIAGE_HOME", str(tmp_path / "elsewhere"))
    settings.save_settings({"tile_size": 128})
    assert settings.settings_path() == tmp_path / "elsewhere" / "settings.json"
    assert json.loads(settings.settings_path().read_text()) == {"tile_size": 128}
    assert settings.load_settings() == {"tile_size": 128}


def test_a_corrupt_database_is_a_clear_error(case_dir: Path) -> None:
    CaseStore.create(case_dir, reference="R", examiner="E", password_hash="x").close()
    for extra in ("-wal", "-shm"):
        (case_dir / f"{CASE_DB}{extra}").unlink(missing_ok=True)
    (case_dir / CASE_DB).write_bytes(b"not a database at all" * 300)
    with pytest.raises(CaseError, match="cannot open the case database"):
        CaseStore.open(case_dir)


def test_a_corrupt_hash_library_is_a_clear_error(tmp_path: Path) -> None:
    from triage_app.storage.library_store import LibraryError, LibraryStore

    bad = tmp_path / "library.db"
    bad.write_bytes(b"garbage" * 1000)
    with pytest.raises(LibraryError, match="cannot open the hash library"):
        LibraryStore.open(bad)


def test_the_written_heads_are_alembics() -> None:
    """Opening a current database skips Alembic, so the heads written in the code must match."""
    assert migrate.CASE.head == migrate.CASE.alembic_head()
    assert migrate.LIBRARY.head == migrate.LIBRARY.alembic_head()
