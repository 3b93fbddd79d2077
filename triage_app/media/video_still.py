"""One frame of a video, decoded for a deliberate reveal (on a worker thread).

The demuxer is put on the keyframe at or before the wanted time and the video
stream alone is decoded forward to the frame nearest that time (never audio).
The work has a wall-clock budget, the ingest's frame-size limits and a packet
cap; every failure is a :class:`~triage_app.media.video_access.VideoViewError`
(a :class:`~triage_app.media.full_view.ViewError`) with a one-line reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from triage_app.media.full_view import MAX_VIEW_SIDE, FullView
from triage_app.media.video_access import (
    Deadline,
    VideoViewError,
    frames,
    open_video,
    seek_before,
    to_raw,
)

#: Wall-clock budget for one frame (seconds).
FRAME_BUDGET: Final = 10.0


@dataclass(frozen=True, slots=True)
class FrameView(FullView):
    """A full view of one frame, with that frame's own time (seconds): the decoded
    frame nearest the time asked for."""

    t: float


def decode_frame_at(
    data: bytes, seconds: float, *, max_side: int = MAX_VIEW_SIDE, budget: float = FRAME_BUDGET
) -> FrameView:
    """The frame of the video ``data`` nearest ``seconds``, at most ``max_side`` px.

    A time past the end gives the last frame; raises ``VideoViewError``.
    """
    deadline = Deadline(budget, "finding the frame")
    wanted = max(0.0, seconds)
    container, stream = open_video(data)
    try:
        seek_before(container, stream, wanted)
        best = _nearest(container, stream, wanted, deadline)
        if best is not None and best[0] > wanted + 0.5 and wanted > 0:
            # The seek landed after the time (a broken index): decode from the start.
            container.seek(0, stream=stream, backward=True)
            stream.codec_context.flush_buffers()
            best = _nearest(container, stream, wanted, deadline) or best
        if best is None:
            raise VideoViewError("video not shown: no frame could be decoded")
        t, frame = best
        return FrameView(to_raw(frame, max_side), frame.width, frame.height, round(t, 3))
    finally:
        container.close()


def _nearest(
    container: Any, stream: Any, wanted: float, deadline: Deadline
) -> tuple[float, Any] | None:
    """The decoded frame nearest ``wanted`` from the demuxer's position on (None: none).

    Damaged data after at least one frame ends the search with the nearest so far.
    """
    best: tuple[float, Any] | None = None
    try:
        for t, frame in frames(container, stream, deadline):
            if best is None or abs(t - wanted) < abs(best[0] - wanted):
                best = (t, frame)
            if t >= wanted:
                break  # frames come in time order: later ones are further away
    except VideoViewError:
        if best is None or deadline.spent():
            raise
    return best
