"""Reports for the prosecution file, VICS exports and the lab's own hash list (no Qt).

Entry points (for the CLI and the GUI's export dialog)::

    from triage_app.reports import export_report, export_hash_list

    result = export_report(session, "pdf", Path("report.pdf"), thumbnails=False)
    print(result.sha256, result.audit_head)

Modules: ``model`` reads the case into a :class:`ReportData`; ``counts`` does
the UK-style counting; ``html_report``, ``csv_report``, ``vics_export`` and
``lab_list`` render it; ``print_document`` hands the PDF to the Qt renderer in
``triage_app.gui.pdf_report`` (imported only when a PDF is made); ``export``
writes atomically and records each file in the audit trail.
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
