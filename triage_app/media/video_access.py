"""Decoding a video's frames for viewing: the video stream only, seek, bounded, one-line errors.

Shared by :mod:`~triage_app.media.video_still` (one frame for a reveal) and
:mod:`~triage_app.media.video_playback` (muted playback). Only the first video
stream is demuxed, so the demuxer discards every other stream's packets and no
audio decoder is ever opened. The frame-size limits are the ingest's
(:mod:`~triage_app.media.video_frames`); a frame's time is its presentation
time in seconds, as the ingest stores it for sampled frames.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from typing import Any, Final

from triage_app.media.blur import RawImage
from triage_app.media.full_view import ViewError
from triage_app.media.video_frames import MAX_PIXELS, MAX_SIDE, one_line, pts_seconds

#: At most this many packets are demuxed per call (a demuxer loop ends here).
MAX_PACKETS: Final = 200_000


class VideoViewError(ViewError):
    """A video frame cannot be shown or played; the message is one line."""


class Deadline:
    """A wall-clock limit on decoding work (seconds from now); time spent paused (a
    consumer holding a generator between frames) does not count."""

    def __init__(self, budget: float, what: str = "decoding") -> None:
        self.budget, self.what = budget, what
        self.until = time.monotonic() + budget
        self._paused: float | None = None

    def pause(self) -> None:
        """Stop the clock (until :meth:`resume`)."""
        self._paused = time.monotonic()

    def resume(self) -> None:
        """Start the clock again, the paused time given back."""
        if self._paused is not None:
            self.until += time.monotonic() - self._paused
            self._paused = None

    def spent(self) -> bool:
        """True once the budget is spent."""
        return time.monotonic() > self.until

    def check(self) -> None:
        """Raise :class:`VideoViewError` once the budget is spent."""
        if self.spent():
            raise VideoViewError(f"video not shown: {self.what} took over {self.budget:g} s")


def open_video(data: bytes) -> tuple[Any, Any]:
    """The container and its first video stream, checked; raises :class:`VideoViewError`.

    The caller closes the container.
    """
    import av

    try:
        container = av.open(io.BytesIO(data), mode="r", options={"probesize": "5000000"})
    except Exception as exc:  # PyAV raises many kinds (av.error.*, ValueError, OSError)
        raise VideoViewError(f"video not shown: cannot open: {one_line(exc)}") from None
    try:
        if not container.streams.video:
            raise VideoViewError("video not shown: no video stream")
        stream = container.streams.video[0]
        w, h = stream.width or 0, stream.height or 0
        if w <= 0 or h <= 0:
            raise VideoViewError("video not shown: the stream gives no frame size")
        if w > MAX_SIDE or h > MAX_SIDE or w * h > MAX_PIXELS:
            raise VideoViewError(f"video not shown: absurd frame size {w}x{h}")
    except BaseException:
        container.close()
        raise
    return container, stream


def seek_before(container: Any, stream: Any, seconds: float) -> None:
    """Put the demuxer on the keyframe at or before ``seconds`` (the start if it cannot)."""
    base = stream.time_base
    if base is None or seconds <= 0:
        return
    try:
        container.seek(int(seconds / float(base)), stream=stream, backward=True)
    except Exception:  # not seekable (some raw streams): decode from where it stands
        return


def frames(container: Any, stream: Any, deadline: Deadline) -> Iterator[tuple[float, Any]]:
    """``(seconds, frame)`` of the video stream from the demuxer's position on.

    Frames without a time are skipped; damaged data raises :class:`VideoViewError`.
    """
    ctx = stream.codec_context
    base = stream.time_base
    count = 0
    try:
        for packet in container.demux(stream):
            count += 1
            if count > MAX_PACKETS:
                raise VideoViewError(f"video not shown: more than {MAX_PACKETS} packets read")
            deadline.check()
            decoded = ctx.decode(None if packet.size == 0 and packet.pts is None else packet)
            for frame in decoded:
                t = pts_seconds(frame.pts, base)
                if t is not None:
                    yield t, frame
    except VideoViewError:
        raise
    except Exception as exc:  # damaged data mid-stream
        raise VideoViewError(f"video not shown: {one_line(exc)}") from None


def to_raw(frame: Any, max_side: int) -> RawImage:
    """The frame in RGB, reduced by FFmpeg's area filter to ``max_side`` px at most."""
    w, h = frame.width, frame.height
    scale = min(1.0, max(1, max_side) / max(w, h))
    size = max(1, round(w * scale)), max(1, round(h * scale))
    rgb = frame.reformat(width=size[0], height=size[1], format="rgb24", interpolation="AREA")
    pixels = rgb.to_ndarray()
    return RawImage(int(pixels.shape[1]), int(pixels.shape[0]), "RGB", pixels.tobytes())
