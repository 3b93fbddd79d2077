"""Muted playback: a video's frames from a time on, reduced, at a capped rate.

:func:`play_frames` is a generator for a worker thread: it seeks to the
keyframe at or before the start, decodes the video stream alone (no audio is
demuxed into a decoder, nothing plays sound) and yields RGB frames in time
order, at most ``fps`` per second of video, until ``seconds`` of video have
passed. One frame is held at a time; the decoding work (not the time the
consumer holds the generator) has a budget, the packets a cap, and damaged
data ends the frames with a one-line
:class:`~triage_app.media.video_access.VideoViewError`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from triage_app.media.blur import RawImage
from triage_app.media.video_access import Deadline, frames, open_video, seek_before, to_raw

#: Longest side of a played frame unless the caller says otherwise (pixels).
PLAY_SIDE: Final = 1280
#: Decoding work allowed: this many seconds, plus ``PER_SECOND`` per second of video played.
BASE_BUDGET: Final = 10.0
PER_SECOND: Final = 2.0


def play_frames(
    data: bytes,
    start_s: float,
    seconds: float,
    *,
    fps: float = 8,
    max_side: int = PLAY_SIDE,
) -> Iterator[tuple[float, RawImage]]:
    """``(t, frame)`` from ``start_s`` for at most ``seconds`` of video, ``fps`` at most.

    ``t`` is the frame's time in seconds; frames come in time order. Raises
    ``VideoViewError`` (one line) for a file that cannot be opened or is damaged.
    """
    if fps <= 0 or seconds <= 0:
        return
    start = max(0.0, start_s)
    end = start + seconds
    step = 1.0 / fps
    deadline = Deadline(BASE_BUDGET + PER_SECOND * seconds, "playback decoding")
    container, stream = open_video(data)
    try:
        seek_before(container, stream, start)
        due = start
        for t, frame in frames(container, stream, deadline):
            if t >= end:
                break
            if t < due - 1e-6:
                continue
            while due <= t + 1e-6:
                due += step
            picture = to_raw(frame, max_side)
            deadline.pause()
            yield t, picture
            deadline.resume()
    finally:
        container.close()
