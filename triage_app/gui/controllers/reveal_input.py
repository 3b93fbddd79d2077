"""Zoom, pan and the greyscale/blur toggles of a reveal, taken from the gallery's own events.

The overlay lets mouse events through to the gallery (the held button or key
that started the reveal must reach it), so while a reveal is shown this
filter on the gallery and its viewport takes what belongs to the image: the
wheel and + / - zoom (Home: fitted again), dragging (or the arrow keys) pans, G switches
greyscale and B the blur. Those events never reach the gallery, so a reveal
cannot scroll it, move its current tile or change its selection.
"""

from __future__ import annotations

from triage_app.gui.qt import QEvent, QKeyEvent, QMouseEvent, QObject, QPointF, Qt, QWheelEvent
from triage_app.gui.widgets.reveal_overlay import RevealOverlay

ZOOM_STEP = 1.25
PAN_STEP = 80
_ZOOM_IN = (Qt.Key.Key_Plus, Qt.Key.Key_Equal)
_PAN: dict[int, tuple[int, int]] = {
    Qt.Key.Key_Left.value: (PAN_STEP, 0),
    Qt.Key.Key_Right.value: (-PAN_STEP, 0),
    Qt.Key.Key_Up.value: (0, PAN_STEP),
    Qt.Key.Key_Down.value: (0, -PAN_STEP),
}


class RevealInput(QObject):
    """Event filter that steers the shown reveal (install on the gallery and its viewport)."""

    def __init__(self, overlay: RevealOverlay, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._overlay = overlay
        self._last: QPointF | None = None
        self._pressed_here = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Take the reveal's events while it is shown; let everything else through."""
        kind = event.type()
        if kind == QEvent.Type.MouseButtonRelease and self._pressed_here:
            self._pressed_here = False
            self._last = None
            return True
        if not self._overlay.showing:
            self._last = None
            return False
        if kind == QEvent.Type.Wheel and isinstance(event, QWheelEvent):
            steps = event.angleDelta().y() / 120
            if steps:
                self._overlay.zoom_by(ZOOM_STEP**steps, self._at(watched, event.position()))
            return True
        if kind == QEvent.Type.MouseButtonPress and isinstance(event, QMouseEvent):
            self._pressed_here = True  # a key reveal: the press pans, it selects nothing
            self._last = event.position()
            return True
        if kind == QEvent.Type.MouseMove and isinstance(event, QMouseEvent):
            if event.buttons() & Qt.MouseButton.LeftButton:
                position = event.position()
                if self._last is not None:
                    delta = position - self._last
                    self._overlay.pan_by(delta.x(), delta.y())
                self._last = position
            return True
        if kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            return self._key(event)
        return False

    def _at(self, watched: QObject, position: QPointF) -> QPointF:
        """``position`` (in ``watched``'s coordinates) in the overlay's."""
        mapper = getattr(watched, "mapTo", None)
        if mapper is None:
            return position
        return QPointF(mapper(self._overlay.parentWidget(), position.toPoint()))

    def _key(self, event: QKeyEvent) -> bool:
        key = event.key()
        overlay = self._overlay
        if key in _ZOOM_IN:
            overlay.zoom_by(ZOOM_STEP)
        elif key == Qt.Key.Key_Minus:
            overlay.zoom_by(1 / ZOOM_STEP)
        elif key == Qt.Key.Key_Home:
            overlay.reset_zoom()
        elif key in _PAN:
            overlay.pan_by(*_PAN[key])
        elif key == Qt.Key.Key_G:
            overlay.set_toggles(greyscale=not overlay.greyscale)
        elif key == Qt.Key.Key_B:
            overlay.set_toggles(blurred=not overlay.blurred)
        else:
            return False
        return True
