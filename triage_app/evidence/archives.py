"""tar (plain, gzip, bzip2, xz) and zip archives as evidence: phone extractions.

An archive is read with the standard library's ``tarfile`` and ``zipfile``
from a file opened read-only; nothing is extracted to disk. :func:`scan`
lists every member once (with its bytes when asked), including the members
of an archive nested one level deep (``inner.zip!/DCIM/a.jpg``). Members that
are refused say why: a name that climbs out of the archive (path traversal),
a decompression bomb, links and special files, encrypted members.
"""

from __future__ import annotations

import io
import lzma
import os
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from triage_app.domain.errors import IngestError

TAR = "tar"
ZIP = "zip"
#: A member expanding more than this many times its compressed size, once past
#: BOMB_FLOOR bytes, is refused as a decompression bomb.
BOMB_RATIO = 200
BOMB_FLOOR = 64 * 1024 * 1024
#: A whole archive may expand to at most this many times its own size (and at least
#: BOMB_FLOOR): a tar.gz of one huge run of zeros stops there.
ARCHIVE_RATIO = 1000
#: A nested archive bigger than this is hashed but not opened.
NESTED_LIMIT = 512 * 1024 * 1024
NESTED_MARK = b"!/"
#: The entry that records where a damaged archive stopped being readable.
REST = b"(the rest of the archive)"
#: What a damaged compressed tar raises through ``tarfile``.
_BROKEN = (tarfile.TarError, OSError, EOFError, zlib.error, lzma.LZMAError)
_NESTED_NAMES = (b".zip", b".tar", b".tgz", b".tar.gz", b".tar.bz2", b".tar.xz", b".tbz2", b".txz")


@dataclass(frozen=True, slots=True)
class Member:
    """One member: a file (``data`` when read), or skipped (``rule``) or failed (``error``)."""

    rel: bytes
    kind: str
    size: int | None
    container: str
    data: bytes | None = None
    rule: str | None = None
    error: str | None = None


def detect(head: bytes, opener: io.BufferedIOBase | BinaryIO) -> str | None:
    """TAR or ZIP when the source's first bytes say so (compressed tars are opened)."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return ZIP
    if len(head) >= 262 and head[257:262] == b"ustar":
        return TAR
    if head.startswith((b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00")):
        try:
            with tarfile.open(fileobj=opener, mode="r|*") as stream:
                stream.next()
            return TAR
        except (tarfile.TarError, OSError, EOFError, ValueError):
            return None
    if len(head) >= 512:
        try:
            tarfile.TarInfo.frombuf(head[:512], "utf-8", "surrogateescape")
            return TAR
        except (tarfile.HeaderError, ValueError):
            return None
    return None


def _traversal(name: bytes) -> str | None:
    text = name.replace(b"\\", b"/")
    if text.startswith(b"/") or (len(text) > 1 and text[1:2] == b":"):
        return "path traversal: an absolute member name; refused"
    if b".." in text.split(b"/"):
        return "path traversal: the member name climbs out of the archive (..); refused"
    return None


def _clean(name: bytes) -> bytes:
    while name.startswith(b"./"):
        name = name[2:]
    return name.rstrip(b"/")


def _looks_archive(name: bytes) -> bool:
    return name.lower().endswith(_NESTED_NAMES)


class _Budget:
    """How much an archive may expand in total before it is refused as a bomb."""

    def __init__(self, compressed: int) -> None:
        self.left = max(BOMB_FLOOR, compressed * ARCHIVE_RATIO)

    def take(self, size: int) -> bool:
        self.left -= size
        return self.left >= 0


def _read_limited(handle: BinaryIO, limit: int) -> bytes:
    data = handle.read(limit + 1)
    if len(data) > limit:
        raise IngestError(f"the member expands beyond its declared size of {limit} bytes")
    return data


def scan(
    path: bytes, handle: BinaryIO, kind: str, *, with_data: bool, label: str
) -> Iterator[Member]:
    """Every member of the archive at ``path`` (opened as ``handle``), nested ones too."""
    size = os.fstat(handle.fileno()).st_size
    budget = _Budget(size)
    seen: dict[bytes, int] = {}
    for member in _members(handle, kind, label, budget, with_data=with_data, nested=True):
        count = seen.get(member.rel, 0) + 1
        seen[member.rel] = count
        if count > 1:  # a name stored twice: both are kept, the later one marked
            member = Member(member.rel + b" (stored again, copy %d)" % count, member.kind,
                            member.size, member.container, member.data, member.rule,
                            member.error)  # fmt: skip
        yield member


def _members(
    handle: BinaryIO, kind: str, label: str, budget: _Budget, *, with_data: bool, nested: bool
) -> Iterator[Member]:
    reader = _zip_members if kind == ZIP else _tar_members

    def wanted(rel: bytes) -> bool:  # the bytes are read when asked for, or to open it
        return with_data or (nested and _looks_archive(rel))

    for member in reader(handle, label, budget, wanted):
        if (
            nested
            and member.kind == "file"
            and member.data is not None
            and _looks_archive(member.rel)
        ):
            yield Member(member.rel, "file", member.size, label,
                         member.data if with_data else None)  # fmt: skip
            yield from _nested(member, budget, with_data)
            continue
        if member.data is not None and not with_data:
            member = Member(member.rel, member.kind, member.size, member.container)
        yield member


def _nested(outer: Member, budget: _Budget, with_data: bool) -> Iterator[Member]:
    assert outer.data is not None
    inner_kind = detect(outer.data[:4096], io.BytesIO(outer.data))
    if inner_kind is None:
        return
    label = f"{outer.container} > {os.fsdecode(outer.rel.rpartition(b'/')[2])}"
    inner = io.BytesIO(outer.data)
    try:
        for member in _members(inner, inner_kind, label, budget, with_data=with_data, nested=False):
            rel = outer.rel + NESTED_MARK + member.rel
            yield Member(rel, member.kind, member.size, label, member.data, member.rule,
                         member.error)  # fmt: skip
    except (zipfile.BadZipFile, tarfile.TarError, OSError, EOFError) as exc:
        yield Member(outer.rel + NESTED_MARK, "archive", None, label,
                     error=f"nested archive damaged: {_one_line(exc)}")  # fmt: skip


def _one_line(exc: BaseException) -> str:
    return (" ".join(str(exc).split()) or type(exc).__name__)[:300]


def _zip_members(
    handle: BinaryIO, label: str, budget: _Budget, read: Callable[[bytes], bool]
) -> Iterator[Member]:
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise IngestError(f"the zip archive cannot be read: {_one_line(exc)}") from None
    with archive:
        for info in archive.infolist():
            raw = info.filename.encode("utf-8", "surrogateescape")
            if info.is_dir():
                continue
            rel = _clean(raw)
            size = info.file_size
            rule = _traversal(raw)
            if (
                rule is None
                and size > BOMB_FLOOR
                and size > BOMB_RATIO * max(1, info.compress_size)
            ):
                rule = (f"decompression bomb: {size} bytes from {info.compress_size} compressed "
                        f"(more than {BOMB_RATIO}x); refused")  # fmt: skip
            if rule is None and not budget.take(size):
                rule = "decompression bomb: the archive expands past its limit; refused"
            if rule is not None:
                yield Member(rel or raw, "file", size, label, rule=rule)
                continue
            if info.flag_bits & 0x1:
                reason = "encrypted member: cannot be read without its password"
                yield Member(rel, "file", size, label, error=reason)
                continue
            if not read(rel):
                yield Member(rel, "file", size, label)
                continue
            try:
                with archive.open(info) as stream:
                    data = _read_limited(stream, size)  # type: ignore[arg-type]
            except (zipfile.BadZipFile, OSError, EOFError, ValueError,
                    NotImplementedError, IngestError) as exc:  # fmt: skip
                yield Member(rel, "file", size, label, error=f"member unreadable: {_one_line(exc)}")
                continue
            yield Member(rel, "file", len(data), label, data)


_TAR_SKIPS = {
    tarfile.SYMTYPE: ("symlink", "symbolic link inside an archive: links are never followed"),
    tarfile.LNKTYPE: ("hardlink", "hard link inside an archive: its target is listed itself"),
    tarfile.CHRTYPE: ("char-device", "character device: special files are never opened"),
    tarfile.BLKTYPE: ("block-device", "block device: special files are never opened"),
    tarfile.FIFOTYPE: ("fifo", "named pipe (FIFO): special files are never opened"),
}


def _tar_members(
    handle: BinaryIO, label: str, budget: _Budget, read: Callable[[bytes], bool]
) -> Iterator[Member]:
    try:
        stream = tarfile.open(fileobj=handle, mode="r|*")  # noqa: SIM115 (closed below)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise IngestError(f"the tar archive cannot be read: {_one_line(exc)}") from None
    with stream:
        while True:
            try:
                info = stream.next()
            except _BROKEN as exc:
                yield Member(REST, "archive", None, label,
                             error=f"archive damaged from here on: {_one_line(exc)}")  # fmt: skip
                return
            if info is None:
                broken = _truncated(stream)
                if broken:
                    yield Member(REST, "archive", None, label, error=broken)
                return
            raw = os.fsencode(info.name)
            rel = _clean(raw)
            if info.isdir():
                continue
            if info.type in _TAR_SKIPS:
                kind, skipped = _TAR_SKIPS[info.type]
                yield Member(rel or raw, kind, None, label, rule=skipped)
                continue
            rule = _traversal(raw)
            if rule is None and not budget.take(info.size):
                rule = "decompression bomb: the archive expands past its limit; refused"
            if rule is not None:
                yield Member(rel or raw, "file", info.size, label, rule=rule)
                continue
            if not info.isreg():
                yield Member(rel, "unknown", None, label, rule="not a regular file: never opened")
                continue
            if not read(rel):
                yield Member(rel, "file", info.size, label)
                continue
            try:
                extracted = stream.extractfile(info)
                data = extracted.read() if extracted is not None else b""
            except _BROKEN as exc:
                yield Member(rel, "file", info.size, label,
                             error=f"member unreadable: {_one_line(exc)}")  # fmt: skip
                return
            if len(data) != info.size:
                yield Member(rel, "file", info.size, label, error=(
                    f"truncated: {len(data)} of {info.size} bytes in the archive"))  # fmt: skip
                return
            yield Member(rel, "file", len(data), label, data)


def _truncated(stream: tarfile.TarFile) -> str | None:
    """Why a compressed tar that ended without error is incomplete, if it is.

    ``tarfile`` takes a header cut short for the end of the archive; the
    decompressor knows whether its stream really ended.
    """
    raw = stream.fileobj
    decompressor = getattr(raw, "cmp", None)
    if decompressor is None or not hasattr(decompressor, "eof"):
        return None
    try:
        while raw is not None and raw.read(1 << 20):
            pass
    except _BROKEN as exc:
        return f"archive damaged at its end: {_one_line(exc)}"
    if not decompressor.eof:
        return "archive truncated: its compressed stream ends early (members after this lost)"
    return None
