"""The filtered audit log exported as CSV, JSON or PDF, with the filter, verdict and head.

An export writes the filtered rows with the filter, the chain's verdict and the
head (last entry's sequence number and hash) printed in the file, through
:func:`triage_app.case.recorded_export.write_recorded`: atomically, and
recorded in the log with the file's SHA-256.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from triage_app.case.recorded_export import check_target, write_recorded
from triage_app.case.session import CaseSession
from triage_app.domain.accounts import SUPERVISOR
from triage_app.domain.clock import utc_now
from triage_app.domain.options import REVIEW_FORMATS
from triage_app.domain.text_safety import SafeCsvWriter
from triage_app.reports.print_document import PdfRenderer, render_pdf
from triage_app.supervision.audit_filter import AuditFilter, AuditViewError
from triage_app.supervision.audit_pdf import audit_document
from triage_app.supervision.audit_review import (
    FIELDS,
    AuditReview,
    ReviewSelection,
    load_review,
    row_dict,
)
from triage_app.supervision.examiner_stats import SOURCE_KINDS

#: Formats of a filtered export.
EXPORT_FORMATS = REVIEW_FORMATS


@dataclass(frozen=True, slots=True)
class AuditExport:
    """What a filtered export wrote."""

    path: Path
    format: str
    sha256: str
    size: int
    entries: int
    head: tuple[int, str]
    chain_ok: bool
    audit_entry: int


def _check_format(fmt: str) -> None:
    if fmt not in EXPORT_FORMATS:
        raise AuditViewError(f"unknown format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")


def _header(sel: ReviewSelection, listed: int) -> dict[str, Any]:
    review = sel.review
    v = review.verdict
    return {
        "case_reference": review.reference,
        "exported_at": utc_now(),
        "exported_by": sel.actor,
        "filter": sel.flt.describe(),
        "chain": "intact" if v.ok else f"BROKEN at entry {v.first_bad}: {v.problem}",
        "entries_in_log": len(review.rows),
        "entries_listed": listed,
        "head_seq": review.head[0],
        "head_hash": review.head[1],
    }


def render_csv(sel: ReviewSelection) -> bytes:
    """The filtered log as a sectioned CSV (like the report's CSV: column A names the section).

    Sections: ``export`` (key/value: case, who, when, filter, chain verdict,
    head), ``entry`` (the filtered entries, every column of the log) and
    ``account`` (per-account statistics under the filter's account and dates).
    """
    rows = sel.rows()
    out = io.StringIO()
    w = SafeCsvWriter(out)
    w.writerow(["section", "key", "value"])
    for key, value in _header(sel, len(rows)).items():
        w.writerow(["export", key, value])
    w.writerow([])
    w.writerow(["section", *FIELDS])
    for r in rows:
        w.writerow(["entry", *(getattr(r, f) for f in FIELDS)])
    w.writerow([])
    columns = ["items_graded", *SOURCE_KINDS, "grades_amended", "grades_undone", "reveals",
               "reveal_seconds", "qa_second_grades"]  # fmt: skip
    w.writerow(["section", "account", "role", *columns])
    for s in sel.stats():
        d = s.as_dict()
        w.writerow(
            ["account", s.account, s.role or "", d["items_graded"],
             *(d["items_graded_by_source"][k] for k in SOURCE_KINDS), d["grades_amended"],
             d["grades_undone"], d["reveals"], d["reveal_seconds"], d["qa_second_grades"]]
        )  # fmt: skip
    return out.getvalue().encode("utf-8")


def render_json(sel: ReviewSelection) -> bytes:
    """The filtered log as JSON: header, chain verdict, head, entries and statistics."""
    rows = sel.rows()
    doc = {
        **_header(sel, len(rows)),
        "filter": sel.flt.as_dict(),
        "chain": sel.review.chain_dict(),
        "head": sel.review.head_dict(),
        "entries": [row_dict(r) for r in rows],
        "accounts": [s.as_dict() for s in sel.stats()],
    }
    return (json.dumps(doc, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def render_pdf_bytes(sel: ReviewSelection, renderer: PdfRenderer | None = None) -> bytes:
    """The filtered log as a PDF (laid out by ``renderer``, by default WeasyPrint)."""
    return render_pdf(audit_document(sel), renderer).data


def render(sel: ReviewSelection, fmt: str, renderer: PdfRenderer | None = None) -> bytes:
    """The export's bytes in ``fmt`` (csv, json or pdf; ``renderer`` lays out a PDF)."""
    _check_format(fmt)
    if fmt == "pdf":
        return render_pdf_bytes(sel, renderer)
    text = {"csv": render_csv, "json": render_json}[fmt]
    return text(sel)


def export_filtered(
    session: CaseSession,
    flt: AuditFilter,
    fmt: str,
    out: Path,
    *,
    bucket: str = "day",
    review: AuditReview | None = None,
    blob: bytes | None = None,
    renderer: PdfRenderer | None = None,
) -> AuditExport:
    """Write the filtered log to ``out`` atomically and record the export (supervisors only).

    ``review`` and ``blob`` let a caller read and render beforehand (on a
    thread of its own, say); they must belong together. ``renderer`` lays out
    a PDF (by default WeasyPrint).
    """
    session.require_role(SUPERVISOR, "exporting the reviewed audit trail")
    _check_format(fmt)
    out = Path(out)
    check_target(session, out)
    review = review or load_review(session)
    if blob is None:
        blob = render(ReviewSelection(review, flt, session.actor, bucket), fmt, renderer)
    listed = len(review.filtered(flt))
    payload = {
        "what": "audit trail review",
        "format": fmt,
        "filter": flt.as_dict(),
        "entries": listed,
        "chain_ok": review.verdict.ok,
        "head_seq": review.head[0],
        "head_hash": review.head[1],
    }
    recorded = write_recorded(session, out, blob, payload)
    return AuditExport(
        path=out,
        format=fmt,
        sha256=recorded.sha256,
        size=recorded.size,
        entries=listed,
        head=review.head,
        chain_ok=review.verdict.ok,
        audit_entry=recorded.audit_entry,
    )
