"""The audit trail as a whole: verify the chain, export it as stored (CSV or JSON)."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from triage_app import audit
from triage_app.audit import AuditRow, Verdict, verify_rows
from triage_app.audit.state import Difference, differences
from triage_app.case.recorded_export import RecordedFile, check_target, write_recorded
from triage_app.case.session import CaseSession
from triage_app.domain.errors import TriageError
from triage_app.domain.options import TRAIL_FORMATS
from triage_app.domain.text_safety import SafeCsvWriter
from triage_app.storage.state_snapshot import StateSnapshots

FIELDS = ("seq", "time_utc", "user", "action", "object", "payload", "prev_hash", "hash")


def parse_head(text: str) -> tuple[int, str]:
    """``SEQ:HASH`` as printed on reports and sign-offs."""
    seq, _, digest = text.partition(":")
    try:
        return int(seq), digest.strip().lower()
    except ValueError:
        raise TriageError("--expect-head takes SEQ:HASH, e.g. 42:9f86d0...") from None


@dataclass(frozen=True, slots=True)
class TrailVerdict:
    """The chain's verdict, and where the case's tables differ from what the trail says."""

    chain: Verdict
    differences: tuple[Difference, ...] = ()
    #: What the trail cannot vouch for yet (an unfinished ingest, an older case's items).
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """The chain is intact and every bound row agrees with it."""
        return self.chain.ok and not self.differences

    def problem(self) -> str | None:
        """The first thing wrong, in one line (None when all is well)."""
        if not self.chain.ok:
            return (
                f"the audit trail is broken at entry {self.chain.first_bad}: {self.chain.problem}"
            )
        if self.differences:
            more = len(self.differences) - 1
            extra = f" (and {more} more)" if more else ""
            return f"the case differs from its audit trail: {self.differences[0]}{extra}"
        return None


def verify_trail(
    session: CaseSession,
    expect_head: tuple[int, str] | None = None,
    *,
    up_to: int | None = None,
    rows: list[AuditRow] | None = None,
) -> TrailVerdict:
    """Check the whole chain (and against a head printed earlier, if given), then replay
    it against the tables it binds: grades, their history, accounts and roles, QA second
    grades and adjudications, sign-offs, items and matches. ``up_to`` verifies the log as
    it stood at that entry (the state then must still be the state now); ``rows`` is the
    log if the caller has read it already."""
    read = rows if rows is not None else list(session.review.audit_rows())
    rows = [r for r in read if up_to is None or r.seq <= up_to]
    chain = verify_rows(rows, expect_head)
    if not chain.ok:
        return TrailVerdict(chain)
    found, notes = differences(rows, StateSnapshots(session.store).state_snapshot())
    return TrailVerdict(chain, tuple(found), tuple(notes))


def render_trail(rows: list[dict[str, Any]], fmt: str) -> bytes:
    """The whole log as stored, in ``fmt``."""
    if fmt == "json":
        return (json.dumps(rows, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    writer.writerow(FIELDS)
    writer.writerows([row[f] for f in FIELDS] for row in rows)
    return out.getvalue().encode("utf-8")


@dataclass(frozen=True, slots=True)
class TrailExport:
    """What an export of the trail wrote."""

    file: RecordedFile
    entries: int
    head: tuple[int, str]


def export_trail(session: CaseSession, out: Path, fmt: str = "csv") -> TrailExport:
    """Write the whole log to ``out`` as stored, and record the export."""
    if fmt not in TRAIL_FORMATS:
        raise TriageError(f"unknown format {fmt!r}; use one of {', '.join(TRAIL_FORMATS)}")
    session.refuse_if_blind("exporting the audit trail")  # blind QA (supervision)
    check_target(session, out)
    rows = [{f: getattr(r, f) for f in FIELDS} for r in session.review.audit_rows()]
    head = (rows[-1]["seq"], rows[-1]["hash"]) if rows else (0, audit.GENESIS)
    payload = {
        "what": "audit trail",
        "format": fmt,
        "entries": len(rows),
        "head_seq": head[0],
        "head_hash": head[1],
    }
    recorded = write_recorded(session, out, render_trail(rows, fmt), payload)
    return TrailExport(recorded, len(rows), head)
