"""Muted playback of a video as a deliberate, timed, logged reveal.

P on a video tile starts playing from the frame chosen in its strip; P again,
Escape, another tile, losing focus or the reveal time limit stops it. Frames
are decoded on a worker thread from the evidence
(:func:`triage_app.review.originals.open_playback`: the video stream only, no
audio is ever demuxed or decoded, so nothing can sound) and paced to real
time; the overlay shows them one after another in place. When it stops, the
playback is logged like any reveal, with the seconds of video shown and the
number of frames. Starting a playback ends any other reveal, and a reveal
ends a playback: never more than one thing in the clear.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

from triage_app.gui.controllers.reveal_controller import RevealLog
from triage_app.gui.controllers.thumbnail_loader import to_qimage
from triage_app.gui.qt import QImage, QObject, QTimer, Signal
from triage_app.gui.widgets.reveal_overlay import RevealOverlay
from triage_app.media.blur import RawImage
from triage_app.review.exposure import PLAYBACK, RevealView

#: ``open(item_id, start_s, seconds)``: frames (time, pixels), decoded as consumed.
Opener = Callable[[int, float, float], Iterator[tuple[float, RawImage]]]


class Playback(QObject):
    """One muted playback at a time over the reveal overlay.

    Signals:
        started(int): a playback of this item began (its first frame is shown).
        stopped(int, float): it ended after this many seconds on screen.
        failed(int, str): the video could not be played, and why.
        frame_ready(int, float, QImage): (worker to GUI thread) a token's next frame.
        ended(int, str): (worker to GUI thread) a token's frames ran out, or why not.
    """

    started = Signal(int)
    stopped = Signal(int, float)
    failed = Signal(int, str)
    frame_ready = Signal(int, float, QImage)
    ended = Signal(int, str)

    def __init__(
        self,
        overlay: RevealOverlay,
        log: RevealLog,
        opener: Opener,
        *,
        limit_seconds: float = 10.0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._overlay = overlay
        self._log = log
        self._open = opener
        self.limit_seconds = limit_seconds
        self._token = 0
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()
        #: item, how, start (monotonic), first and last frame time, frames shown
        self._playing: tuple[int, str, float, float, float, int] | None = None
        self._pending: tuple[int, str] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(lambda: self.stop("timed out"))
        self.frame_ready.connect(self._frame)
        self.ended.connect(self._ended)

    @property
    def active(self) -> bool:
        """True while a playback is asked for or shown."""
        return self._pending is not None or self._playing is not None

    def shutdown(self) -> None:
        """Stop and wait for the worker (the case is closing)."""
        self.stop("closed")
        threads, self._threads = self._threads, []
        for thread in threads:
            thread.join(timeout=10)

    def play(self, item_id: int, start_s: float, how: str = "P key") -> None:
        """Play ``item_id`` muted from ``start_s`` (stopping any playback first)."""
        self.stop("replaced by another playback")
        self._token += 1
        token, stop = self._token, threading.Event()
        self._stop = stop
        self._pending = (item_id, how)
        limit, opener, relay = self.limit_seconds, self._open, self.frame_ready

        def work() -> None:
            try:
                frames = opener(item_id, start_s, limit)
                began: float | None = None
                first: float | None = None
                for t, raw in frames:
                    if stop.is_set():
                        return
                    now = time.monotonic()
                    if began is None or first is None:
                        began, first = now, t
                    wait = (t - first) - (now - began)
                    if wait > 0 and stop.wait(wait):
                        return
                    relay.emit(token, t, to_qimage(raw))
                self.ended.emit(token, "")
            except Exception as exc:  # every failure is a reason shown to the examiner
                self.ended.emit(token, str(exc) or type(exc).__name__)

        thread = threading.Thread(target=work, name="playback", daemon=True)
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    def stop(self, reason: str) -> None:
        """Stop now: blur again and log what was shown. The worker is told to stop and
        is not waited for (it may be reading a large original); what it still sends
        carries an old token and is dropped."""
        self._stop.set()
        self._pending = None
        self._token += 1
        self._timer.stop()
        if self._playing is None:
            return
        item_id, how, started, first, last, frames = self._playing
        self._playing = None
        seen = self._overlay.shown_view()
        self._overlay.clear()
        seconds = time.monotonic() - started
        view = RevealView(PLAYBACK, seen.width, seen.height, max_zoom=seen.max_zoom,
                          greyscale=seen.greyscale, blurred=seen.blurred,
                          played=(first, last, frames))  # fmt: skip
        self._log(item_id, seconds, f"{how}; {reason}", view)
        self.stopped.emit(item_id, seconds)

    def _frame(self, token: int, t: float, image: QImage) -> None:
        if token != self._token:
            return
        caption = "muted playback · no sound · P or Esc stops"
        if self._playing is None:
            if self._pending is None:
                return
            item_id, how = self._pending
            self._pending = None
            limit_ms = round(self.limit_seconds * 1000)
            self._overlay.show_image(image, f"Item #{item_id} · {t:.1f} s · {caption}", limit_ms)
            self._playing = (item_id, how, time.monotonic(), t, t, 1)
            self._timer.start(limit_ms)
            self.started.emit(item_id)
            return
        item_id, how, started, first, _last, frames = self._playing
        self._overlay.next_frame(image, f"Item #{item_id} · {t:.1f} s · {caption}")
        self._playing = (item_id, how, started, first, t, frames + 1)

    def _ended(self, token: int, why: str) -> None:
        if token != self._token:
            return
        pending = self._pending
        if why and pending is not None and self._playing is None:
            self._pending = None
            self.failed.emit(pending[0], why)
        elif why:
            self.stop(f"ended: {why}")
        else:
            self.stop("end of the video")
