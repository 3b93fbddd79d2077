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

from triage_app.domain.records import STATUS_FAILED, STATUS_HASHED, FileRecord, ImageFacts
from triage_app.evidence import readonly
from triage_app.evidence.folder import FILE, describe_os_error, kind_of
from triage_app.ingest.digests import MultiHasher
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
    path = task.path
    try:
        fd, atime_kept = readonly.open_file(path)
    except FileNotFoundError:
        return _failed(task, "vanished: the file was deleted before it could be read")
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # O_NOFOLLOW: a link was put in the file's place
            return _failed(task, "changed during ingest: now a symbolic link (not followed)")
        return _failed(task, f"cannot open: {describe_os_error(exc)}")
    keep: list[bytes] | None = None
    try:
        before = os.fstat(fd)
        if not stat.S_ISREG(before.st_mode):
            now = kind_of(before.st_mode)
            return _failed(task, f"changed during ingest: no longer a regular file ({now})")
        hasher = MultiHasher()
        keep = [] if before.st_size <= task.keep_limit else None
        head = b""
        read_total = 0
        try:
            for chunk in readonly.read_chunks(fd):
                hasher.update(chunk)
                read_total += len(chunk)
                if len(head) < sniff.HEAD_BYTES:
                    head += chunk[: sniff.HEAD_BYTES - len(head)]
                if keep is not None:
                    keep.append(chunk)
                    if read_total > task.keep_limit:  # the file grew while being read
                        keep = None
                if on_chunk is not None:
                    on_chunk(read_total)
            after = os.fstat(fd)
        except OSError as exc:
            return _failed(task, f"read error: {describe_os_error(exc)}")
    finally:
        os.close(fd)
    digests = hasher.result()
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

    found = sniff.sniff(head)
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
        media_type=found.media_type,
        format=found.format,
    )
    if digests.size == 0:
        record.reason = "empty file: not an image"
    if before.st_nlink > 1:
        record.notes.append(f"hard link: {before.st_nlink} names share this file's content")
    mismatch = sniff.extension_mismatch(task.rel.rpartition(b"/")[2], found)
    if mismatch:
        record.notes.append(mismatch)
    data = b"".join(keep) if keep is not None else None
    keep = None  # the chunks are in ``data`` now: do not hold them twice while decoding
    if data is not None:
        trailing = sniff.trailing_data_note(data, found.format)
    else:
        # Too big to keep: a small picture with a big archive appended is exactly the
        # case to catch, so look for the end of the image stream in the file itself.
        trailing = _streamed_trailing_note(task, found.format, before)
    if trailing:
        record.notes.append(trailing)
    if found.media_type != sniff.IMAGE and found.format not in sniff.RENDERED_DOCUMENTS:
        return record
    if found.format not in image_decode.available_formats():
        record.decode_status = image_decode.NOT_DECODED
        record.reason = f"format not decoded: {found.format} is not on the decode allow-list"
        if found.format in sniff.DECODABLE:
            record.reason = f"format not decoded: no {found.format} decoder is installed"
        return record
    if on_hashed is not None:
        on_hashed(record)
    facts = _decode(task, data, found.format or "", before)
    _merge(record, facts)
    return record


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


def _decode(task: ExamineTask, data: bytes | None, fmt: str, hashed: os.stat_result) -> ImageFacts:
    if data is not None:
        return image_decode.analyse_image(data, fmt)
    fd = _reopen(task, hashed)
    if fd is None:
        return ImageFacts(
            decode_status=image_decode.FAILED,
            reason="not decoded: the file is gone or changed since it was hashed",
        )
    with os.fdopen(fd, "rb") as handle:
        return image_decode.analyse_image(handle, fmt)


def _merge(record: FileRecord, facts: ImageFacts) -> None:
    if facts.format == "MPO":
        # A phone's multi-picture file: the extra pictures are expected trailing data.
        record.notes = [n for n in record.notes if "(JPEG image)" not in n]
    record.take_image(facts)
