"""The report laid out as HTML: a self-contained file, and the pages of the PDF.

Both come from the same numbered sections (``sections_*`` modules, built from
:mod:`~triage_app.reports.html_blocks`), so a browser and the PDF show the
same document:

- :func:`render_html` gives one self-contained file: inline CSS, thumbnails
  (if asked for) as ``data:`` URIs, no scripts, nothing fetched;
- :func:`print_document` gives a :class:`PrintDocument` for the PDF renderer:
  the same sections split into a portrait part and a landscape part (the item
  listing), with the running header and footer.
"""

from __future__ import annotations

import base64
import html

from triage_app.reports.html_blocks import APPLICATION, CSS, Section, case_document, e, num, when
from triage_app.reports.model import ReportData
from triage_app.reports.pdf_document import PrintDocument, PrintPart
from triage_app.reports.sections_case import (
    TITLE,
    case_section,
    counts_section,
    integrity_section,
    report_head,
    title_block,
)
from triage_app.reports.sections_examiners import after_sign_off_section, people_section
from triage_app.reports.sections_files import listing_section, problems_section
from triage_app.reports.sections_method import method_section

__all__ = ["CSS", "TITLE", "e", "num", "print_document", "render_html", "sections", "when"]

_CSS_SCREEN = """
body { max-width: 60em; margin: 2em auto; padding: 0 1em; }
table.listing { max-width: none; }
@media print { h2.listing { page-break-before: always; } body { max-width: none; margin: 0; } }
"""


def sections(data: ReportData, thumbs: dict[int, str] | None = None) -> list[Section]:
    """The numbered sections of the report, in order (``thumbs``: item id -> image URI)."""
    return [
        case_section(data),
        counts_section(data),
        method_section(data),
        people_section(data),
        problems_section(data),
        listing_section(data, thumbs),
        after_sign_off_section(data),
        integrity_section(data),
    ]


def _section_html(number: int, section: Section, screen: bool) -> str:
    cls = ' class="listing"' if section.landscape and screen else ""
    return f"<h2{cls}>{number}. {e(section.title)}</h2>{section.body}"


def _data_uris(thumbnails: dict[int, bytes] | None) -> dict[int, str] | None:
    if thumbnails is None:
        return None
    return {
        item: "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")
        for item, jpeg in thumbnails.items()
    }


def render_html(data: ReportData, thumbnails: dict[int, bytes] | None = None) -> bytes:
    """One self-contained HTML file (UTF-8)."""
    parts = sections(data, _data_uris(thumbnails))
    body = title_block(data) + "".join(_section_html(n, s, True) for n, s in enumerate(parts, 1))
    footer = (
        f'<p class="note">Case {e(data.reference)}. Audit trail head {e(report_head(data))}. '
        f"Produced {when(data.generated_at)} UTC with {APPLICATION} {e(data.tool_version)}.</p>"
    )
    document = (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "img-src data:; style-src 'unsafe-inline'\">"
        f"<title>{e(TITLE)}: case {e(data.reference)}</title>"
        f"<style>{CSS}{_CSS_SCREEN}</style></head>"
        f"<body>{body}<hr>{footer}</body></html>\n"
    )
    return document.encode("utf-8")


def print_document(data: ReportData, thumbnails: dict[int, bytes] | None = None) -> PrintDocument:
    """The report as parts for the PDF renderer (thumbnails as ``data:`` URIs)."""
    parts: list[PrintPart] = []
    chunks: list[str] = [title_block(data)]
    landscape = False
    for number, section in enumerate(sections(data, _data_uris(thumbnails)), 1):
        if section.landscape != landscape and chunks:
            parts.append(PrintPart("".join(chunks), landscape))
            chunks = []
        landscape = section.landscape
        chunks.append(_section_html(number, section, False))
    if chunks:
        parts.append(PrintPart("".join(chunks), landscape))
    produced = html.unescape(when(data.generated_at))
    return case_document(
        TITLE, data.reference, data.generated_by, produced, data.audit_head, tuple(parts)
    )
