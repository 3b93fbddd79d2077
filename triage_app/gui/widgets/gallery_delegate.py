"""Paints gallery tiles: the cached, already-blurred thumbnail and the tile's badges.

Nothing here decodes an image: the delegate scales a blurred ``QImage`` that
the loader made off-thread into a ``QPixmap`` (GUI thread only), keeps a few
thousand of those in an LRU, and draws placeholders for tiles still loading,
videos (never played), undecodable files and other files.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from functools import lru_cache

from triage_app.gui.models.gallery_model import Role
from triage_app.gui.qt import (
    QColor,
    QFont,
    QFontMetrics,
    QImage,
    QModelIndex,
    QPainter,
    QPen,
    QPersistentModelIndex,
    QPixmap,
    QPointF,
    QRect,
    QRectF,
    QSize,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    Qt,
    QWidget,
)
from triage_app.media.video_strip import strip_samples
from triage_app.review.gallery_rows import GalleryRow
from triage_app.review.tiles import FAILED, IMAGE, VIDEO, TileFacts

AnyIndex = QModelIndex | QPersistentModelIndex

MARGIN = 6
CAPTION = 18
PIXMAP_CACHE = 2500

CANVAS = QColor("#23262b")
PLACEHOLDER = QColor("#33373d")
PLACEHOLDER_TEXT = QColor("#9aa0a6")
SELECTED = QColor("#4a90d9")
FRAME_MARK = QColor("#ffca28")
MATCH_COLOURS = {
    "exact": QColor("#1565c0"),
    "near": QColor("#b26a00"),
    "ignorable": QColor("#2e7d32"),
}


def strip_frames(row: GalleryRow) -> int:
    """Frames in the strip that is ``row``'s thumbnail (0: its thumbnail is a picture)."""
    sampled = row.frames_sampled or 0
    if (row.media_type == "video" and sampled) or (row.media_type == "image" and sampled > 1):
        return _strip_count(sampled)
    return 0


@lru_cache(maxsize=256)
def _strip_count(sampled: int) -> int:
    """How many of ``sampled`` frames the ingest put in the strip (the same rule)."""
    return len(strip_samples(sampled))


def sheet_cells(width: int, height: int, frames: int, strip_w: int, strip_h: int) -> list[QRect]:
    """Cells of a contact sheet of ``frames`` strip frames in a ``width`` x ``height`` tile:
    as many columns as make the frames largest, each frame's aspect kept, centred."""
    frames = max(1, frames)
    frame_w = max(1.0, strip_w / frames)
    aspect = frame_w / max(1, strip_h)
    best: tuple[float, int, int] = (0.0, 1, frames)
    for cols in range(1, frames + 1):
        rows = -(-frames // cols)
        scale = min(width / cols / aspect, height / rows)
        if scale > best[0]:
            best = (scale, cols, rows)
    cell_h, cols, rows = best
    cell_w = cell_h * aspect
    x0 = (width - cols * cell_w) / 2
    y0 = (height - rows * cell_h) / 2
    gap = 1
    return [
        QRect(round(x0 + (k % cols) * cell_w) + gap, round(y0 + (k // cols) * cell_h) + gap,
              max(1, round(cell_w) - 2 * gap), max(1, round(cell_h) - 2 * gap))
        for k in range(frames)
    ]  # fmt: skip


class GalleryDelegate(QStyledItemDelegate):
    """Draws one tile: blurred picture or placeholder, grade, match and group badges."""

    def __init__(self, tile_size: int = 128, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tile = tile_size
        self._pixmaps: OrderedDict[tuple[int, int, int], QPixmap] = OrderedDict()
        self._font = QFont()

    @property
    def tile_size(self) -> int:
        """Side of a tile's picture area in pixels."""
        return self._tile

    def set_tile_size(self, size: int) -> None:
        """Change the picture size (scaled pixmaps are rebuilt)."""
        self._tile = size
        self._pixmaps.clear()

    def cell_size(self) -> QSize:
        """The grid cell of one tile, caption included."""
        return QSize(self._tile + 2 * MARGIN, self._tile + CAPTION + 2 * MARGIN)

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        """Every tile has the same size (the view uses uniform item sizes)."""
        return self.cell_size()

    def clear_cache(self) -> None:
        """Forget the scaled pixmaps (e.g. after the blur strength changed)."""
        self._pixmaps.clear()

    # -- painting ---------------------------------------------------------------

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        """Paint the tile for ``index``."""
        facts: TileFacts | None = index.data(Role.TileRole)
        if facts is None:
            return
        painter.save()
        try:  # an error must never leave the painter saved (Qt would crash)
            self._font = QFont(option.font)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            full: QRect = option.rect
            state = option.state
            selected = bool(state & QStyle.StateFlag.State_Selected)
            focused = bool(state & QStyle.StateFlag.State_HasFocus)
            # The view widens cells to fill its width: the tile sits in the middle of its cell.
            left = full.x() + max(0, (full.width() - self.cell_size().width()) // 2)
            cell = QRect(left, full.y(), self.cell_size().width(), full.height())
            pic = QRect(cell.x() + MARGIN, cell.y() + MARGIN, self._tile, self._tile)

            if selected:
                painter.fillRect(cell.adjusted(2, 2, -2, -2), SELECTED.darker(170))
            painter.fillRect(pic, CANVAS)
            row: GalleryRow | None = index.data(Role.RowRole)
            strip_of = strip_frames(row) if row is not None else 0
            if facts.kind == IMAGE and not strip_of:
                image: QImage | None = index.data(Role.ThumbnailRole)
                if image is not None and not image.isNull():
                    self._draw_picture(painter, pic, int(index.data(Role.ItemIdRole)), image)
                elif index.data(Role.NoThumbnailRole):
                    self._placeholder(painter, pic, "no preview")
                else:
                    self._placeholder(painter, pic, "loading…", loading=True)
            elif facts.kind in (VIDEO, IMAGE):
                strip: QImage | None = index.data(Role.ThumbnailRole)  # blurred frame strip
                if strip is not None and not strip.isNull():
                    item_id = int(index.data(Role.ItemIdRole))
                    if strip_of:
                        cells = self._draw_sheet(painter, pic, item_id, strip, strip_of)
                    else:  # frames not known (an older case): the strip as one picture
                        cells = [self._draw_picture(painter, pic, item_id, strip)]
                    chosen: tuple[int, int] | None = index.data(Role.FrameRole)
                    if chosen is not None and 0 <= chosen[0] < len(cells):
                        painter.setPen(QPen(FRAME_MARK, 2))
                        painter.setBrush(Qt.BrushStyle.NoBrush)
                        painter.drawRect(cells[chosen[0]].adjusted(0, 0, -1, -1))
                elif facts.kind == VIDEO:
                    self._video_placeholder(painter, pic)
                else:
                    self._placeholder(painter, pic, "loading…", loading=True)
            elif facts.kind == FAILED:
                self._placeholder(painter, pic, "not decodable")
            else:
                self._placeholder(painter, pic, "not a picture")

            self._badges(painter, pic, facts)
            self._caption(painter, cell, pic, facts, selected)
            if selected or focused:
                pen = QPen(SELECTED if selected else PLACEHOLDER_TEXT, 3 if selected else 1)
                if focused and not selected:
                    pen.setStyle(Qt.PenStyle.DashLine)
                painter.setPen(pen)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRoundedRect(QRectF(cell.adjusted(2, 2, -2, -2)), 4, 4)
        finally:
            painter.restore()

    def _cached(self, key: tuple[int, int, int], make: Callable[[], QPixmap]) -> QPixmap:
        """The pixmap kept under ``key`` (most recently used kept), made when missing."""
        pixmap = self._pixmaps.get(key)
        if pixmap is not None:
            self._pixmaps.move_to_end(key)
            return pixmap
        pixmap = self._pixmaps[key] = make()
        while len(self._pixmaps) > PIXMAP_CACHE:
            self._pixmaps.popitem(last=False)
        return pixmap

    def _draw_sheet(
        self, painter: QPainter, pic: QRect, item_id: int, strip: QImage, frames: int
    ) -> list[QRect]:
        """Lay a frame strip of ``frames`` (>= 1) out as a contact sheet in the tile; return
        each frame's cell."""
        layout = sheet_cells(pic.width(), pic.height(), frames, strip.width(), strip.height())

        def make() -> QPixmap:
            pixmap = QPixmap(pic.size())
            pixmap.fill(CANVAS)
            sheet = QPainter(pixmap)
            try:
                sheet.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
                width = strip.width() / max(1, frames)
                for k, cell in enumerate(layout):
                    source = QRectF(k * width, 0, width, strip.height())
                    sheet.drawImage(QRectF(cell), strip, source)
            finally:
                sheet.end()
            return pixmap

        pixmap = self._cached((item_id, -self._tile, strip.cacheKey()), make)
        painter.drawPixmap(pic.topLeft(), pixmap)
        return [cell.translated(pic.topLeft()) for cell in layout]

    def _draw_picture(self, painter: QPainter, pic: QRect, item_id: int, image: QImage) -> QRect:
        pixmap = self._cached(
            (item_id, self._tile, image.cacheKey()),
            lambda: QPixmap.fromImage(image).scaled(
                pic.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            ),
        )
        x = pic.x() + (pic.width() - pixmap.width()) // 2
        y = pic.y() + (pic.height() - pixmap.height()) // 2
        painter.drawPixmap(x, y, pixmap)
        return QRect(x, y, pixmap.width(), pixmap.height())

    def _placeholder(self, painter: QPainter, pic: QRect, text: str, loading: bool = False) -> None:
        painter.fillRect(pic.adjusted(4, 4, -4, -4), PLACEHOLDER)
        painter.setPen(PLACEHOLDER_TEXT)
        font = QFont(self._font)
        font.setPointSizeF(max(7.0, font.pointSizeF() * (0.85 if loading else 0.95)))
        painter.setFont(font)
        painter.drawText(pic, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, text)

    def _video_placeholder(self, painter: QPainter, pic: QRect) -> None:
        """A film strip: videos are never played or shown here."""
        strip = pic.adjusted(
            pic.width() // 8, pic.height() // 4, -pic.width() // 8, -pic.height() // 4
        )
        painter.fillRect(strip, QColor("#15171a"))
        hole = max(3, strip.height() // 8)
        painter.setBrush(PLACEHOLDER)
        painter.setPen(Qt.PenStyle.NoPen)
        x = strip.x() + hole
        while x + hole < strip.right():
            painter.drawRect(x, strip.y() + hole // 2, hole, hole)
            painter.drawRect(x, strip.bottom() - hole - hole // 2, hole, hole)
            x += hole * 2
        painter.setBrush(PLACEHOLDER_TEXT)
        cx, cy, r = strip.center().x(), strip.center().y(), strip.height() / 5
        triangle = [
            QPointF(cx - r * 0.6, cy - r),
            QPointF(cx - r * 0.6, cy + r),
            QPointF(cx + r, cy),
        ]
        painter.drawPolygon(triangle)
        painter.setPen(PLACEHOLDER_TEXT)
        label = pic.adjusted(0, pic.height() * 3 // 4, 0, 0)
        painter.drawText(label, Qt.AlignmentFlag.AlignCenter, "video (not played)")

    def _chip(self, painter: QPainter, rect: QRect, text: str, colour: QColor) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawRoundedRect(QRectF(rect), 3, 3)
        painter.setPen(QColor("white"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

    def _badges(self, painter: QPainter, pic: QRect, facts: TileFacts) -> None:
        font = QFont(self._font)
        font.setBold(True)
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.9))
        painter.setFont(font)
        fm = QFontMetrics(font)
        h = fm.height() + 2
        if facts.grade is not None:
            suffix = {"list": " list", "propagated": " dup", "confirmed": " ✓"}.get(
                facts.grade_how or "", ""
            )
            text = facts.grade + suffix
            rect = QRect(pic.x() + 3, pic.y() + 3, fm.horizontalAdvance(text) + 8, h)
            self._chip(painter, rect, text, QColor(facts.grade_colour or "#555555"))
        if facts.group_count > 1:
            text = f"×{facts.group_count}"
            w = fm.horizontalAdvance(text) + 8
            rect = QRect(pic.right() - w - 2, pic.y() + 3, w, h)
            self._chip(painter, rect, text, QColor("#455a64"))
        if facts.match_text is not None:
            kind = facts.match_text.split(" ")[0]
            colour = {"=": MATCH_COLOURS["exact"], "≈": MATCH_COLOURS["near"]}.get(
                kind, MATCH_COLOURS["ignorable"]
            )
            text = fm.elidedText(facts.match_text, Qt.TextElideMode.ElideRight, pic.width() - 6)
            rect = QRect(pic.x() + 3, pic.bottom() - h - 2, fm.horizontalAdvance(text) + 8, h)
            self._chip(painter, rect, text, colour)
        if facts.damaged and facts.kind == IMAGE:
            text = "partial"
            w = fm.horizontalAdvance(text) + 8
            rect = QRect(pic.right() - w - 2, pic.bottom() - h - 2, w, h)
            self._chip(painter, rect, text, QColor("#b71c1c"))

    def _caption(
        self, painter: QPainter, cell: QRect, pic: QRect, facts: TileFacts, selected: bool
    ) -> None:
        painter.setFont(self._font)
        painter.setPen(QColor("white") if selected else PLACEHOLDER_TEXT)
        rect = QRect(cell.x() + MARGIN, pic.bottom() + 2, pic.width(), CAPTION)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, facts.caption)
