"""Appending to the hash-chained audit log inside an open write transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from triage_app.audit.chain import GENESIS, entry_hash, payload_text
from triage_app.domain.clock import utc_now
from triage_app.storage.models import AuditEntry


@dataclass(frozen=True, slots=True)
class AuditNote:
    """An entry to append: action, object and payload (the user is the actor's)."""

    action: str
    object: str
    payload: dict[str, Any]


def append_audit(session: Session, user: str, notes: Iterable[AuditNote]) -> tuple[int, str]:
    """Append entries inside an open write transaction; return the new head."""
    last = session.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    seq, prev = (last[0], last[1]) if last is not None else (0, GENESIS)
    for note in notes:
        seq += 1
        now = utc_now()
        payload = payload_text(note.payload)
        digest = entry_hash(seq, now, user, note.action, note.object, payload, prev)
        session.add(
            AuditEntry(
                seq=seq,
                time_utc=now,
                user=user,
                action=note.action,
                object=note.object,
                payload=payload,
                prev_hash=prev,
                hash=digest,
            )
        )
        prev = digest
    session.flush()
    return seq, prev
