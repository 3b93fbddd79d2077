"""Examine one file from inside a disk image or an archive (in a worker process).

A disk image's file is read by its address through The Sleuth Kit; each
worker opens an image once and keeps it open for the files that follow. An
archive's member arrives with its bytes. Either way the bytes are hashed and
then identified and decoded as a folder's file would be
(:func:`~triage_app.ingest.examine.describe`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from triage_app.domain.records import STATUS_FAILED, STATUS_HASHED, FileRecord
from triage_app.evidence.media import DiskRef
from triage_app.ingest.describe import describe
from triage_app.ingest.digests import Intake
from triage_app.ingest.examine_task import ExamineTask
from triage_app.media import sniff

#: Disk images this worker has open (created on the first disk-image file).
_OPEN: list[Any] = []


def _file_system(ref: DiskRef) -> tuple[Any, Any]:
    """The media and file system a reference names, opened once per worker."""
    if not _OPEN:
        from triage_app.evidence.disk import OpenImages

        _OPEN.append(OpenImages())
    return _OPEN[0].file_system(ref.kind, ref.segments[0], ref.fs_offset)  # type: ignore[no-any-return]


def _record(task: ExamineTask, status: str, **values: Any) -> FileRecord:
    return FileRecord(
        path=task.rel,
        entry_kind="file",
        status=status,
        deleted=task.deleted,
        container=task.container,
        fs_address=task.address,
        atime_preserved=None,
        **values,
    )


def examine_member(
    task: ExamineTask, on_hashed: Callable[[FileRecord], None] | None = None
) -> FileRecord:
    """Hash, identify and (for allow-listed images) decode one contained file."""
    notes: list[str] = []
    media: Any = None
    chunks: Iterable[bytes]
    if task.data is not None:
        chunks = (task.data,)
    else:
        assert task.disk is not None
        from triage_app.evidence.disk import read_file

        try:
            media, fs = _file_system(task.disk)
            _size, chunks = read_file(fs, task.disk.address)
        except OSError as exc:
            return _record(task, STATUS_FAILED, reason=f"cannot open in the file system: {exc}")
    bad_before = media.unreadable_hits if media is not None else 0
    ranges_before = len(media.unreadable) if media is not None else 0
    intake = Intake(task.keep_limit, sniff.HEAD_BYTES)
    try:
        for chunk in chunks:
            intake.add(chunk)
    except OSError as exc:
        reason = f"read error after {intake.total} bytes: {exc}"
        return _record(task, STATUS_FAILED, reason=reason)
    digests = intake.hasher.result()
    if task.deleted:
        notes.append(
            "deleted: recovered as the file system still describes it; its content may be "
            "partly overwritten (the hashes are of the bytes there now)"
        )
    if media is not None and media.unreadable_hits > bad_before:
        ranges = ", ".join(f"{s}+{n}" for s, n in media.unreadable[max(0, ranges_before - 1) :][:5])
        notes.append(
            f"damaged image: bytes of the image could not be read ({ranges}); this file's "
            "content is partly zero-filled there"
        )
    record = _record(
        task,
        STATUS_HASHED,
        size=digests.size,
        md5=digests.md5,
        sha1=digests.sha1,
        sha256=digests.sha256,
    )
    record.notes.extend(notes)
    return describe(record, intake.head, intake.content(), on_hashed)
