"""Examine one evidence file: hash it, identify it, and decode it if it is an image.

``examine`` runs in a worker process. It reports the byte hashes through
``on_hashed`` before it starts decoding, so that if the decoder then hangs or
crashes the parent still records the file as hashed, with the decode failure
as its reason.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from typing import BinaryIO

from triage_app.domain.records import STATUS_FAILED, STATUS_HASHED, FileRecord, ImageFacts
from triage_app.evidence import readonly
from triage_app.evidence.folder import FILE, describe_os_error, kind_of
from triage_app.ingest.describe import describe
from triage_app.ingest.digests import Intake
from triage_app.ingest.examine_task import TRAILER_SCAN_LIMIT, ExamineTask
from triage_app.media import image_decode, sniff


def _failed(task: ExamineTask, reason: str, kind: str = FILE) -> FileRecord:
    return FileRecord(path=task.rel, entry_kind=kind, status=STATUS_FAILED, reason=reason)


def _changed(before: os.stat_result, after: os.stat_result, hashed: int) -> str | None:
    if after.st_size != before.st_size or hashed != after.st_size:
        return f"size {before.st_size} -> {after.st_size}, {hashed} bytes read"
    if after.st_mtime_ns != before.st_mtime_ns:
        return "modification time changed"
    return None


def examine(
    task: ExamineTask,
    on_hashed: Callable[[FileRecord], None] | None = None,
    *,
    on_chunk: Callable[[int], None] | None = None,
) -> FileRecord:
    """Hash, identify and (for allow-listed images) decode one file.

    ``on_chunk``, if given, is called after each chunk is hashed with the number of
    bytes read so far (a progress hook; the tests use it to change a file at a known
    point of the read).
    """
    if task.in_container:
        from triage_app.ingest.examine_member import examine_member

        return examine_member(task, on_hashed)
    path = task.path
    try:
        fd, atime_kept = readonly.open_file(path)
    except FileNotFoundError:
        return _failed(task, "vanished: the file was deleted before it could be read")
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # O_NOFOLLOW: a link was put in the file's place
            return _failed(task, "changed during ingest: now a symbolic link (not followed)")
        return _failed(task, f"cannot open: {describe_os_error(exc)}")
    try:
        before = os.fstat(fd)
        if not stat.S_ISREG(before.st_mode):
            now = kind_of(before.st_mode)
            return _failed(task, f"changed during ingest: no longer a regular file ({now})")
        intake = Intake(task.keep_limit, sniff.HEAD_BYTES, keep=before.st_size <= task.keep_limit)
        try:
            for chunk in readonly.read_chunks(fd):
                intake.add(chunk)
                if on_chunk is not None:
                    on_chunk(intake.total)
            after = os.fstat(fd)
        except OSError as exc:
            return _failed(task, f"read error: {describe_os_error(exc)}")
    finally:
        os.close(fd)
    digests = intake.hasher.result()
    try:
        now_on_disk = readonly.lstat(path)
    except FileNotFoundError:
        return _failed(task, "vanished: the file was deleted while it was being read")
    except OSError as exc:
        return _failed(task, f"cannot stat after reading: {describe_os_error(exc)}")
    change = _changed(before, after, digests.size)
    if change is None and (now_on_disk.st_ino, now_on_disk.st_dev) != (
        before.st_ino,
        before.st_dev,
    ):
        change = "the path now names a different file"
    if change is not None:
        return _failed(task, f"unstable: the file changed while it was being read ({change})")

    record = FileRecord(
        path=task.rel,
        entry_kind=FILE,
        status=STATUS_HASHED,
        size=digests.size,
        mtime_ns=before.st_mtime_ns,
        nlink=before.st_nlink,
        md5=digests.md5,
        sha1=digests.sha1,
        sha256=digests.sha256,
        atime_preserved=atime_kept,
    )
    if before.st_nlink > 1:
        record.notes.append(f"hard link: {before.st_nlink} names share this file's content")
    return describe(
        record,
        intake.head,
        intake.content(),
        on_hashed,
        # Too big to keep: a small picture with a big archive appended is exactly the
        # case to catch, so look for the end of the image stream in the file itself.
        trailing=lambda fmt: _streamed_trailing_note(task, fmt, before),
        decode_big=lambda fmt: _decode(task, fmt, before),
        open_video=lambda: _open_again(task, before),
    )


def _reopen(task: ExamineTask, hashed: os.stat_result) -> int | None:
    """Open the file again (it was too big to keep); None unless it is still the very file
    that was hashed, so that nothing describes bytes other than the ones hashed."""
    try:
        fd, _ = readonly.open_file(task.path)
    except OSError:
        return None
    try:
        now = os.fstat(fd)
    except OSError:
        now = None
    if now is None or (now.st_dev, now.st_ino, now.st_size, now.st_mtime_ns) != (
        hashed.st_dev,
        hashed.st_ino,
        hashed.st_size,
        hashed.st_mtime_ns,
    ):
        os.close(fd)
        return None
    return fd


def _streamed_trailing_note(
    task: ExamineTask, fmt: str | None, hashed: os.stat_result
) -> str | None:
    """``sniff.trailing_data_note`` for a file that was not kept in memory."""
    if fmt not in ("JPEG", "MPO", "PNG"):
        return None
    fd = _reopen(task, hashed)
    if fd is None:
        return None
    size = hashed.st_size
    try:
        end = sniff.image_end(os.pread(fd, min(size, TRAILER_SCAN_LIMIT), 0), fmt)
        if end is None or end >= size:
            return None
        tail_head = os.pread(fd, 4096, end)
        offset, nonzero = end + len(tail_head), bool(tail_head.strip(b"\x00"))
        while not nonzero and offset < size:  # zero padding after the image is not noted
            block = os.pread(fd, 1 << 20, offset)
            if not block:
                break
            offset, nonzero = offset + len(block), bool(block.strip(b"\x00"))
        return sniff.describe_trailing(tail_head, size - end) if nonzero else None
    except OSError:
        return None
    finally:
        os.close(fd)


def _open_again(task: ExamineTask, hashed: os.stat_result) -> BinaryIO | None:
    """The very file that was hashed, opened again read-only (None: gone or changed)."""
    fd = _reopen(task, hashed)
    return os.fdopen(fd, "rb") if fd is not None else None


def _decode(task: ExamineTask, fmt: str, hashed: os.stat_result) -> ImageFacts:
    fd = _reopen(task, hashed)
    if fd is None:
        return ImageFacts(
            decode_status=image_decode.FAILED,
            reason="not decoded: the file is gone or changed since it was hashed",
        )
    with os.fdopen(fd, "rb") as handle:
        return image_decode.analyse_image(handle, fmt)
