"""Animated GIF, WebP and APNG: sampled and hashed like a video's frames, bounded.

An animation stays an image (its ``media_type``; reports count it as a still):
its first frame keeps the image's own hashes and decode status
(:mod:`~triage_app.media.image_decode`). On top of that :func:`analyse_animation`
walks its frames with Pillow, giving each frame the time at which it starts
(the sum of the durations before it; a duration of 10 ms or less counts as
100 ms, as browsers play it) and samples them as a video is sampled
(:class:`~triage_app.media.video_frames.FrameSampler`: the first frame, then
at most one a second, repeats kept once), and :func:`merge_animation` stores
the samples, the animation's duration and rate and a frame strip thumbnail.

Limits: at most ``MAX_FRAMES`` frames are read, and no more canvas pixels in
all than ``MAX_TOTAL_PIXELS``, within a wall-clock budget; reaching
one keeps the samples so far, with a note that says so. :func:`frame_at` and
:func:`play_animation` give a reveal one frame, or muted playback, by time.
"""

from __future__ import annotations

import io
import time
import warnings
from collections.abc import Callable, Iterator
from typing import IO, Final

from PIL import Image

from triage_app.domain.records import DECODE_FAILED, DECODED, PARTIAL, FileRecord
from triage_app.media.blur import RawImage
from triage_app.media.frame_hashing import HASH_SIDE
from triage_app.media.full_view import MAX_VIEW_SIDE, ViewError
from triage_app.media.pixels import normalise
from triage_app.media.video_access import Deadline
from triage_app.media.video_frames import (
    FrameSampler,
    SampleLimitError,
    VideoFacts,
)
from triage_app.media.video_still import FrameView
from triage_app.media.video_strip import frame_strip

#: Formats whose files may be animations (as ``sniff`` names them).
ANIMATED_FORMATS: Final = frozenset({"GIF", "WEBP", "PNG"})
#: At most this many frames are read from one animation.
MAX_FRAMES: Final = 2000
#: At most this many canvas pixels are decoded from one animation (frames x canvas).
MAX_TOTAL_PIXELS: Final = 500_000_000
#: Durations of at most ``MIN_DELAY_MS`` play as ``DEFAULT_DELAY_MS`` (as in browsers).
MIN_DELAY_MS: Final = 10
DEFAULT_DELAY_MS: Final = 100
#: Wall-clock budget for sampling one animation (seconds): with the image's own decode
#: it stays well inside the worker pool's per-file timeout.
TIME_BUDGET: Final = 10.0
#: Wall-clock budget for a reveal's frame (seconds).
VIEW_BUDGET: Final = 10.0
_PLUGINS: Final = {"GIF": ["GIF"], "WEBP": ["WEBP"], "PNG": ["PNG"]}


class _LimitReachedError(Exception):
    """A limit was reached while frames were read."""


def is_animation(fmt: str | None, frames: int | None) -> bool:
    """True for a GIF, WebP or PNG the image decoder counted more than one frame in."""
    return fmt in ANIMATED_FORMATS and (frames or 0) > 1


def _delay(img: Image.Image) -> float:
    """The current frame's duration in seconds."""
    raw = img.info.get("duration")
    ms = float(raw) if isinstance(raw, int | float) else 0.0
    return (DEFAULT_DELAY_MS if ms <= MIN_DELAY_MS else ms) / 1000


def _frames(
    img: Image.Image, expired: Callable[[], bool]
) -> Iterator[tuple[float, float, Image.Image]]:
    """``(start, duration, frame)`` of each frame in order, within the limits.

    Raises :class:`_LimitReachedError` with the reason when a limit ends the walk early.
    """
    w, h = img.size
    if w <= 0 or h <= 0:
        raise _LimitReachedError(f"invalid canvas {w}x{h}")
    cap = min(MAX_FRAMES, max(1, MAX_TOTAL_PIXELS // (w * h)))
    t = 0.0
    for index in range(cap + 1):
        if index:
            if expired():
                raise _LimitReachedError(f"time budget spent after {index} frames")
            try:
                img.seek(index)
            except EOFError:
                return
        if index == cap:
            limit = "frames" if cap == MAX_FRAMES else f"canvas pixels ({w}x{h} canvas)"
            raise _LimitReachedError(f"more than {cap} frames (the cap on {limit})")
        img.load()  # WebP reads a frame's duration as it decodes it
        duration = _delay(img)
        yield t, duration, img
        t += duration


def _open(source: bytes | IO[bytes], fmt: str) -> Image.Image:
    fp = io.BytesIO(source) if isinstance(source, bytes) else source
    fp.seek(0)
    return Image.open(fp, formats=_PLUGINS.get(fmt, []))


def _hash_picture(img: Image.Image) -> Image.Image:
    """The frame on the fixed background in RGB, reduced (box filter) to ``HASH_SIDE``."""
    picture = normalise(img).convert("RGB")
    w, h = picture.size
    scale = HASH_SIDE / max(w, h)
    if scale >= 1:
        return picture
    size = max(1, round(w * scale)), max(1, round(h * scale))
    return picture.resize(size, Image.Resampling.BOX)


def analyse_animation(source: bytes | IO[bytes], fmt: str) -> VideoFacts:
    """Sample and hash an animation's frames (never raises for bad input).

    ``source`` is the file's bytes or a seekable read-only file object.
    """
    started = time.monotonic()
    facts = VideoFacts(decode_status=DECODED, codec=None)
    sampler = FrameSampler(facts, started, TIME_BUDGET)
    end = 0.0
    read = 0
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with _open(source, fmt) as img:
                facts.width, facts.height = img.size
                for t, duration, frame in _frames(img, sampler.expired):
                    read += 1
                    end = t + duration
                    if sampler.wanted(t, key=False):
                        sampler.check_time()
                        sampler.take_picture(_hash_picture(frame), t)
        except (_LimitReachedError, SampleLimitError) as stop:
            facts.decode_status = PARTIAL
            facts.reason = f"animation sampled in part: {stop}; {facts.frames_sampled} sampled"
        except Exception as exc:  # damaged frames raise all sorts
            facts.decode_status = PARTIAL if facts.samples else DECODE_FAILED
            facts.reason = (f"animation sampled in part: frame {read + 1} unreadable "
                            f"({type(exc).__name__}: {' '.join(str(exc).split())[:200]}); "
                            f"{facts.frames_sampled} sampled")  # fmt: skip
    facts.frames = read
    facts.duration_s = round(end, 3)
    facts.fps = round(read / end, 3) if end > 0 else None
    return facts


def merge_animation(record: FileRecord, facts: VideoFacts) -> None:
    """Fold an animation's samples into its (image) record.

    With two samples or more the record gains the animation's duration, rate,
    samples and a frame strip as its thumbnail; the first frame's hashes, the
    decode status and the media type stay the image's. A limit reached, or a
    damaged frame, is a note.
    """
    from triage_app.media.image_decode import THUMB_QUALITY

    if facts.reason:
        record.notes.append(facts.reason)
    if len(facts.samples) < 2:
        if facts.samples:
            record.notes.append(
                f"animation: {facts.frames} frames over {facts.duration_s:g} s, all alike "
                "or too short to sample more than its first frame"
            )
        return
    record.duration_s, record.fps = facts.duration_s, facts.fps
    record.frames_sampled = facts.frames_sampled
    record.video_frames = list(facts.samples)
    strip = frame_strip(facts.strip_pool)
    out = io.BytesIO()
    strip.save(out, "JPEG", quality=THUMB_QUALITY)
    record.thumbnail, record.thumbnail_size = out.getvalue(), strip.size


def _view_frames(
    data: bytes, fmt: str, deadline: Deadline
) -> Iterator[tuple[float, float, Image.Image]]:
    """The frames of an animation for viewing; raises :class:`ViewError` (one line)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with _open(data, fmt) as img:
                limit = Image.MAX_IMAGE_PIXELS
                if limit is not None and img.width * img.height > limit:
                    raise ViewError(f"not shown: rejected as a decompression bomb: {img.size}")
                yield from _frames(img, deadline.spent)
        except _LimitReachedError as stop:
            if deadline.spent():
                raise ViewError(f"not shown: {stop}") from None
        except ViewError:
            raise
        except Exception as exc:  # damaged frames raise all sorts
            text = " ".join(str(exc).split())
            raise ViewError(f"not shown: {type(exc).__name__}: {text}"[:300]) from None


def _raw(frame: Image.Image, max_side: int) -> RawImage:
    picture = normalise(frame).convert("RGB")
    if max(picture.size) > max_side:
        picture.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return RawImage(picture.width, picture.height, "RGB", picture.tobytes())


def frame_at(data: bytes, fmt: str, seconds: float, *, max_side: int = MAX_VIEW_SIDE) -> FrameView:
    """The frame shown at ``seconds`` (the last one past the end); raises ``ViewError``."""
    deadline = Deadline(VIEW_BUDGET, "finding the frame")
    last = -1
    for index, (t, duration, frame) in enumerate(_view_frames(data, fmt, deadline)):
        if seconds < t + duration - 1e-6:
            return FrameView(_raw(frame, max_side), *frame.size, round(t, 3))
        last = index
    for index, (t, _duration, frame) in enumerate(_view_frames(data, fmt, deadline)):
        if index == last:  # past the end: the last frame read
            return FrameView(_raw(frame, max_side), *frame.size, round(t, 3))
    raise ViewError("not shown: no frame could be decoded")


def play_animation(
    data: bytes, fmt: str, start_s: float, seconds: float, *, fps: float, max_side: int
) -> Iterator[tuple[float, RawImage]]:
    """An animation's frames from ``start_s`` for ``seconds``, at most ``fps`` a second.

    A frame is given at the time it is first due (its start, or ``start_s``).
    """
    if fps <= 0 or seconds <= 0:
        return
    deadline = Deadline(VIEW_BUDGET + 2 * seconds, "playback decoding")
    end, step, due = start_s + seconds, 1.0 / fps, start_s
    for t, duration, frame in _view_frames(data, fmt, deadline):
        if t >= end:
            break
        if t + duration <= due + 1e-6:
            continue  # over before the next frame is due
        shown = max(t, due)
        while due <= shown + 1e-6:
            due += step
        picture = _raw(frame, max_side)
        deadline.pause()
        yield round(shown, 3), picture
        deadline.resume()
