"""Reports for the prosecution file, VICS exports and the lab's own hash list (no Qt).

Entry points (for the CLI and the GUI's export dialog)::

    from triage_app.reports import export_report, export_hash_list

    result = export_report(session, "pdf", Path("report.pdf"), thumbnails=False)
    print(result.sha256, result.audit_head)

Modules: ``model`` reads the case into a :class:`ReportData`; ``counts`` does
the UK-style counting; ``html_report`` lays the report out as HTML from the
``sections_*`` modules (built with ``html_blocks``), and ``csv_report``,
``vics_export`` and ``lab_list`` render the other formats; ``print_document``
turns a laid-out document into PDF/A-1b with a ``PdfRenderer`` (by default
``pdf_weasyprint``'s, no Qt); ``export`` writes atomically and records each
file in the audit trail.
"""

from triage_app.domain.errors import ExportError
from triage_app.domain.options import LIST_FORMATS, REPORT_FORMATS
from triage_app.reports.export import (
    ExportResult,
    export_hash_list,
    export_report,
)
from triage_app.reports.model import ReportData, ReportError, build_report_data

__all__ = [
    "LIST_FORMATS",
    "REPORT_FORMATS",
    "ExportError",
    "ExportResult",
    "ReportData",
    "ReportError",
    "build_report_data",
    "export_hash_list",
    "export_report",
]
