"""Case store: creating and opening a case folder, and the errors on the way."""

from __future__ import annotations

from pathlib import Path

import pytest

from triage_app.domain.errors import CaseError
from triage_app.storage import migrate
from triage_app.storage.case_store import CASE_DB, CaseStore


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


def test_a_corrupt_database_is_a_clear_error(case_dir: Path) -> None:
    CaseStore.create(case_dir, reference="R", examiner="E", password_hash="x").close()
    for extra in ("-wal", "-shm"):
        (case_dir / f"{CASE_DB}{extra}").unlink(missing_ok=True)
    (case_dir / CASE_DB).write_bytes(b"not a database at all" * 300)
    with pytest.raises(CaseError, match="cannot open the case database"):
        CaseStore.open(case_dir)
