"""The ingest's writes: batches, their replay, the run's start and end."""

from __future__ import annotations

from pathlib import Path

import pytest

from triage_app.domain.errors import IngestError
from triage_app.domain.records import STATUS_HASHED, FileRecord
from triage_app.storage.case_store import CaseStore


def test_foreign_keys_are_enforced(store: CaseStore) -> None:
    with pytest.raises(Exception, match="FOREIGN KEY"):
        store.add_records(
            exhibit_id=999, run_id=999, records=[FileRecord(b"x", "file", STATUS_HASHED)]
        )


def test_replayed_batch_adds_nothing(store: CaseStore, tmp_path: Path) -> None:
    exhibit = store.exhibit_for_ingest("EX/1", str(tmp_path).encode())
    run = store.start_run(
        exhibit, workers=1, versions={"pillow": "x", "imagehash": "y"}, actor="E", source="/x"
    )
    batch = [FileRecord(f"f{i}".encode(), "file", STATUS_HASHED, size=i) for i in range(5)]
    assert store.add_records(exhibit, run, batch) == 5
    assert store.add_records(exhibit, run, batch) == 0
    assert store.exhibit_totals(exhibit).found == 5


def test_a_run_starts_and_ends_in_one_transaction_each(store: CaseStore, tmp_path: Path) -> None:
    root = str(tmp_path).encode()
    versions = {"pillow": "x", "imagehash": "y"}
    first = store.begin_run("EX/1", root, workers=2, versions=versions, actor="E", source="/x")
    assert first.recorded == frozenset()
    batch = [FileRecord(f"f{i}".encode(), "file", STATUS_HASHED, size=i) for i in range(3)]
    added, totals = store.end_run(
        first.run_id, batch, state="interrupted", atime_preserved=None, actor="E"
    )
    assert added == 3 and totals.found == 3 and totals.balanced
    again = store.begin_run("EX/1", root, workers=1, versions=versions, actor="E", source="/x")
    assert again.exhibit_id == first.exhibit_id and again.run_id != first.run_id
    assert again.recorded == {b"f0", b"f1", b"f2"}
    added, totals = store.end_run(
        again.run_id, batch[:1], state="finished", atime_preserved=True, actor="E"
    )
    assert added == 0 and totals.found == 3
    runs = store.runs(first.exhibit_id)
    assert [(r.state, r.files_processed, r.workers) for r in runs] == [
        ("interrupted", 3, 2), ("finished", 0, 1),
    ]  # fmt: skip
    with pytest.raises(IngestError, match="was ingested from"):
        store.begin_run("EX/1", b"/elsewhere", workers=1, versions=versions, actor="E", source="/")
