"""The full view of an item: its original read again from the evidence and decoded safely.

Called on a worker thread (the GUI's reveal runs it off the GUI thread). The
bytes come from :func:`triage_app.evidence.originals.read_original` (read-only,
any kind of source), the pixels from
:func:`triage_app.media.full_view.decode_for_view` (allow-list, bomb limit,
EXIF orientation). Nothing is written or cached: the sharp image lives only as
long as the reveal that shows it.

A video (or an animated GIF/WebP/APNG, which stays an image) is shown a frame
at a time: :func:`load_frame_view` decodes the frame nearest a time (the video
stream only, never audio), :func:`strip_frame_times` gives the times of the
frames in its stored frame strip, left to right, and :func:`open_playback`
plays it muted. Every failure is a :class:`NoFullViewError` with a one-line reason.
"""

from __future__ import annotations

from collections.abc import Iterator

from triage_app.case.session import CaseSession
from triage_app.evidence.originals import Location, OriginalUnavailableError, read_original
from triage_app.media import animation
from triage_app.media.blur import RawImage
from triage_app.media.full_view import MAX_VIEW_SIDE, FullView, ViewError, decode_for_view
from triage_app.media.video_playback import PLAY_SIDE, play_frames
from triage_app.media.video_still import FrameView, decode_frame_at
from triage_app.media.video_strip import strip_samples
from triage_app.storage.item_reads import ItemOrigin
from triage_app.storage.video_frames_store import read_frames

#: Most frames a second :func:`open_playback` gives unless told otherwise.
PLAY_FPS = 8.0


class NoFullViewError(Exception):
    """Why an item's original cannot be shown (the reveal falls back to its thumbnail)."""


def _origin(session: CaseSession, item_id: int) -> ItemOrigin:
    origin = session.store.item_origin(item_id)
    if origin is None:
        raise NoFullViewError(f"item #{item_id} is not in the case")
    return origin


def _read(origin: ItemOrigin) -> bytes:
    where = Location(
        origin.source_root, origin.source_kind, origin.path, origin.fs_address, origin.container
    )
    try:
        return read_original(where).data
    except OriginalUnavailableError as exc:
        raise NoFullViewError(str(exc)) from None


def _moving(session: CaseSession, item_id: int) -> tuple[ItemOrigin, bool]:
    """The item's origin, and True for a video (False: an animated image)."""
    origin = _origin(session, item_id)
    if origin.media_type == "video":
        return origin, True
    animated = origin.media_type == "image" and origin.format in animation.ANIMATED_FORMATS
    if animated and read_frames(session.store, [item_id]):
        return origin, False
    raise NoFullViewError(f"item #{item_id} is not a video or an animation")


def load_full_view(
    session: CaseSession, item_id: int, *, max_side: int = MAX_VIEW_SIDE
) -> FullView:
    """Item ``item_id``'s original image, upright, at most ``max_side`` px on its longest side."""
    origin = _origin(session, item_id)
    if origin.media_type != "image":
        raise NoFullViewError(f"item #{item_id} is not a still image")
    try:
        return decode_for_view(_read(origin), max_side=max_side)
    except ViewError as exc:
        raise NoFullViewError(str(exc)) from None


def load_frame_view(
    session: CaseSession, item_id: int, seconds: float, *, max_side: int = MAX_VIEW_SIDE
) -> FrameView:
    """The frame of video (or animation) ``item_id`` nearest ``seconds``, from its original.

    A :class:`~triage_app.media.video_still.FrameView`: a ``FullView`` plus the
    frame's own time ``t``. Raises :class:`NoFullViewError` (one line).
    """
    origin, video = _moving(session, item_id)
    data = _read(origin)
    try:
        if video:
            return decode_frame_at(data, seconds, max_side=max_side)
        return animation.frame_at(data, origin.format or "", seconds, max_side=max_side)
    except ViewError as exc:
        raise NoFullViewError(str(exc)) from None


def strip_frame_times(session: CaseSession, item_id: int) -> list[float]:
    """The time (seconds) of each frame of the item's frame strip, left to right.

    The strip (the thumbnail of a video or animation) was built at ingest from
    the samples it stored; which samples it shows is worked out again from how
    many there are (:func:`~triage_app.media.video_strip.strip_samples`), so
    nothing extra is stored. Empty for an item without stored frames.
    """
    frames = read_frames(session.store, [item_id]).get(item_id, [])
    return [frames[i].t for i in strip_samples(len(frames))]


def open_playback(
    session: CaseSession,
    item_id: int,
    start_s: float,
    seconds: float,
    *,
    fps: float = PLAY_FPS,
    max_side: int = PLAY_SIDE,
) -> Iterator[tuple[float, RawImage]]:
    """Muted playback of video (or animation) ``item_id``: ``(t, frame)`` in time order.

    The original is read (read-only) now, so a missing one raises
    :class:`NoFullViewError` here; decoding happens as the iterator is consumed
    (on a worker thread), and a damaged file ends it with :class:`NoFullViewError`.
    """
    origin, video = _moving(session, item_id)
    data = _read(origin)
    if video:
        frames = play_frames(data, start_s, seconds, fps=fps, max_side=max_side)
    else:
        frames = animation.play_animation(
            data, origin.format or "", start_s, seconds, fps=fps, max_side=max_side
        )
    return _translated(frames)


def _translated(frames: Iterator[tuple[float, RawImage]]) -> Iterator[tuple[float, RawImage]]:
    try:
        yield from frames
    except ViewError as exc:
        raise NoFullViewError(str(exc)) from None
