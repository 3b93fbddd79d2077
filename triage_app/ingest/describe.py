"""What a hashed file is: identified from its first bytes, decoded if it is an image
or a video (:mod:`triage_app.media.video_frames`); an animated GIF/WebP/APNG stays an
image and has its frames sampled as a video's (:mod:`triage_app.media.animation`).

Shared by the workers' two readers: a folder's file (:mod:`.examine`) and a
file inside a disk image or archive (:mod:`.examine_member`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO

from triage_app.domain.records import FileRecord, ImageFacts
from triage_app.media import animation, image_decode, sniff


def describe(
    record: FileRecord,
    head: bytes,
    data: bytes | None,
    on_hashed: Callable[[FileRecord], None] | None,
    *,
    trailing: Callable[[str | None], str | None] | None = None,
    decode_big: Callable[[str], ImageFacts] | None = None,
    open_video: Callable[[], IO[bytes] | None] | None = None,
) -> FileRecord:
    """Identify a hashed file from its first bytes and decode it if it is an image.

    ``data`` is the whole content when it was kept; otherwise ``trailing`` and
    ``decode_big`` read the file again (None: it cannot be, and is not decoded);
    ``open_video`` reopens a video or animation too big to keep, read-only (None: it
    is gone).
    """
    found = sniff.sniff(head)
    record.media_type, record.format = found.media_type, found.format
    if record.size == 0:
        record.reason = "empty file: not an image"
    mismatch = sniff.extension_mismatch(record.path.rpartition(b"/")[2], found)
    if mismatch:
        record.notes.append(mismatch)
    if data is not None:
        note = sniff.trailing_data_note(data, found.format)
    else:
        note = trailing(found.format) if trailing is not None else None
    if note:
        record.notes.append(note)
    if found.media_type == sniff.VIDEO and record.size:
        return _describe_video(record, data, on_hashed, open_video)
    if found.media_type != sniff.IMAGE and found.format not in sniff.RENDERED_DOCUMENTS:
        return record
    if found.format not in image_decode.available_formats():
        record.decode_status = image_decode.NOT_DECODED
        record.reason = f"format not decoded: {found.format} is not on the decode allow-list"
        if found.format in sniff.DECODABLE:
            record.reason = f"format not decoded: no {found.format} decoder is installed"
        return record
    if data is None and decode_big is None:
        record.decode_status = image_decode.NOT_DECODED
        record.reason = (f"not decoded: {record.size} bytes is too big to decode from inside "
                         "a disk image or archive")  # fmt: skip
        return record
    if on_hashed is not None:
        on_hashed(record)
    if data is not None:
        facts = image_decode.analyse_image(data, found.format or "")
    else:
        assert decode_big is not None
        facts = decode_big(found.format or "")
    _merge(record, facts)
    if animation.is_animation(record.format, record.frames) and record.decode_status in (
        image_decode.DECODED,
        image_decode.PARTIAL,
    ):
        _describe_animation(record, data, open_video)
    return record


def _describe_animation(
    record: FileRecord, data: bytes | None, reopen: Callable[[], IO[bytes] | None] | None
) -> None:
    """Sample an animated GIF/WebP/APNG's frames as a video's (it stays an image)."""
    fmt = record.format or ""
    if data is not None:
        facts = animation.analyse_animation(data, fmt)
    else:
        handle = reopen() if reopen is not None else None
        if handle is None:
            record.notes.append("animation not sampled: the file is gone or changed since hashed")
            return
        with handle:
            facts = animation.analyse_animation(handle, fmt)
    animation.merge_animation(record, facts)


def _describe_video(
    record: FileRecord,
    data: bytes | None,
    on_hashed: Callable[[FileRecord], None] | None,
    open_video: Callable[[], IO[bytes] | None] | None,
) -> FileRecord:
    from triage_app.media import video_frames

    if record.format not in video_frames.VIDEO_FORMATS:
        return record
    if data is None and open_video is None:
        record.decode_status = image_decode.NOT_DECODED
        record.reason = (f"video not decoded: {record.size} bytes is too big to decode from "
                         "inside a disk image or archive")  # fmt: skip
        return record
    if on_hashed is not None:
        on_hashed(record)
    if data is not None:
        facts = video_frames.analyse_video(data, record.format)
    else:
        assert open_video is not None
        handle = open_video()
        if handle is None:
            facts = video_frames.VideoFacts(
                image_decode.FAILED, "video not decoded: the file is gone or changed since hashed"
            )
        else:
            with handle:
                facts = video_frames.analyse_video(handle, record.format)
    video_frames.merge_video(record, facts)
    return record


def _merge(record: FileRecord, facts: ImageFacts) -> None:
    if facts.format == "MPO":
        # A phone's multi-picture file: the extra pictures are expected trailing data.
        record.notes = [n for n in record.notes if "(JPEG image)" not in n]
    record.take_image(facts)
