"""Side by side: two members of a duplicate group, each blurred until deliberately revealed.

The view paints the two blurred tiles (from the thumbnail loader's cache, so
nothing is decoded here) large enough to compare shapes and layout, with the
facts an examiner compares under each: size, dimensions, path, grade. One
side is active (click it, or Left/Right); grading keys and Enter act on it,
and holding Space or the mouse button on a side asks for a reveal of that
side only, which the gallery panel shows over that half of the view through
the same reveal controller as the grid (one image in the clear at a time,
timed and logged). Escape goes back to the gallery.
"""

from __future__ import annotations

from triage_app.domain.text_safety import printable
from triage_app.gui.qt import (
    QColor,
    QFocusEvent,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QRect,
    Qt,
    QTimer,
    QWidget,
    Signal,
)
from triage_app.gui.widgets.gallery_view import HOLD_MS, KEY_REVEAL, MOUSE_REVEAL, key_name
from triage_app.review.gallery_rows import GalleryRow

MARGIN, CAPTION = 16, 64
BACKGROUND = QColor("#1b1d21")
ACTIVE = QColor("#4a90d9")
TEXT = QColor("#c8ccd0")


def _facts(row: GalleryRow) -> list[str]:
    size = f"{row.width} x {row.height}" if row.width and row.height else "size unknown"
    grade = f"graded {row.grade} ({row.grade_source})" if row.grade else "not graded"
    match = f" · {row.match_kind} match d{row.match_distance}" if row.match_kind else ""
    return [
        printable(f"#{row.item_id} · {row.exhibit} · {size} · {grade}{match}"),
        printable(row.path),
        f"SHA-256 {row.sha256[:16]}…" if row.sha256 else "",
    ]


class CompareView(QWidget):
    """Two blurred tiles side by side; keys and holds act on the active side.

    Signals:
        key_grade(str, bool): a grading key on the active side (True with Shift).
        confirm_requested(): Enter or C on the active side.
        reveal_held(int, str): reveal this item ("key hold" or "mouse hold").
        reveal_released(str): the key or button was released.
        focus_lost(): any reveal must end.
        closed(): Escape: back to the gallery.
        active_changed(int): the item of the active side.
    """

    key_grade = Signal(str, bool)
    confirm_requested = Signal()
    reveal_held = Signal(int, str)
    reveal_released = Signal(str)
    focus_lost = Signal()
    closed = Signal()
    active_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Side-by-side comparison")
        self.rows: list[GalleryRow] = []
        self.images: dict[int, QImage] = {}
        self.active = 0
        self._grading_keys: set[str] = set()
        self._key_revealing = False
        self._mouse_revealing = False
        self._hold_side = -1
        self._hold = QTimer(self)
        self._hold.setSingleShot(True)
        self._hold.setInterval(HOLD_MS)
        self._hold.timeout.connect(self._hold_elapsed)

    def set_grading_keys(self, keys: set[str]) -> None:
        """The characters that grade (the scheme's keys)."""
        self._grading_keys = {k.lower() for k in keys}

    def show_pair(self, left: GalleryRow, right: GalleryRow) -> None:
        """Compare ``left`` with ``right`` (left side active)."""
        self.rows = [left, right]
        self.images = {}
        self.active = 0
        self.update()
        self.active_changed.emit(left.item_id)

    def set_image(self, item_id: int, image: QImage | None) -> None:
        """The blurred tile of one side arrived (or is missing)."""
        if image is not None and any(r.item_id == item_id for r in self.rows):
            self.images[item_id] = image
            self.update()

    def update_row(self, row: GalleryRow) -> None:
        """A side's facts changed (a new grade)."""
        self.rows = [row if r.item_id == row.item_id else r for r in self.rows]
        self.update()

    @property
    def active_row(self) -> GalleryRow | None:
        """The row of the active side."""
        return self.rows[self.active] if self.rows else None

    def side_rect(self, side: int) -> QRect:
        """Where side ``side`` (0 left, 1 right) is drawn, caption included."""
        half = self.width() // 2
        return QRect(side * half, 0, half if side == 0 else self.width() - half, self.height())

    def picture_rect(self, side: int) -> QRect:
        """The box the picture of ``side`` is fitted into."""
        box = self.side_rect(side).adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN - CAPTION)
        return box if box.width() > 0 and box.height() > 0 else QRect()

    def _side_at(self, x: int) -> int:
        return 0 if x < self.width() // 2 else 1

    def _set_active(self, side: int) -> None:
        if self.rows and side != self.active:
            self.reveal_released.emit(KEY_REVEAL)
            self.reveal_released.emit(MOUSE_REVEAL)
            self.active = side
            self.update()
            self.active_changed.emit(self.rows[side].item_id)

    # -- keys and mouse -----------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Left/Right choose a side; grading keys, Enter, Space hold and Escape act."""
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.closed.emit()
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            self._set_active(0 if key == Qt.Key.Key_Left else 1)
        elif key == Qt.Key.Key_Space:
            if not event.isAutoRepeat() and not self._key_revealing and self.active_row:
                self._key_revealing = True
                self.reveal_held.emit(self.active_row.item_id, KEY_REVEAL)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if not event.isAutoRepeat():
                self.confirm_requested.emit()
        else:
            name = key_name(event)
            lowered = name.lower() if name else ""
            shift = event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            if lowered in self._grading_keys:
                if not event.isAutoRepeat():
                    self.key_grade.emit(lowered, bool(shift))
            elif lowered == "c":
                if not event.isAutoRepeat():
                    self.confirm_requested.emit()
            else:
                super().keyPressEvent(event)
                return
        event.accept()

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        """Releasing Space ends the key reveal."""
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat() and self._key_revealing:
            self._key_revealing = False
            self.reveal_released.emit(KEY_REVEAL)
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """A click makes a side active; holding the button starts a reveal of it."""
        if event.button() == Qt.MouseButton.LeftButton and self.rows:
            self._hold_side = self._side_at(round(event.position().x()))
            self._set_active(self._hold_side)
            self._hold.start()
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """Releasing the button ends a mouse reveal."""
        self._hold.stop()
        if self._mouse_revealing:
            self._mouse_revealing = False
            self.reveal_released.emit(MOUSE_REVEAL)
        event.accept()

    def _hold_elapsed(self) -> None:
        if self.rows and 0 <= self._hold_side < len(self.rows):
            self._mouse_revealing = True
            self.reveal_held.emit(self.rows[self._hold_side].item_id, MOUSE_REVEAL)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        """Losing focus ends any reveal."""
        self._hold.stop()
        self._key_revealing = self._mouse_revealing = False
        self.focus_lost.emit()
        super().focusOutEvent(event)

    # -- painting -------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        """The two blurred tiles, the active side framed, the facts below each."""
        painter = QPainter(self)
        painter.fillRect(self.rect(), BACKGROUND)
        for side, row in enumerate(self.rows):
            box = self.picture_rect(side)
            image = self.images.get(row.item_id)
            if image is not None and not image.isNull() and box.isValid():
                scaled = image.size().scaled(box.size(), Qt.AspectRatioMode.KeepAspectRatio)
                target = QRect(0, 0, scaled.width(), scaled.height())
                target.moveCenter(box.center())
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
                painter.drawImage(target, image)
            else:
                painter.setPen(TEXT)
                painter.drawText(box, Qt.AlignmentFlag.AlignCenter, "loading…")
            if side == self.active:
                painter.setPen(QPen(ACTIVE, 3))
                painter.drawRect(self.side_rect(side).adjusted(4, 4, -5, -5))
            painter.setPen(TEXT)
            caption = QRect(box.left(), box.bottom() + 6, box.width(), CAPTION)
            painter.drawText(
                caption,
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
                "\n".join(_facts(row)),
            )
        if not self.rows:
            painter.setPen(TEXT)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Nothing to compare.")
        painter.end()
