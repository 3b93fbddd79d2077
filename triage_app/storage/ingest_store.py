"""The ingest's writes: exhibits, ingest runs and the items they record.

A run's start (its exhibit, the run row, the audit entry) is one
transaction, each batch of records another, and its end (the last batch,
the run's state, the audit entry with the totals) a third.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from triage_app import __version__, audit
from triage_app.domain.clock import utc_now
from triage_app.domain.errors import IngestError
from triage_app.domain.records import (
    STATUS_FAILED,
    STATUS_HASHED,
    STATUS_SKIPPED,
    FileRecord,
    IngestRunRecord,
    Totals,
)
from triage_app.storage.audit_log import AuditNote, append_audit
from triage_app.storage.bindings import items_digest, source_digest
from triage_app.storage.database import Database
from triage_app.storage.item_rows import item_values
from triage_app.storage.models.case import Exhibit, IngestRun, Item, Thumbnail
from triage_app.storage.video_frames_store import add_frames

_RUN_FIELDS = tuple(f.name for f in fields(IngestRunRecord))


@dataclass(frozen=True, slots=True)
class RunStart:
    """A started ingest run: its exhibit, its id and the paths recorded before it."""

    exhibit_id: int
    run_id: int
    recorded: frozenset[bytes]


def totals(session: Session, exhibit_id: int | None) -> Totals:
    """The accounting totals of one exhibit (or of the case, for None)."""
    query = select(Item.status, func.count()).group_by(Item.status)
    if exhibit_id is not None:
        query = query.where(Item.exhibit_id == exhibit_id)
    counts = {status: int(n) for status, n in session.execute(query)}
    return Totals(
        found=sum(counts.values()),
        hashed=counts.get(STATUS_HASHED, 0),
        skipped=counts.get(STATUS_SKIPPED, 0),
        failed=counts.get(STATUS_FAILED, 0),
    )


class IngestStore(Database):
    """The ingest's side of a case store."""

    def exhibit_for_ingest(self, reference: str, source_root: bytes) -> int:
        """Return the exhibit id for ``reference``, creating it for a first ingest.

        An exhibit is bound to the folder it was first ingested from; a
        different folder under the same reference is refused.
        """
        with self.write_session() as session:
            return _exhibit(session, reference, source_root)[0]

    def start_run(
        self, exhibit_id: int, *, workers: int, versions: dict[str, str], actor: str, source: str
    ) -> int:
        """Record (and log) the start of an ingest; earlier runs left 'running' become
        'interrupted'."""
        with self.write_session() as session:
            exhibit = session.get(Exhibit, exhibit_id)
            assert exhibit is not None
            return _start_run(
                session, exhibit_id, exhibit.reference, workers, versions, actor, source
            )

    def begin_run(
        self,
        reference: str,
        source_root: bytes,
        *,
        workers: int,
        versions: dict[str, str],
        actor: str,
        source: str,
        source_kind: str | None = None,
    ) -> RunStart:
        """:meth:`exhibit_for_ingest` and :meth:`start_run` in one transaction, with the
        paths already recorded for the exhibit (a resumed ingest skips them)."""
        with self.write_session() as session:
            exhibit_id, new = _exhibit(session, reference, source_root, source_kind)
            run_id = _start_run(session, exhibit_id, reference, workers, versions, actor, source)
            recorded = (
                frozenset()
                if new
                else frozenset(
                    session.scalars(select(Item.path).where(Item.exhibit_id == exhibit_id))
                )
            )
            return RunStart(exhibit_id, run_id, recorded)

    def add_records(self, exhibit_id: int, run_id: int, records: Iterable[FileRecord]) -> int:
        """Store a batch of records and their thumbnails in one transaction.

        Records whose path is already stored for the exhibit are ignored, so a
        batch replayed after a crash cannot duplicate anything.
        """
        records = list(records)
        if not records:
            return 0
        with self.write_session() as session:
            return _add_records(session, exhibit_id, run_id, records)

    def end_run(
        self,
        run_id: int,
        records: Iterable[FileRecord] = (),
        *,
        state: str,
        atime_preserved: bool | None,
        actor: str,
        source_facts: dict[str, Any] | None = None,
    ) -> tuple[int, Totals]:
        """Store the run's last records and record (and log) how it ended, in one
        transaction; return how many records were added and the exhibit's totals.

        ``source_facts`` (what reading a disk image or archive established: its
        verification) replaces the exhibit's, and is logged and bound to the trail."""
        records = list(records)
        with self.write_session() as session:
            exhibit_id = session.scalar(select(IngestRun.exhibit_id).where(IngestRun.id == run_id))
            assert exhibit_id is not None
            added = _add_records(session, exhibit_id, run_id, records) if records else 0
            run = session.get(IngestRun, run_id)
            assert run is not None
            run.state = state
            run.finished_at = utc_now()
            run.atime_preserved = atime_preserved
            found = totals(session, exhibit_id)
            reference = session.scalar(select(Exhibit.reference).where(Exhibit.id == exhibit_id))
            payload: dict[str, Any] = {
                "run": run_id,
                "state": state,
                "recorded_this_run": run.files_processed,
                "found": found.found,
                "hashed": found.hashed,
                "skipped": found.skipped,
                "failed": found.failed,
                "atime_preserved": atime_preserved,
            }
            payload["items"], payload["items_sha256"] = items_digest(session, exhibit_id)
            exhibit = session.get(Exhibit, exhibit_id)
            assert exhibit is not None
            if source_facts is not None:
                exhibit.source_facts = json.dumps(source_facts, sort_keys=True)
                payload["source"] = {
                    k: source_facts.get(k)
                    for k in ("kind", "verification", "stored_md5", "computed_md5")
                }
            payload["source_sha256"] = source_digest(exhibit.source_kind, exhibit.source_facts)
            note = AuditNote(audit.INGEST_FINISHED, f"exhibit {reference}", payload)
            append_audit(session, actor, [note])
            return added, found

    def finish_run(
        self, run_id: int, *, state: str, atime_preserved: bool | None, actor: str
    ) -> Totals:
        """Record (and log) how an ingest ended, with the exhibit's totals."""
        return self.end_run(run_id, state=state, atime_preserved=atime_preserved, actor=actor)[1]

    def runs(self, exhibit_id: int) -> list[IngestRunRecord]:
        """The exhibit's ingest runs, oldest first."""
        query = select(*(getattr(IngestRun, name) for name in _RUN_FIELDS)).where(
            IngestRun.exhibit_id == exhibit_id
        )
        with self.read_session() as session:
            return [IngestRunRecord(*row) for row in session.execute(query.order_by(IngestRun.id))]

    def recorded_paths(self, exhibit_id: int) -> set[bytes]:
        """The paths already recorded for an exhibit (resume skips them)."""
        with self.read_session() as session:
            return set(session.scalars(select(Item.path).where(Item.exhibit_id == exhibit_id)))

    def exhibit_totals(self, exhibit_id: int) -> Totals:
        """The accounting totals of one exhibit."""
        with self.read_session() as session:
            return totals(session, exhibit_id)


def _exhibit(
    session: Session, reference: str, source_root: bytes, source_kind: str | None = None
) -> tuple[int, bool]:
    """The exhibit's id, and whether it was created now."""
    found = session.execute(
        select(Exhibit.id, Exhibit.source_root).where(Exhibit.reference == reference)
    ).first()
    if found is None:
        exhibit = Exhibit(
            reference=reference, source_root=source_root, added_at=utc_now(),
            source_kind=source_kind,
        )  # fmt: skip
        session.add(exhibit)
        session.flush()
        return exhibit.id, True
    if found.source_root != source_root:
        raise IngestError(
            f"exhibit {reference} was ingested from "
            f"{os.fsdecode(found.source_root)!r}, not {os.fsdecode(source_root)!r}; "
            "use another exhibit reference for another source"
        )
    return int(found.id), False


def _start_run(
    session: Session,
    exhibit_id: int,
    reference: str,
    workers: int,
    versions: dict[str, str],
    actor: str,
    source: str,
) -> int:
    session.execute(
        update(IngestRun)
        .where(IngestRun.exhibit_id == exhibit_id, IngestRun.state == "running")
        .values(state="interrupted")
    )
    run = IngestRun(
        exhibit_id=exhibit_id,
        started_at=utc_now(),
        state="running",
        workers=workers,
        app_version=__version__,
        pillow_version=versions["pillow"],
        imagehash_version=versions["imagehash"],
        files_processed=0,
    )
    session.add(run)
    session.flush()
    payload = {"run": run.id, "source": source, "workers": workers, **versions}
    append_audit(session, actor, [AuditNote(audit.INGEST_STARTED, f"exhibit {reference}", payload)])
    return run.id


def _add_records(session: Session, exhibit_id: int, run_id: int, records: list[FileRecord]) -> int:
    existing = set(
        session.scalars(
            select(Item.path).where(
                Item.exhibit_id == exhibit_id, Item.path.in_([r.path for r in records])
            )
        )
    )
    new: list[FileRecord] = []
    for record in records:
        if record.path not in existing:
            existing.add(record.path)
            new.append(record)
    if not new:
        return 0
    store = {"exhibit_id": exhibit_id, "run_id": run_id, "processed_at": utc_now()}
    ids = session.scalars(
        insert(Item).returning(Item.id, sort_by_parameter_order=True),
        [{**item_values(r), **store} for r in new],
    ).all()
    thumbnails = [
        {"item_id": item_id, "width": r.thumbnail_size[0], "height": r.thumbnail_size[1],
         "mime": "image/jpeg", "data": r.thumbnail}
        for item_id, r in zip(ids, new, strict=True)
        if r.thumbnail is not None and r.thumbnail_size is not None
    ]  # fmt: skip
    if thumbnails:
        session.execute(insert(Thumbnail), thumbnails)
    add_frames(session, ids, new)
    session.execute(
        update(IngestRun)
        .where(IngestRun.id == run_id)
        .values(files_processed=IngestRun.files_processed + len(new))
    )
    return len(new)
