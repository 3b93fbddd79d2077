"""Rendering a laid-out document to PDF: the renderer interface and the default renderer.

The core builds a report as a :class:`PrintDocument` (HTML in parts, portrait
or landscape, with the running header and footer); a
:class:`PdfRenderer` turns it into PDF/A-1b. :func:`render_pdf` uses the
renderer it is given, or :class:`~triage_app.reports.pdf_weasyprint.WeasyPrintRenderer`
(no Qt). Import the names from here.
"""

from __future__ import annotations

from triage_app.reports.pdf_document import (
    PdfRenderer,
    PdfUnavailableError,
    PrintDocument,
    PrintPart,
    RenderedPdf,
)
from triage_app.reports.pdf_weasyprint import WeasyPrintRenderer

__all__ = [
    "PdfRenderer",
    "PdfUnavailableError",
    "PrintDocument",
    "PrintPart",
    "RenderedPdf",
    "WeasyPrintRenderer",
    "default_renderer",
    "render_pdf",
]


def default_renderer() -> PdfRenderer:
    """The renderer the CLI and the GUI use: WeasyPrint."""
    return WeasyPrintRenderer()


def render_pdf(document: PrintDocument, renderer: PdfRenderer | None = None) -> RenderedPdf:
    """Render ``document`` with ``renderer`` (by default :func:`default_renderer`)."""
    return (renderer or default_renderer()).render(document)
