"""The supervisor's review of the audit trail: filters, per-examiner statistics, exports.

Everything works on the log's rows (:class:`~triage_app.audit.chain.AuditRow`)
read once by :func:`load_review`, which also verifies the whole chain, so the
CLI (``triage audit list``, ``triage audit export`` with filters, ``triage
stats``) and the GUI's supervisor view show the same thing. This module is
their one import; the parts live in:

- :mod:`~triage_app.supervision.audit_filter`: time bounds, accounts, the filter;
- :mod:`~triage_app.supervision.examiner_stats`: what each account did, from the log;
- :mod:`~triage_app.supervision.audit_review`: the log read and verified once;
- :mod:`~triage_app.supervision.audit_export`: CSV, JSON and PDF exports, recorded;
- :mod:`~triage_app.supervision.audit_pdf`: the PDF's layout.
"""

from __future__ import annotations

from triage_app.supervision.audit_export import (
    EXPORT_FORMATS,
    AuditExport,
    export_filtered,
    render,
    render_csv,
    render_json,
    render_pdf_bytes,
)
from triage_app.supervision.audit_filter import (
    AuditFilter,
    AuditViewError,
    filter_rows,
    item_of,
    parse_time,
    row_matches,
    user_matches,
)
from triage_app.supervision.audit_review import (
    FIELDS,
    AuditReview,
    ReviewSelection,
    load_review,
    row_dict,
)
from triage_app.supervision.examiner_stats import (
    BUCKETS,
    GRADING_ACTIONS,
    SOURCE_KINDS,
    UNDO_ACTIONS,
    ExaminerStats,
    examiner_stats,
    source_kind,
)

__all__ = [
    "BUCKETS",
    "EXPORT_FORMATS",
    "FIELDS",
    "GRADING_ACTIONS",
    "SOURCE_KINDS",
    "UNDO_ACTIONS",
    "AuditExport",
    "AuditFilter",
    "AuditReview",
    "AuditViewError",
    "ExaminerStats",
    "ReviewSelection",
    "examiner_stats",
    "export_filtered",
    "filter_rows",
    "item_of",
    "load_review",
    "parse_time",
    "render",
    "render_csv",
    "render_json",
    "render_pdf_bytes",
    "row_dict",
    "row_matches",
    "source_kind",
    "user_matches",
]
