"""The audit trail as a whole: verify the chain, export it as stored (CSV or JSON)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from triage_app import audit
from triage_app.audit import Verdict, verify_rows
from triage_app.case.recorded_export import RecordedFile, check_target, write_recorded
from triage_app.case.session import CaseSession
from triage_app.domain.errors import TriageError
from triage_app.domain.options import TRAIL_FORMATS

FIELDS = ("seq", "time_utc", "user", "action", "object", "payload", "prev_hash", "hash")


def parse_head(text: str) -> tuple[int, str]:
    """``SEQ:HASH`` as printed on reports and sign-offs."""
    seq, _, digest = text.partition(":")
    try:
        return int(seq), digest.strip().lower()
    except ValueError:
        raise TriageError("--expect-head takes SEQ:HASH, e.g. 42:9f86d0...") from None


def verify_trail(session: CaseSession, expect_head: tuple[int, str] | None = None) -> Verdict:
    """Check the whole chain (and against a head printed earlier, if given)."""
    return verify_rows(session.review.audit_rows(), expect_head)


def render_trail(rows: list[dict[str, Any]], fmt: str) -> bytes:
    """The whole log as stored, in ``fmt``."""
    if fmt == "json":
        return (json.dumps(rows, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
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
