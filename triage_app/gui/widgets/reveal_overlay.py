"""The reveal overlay: the one image in the clear, over the dimmed gallery, with a countdown.

What may be shown, and for how long, is decided by
:class:`~triage_app.gui.controllers.reveal_controller.RevealController`; the
overlay only paints it. A full-resolution original is fitted to the window
(never enlarged to fit) and can be zoomed (:meth:`RevealOverlay.zoom_by`) and
panned (:meth:`RevealOverlay.pan_by`); greyscale and blur can be switched on
for this one reveal. Only the part on screen is ever scaled.
"""

from __future__ import annotations

from dataclasses import dataclass

from triage_app.gui.qt import (
    QColor,
    QElapsedTimer,
    QImage,
    QPainter,
    QPaintEvent,
    QPixmap,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    QTimer,
    QWidget,
)

#: Room kept around the image and below it for the caption.
MARGIN, CAPTION_ROOM = 12, 56
ZOOM_MIN, ZOOM_MAX = 1.0, 16.0
#: Cells on the longest side of the image when the blur toggle is on.
BLUR_CELLS = 24


@dataclass(frozen=True, slots=True)
class ShownView:
    """How the image was shown: its size on screen at fit, the most it was zoomed, toggles."""

    width: int
    height: int
    max_zoom: float = 1.0
    greyscale: bool = False
    blurred: bool = False


class RevealOverlay(QWidget):
    """Dims the gallery and shows the one revealed image with a countdown to re-blur."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.setAccessibleName("Revealed image")
        self._image: QImage | None = None
        self._source: QPixmap | None = None
        self._fitted: QPixmap | None = None
        self._caption = ""
        self._limit_ms = 10_000
        self._cap = 0
        self._zoom = 1.0
        self._max_zoom = 1.0
        self._centre = QPointF(0.5, 0.5)
        self.greyscale = False
        self.blurred = False
        #: Where in the parent the overlay goes (None: all of it).
        self._part: QRect | None = None
        self._clock = QElapsedTimer()
        self._tick = QTimer(self)
        self._tick.setInterval(100)
        self._tick.timeout.connect(self.update)
        self.hide()

    @property
    def showing(self) -> bool:
        """True while an image is on screen."""
        return self._source is not None and self.isVisible()

    @property
    def zoom(self) -> float:
        """Magnification relative to the fitted size (1: fitted)."""
        return self._zoom

    def show_image(self, image: QImage, caption: str, limit_ms: int, *, cap: int = 0) -> ShownView:
        """Show ``image`` fitted to the window (``cap``: at most so many px on its longest
        side, 0: no cap); return how it is shown."""
        self._image = image
        self._caption = caption
        self._limit_ms = limit_ms
        self._cap = cap
        self._zoom = self._max_zoom = 1.0
        self._centre = QPointF(0.5, 0.5)
        self.greyscale = self.blurred = False
        self._source = QPixmap.fromImage(image)
        self._fitted = None
        self._clock.start()
        parent = self.parentWidget()
        if self._part is not None:
            self.setGeometry(self._part)
        elif parent is not None:
            self.setGeometry(parent.rect())
        self.raise_()
        self.show()
        self._tick.start()
        return self.shown_view()

    def place(self, part: QRect | None) -> None:
        """Cover ``part`` of the parent (its coordinates) from now on; None: all of it."""
        self._part = part
        parent = self.parentWidget()
        if part is not None:
            self.setGeometry(part)
        elif parent is not None:
            self.setGeometry(parent.rect())

    def shown_view(self) -> ShownView:
        """The image's size on screen when fitted, the most it was zoomed, the toggles."""
        size = self.fitted_size()
        return ShownView(size.width(), size.height(), round(self._max_zoom, 2),
                         self.greyscale, self.blurred)  # fmt: skip

    def source_size(self) -> QSize:
        """Size of the image held (the decoded original, or the thumbnail)."""
        return self._source.size() if self._source is not None else QSize()

    def fitted_size(self) -> QSize:
        """Size of the image on screen at zoom 1: fitted to the window, never enlarged
        beyond its own pixels (nor beyond the cap)."""
        if self._source is None:
            return QSize()
        w, h = self._source.width(), self._source.height()
        box_w = max(1, self.width() - 2 * MARGIN)
        box_h = max(1, self.height() - MARGIN - CAPTION_ROOM)
        if self._cap:  # a thumbnail: shown at the reveal size set, if the window allows
            scale = min(self._cap / max(w, h), box_w / w, box_h / h)
        else:  # an original: fitted, but never enlarged to fit
            scale = min(box_w / w, box_h / h, 1.0)
        return QSize(max(1, round(w * scale)), max(1, round(h * scale)))

    def fitted_pixmap(self) -> QPixmap | None:
        """The pixmap drawn at zoom 1 (scaled once from the held image, then kept)."""
        if self._source is None or self._image is None:
            return None
        size = self.fitted_size()
        if self._fitted is None or self._fitted.size() != size:
            self._fitted = QPixmap.fromImage(self._styled(self._image).scaled(
                size, Qt.AspectRatioMode.IgnoreAspectRatio,
                Qt.TransformationMode.SmoothTransformation))  # fmt: skip
        return self._fitted

    def _styled(self, image: QImage) -> QImage:
        if self.greyscale:
            image = image.convertToFormat(QImage.Format.Format_Grayscale8)
        if self.blurred:
            w, h = image.width(), image.height()
            step = max(w, h) / BLUR_CELLS
            small = image.scaled(max(1, round(w / step)), max(1, round(h / step)),
                                 Qt.AspectRatioMode.IgnoreAspectRatio,
                                 Qt.TransformationMode.SmoothTransformation)  # fmt: skip
            image = small.scaled(w, h, Qt.AspectRatioMode.IgnoreAspectRatio,
                                 Qt.TransformationMode.SmoothTransformation)  # fmt: skip
        return image

    def set_toggles(self, *, greyscale: bool | None = None, blurred: bool | None = None) -> None:
        """Switch greyscale or blur for this reveal."""
        if greyscale is not None:
            self.greyscale = greyscale
        if blurred is not None:
            self.blurred = blurred
        if self._image is not None:
            self._source = QPixmap.fromImage(self._styled(self._image))
        self._fitted = None
        self.update()

    def zoom_by(self, factor: float, anchor: QPointF | None = None) -> None:
        """Zoom by ``factor`` keeping the image point under ``anchor`` (widget px) in place."""
        if self._source is None:
            return
        new = max(ZOOM_MIN, min(self._zoom * factor, ZOOM_MAX))
        if anchor is not None and new != self._zoom:
            before = self._image_point(anchor)
            self._zoom = new
            after = self._image_point(anchor)
            self._centre += before - after
        self._zoom = new
        self._max_zoom = max(self._max_zoom, new)
        self._clamp()
        self.update()

    def reset_zoom(self) -> None:
        """Back to the fitted view."""
        self._zoom = 1.0
        self._centre = QPointF(0.5, 0.5)
        self.update()

    def pan_by(self, dx: float, dy: float) -> None:
        """Move the image by ``dx, dy`` screen px (dragging it)."""
        w, h = self._shown_wh()
        self._centre -= QPointF(dx / w, dy / h)
        self._clamp()
        self.update()

    def next_frame(self, image: QImage, caption: str) -> None:
        """Show the next frame of a playback in place (zoom, toggles and countdown kept)."""
        if self._source is None:
            return
        self._image = image
        self._caption = caption
        self._source = QPixmap.fromImage(image)
        self._fitted = None
        self.update()

    def clear(self) -> None:
        """Hide and drop the image."""
        self._tick.stop()
        self._image = self._source = self._fitted = None
        self.hide()

    # -- geometry --------------------------------------------------------------------

    def _shown_wh(self) -> tuple[float, float]:
        fit = self.fitted_size()
        return max(1.0, fit.width() * self._zoom), max(1.0, fit.height() * self._zoom)

    def _viewport(self) -> QRectF:
        """Where the image (or the visible part of it) goes on screen."""
        fit = self.fitted_size()
        box = QRectF(MARGIN, MARGIN, self.width() - 2 * MARGIN,
                     self.height() - MARGIN - CAPTION_ROOM)  # fmt: skip
        w, h = self._shown_wh()
        vw, vh = min(w, box.width()), min(h, box.height())
        if self._zoom == 1.0:
            vw, vh = fit.width(), fit.height()
        return QRectF(box.center().x() - vw / 2, box.center().y() - vh / 2, vw, vh)

    def _image_point(self, at: QPointF) -> QPointF:
        """The image point (0..1 each way) under screen point ``at``."""
        view = self._viewport()
        w, h = self._shown_wh()
        return QPointF(self._centre.x() + (at.x() - view.center().x()) / w,
                       self._centre.y() + (at.y() - view.center().y()) / h)  # fmt: skip

    def _clamp(self) -> None:
        view = self._viewport()
        w, h = self._shown_wh()
        half_x, half_y = view.width() / w / 2, view.height() / h / 2
        self._centre = QPointF(min(max(self._centre.x(), half_x), 1 - half_x),
                               min(max(self._centre.y(), half_y), 1 - half_y))  # fmt: skip

    # -- painting ----------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        """Dim everything, draw the image (or its visible part), its caption and the time left."""
        if self._source is None:
            return
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(10, 12, 14, 215))
        view = self._viewport()
        frame = view.toAlignedRect().adjusted(-6, -6, 6, 6)
        painter.fillRect(frame, QColor("#000"))
        if self._zoom == 1.0:
            fitted = self.fitted_pixmap()
            if fitted is not None:
                painter.drawPixmap(view.topLeft(), fitted)
        else:
            self._clamp()
            w, h = self._shown_wh()
            sw, sh = self._source.width(), self._source.height()
            src = QRectF((self._centre.x() - view.width() / w / 2) * sw,
                         (self._centre.y() - view.height() / h / 2) * sh,
                         view.width() / w * sw, view.height() / h * sh)  # fmt: skip
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
            painter.drawPixmap(view, self._source, src)
        left = max(0.0, 1.0 - self._clock.elapsed() / max(1, self._limit_ms))
        bottom = int(view.bottom())
        painter.fillRect(QRect(int(view.left()), bottom + 8, int(view.width() * left), 4),
                         QColor("#4a90d9"))  # fmt: skip
        painter.setPen(QColor("#e0e0e0"))
        seconds_left = max(0.0, (self._limit_ms - self._clock.elapsed()) / 1000)
        zoom = f" · zoom {self._zoom:.1f}x" if self._zoom != 1.0 else ""
        toggles = "".join([" · greyscale" if self.greyscale else "",
                           " · blurred" if self.blurred else ""])  # fmt: skip
        painter.drawText(
            QRect(0, bottom + 16, self.width(), 40),
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
            f"{self._caption}{zoom}{toggles}\nRelease to blur again (automatically in "
            f"{seconds_left:.0f} s) · wheel or +/- zoom, drag pan, G grey, B blur",
        )
        painter.end()
