"""A laid-out document handed to a PDF renderer, and the way to that renderer.

The core builds the report as HTML (in the subset that Qt's rich text engine
understands) split into parts, each portrait or landscape, with the words of
the running header and footer. ``triage_app.gui.pdf_report`` paginates it
with Qt; it is imported only when a PDF is asked for, so the core never
depends on Qt.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field

from triage_app.domain.errors import TriageError

#: Placeholder paragraph standing for table N in a part's HTML.
TABLE_MARKER = "<p>[[table {}]]</p>"


@dataclass(frozen=True, slots=True)
class PrintTable:
    """A table the renderer paginates itself: whole rows only, header on every page.

    ``open_tag`` is the ``<table ...>`` tag, ``head`` the content of its
    ``<thead>`` (one or more ``<tr>``), ``rows`` its body rows (each ``<tr>...</tr>``).
    """

    open_tag: str
    head: str
    rows: tuple[str, ...]

    def html(self, rows: slice | None = None, *, page_break: bool = False) -> str:
        """The table (or some of its rows) as HTML, optionally starting a new page."""
        tag = self.open_tag
        if page_break:
            tag = tag[:-1] + ' style="page-break-before: always">'
        body = "".join(self.rows if rows is None else self.rows[rows])
        return f"{tag}<thead>{self.head}</thead><tbody>{body}</tbody></table>"


@dataclass(frozen=True, slots=True)
class PrintPart:
    """A run of pages in one orientation.

    ``html`` holds :data:`TABLE_MARKER` paragraphs where the ``tables`` go.
    """

    html: str
    landscape: bool = False
    tables: tuple[PrintTable, ...] = ()

    def full_html(self) -> str:
        """The HTML with every table in place, unpaginated (for a browser or a test)."""
        out = self.html
        for number, table in enumerate(self.tables):
            out = out.replace(TABLE_MARKER.format(number), table.html())
        return out


_TABLE = re.compile(
    r'(<table class="grid[^"]*"[^>]*>)<thead>(.*?)</thead><tbody>(.*?)</tbody></table>', re.S
)


def extract_tables(html: str) -> PrintPart:
    """Lift the ``grid`` tables out of ``html`` so the renderer can paginate them by rows.

    Cell text is escaped HTML, so ``</tr>`` only ever closes a row.
    """
    tables: list[PrintTable] = []

    def lift(match: re.Match[str]) -> str:
        rows = tuple(row + "</tr>" for row in match.group(3).split("</tr>") if row.strip())
        tables.append(PrintTable(match.group(1), match.group(2), rows))
        return TABLE_MARKER.format(len(tables) - 1)

    return PrintPart(_TABLE.sub(lift, html), tables=tuple(tables))


@dataclass(frozen=True, slots=True)
class PrintDocument:
    """What the PDF renderer needs."""

    title: str
    author: str
    header_left: str
    header_right: str
    footer_left: str
    parts: tuple[PrintPart, ...]
    #: Images referenced from the HTML by name (``<img src="NAME">``): JPEG bytes.
    images: dict[str, bytes] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RenderedPdf:
    """A rendered PDF and its page count."""

    data: bytes
    pages: int


def render_pdf(document: PrintDocument) -> RenderedPdf:
    """Render ``document`` to PDF bytes with the Qt renderer (imported now, not before)."""
    try:
        renderer = importlib.import_module("triage_app.gui.pdf_report")
    except ImportError as exc:
        raise TriageError(
            f"PDF reports need Qt (PySide6), which cannot be loaded here: {exc}; "
            "choose --format html or csv"
        ) from exc
    result: RenderedPdf = renderer.render_pdf(document)
    return result
