"""Video: sample frames with PyAV and hash them, read-only, never audio, bounded.

Sampling (:func:`analyse_video`): every keyframe, plus one frame per second
where keyframes lie further apart. The packets are demuxed one group of
pictures (keyframe to keyframe) at a time; a group no longer than
``KEY_GAP`` seconds is decoded with ``skip_frame="NONKEY"`` (only its
keyframe is decoded), a longer one in full but only its frames at one-second
marks are converted and hashed. Consecutive samples whose pHash lies within
``SAME_BITS`` bits are kept once.

Each kept frame, reduced to ``HASH_SIDE`` by FFmpeg, gets the image hashes of
:mod:`triage_app.media.perceptual` (pHash, dHash: bit for bit imagehash's on
the reduced RGB frame) and PDQ.

Only the video stream is demuxed: audio packets are dropped unread by the
demuxer and never reach a decoder. Limits: absurd dimensions, too many
packets or samples and a wall-clock budget each end the work with a
one-line reason; the worker pool's per-file timeout backs this up.
"""

from __future__ import annotations

import io
import math
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import IO, Any, Final

from PIL import Image

from triage_app.domain.records import (
    DECODE_FAILED,
    DECODED,
    NOT_DECODED,
    PARTIAL,
    FileRecord,
    FrameHash,
)
from triage_app.media import perceptual
from triage_app.media.bundle_keys import DHASH, PHASH
from triage_app.media.frame_hashing import hash_frame, picture, strip_copy
from triage_app.media.video_strip import frame_strip, pool_add

#: Video formats (as ``sniff`` names them) handed to PyAV.
VIDEO_FORMATS: Final = frozenset(
    {"MP4", "MOV", "3GP", "M4V", "AVI", "MATROSKA", "WEBM", "ASF", "FLV", "MPEG-TS", "MPEG-PS",
     "MPEG"}
)  # fmt: skip
#: Keyframes this close together (seconds) are enough: the group is not decoded in full.
KEY_GAP: Final = 1.05
#: One sample per this many seconds between keyframes.
STEP: Final = 1.0
#: Consecutive samples whose pHash differs by at most this many bits are kept once.
SAME_BITS: Final = 4
#: Larger frames are refused (pixels, and either side).
MAX_PIXELS: Final = 8192 * 4352
MAX_SIDE: Final = 16384
#: At most this many samples per video (an hour at one a second); more: partial.
MAX_SAMPLES: Final = 3600
#: At most this many packets are demuxed; more: partial (a decode loop ends here).
MAX_PACKETS: Final = 2_000_000
#: Wall-clock budget per video (seconds), below the worker pool's per-file timeout.
TIME_BUDGET: Final = 20.0


@dataclass(slots=True)
class VideoFacts:
    """What decoding a video learned (folded into the item's record)."""

    decode_status: str
    reason: str | None = None
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None
    fps: float | None = None
    codec: str | None = None
    frames: int | None = None
    samples: list[FrameHash] = field(default_factory=list)
    #: The first informative sample's picture (or the first sample's), full size.
    picture: Image.Image | None = None
    picture_low: bool = True
    #: Small copies of an even spread of the samples, for the frame strip.
    strip_pool: list[Image.Image] = field(default_factory=list)
    strip_stride: int = 1
    notes: list[str] = field(default_factory=list)

    @property
    def frames_sampled(self) -> int:
        """How many frames were kept."""
        return len(self.samples)


class SampleLimitError(Exception):
    """A limit was reached: what was sampled so far stands, marked partial."""


def one_line(exc: BaseException) -> str:
    """An exception as one line (FFmpeg's own words when it gives them)."""
    strerror = getattr(exc, "strerror", None)
    if isinstance(strerror, str) and strerror:
        return strerror[:300]  # FFmpeg's own words, without the errno and file name
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else 'no detail'}"[:300]


def pts_seconds(value: int | None, base: Fraction | None) -> float | None:
    """A time stamp in seconds (None when there is none)."""
    if value is None or base is None:
        return None
    return float(value * base)


def _close(a: str, b: str) -> bool:
    return (int(a, 16) ^ int(b, 16)).bit_count() <= SAME_BITS


class FrameSampler:
    """Collects the samples of one video stream (or animation) within the limits."""

    def __init__(self, facts: VideoFacts, start: float, budget: float) -> None:
        self.facts = facts
        self.budget = budget
        self.deadline = start + budget
        self.last_t: float | None = None

    def wanted(self, t: float, key: bool) -> bool:
        return key or self.last_t is None or t >= self.last_t + STEP - 1e-3

    def take(self, frame: Any, t: float) -> None:
        self.check_time()
        self.take_picture(picture(frame), t)

    def expired(self) -> bool:
        """True once the time budget is spent."""
        return time.monotonic() > self.deadline

    def check_time(self) -> None:
        if self.expired():
            raise SampleLimitError(f"time budget of {self.budget:g} s spent")

    def take_picture(self, img: Image.Image, t: float) -> None:
        """Hash a frame already reduced to ``HASH_SIDE`` and keep it unless it repeats."""
        self.last_t = t
        sample = hash_frame(len(self.facts.samples), t, img)
        kept = self.facts.samples
        if kept and _close(kept[-1].phash, sample.phash):
            return
        if len(kept) >= MAX_SAMPLES:
            raise SampleLimitError(f"more than {MAX_SAMPLES} frames to sample")
        kept.append(sample)
        facts = self.facts
        if facts.picture is None or (facts.picture_low and not sample.low_information):
            facts.picture, facts.picture_low = img, sample.low_information
        facts.strip_stride = pool_add(
            facts.strip_pool, facts.strip_stride, sample.index, lambda _index: strip_copy(img)
        )


def _decode_group(stream: Any, packets: list[Any], sampler: FrameSampler, full: bool) -> None:
    ctx = stream.codec_context
    # A long group is decoded without its non-reference frames (nothing depends on them).
    ctx.skip_frame = "NONREF" if full else "NONKEY"
    base = stream.time_base
    for packet in packets:
        for frame in ctx.decode(packet):
            t = pts_seconds(frame.pts, base)
            if t is None:
                continue
            if sampler.wanted(t, bool(frame.key_frame)):
                sampler.take(frame, t)


def _group_span(packets: list[Any], base: Fraction, end_pts: int | None) -> float:
    """Seconds from a group's keyframe to the next keyframe (or its last packet)."""
    first = packets[0].pts
    last = end_pts if end_pts is not None else max((p.pts or 0) for p in packets)
    if first is None or last is None:
        return math.inf
    return float((last - first) * base)


def _sample(container: Any, stream: Any, facts: VideoFacts, started: float) -> None:
    sampler = FrameSampler(facts, started, TIME_BUDGET)
    base = stream.time_base
    group: list[Any] = []
    count = 0
    for packet in container.demux(stream):
        count += 1
        if count > MAX_PACKETS:
            raise SampleLimitError(f"more than {MAX_PACKETS} packets")
        if packet.size == 0 and packet.pts is None:
            continue  # the demuxer's flush packet
        if packet.is_keyframe and group:
            span = _group_span(group, base, packet.pts)
            _decode_group(stream, group, sampler, full=span > KEY_GAP)
            group = []
        if time.monotonic() > sampler.deadline:
            raise SampleLimitError(f"time budget of {TIME_BUDGET:g} s spent")
        group.append(packet)
    if group:
        span = _group_span(group, base, None)
        _decode_group(stream, group, sampler, full=span > KEY_GAP)
    ctx = stream.codec_context
    for frame in ctx.decode(None):  # frames the decoder still holds
        t = pts_seconds(frame.pts, base)
        if t is not None and sampler.wanted(t, bool(frame.key_frame)):
            sampler.take(frame, t)


def _describe_stream(container: Any, stream: Any, facts: VideoFacts) -> str | None:
    """Fill in the stream's facts; a reason when it must not be decoded."""
    ctx = stream.codec_context
    facts.codec = ctx.name if ctx is not None else None
    facts.width, facts.height = stream.width or None, stream.height or None
    rate = stream.average_rate or stream.guessed_rate
    facts.fps = round(float(rate), 3) if rate else None
    duration = pts_seconds(stream.duration, stream.time_base)
    if duration is None and container.duration is not None:
        duration = container.duration / 1_000_000
    facts.duration_s = round(duration, 3) if duration is not None else None
    facts.frames = stream.frames or None
    w, h = stream.width or 0, stream.height or 0
    if w <= 0 or h <= 0:
        return "video not decoded: the stream gives no frame size"
    if w > MAX_SIDE or h > MAX_SIDE or w * h > MAX_PIXELS:
        return f"video not decoded: absurd frame size {w}x{h}"
    return None


def analyse_video(source: bytes | IO[bytes], sniffed_format: str | None = None) -> VideoFacts:
    """Sample and hash a video's frames from its bytes or a read-only file object.

    Never raises for bad input: a file that cannot be read is ``failed`` (or
    ``not decoded``) with a one-line reason; a limit reached leaves the
    samples taken so far, ``partial``.
    """
    import av

    started = time.monotonic()
    facts = VideoFacts(decode_status=DECODED)
    fp: IO[bytes] = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        container = av.open(fp, mode="r", options={"probesize": "5000000"})
    except Exception as exc:  # PyAV raises many kinds (av.error.*, ValueError, OSError)
        return VideoFacts(DECODE_FAILED, f"video not decoded: cannot open: {one_line(exc)}")
    try:
        if not container.streams.video:
            return VideoFacts(NOT_DECODED, "video not decoded: no video stream")
        stream = container.streams.video[0]
        reason = _describe_stream(container, stream, facts)
        if reason is not None:
            facts.decode_status, facts.reason = NOT_DECODED, reason
            return facts
        stream.codec_context.thread_type = "NONE"  # one core: the pool runs one per core
        # Deblocking only smooths block edges: the hashes do not need it.
        stream.codec_context.options = {"skip_loop_filter": "all"}
        try:
            _sample(container, stream, facts, started)
        except SampleLimitError as stop:
            facts.decode_status = PARTIAL
            facts.reason = f"partial decode: {stop}; {facts.frames_sampled} frames sampled"
        except Exception as exc:  # damaged data mid-stream
            if not facts.samples:
                facts.decode_status = DECODE_FAILED
                facts.reason = f"video not decoded: {one_line(exc)}"
            else:
                facts.decode_status = PARTIAL
                facts.reason = (f"partial decode: {one_line(exc)}; "
                                f"{facts.frames_sampled} frames sampled before it")  # fmt: skip
    finally:
        container.close()
    if facts.decode_status == DECODED and not facts.samples:
        facts.decode_status = DECODE_FAILED
        facts.reason = "video not decoded: no frame could be decoded"
    return facts


def merge_video(record: FileRecord, facts: VideoFacts) -> None:
    """Fold a video's facts into its record: stream facts, samples, and the first
    informative sample's hashes as the item's own (so groups and image lists see it)."""
    from triage_app.media.image_decode import THUMB_QUALITY

    record.decode_status, record.width, record.height = (
        facts.decode_status,
        facts.width,
        facts.height,
    )
    if facts.reason:
        record.reason = facts.reason
    record.notes.extend(facts.notes)
    record.duration_s, record.fps, record.codec = facts.duration_s, facts.fps, facts.codec
    record.frames = facts.frames
    record.frames_sampled = facts.frames_sampled if facts.decode_status != NOT_DECODED else None
    record.video_frames = list(facts.samples)
    if not facts.samples or facts.picture is None:
        return
    bundle, variants, low = perceptual.analyse(facts.picture)
    record.low_information = low
    record.phash, record.dhash = bundle[PHASH], bundle[DHASH]
    record.hash_bundle = {"version": perceptual.BUNDLE_VERSION, "bundle": bundle,
                          "variants": variants}  # fmt: skip
    strip = frame_strip(facts.strip_pool)
    out = io.BytesIO()
    strip.save(out, "JPEG", quality=THUMB_QUALITY)
    record.thumbnail, record.thumbnail_size = out.getvalue(), strip.size
