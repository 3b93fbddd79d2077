"""Deliberate reveals: one item at a time, only while held, re-blurred on release or timeout.

:class:`RevealController` keeps the rules: a reveal starts with a press-and-hold
on one tile. The item's original is read again from the evidence and decoded
on a worker thread (:func:`triage_app.review.originals.load_full_view`) and
shown fitted to the window on
:class:`~triage_app.gui.widgets.reveal_overlay.RevealOverlay`, where it can be
zoomed and panned; when the original cannot be read (evidence moved, a
refused format) the stored thumbnail is shown instead and the caption says
why. The reveal ends on release, when the time limit (default 10 s) runs out,
or when the gallery loses focus. A new reveal ends the old one first, so never
more than one image is in the clear. How long it was on screen, and what was
shown at what size, is handed to ``log`` (the main window sends it to the
writer thread, which records it with :func:`triage_app.review.exposure.record_reveal`).
The sharp image is dropped as soon as the reveal ends.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

from triage_app.gui.controllers.thumbnail_loader import ThumbnailLoader, to_qimage
from triage_app.gui.qt import QImage, QObject, QTimer, Signal
from triage_app.gui.widgets.reveal_overlay import RevealOverlay
from triage_app.gui.workers import JobQueue
from triage_app.media.full_view import FullView
from triage_app.review.exposure import FRAME, ORIGINAL, THUMBNAIL, RevealView

#: ``log(item_id, seconds, how, view)``
RevealLog = Callable[[int, float, str, RevealView], None]
#: Reads and decodes an item's original (runs on a worker thread).
FullViewFetch = Callable[[int], FullView]
#: Reads a video and decodes its frame nearest these seconds (runs on a worker thread).
FrameViewFetch = Callable[[int, float], FullView]
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
        frame_failed(int, str): the video's frame could not be decoded, and why.
    """

    revealed = Signal(int)
    concealed = Signal(int, float)
    unavailable = Signal(int)
    frame_failed = Signal(int, str)

    def __init__(
        self,
        loader: ThumbnailLoader,
        overlay: RevealOverlay,
        log: RevealLog,
        *,
        full_view: FullViewFetch | None = None,
        frame_view: FrameViewFetch | None = None,
        jobs: JobQueue | None = None,
        limit_seconds: float = 10.0,
        size: int = 256,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._loader = loader
        self._overlay = overlay
        self._log = log
        self._full_view = full_view
        self._frame_view = frame_view
        self._jobs = jobs
        self.limit_seconds = limit_seconds
        self.size = size
        self._token = 0
        #: item, how, token, why the original is not shown (None: the original is wanted)
        self._waiting: tuple[int, str, int, str | None] | None = None
        self._shown: tuple[int, str, float, RevealView] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(lambda: self.conceal(TIMED_OUT))
        loader.reveal_ready.connect(self._thumbnail_ready)

    @property
    def active_item(self) -> int | None:
        """The item shown in the clear now, if any."""
        return self._shown[0] if self._shown is not None else None

    @property
    def overlay(self) -> RevealOverlay:
        """Where the image is shown."""
        return self._overlay

    def hold(self, item_id: int, how: str, *, frame_s: float | None = None) -> None:
        """Start revealing ``item_id`` (ending any other reveal first); ``frame_s``: one
        frame of a video, the one nearest these seconds (never its sound, never played)."""
        if self._shown is not None:
            self.conceal(REPLACED)
        self._token += 1
        token = self._token
        if frame_s is not None:
            self._hold_frame(item_id, how, frame_s, token)
            return
        if self._full_view is None or self._jobs is None:
            self._waiting = (item_id, how, token, "no original reader")
            self._loader.request_reveal(item_id)
            return
        self._waiting = (item_id, how, token, None)
        fetch = self._full_view

        def job() -> tuple[QImage, int, int]:
            view = fetch(item_id)
            return to_qimage(view.image), view.original_width, view.original_height

        self._jobs.submit(
            job,
            lambda result: self._original_ready(token, result),
            lambda exc: self._original_failed(token, exc),
        )

    def _hold_frame(self, item_id: int, how: str, frame_s: float, token: int) -> None:
        """Decode one frame of a video from the evidence; no stored fallback (a strip
        shown sharp would show several frames at once)."""
        fetch, jobs = self._frame_view, self._jobs
        if fetch is None or jobs is None:
            self.unavailable.emit(item_id)
            return
        self._waiting = (item_id, how, token, None)

        def job() -> tuple[QImage, int, int]:
            view = fetch(item_id, frame_s)
            return to_qimage(view.image), view.original_width, view.original_height

        def ready(result: tuple[QImage, int, int]) -> None:
            current = self._current(token)
            if current is None:
                return
            image, width, height = result
            self._waiting = None
            caption = f"Item #{item_id} · frame at {frame_s:.1f} s · {width} x {height} · no sound"
            self._show(current, image, caption, FRAME, (width, height), None, frame_s=frame_s)

        def failed(exc: BaseException) -> None:
            if self._current(token) is not None:
                self._waiting = None
                self.frame_failed.emit(item_id, str(exc) or type(exc).__name__)

        jobs.submit(job, ready, failed)

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
        """Blur again now and log how long the image was in the clear, and how it was shown."""
        self._timer.stop()
        if self._shown is None:
            return
        item_id, how, started, view = self._shown
        self._shown = None
        seen = self._overlay.shown_view()
        self._overlay.clear()
        seconds = time.monotonic() - started
        view = replace(view, max_zoom=seen.max_zoom, greyscale=seen.greyscale,
                       blurred=seen.blurred)  # fmt: skip
        self._log(item_id, seconds, f"{how}; {reason}", view)
        self.concealed.emit(item_id, seconds)

    # -- results (GUI thread) ------------------------------------------------------------

    def _current(self, token: int) -> tuple[int, str] | None:
        if self._waiting is None or self._waiting[2] != token:
            return None  # released (or replaced) before the image arrived: nothing is shown
        return self._waiting[0], self._waiting[1]

    def _original_ready(self, token: int, result: tuple[QImage, int, int]) -> None:
        current = self._current(token)
        if current is None:
            return
        image, width, height = result
        self._waiting = None
        caption = f"Item #{current[0]} · original {width} x {height}"
        self._show(current, image, caption, ORIGINAL, (width, height), None)

    def _original_failed(self, token: int, exc: BaseException) -> None:
        current = self._current(token)
        if current is None:
            return
        note = str(exc) or type(exc).__name__
        self._waiting = (current[0], current[1], token, note)
        self._loader.request_reveal(current[0])

    def _thumbnail_ready(self, item_id: int, image: QImage | None) -> None:
        waiting = self._waiting
        if waiting is None or waiting[0] != item_id or waiting[3] is None:
            return
        self._waiting = None
        if image is None or image.isNull():
            self.unavailable.emit(item_id)
            return
        caption = f"Item #{item_id} · stored thumbnail only ({waiting[3]})"
        self._show((item_id, waiting[1]), image, caption, THUMBNAIL, None, waiting[3])

    def _show(
        self,
        current: tuple[int, str],
        image: QImage,
        caption: str,
        source: str,
        original: tuple[int, int] | None,
        note: str | None,
        *,
        frame_s: float | None = None,
    ) -> None:
        limit_ms = round(self.limit_seconds * 1000)
        cap = self.size if source == THUMBNAIL else 0
        shown = self._overlay.show_image(image, caption, limit_ms, cap=cap)
        ow, oh = original if original is not None else (None, None)
        view = RevealView(source, shown.width, shown.height, ow, oh, note=note, frame_s=frame_s)
        self._shown = (current[0], current[1], time.monotonic(), view)
        self._timer.start(limit_ms)
        self.revealed.emit(current[0])
