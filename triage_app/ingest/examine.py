"""Examine one evidence file: hash it, identify it, and decode it if it is an image.

``examine`` runs in a worker process. It reports the byte hashes through
``on_hashed`` before it starts decoding, so that if the decoder then hangs or
crashes the parent still records the file as hashed, with the decode failure
as its reason.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass

from triage_app.ingest import evidence_io, imaging, sniff
from triage_app.ingest.digests import MultiHasher
from triage_app.ingest.walker import FILE, describe_os_error, kind_of
from triage_app.records import STATUS_FAILED, STATUS_HASHED, FileRecord

#: Files up to this size are kept in memory after hashing, so images decode
#: from the same read. Larger ones are streamed and reopened for decoding.
KEEP_LIMIT = 256 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ExamineTask:
    """One file to examine: the exhibit root and the path relative to it."""

    root: bytes
    rel: bytes
    keep_limit: int = KEEP_LIMIT

    @property
    def path(self) -> bytes:
        """Absolute path of the file."""
        return self.root.rstrip(b"/") + b"/" + self.rel


def _failed(task: ExamineTask, reason: str, kind: str = FILE) -> FileRecord:
    return FileRecord(path=task.rel, entry_kind=kind, status=STATUS_FAILED, reason=reason)


def _changed(before: os.stat_result, after: os.stat_result, hashed: int) -> str | None:
    if after.st_size != before.st_size or hashed != after.st_size:
        return f"size {before.st_size} -> {after.st_size}, {hashed} bytes read"
    if after.st_mtime_ns != before.st_mtime_ns:
        return "modification time changed"
    return None


def examine(task: ExamineTask, on_hashed: Callable[[FileRecord], None] | None = None) -> FileRecord:
    """Hash, identify and (for allow-listed images) decode one file."""
    path = task.path
    try:
        fd, atime_kept = evidence_io.open_file(path)
    except FileNotFoundError:
        return _failed(task, "vanished: the file was deleted before it could be read")
    except OSError as exc:
        if exc.errno == 40:  # ELOOP: a link was put in the file's place
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
            for chunk in evidence_io.read_chunks(fd):
                hasher.update(chunk)
                read_total += len(chunk)
                if len(head) < sniff.HEAD_BYTES:
                    head += chunk[: sniff.HEAD_BYTES - len(head)]
                if keep is not None:
                    keep.append(chunk)
                    if read_total > task.keep_limit:  # the file grew while being read
                        keep = None
            after = os.fstat(fd)
        except OSError as exc:
            return _failed(task, f"read error: {describe_os_error(exc)}")
    finally:
        os.close(fd)
    digests = hasher.result()
    try:
        now_on_disk = evidence_io.lstat(path)
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
    if data is not None:
        trailing = sniff.trailing_data_note(data, found.format)
        if trailing:
            record.notes.append(trailing)
    if found.media_type != sniff.IMAGE:
        return record
    if found.format not in imaging.available_formats():
        record.decode_status = imaging.NOT_DECODED
        record.reason = f"format not decoded: {found.format} is not on the decode allow-list"
        if found.format in sniff.DECODABLE:
            record.reason = f"format not decoded: no {found.format} decoder is installed"
        return record
    if on_hashed is not None:
        on_hashed(record)
    facts = _decode(task, data, found.format or "")
    _merge(record, facts)
    return record


def _decode(task: ExamineTask, data: bytes | None, fmt: str) -> imaging.ImageFacts:
    if data is not None:
        return imaging.analyse_image(data, fmt)
    try:
        fd, _ = evidence_io.open_file(task.path)
    except OSError as exc:
        return imaging.ImageFacts(
            decode_status=imaging.FAILED, reason=f"cannot reopen to decode: {exc}"
        )
    with os.fdopen(fd, "rb") as handle:
        return imaging.analyse_image(handle, fmt)


def _merge(record: FileRecord, facts: imaging.ImageFacts) -> None:
    record.decode_status = facts.decode_status
    if facts.format:
        record.format = facts.format
        if facts.format == "MPO":
            # A phone's multi-picture file: the extra pictures are expected trailing data.
            record.notes = [n for n in record.notes if "(JPEG image)" not in n]
    if facts.reason:
        record.reason = facts.reason
    record.width, record.height, record.frames = facts.width, facts.height, facts.frames
    record.phash, record.dhash = facts.phash, facts.dhash
    record.low_information = facts.low_information
    record.draft_scale = facts.draft_scale
    record.exif_datetime = facts.exif_datetime
    record.camera_make, record.camera_model = facts.camera_make, facts.camera_model
    record.thumbnail, record.thumbnail_size = facts.thumbnail, facts.thumbnail_size
    record.notes.extend(facts.notes)
