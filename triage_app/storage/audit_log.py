"""The one way entries are appended to the hash-chained audit log.

Every writer (accounts, ingest, matching, grading, QA, sign-off, exports)
calls :func:`append_audit` inside its own write transaction, so a change and
the entries that record it commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from triage_app.audit import GENESIS, AuditNote, chain_entries
from triage_app.domain.clock import utc_now
from triage_app.domain.errors import TriageError
from triage_app.storage.lab_locks import lock_writes
from triage_app.storage.models.accounts import AuditEntry

__all__ = ["AuditNote", "append_audit", "audit_head", "next_audit_seq"]


class AuditSequenceError(TriageError):
    """An entry would not take the sequence number its writer reserved for it."""


def audit_head(session: Session) -> tuple[int, str]:
    """The last entry's sequence number and hash (``(0, GENESIS)`` for an empty log)."""
    last = session.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    return (int(last[0]), str(last[1])) if last is not None else (0, GENESIS)


def next_audit_seq(session: Session) -> int:
    """The sequence number the next audit entry of this write transaction will take."""
    return audit_head(session)[0] + 1


def append_audit(
    session: Session,
    user: str,
    notes: Iterable[AuditNote],
    *,
    expect_seq: int | None = None,
) -> tuple[int, str]:
    """Append entries inside an open write transaction; return the new head.

    ``expect_seq`` is the sequence number a writer reserved for the first
    entry (rows that carry their audit entry's number take it beforehand).
    On a lab database the head is read under the case's write lock, so two
    workstations never take the same sequence number.
    """
    lock_writes(session)
    head = audit_head(session)
    entries = chain_entries(head, user, notes, utc_now)
    if expect_seq is not None and entries and entries[0].seq != expect_seq:
        raise AuditSequenceError(
            f"audit entry {entries[0].seq} was written where {expect_seq} was expected"
        )
    session.add_all(
        AuditEntry(
            seq=e.seq, time_utc=e.time_utc, user=e.user, action=e.action, object=e.object,
            payload=e.payload, prev_hash=e.prev_hash, hash=e.hash,
        )
        for e in entries
    )  # fmt: skip
    session.flush()
    return (entries[-1].seq, entries[-1].hash) if entries else head
