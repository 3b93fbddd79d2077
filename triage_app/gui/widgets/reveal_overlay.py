"""The reveal overlay: the one image in the clear, over the dimmed gallery, with a countdown.

What may be shown, and for how long, is decided by
:class:`~triage_app.gui.controllers.reveal_controller.RevealController`; the
overlay only paints it.
"""

from __future__ import annotations

from triage_app.gui.qt import (
    QColor,
    QElapsedTimer,
    QImage,
    QPainter,
    QPaintEvent,
    QPixmap,
    QRect,
    Qt,
    QTimer,
    QWidget,
)


class RevealOverlay(QWidget):
    """Dims the gallery and shows the one revealed image with a countdown to re-blur."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.setAccessibleName("Revealed image")
        self._pixmap: QPixmap | None = None
        self._caption = ""
        self._limit_ms = 10_000
        self._clock = QElapsedTimer()
        self._tick = QTimer(self)
        self._tick.setInterval(100)
        self._tick.timeout.connect(self.update)
        self.hide()

    @property
    def showing(self) -> bool:
        """True while an image is on screen."""
        return self._pixmap is not None and self.isVisible()

    def show_image(self, image: QImage, size: int, caption: str, limit_ms: int) -> int:
        """Show ``image`` scaled to ``size`` px on its longest side; return the size shown."""
        pixmap = QPixmap.fromImage(image)
        if max(pixmap.width(), pixmap.height()) != size:
            pixmap = pixmap.scaled(
                size,
                size,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        self._pixmap = pixmap
        self._caption = caption
        self._limit_ms = limit_ms
        self._clock.start()
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.raise_()
        self.show()
        self._tick.start()
        return max(pixmap.width(), pixmap.height())

    def clear(self) -> None:
        """Hide and drop the image."""
        self._tick.stop()
        self._pixmap = None
        self.hide()

    def paintEvent(self, event: QPaintEvent) -> None:
        """Dim everything, draw the image centred, its caption and the time left."""
        if self._pixmap is None:
            return
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(10, 12, 14, 215))
        pm = self._pixmap
        x = (self.width() - pm.width()) // 2
        y = max(8, (self.height() - pm.height()) // 2 - 20)
        painter.fillRect(QRect(x - 6, y - 6, pm.width() + 12, pm.height() + 12), QColor("#000"))
        painter.drawPixmap(x, y, pm)
        left = max(0.0, 1.0 - self._clock.elapsed() / max(1, self._limit_ms))
        bar = QRect(x, y + pm.height() + 8, int(pm.width() * left), 4)
        painter.fillRect(bar, QColor("#4a90d9"))
        painter.setPen(QColor("#e0e0e0"))
        text_rect = QRect(0, y + pm.height() + 16, self.width(), 40)
        seconds_left = max(0.0, (self._limit_ms - self._clock.elapsed()) / 1000)
        painter.drawText(
            text_rect,
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
            f"{self._caption}\nRelease to blur again (automatically in {seconds_left:.0f} s)",
        )
        painter.end()
