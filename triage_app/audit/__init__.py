"""The audit trail's hash chain: entry hashes, the actions, and verification.

Pure computation over rows (no database). :mod:`.chain` builds and checks the
chain and :mod:`.actions` names what an entry records. The one place entries
are appended is :func:`triage_app.storage.audit_log.append_audit`, inside the
writer's own transaction; every writer (ingest, grading, supervision, exports)
goes through it.

``from triage_app import audit`` gives both: ``audit.GRADE``, ``audit.verify_rows``.
"""

from triage_app.audit.actions import *  # noqa: F403
from triage_app.audit.chain import (
    GENESIS,
    AuditNote,
    AuditRow,
    Verdict,
    chain_entries,
    entry_hash,
    payload_text,
    verify_rows,
)

__all__ = [
    "GENESIS",
    "AuditNote",
    "AuditRow",
    "Verdict",
    "chain_entries",
    "entry_hash",
    "payload_text",
    "verify_rows",
]
