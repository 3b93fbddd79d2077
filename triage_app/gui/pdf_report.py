"""Render a report's :class:`PrintDocument` to PDF with Qt (QTextDocument on QPdfWriter).

Each part of the document (portrait, or landscape for the item listing) is
laid out by a QTextDocument whose page height is the page's body, so tables
break between rows and repeat their header row (``<thead>``) on every page.
Pages are then painted one by one with a running header (case reference,
title and date) and footer (audit head, "Page N of M"). The output is PDF/A-1b
(fonts embedded), so it prints and archives the same everywhere.

Called through :func:`triage_app.reports.print_document.render_pdf`. When no Qt
application exists (the command line), one is created on the ``offscreen``
platform just for rendering; it needs no display.
"""

from __future__ import annotations

import os
import re

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QIODevice,
    QMarginsF,
    QRectF,
    QSizeF,
    Qt,
    QUrl,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextDocument,
    QTextOption,
    QTextTable,
)
from PySide6.QtWidgets import QApplication

from triage_app import __version__
from triage_app.domain.errors import TriageError
from triage_app.reports.html_report import CSS
from triage_app.reports.print_document import (
    TABLE_MARKER,
    PrintDocument,
    PrintPart,
    PrintTable,
    RenderedPdf,
)

#: Layout resolution (dots per inch) of the PDF's coordinate system.
DPI = 300
#: Page margins in millimetres (left, top, right, bottom).
MARGINS_MM = (18.0, 12.0, 18.0, 12.0)
#: Height of the running header and footer bands, in millimetres.
BAND_MM = 9.0
#: Gap between a band and the body, in millimetres.
GAP_MM = 3.0
HEADER_FONT = "DejaVu Sans"
FOOTER_FONT = "DejaVu Sans Mono"
#: Tables shorter than this fraction of a page are never split across pages.
KEEP_WHOLE = 0.45
#: Tries at splitting a table so that every piece fits its page.
PLACE_ATTEMPTS = 4

_app: QCoreApplication | None = None


def _ensure_app() -> None:
    """Make sure a GUI application exists (fonts need one); create an offscreen one if not."""
    global _app
    existing = QCoreApplication.instance()
    if existing is not None:
        if not isinstance(existing, QGuiApplication):
            raise TriageError("PDF rendering needs a QGuiApplication, not a QCoreApplication")
        return
    previous = os.environ.get("QT_QPA_PLATFORM")
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    try:
        # A QApplication (not just a QGuiApplication) so that widgets still work if
        # the same process opens any later.
        _app = QApplication(["triage-report"])
    finally:
        if previous is None:
            os.environ.pop("QT_QPA_PLATFORM", None)
        else:
            os.environ["QT_QPA_PLATFORM"] = previous


def _mm(value: float) -> float:
    return value / 25.4 * DPI


def _layout(landscape: bool) -> QPageLayout:
    left, top, right, bottom = MARGINS_MM
    orientation = (
        QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
    )
    return QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4),
        orientation,
        QMarginsF(left, top, right, bottom),
        QPageLayout.Unit.Millimeter,
    )


def _font(family: str, points: float, bold: bool = False) -> QFont:
    """A font without ligatures: "ﬁles" in a PDF is not found by a search for "files"."""
    font = QFont(family)
    font.setPointSizeF(points)
    font.setBold(bold)
    font.setStyleStrategy(QFont.StyleStrategy.PreferNoShaping)
    return font


def _new_text(
    writer: QPdfWriter, width: float, height: float, images: dict[str, QImage]
) -> QTextDocument:
    """A QTextDocument laid out for the PDF: its fonts, wrapping and images."""
    text = QTextDocument()
    text.documentLayout().setPaintDevice(writer)
    text.setDocumentMargin(0)
    text.setUseDesignMetrics(True)
    text.setDefaultFont(_font(HEADER_FONT, 9))
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    text.setDefaultTextOption(option)
    for name, image in images.items():
        text.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
    text.setPageSize(QSizeF(width, height))
    return text


def _measure(
    table: PrintTable, writer: QPdfWriter, width: float, images: dict[str, QImage]
) -> tuple[float, list[float]]:
    """The header's height and where each body row starts (plus the table's end),
    relative to the first body row, laid out on one endless page."""
    text = _new_text(writer, width, 1e9, images)
    text.setHtml(f"<html><head><style>{CSS}</style></head><body>{table.html()}</body></html>")
    layout = text.documentLayout()
    (frame,) = [f for f in text.rootFrame().childFrames() if isinstance(f, QTextTable)]
    head_rows = table.head.count("<tr")
    frame_rect = layout.frameBoundingRect(frame)
    tops = [
        layout.blockBoundingRect(frame.cellAt(r, 0).firstCursorPosition().block()).top()
        for r in range(head_rows, head_rows + len(table.rows))
    ]
    first = tops[0]
    return first - frame_rect.top(), [t - first for t in tops] + [frame_rect.bottom() - first]


def _chunks(
    head: float, bounds: list[float], space: float, page: float, margin: float
) -> list[tuple[int, int, bool]]:
    """Split rows into runs that fit: (first row, end row, new page before).

    ``space`` is what is left on the page where the table starts, ``page`` what
    a fresh page holds; each run must fit with ``margin`` to spare.
    """
    rows = len(bounds) - 1
    if head + bounds[-1] <= space - margin:
        return [(0, rows, False)]
    first_row = head + bounds[1] - bounds[0]
    new_page = head + bounds[-1] <= KEEP_WHOLE * page or first_row > space - margin
    capacity = page if new_page else space
    out: list[tuple[int, int, bool]] = []
    start = 0
    while start < rows:
        end = start + 1
        while end < rows and head + bounds[end + 1] - bounds[start] <= capacity - margin:
            end += 1
        out.append((start, end, new_page))
        start, new_page, capacity = end, True, page
    return out


_HEADING_BEFORE = re.compile(r"<(h[23])([^>]*)>(?:(?!<h[23]).)*</h[23]>\s*$", re.S)


def _place(
    table: PrintTable, before: str, after: str, chunks: list[tuple[int, int, bool]]
) -> tuple[str, int]:
    """The HTML with ``table`` placed as ``chunks``, and where the first piece starts."""
    pieces = []
    for index, (start, end, new_page) in enumerate(chunks):
        heading = _HEADING_BEFORE.search(before) if index == 0 and new_page else None
        if heading is not None:
            tag = f"<{heading.group(1)}{heading.group(2)}"
            at = heading.start()
            before = (
                f'{before[:at]}{tag} style="page-break-before: always"{before[at + len(tag) :]}'
            )
            new_page = False
        pieces.append(table.html(slice(start, end), page_break=new_page))
    return before + "".join(pieces) + after, len(before)


def _straddling(text: QTextDocument, first: int, count: int, page: float) -> list[QRectF]:
    """Bounding boxes of top-level tables ``first`` .. ``first + count - 1``."""
    tables = [f for f in text.rootFrame().childFrames() if isinstance(f, QTextTable)]
    layout = text.documentLayout()
    return [layout.frameBoundingRect(t) for t in tables[first : first + count]]


def _paginate_tables(
    part: PrintPart, writer: QPdfWriter, body: QRectF, images: dict[str, QImage]
) -> str:
    """Put each table of ``part`` in place, split between whole rows so that no row
    is cut by a page break; a short table that does not fit moves to the next page
    whole, with the heading just before it; every piece repeats the header row.

    Row heights are measured on an endless page; the split is then checked on the
    real pages and redone with the space actually found, a few times at most.
    """
    html = part.html
    page = body.height()
    for number, table in enumerate(part.tables):
        marker = TABLE_MARKER.format(number)
        before, _, after = html.partition(marker)
        if not table.rows:
            html = before + table.html() + after
            continue
        text = _new_text(writer, body.width(), page, images)
        text.setHtml(html)
        found = text.find(f"[[table {number}]]")
        space = page - text.documentLayout().blockBoundingRect(found.block()).top() % page
        head, bounds = _measure(table, writer, body.width(), images)
        margin = max(2.0, page * 0.003)
        fresh = page
        candidate = html
        for _ in range(PLACE_ATTEMPTS):
            chunks = _chunks(head, bounds, space, fresh, margin)
            candidate, at = _place(table, before, after, chunks)
            text = _new_text(writer, body.width(), page, images)
            text.setHtml(candidate)
            boxes = _straddling(text, candidate[:at].count("<table"), len(chunks), page)
            bad = [
                box
                for box, (start, end, _) in zip(boxes, chunks, strict=True)
                if int(box.top() // page) != int((box.bottom() - 1) // page) and end - start > 1
            ]
            if not bad:
                break
            first_top = boxes[0].top() % page
            if not chunks[0][2]:
                space = page - first_top
            if len(boxes) > 1:
                fresh = page - boxes[1].top() % page
            overflow = max(box.bottom() % page for box in bad)
            margin += min(overflow, page * 0.05) + 1
        html = candidate
    return html


def render_pdf(document: PrintDocument) -> RenderedPdf:
    """Paginate and paint ``document``; return the PDF's bytes and page count."""
    _ensure_app()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setPdfVersion(QPdfWriter.PdfVersion.PdfVersion_A1b)
    writer.setResolution(DPI)
    writer.setTitle(document.title)
    writer.setCreator(f"triage-workstation {__version__}")
    band, gap = _mm(BAND_MM), _mm(GAP_MM)

    images = {}
    for name, jpeg in document.images.items():
        image = QImage.fromData(QByteArray(jpeg))
        if not image.isNull():
            images[name] = image
    laid_out: list[tuple[QTextDocument, QPageLayout, QRectF]] = []
    for part in document.parts:
        layout = _layout(part.landscape)
        page = layout.paintRectPixels(DPI)
        body = QRectF(0, band + gap, page.width(), page.height() - 2 * (band + gap))
        html = _paginate_tables(part, writer, body, images)
        text = _new_text(writer, body.width(), body.height(), images)
        text.setHtml(html)
        laid_out.append((text, layout, body))
    total = sum(text.pageCount() for text, _, _ in laid_out)

    writer.setPageLayout(laid_out[0][1])
    painter = QPainter()
    if not painter.begin(writer):
        raise TriageError("cannot start the PDF writer")
    number = 0
    try:
        for text, layout, body in laid_out:
            for index in range(text.pageCount()):
                if number:
                    writer.setPageLayout(layout)
                    writer.newPage()
                number += 1
                page = layout.paintRectPixels(DPI)
                _bands(painter, document, page.width(), page.height(), band, number, total)
                painter.save()
                painter.translate(0, body.top() - index * body.height())
                text.drawContents(
                    painter, QRectF(0, index * body.height(), body.width(), body.height())
                )
                painter.restore()
    finally:
        painter.end()
    buffer.close()
    return RenderedPdf(bytes(data.data()), total)


def _bands(
    painter: QPainter,
    document: PrintDocument,
    width: float,
    height: float,
    band: float,
    number: int,
    total: int,
) -> None:
    """The running header and footer of one page."""
    pen = QPen(QColor("#555555"))
    pen.setWidthF(_mm(0.2))
    painter.setPen(pen)
    painter.drawLine(0, int(band), int(width), int(band))
    painter.drawLine(0, int(height - band), int(width), int(height - band))
    painter.setPen(QColor("#000000"))
    bottom = Qt.AlignmentFlag.AlignBottom
    top = Qt.AlignmentFlag.AlignTop
    header = QRectF(0, 0, width, band - _mm(1))
    painter.setFont(_font(HEADER_FONT, 8.5, bold=True))
    painter.drawText(header, Qt.AlignmentFlag.AlignLeft | bottom, document.header_left)
    painter.setFont(_font(HEADER_FONT, 7.5))
    painter.drawText(header, Qt.AlignmentFlag.AlignRight | bottom, document.header_right)
    footer = QRectF(0, height - band + _mm(1), width, band - _mm(1))
    painter.setFont(_font(FOOTER_FONT, 6.5))
    painter.drawText(footer, Qt.AlignmentFlag.AlignLeft | top, document.footer_left)
    painter.setFont(_font(HEADER_FONT, 8.5, bold=True))
    painter.drawText(footer, Qt.AlignmentFlag.AlignRight | top, f"Page {number} of {total}")
