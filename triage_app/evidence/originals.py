"""An item's original bytes, read again from its exhibit (read-only), for a full view.

Whatever the source (a folder, an E01/raw disk image, a tar or zip, one level
of nesting), the file is found again where the ingest found it: a folder's
file by its path (opened with :mod:`~triage_app.evidence.readonly`, so the
access time is kept), a disk image's by its file-system address in the
partition its container names, an archive's member by its name. Nothing is
extracted to disk; a file bigger than ``limit`` is refused, and archive
members keep the archive's decompression-bomb rules.
"""

from __future__ import annotations

import io
import os
import re
import threading
from dataclasses import dataclass
from typing import Any, BinaryIO

from triage_app.evidence import readonly

#: Largest original read back for viewing.
READ_LIMIT = 512 * 1024 * 1024
_PARTITION = re.compile(r" > partition (\d+) \(")
_COPY = re.compile(rb" \(stored again, copy (\d+)\)$")
_DISK_KINDS = ("ewf", "raw")
_ARCHIVE_KINDS = ("tar", "zip")


class OriginalUnavailableError(Exception):
    """The original cannot be read back (moved evidence, damaged image, refused member)."""


@dataclass(frozen=True, slots=True)
class Location:
    """Where an item was found: its exhibit's source and the entry in it."""

    source_root: bytes
    source_kind: str | None
    path: bytes
    fs_address: str | None = None
    container: str | None = None


@dataclass(frozen=True, slots=True)
class Original:
    """The bytes read back, and whether the read kept the access time."""

    data: bytes
    atime_preserved: bool


def read_original(where: Location, *, limit: int = READ_LIMIT) -> Original:
    """The original bytes of the entry at ``where``; raises :class:`OriginalUnavailableError`."""
    kind = where.source_kind or "folder"
    try:
        if kind in _DISK_KINDS:
            return _from_disk(where, kind, limit)
        if kind in _ARCHIVE_KINDS:
            return _from_archive(where, kind, limit)
        return _from_folder(where.source_root.rstrip(b"/") + b"/" + where.path, limit)
    except OriginalUnavailableError:
        raise
    except (OSError, ValueError, EOFError) as exc:
        raise OriginalUnavailableError(f"the original cannot be read: {_one_line(exc)}") from None


def _one_line(exc: BaseException) -> str:
    return (" ".join(str(exc).split()) or type(exc).__name__)[:300]


def _too_big(size: int, limit: int) -> None:
    if size > limit:
        raise OriginalUnavailableError(f"the original is {size:,} bytes, over the {limit:,} viewed")


def _from_folder(path: bytes, limit: int) -> Original:
    try:
        fd, kept = readonly.open_file(path)
    except FileNotFoundError:
        raise OriginalUnavailableError(
            f"the original is no longer at {os.fsdecode(path)} (evidence moved or unmounted?)"
        ) from None
    with os.fdopen(fd, "rb") as handle:
        _too_big(os.fstat(handle.fileno()).st_size, limit)
        data = b"".join(readonly.read_chunks(handle.fileno()))
    _too_big(len(data), limit)
    return Original(data, kept)


#: Disk images opened for reveals (one OpenImages, created on first use; under _DISKS_LOCK).
_DISKS: list[Any] = []
_DISKS_LOCK = threading.Lock()


def _file_system(root: bytes, kind: str, container: str | None) -> tuple[Any, Any]:
    """The media and the file system an item's container names (opened once)."""
    from triage_app.evidence.disk import OpenImages, volumes

    if not _DISKS:
        _DISKS.append(OpenImages())
    images = _DISKS[0]
    found = _PARTITION.search(container or "")
    number = int(found.group(1)) if found else None
    for volume in volumes(images.image(kind, root)[1]):
        if volume.number == number:
            return images.file_system(kind, root, volume.offset)  # type: ignore[no-any-return]
    raise OriginalUnavailableError(f"no partition {number} in the image any more")


def _from_disk(where: Location, kind: str, limit: int) -> Original:
    from triage_app.evidence.disk import read_file

    if where.fs_address is None:
        raise OriginalUnavailableError("the item has no file-system address to read it by")
    with _DISKS_LOCK:
        media, fs = _file_system(where.source_root, kind, where.container)
        size, chunks = read_file(fs, int(where.fs_address))
        _too_big(size, limit)
        data = b"".join(chunks)
        return Original(data, bool(media.atime_preserved))


def _wanted(rel: bytes) -> tuple[bytes, int]:
    """A member's stored name and which copy of that name it is (1: the first)."""
    copy = _COPY.search(rel)
    if copy is None:
        return rel, 1
    return rel[: copy.start()], int(copy.group(1))


def _find_member(handle: BinaryIO, kind: str, rel: bytes, budget: Any, limit: int) -> bytes:
    """The bytes of member ``rel`` of the archive open as ``handle`` (one level)."""
    from triage_app.evidence import archives

    name, copy = _wanted(rel)
    reader = archives._zip_members if kind == archives.ZIP else archives._tar_members
    seen = 0
    for member in reader(handle, "", budget, lambda r: r == name):
        if member.rel != name:
            continue
        seen += 1
        if seen < copy:
            continue
        if member.rule is not None or member.error is not None:
            raise OriginalUnavailableError(
                f"the member cannot be read: {member.rule or member.error}"
            )
        if member.data is None:
            break
        _too_big(len(member.data), limit)
        return member.data
    raise OriginalUnavailableError(f"no member {os.fsdecode(rel)} in the archive any more")


def _from_archive(where: Location, kind: str, limit: int) -> Original:
    from triage_app.evidence import archives

    fd, kept = readonly.open_file(where.source_root)
    with os.fdopen(fd, "rb") as handle:
        budget = archives._Budget(os.fstat(handle.fileno()).st_size)
        outer, mark, inner = where.path.partition(archives.NESTED_MARK)
        data = _find_member(handle, kind, outer, budget, limit)
    if mark:
        inner_kind = archives.detect(data[:4096], io.BytesIO(data))
        if inner_kind is None:
            raise OriginalUnavailableError("the nested archive is no longer readable")
        data = _find_member(io.BytesIO(data), inner_kind, inner, budget, limit)
    return Original(data, kept)
