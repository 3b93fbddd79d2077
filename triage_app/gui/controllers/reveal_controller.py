"""Deliberate reveals: one item at a time, only while held, re-blurred on release or timeout.

:class:`RevealController` keeps the rules: a reveal starts with a press-and-hold
on one tile, shows that item's sharp image at a moderate size on
:class:`~triage_app.gui.widgets.reveal_overlay.RevealOverlay`, and ends on
release, when the time limit (default 10 s) runs out, or when the gallery
loses focus. A new reveal ends the old one first, so never more than one
image is in the clear. The time it was on screen is handed to ``log`` (the
main window sends it to the writer thread, which records it in the audit
trail with :func:`triage_app.review.exposure.record_reveal`). The sharp image
is dropped as soon as the reveal ends.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from triage_app.gui.controllers.thumbnail_loader import ThumbnailLoader
from triage_app.gui.qt import QImage, QObject, QTimer, Signal
from triage_app.gui.widgets.reveal_overlay import RevealOverlay

#: ``log(item_id, seconds, how, size_px)``
RevealLog = Callable[[int, float, str, int], None]
TIMED_OUT = "timed out"
RELEASED = "released"
FOCUS_LOST = "focus lost"
REPLACED = "replaced by another reveal"
CLOSED = "closed"


class RevealController(QObject):
    """Enforces one deliberate, timed, logged reveal at a time.

    Signals:
        revealed(int): the item's image is now in the clear.
        concealed(int, float): it is blurred again after this many seconds.
        unavailable(int): there is no image to reveal for this item.
    """

    revealed = Signal(int)
    concealed = Signal(int, float)
    unavailable = Signal(int)

    def __init__(
        self,
        loader: ThumbnailLoader,
        overlay: RevealOverlay,
        log: RevealLog,
        *,
        limit_seconds: float = 10.0,
        size: int = 256,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._loader = loader
        self._overlay = overlay
        self._log = log
        self.limit_seconds = limit_seconds
        self.size = size
        self._waiting: tuple[int, str] | None = None
        self._shown: tuple[int, str, float, int] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(lambda: self.conceal(TIMED_OUT))
        loader.reveal_ready.connect(self._image_ready)

    @property
    def active_item(self) -> int | None:
        """The item shown in the clear now, if any."""
        return self._shown[0] if self._shown is not None else None

    def hold(self, item_id: int, how: str) -> None:
        """Start revealing ``item_id`` (ending any other reveal first)."""
        if self._shown is not None:
            self.conceal(REPLACED)
        self._waiting = (item_id, how)
        self._loader.request_reveal(item_id)

    def release(self, how: str) -> None:
        """The key or button that started the reveal was released."""
        if self._waiting is not None and self._waiting[1] == how:
            self._waiting = None
        if self._shown is not None and self._shown[1] == how:
            self.conceal(RELEASED)

    def cancel(self, reason: str = FOCUS_LOST) -> None:
        """End whatever is pending or shown."""
        self._waiting = None
        self.conceal(reason)

    def conceal(self, reason: str) -> None:
        """Blur again now and log how long the image was in the clear."""
        self._timer.stop()
        if self._shown is None:
            return
        item_id, how, started, size = self._shown
        self._shown = None
        self._overlay.clear()
        seconds = time.monotonic() - started
        self._log(item_id, seconds, f"{how}; {reason}", size)
        self.concealed.emit(item_id, seconds)

    def _image_ready(self, item_id: int, image: QImage | None) -> None:
        if self._waiting is None or self._waiting[0] != item_id:
            return  # released before the image arrived: nothing is shown
        how = self._waiting[1]
        self._waiting = None
        if image is None or image.isNull():
            self.unavailable.emit(item_id)
            return
        limit_ms = round(self.limit_seconds * 1000)
        shown = self._overlay.show_image(image, self.size, f"Item #{item_id}", limit_ms)
        self._shown = (item_id, how, time.monotonic(), shown)
        self._timer.start(limit_ms)
        self.revealed.emit(item_id)
