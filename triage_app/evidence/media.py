"""The bytes of a disk image, read-only: raw (one file or split ``.001 .002 ...``) or E01.

A :class:`Media` is the image as one address space. Segment files are opened
with :func:`readonly.open_file` (no writes, access times kept where the kernel
allows); EWF sets are read through libewf's binding (``pyewf``) over those
same file objects, so libewf never opens anything itself. A range that cannot
be read (a damaged chunk, a truncated segment) reads as zeros and is
remembered in :attr:`Media.unreadable`, so what depends on it can say so.
"""

from __future__ import annotations

import contextlib
import os
import re
import struct
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from triage_app.domain.errors import IngestError
from triage_app.evidence import readonly

RAW = "raw"
EWF = "ewf"
#: Where the first segment of an EWF set starts (EVF for E01, EVF2 for Ex01).
EWF_SIGNATURES = (b"EVF\x09\x0d\x0a\xff\x00", b"EVF2\x0d\x0a\x81\x00")
#: Decompressed EWF chunks kept per open image (32 KiB each by default).
_CACHED_CHUNKS = 256
_SPLIT = re.compile(rb"^(.*\.)(0*1)$")


@dataclass(frozen=True, slots=True)
class DiskRef:
    """Where a file lies in a disk image: the image's segments, the file system's
    offset in it and the file's address (inode, MFT entry) in that file system."""

    kind: str
    segments: tuple[bytes, ...]
    fs_offset: int
    address: int


@dataclass(slots=True)
class Media:
    """A disk image as one read-only address space of ``size`` bytes."""

    kind: str
    segments: tuple[bytes, ...]
    size: int
    atime_preserved: bool
    _reader: Any
    unreadable: list[tuple[int, int]] = field(default_factory=list)
    #: How many reads met an unreadable range (ranges merge; this only grows).
    unreadable_hits: int = 0

    def read(self, offset: int, length: int) -> bytes:
        """``length`` bytes from ``offset`` (short at the end; zeros where unreadable)."""
        length = max(0, min(length, self.size - offset))
        if length == 0 or offset < 0:
            return b""
        bad: list[tuple[int, int]] = []
        try:
            data = bytes(self._reader.read_at(offset, length, bad))
        except OSError:
            data = b""
        for start, count in bad:  # chunks that failed: zero-filled by the reader
            self._note_unreadable(start, count)
        if len(data) < length:  # unreadable or missing: zero-fill and remember the range
            start = offset + len(data)
            self._note_unreadable(start, length - len(data))
            data += b"\x00" * (length - len(data))
        return data

    def _note_unreadable(self, start: int, length: int) -> None:
        self.unreadable_hits += 1
        if self.unreadable and self.unreadable[-1][0] + self.unreadable[-1][1] == start:
            first, was = self.unreadable[-1]
            self.unreadable[-1] = (first, was + length)
        elif (start, length) not in self.unreadable:
            self.unreadable.append((start, length))

    def stored_hashes(self) -> dict[str, str]:
        """The media hashes stored in the image at acquisition (lower-case hex)."""
        stored: dict[str, str] = self._reader.stored_hashes()
        return stored

    def close(self) -> None:
        """Close every segment."""
        self._reader.close()


class _RawReader:
    """Concatenated segment files read with ``pread``."""

    def __init__(self, fds: list[int], sizes: list[int]) -> None:
        self.fds, self.sizes = fds, sizes

    def read_at(self, offset: int, length: int, bad: list[tuple[int, int]]) -> bytes:
        out = bytearray()
        base = 0
        for fd, size in zip(self.fds, self.sizes, strict=True):
            if offset < base + size and length > 0:
                start = offset - base
                want = min(length, size - start)
                got = os.pread(fd, want, start)
                out += got
                if len(got) < want:
                    break
                offset, length = offset + want, length - want
            base += size
        return bytes(out)

    def stored_hashes(self) -> dict[str, str]:
        return {}

    def close(self) -> None:
        for fd in self.fds:
            os.close(fd)


class _EwfReader:
    """An EWF set through ``pyewf`` over file objects we opened read-only."""

    def __init__(self, files: list[BinaryIO]) -> None:
        import pyewf  # type: ignore[import-not-found]

        self.files = files
        self.handle = pyewf.handle()
        try:
            self.handle.open_file_objects(files)
            self.chunk = int(self.handle.get_chunk_size()) or 32768
            self.size = int(self.handle.get_media_size())
        except (OSError, ValueError, TypeError) as exc:
            self.close()
            raise IngestError(f"the EWF image cannot be opened: {_one_line(exc)}") from None
        self._cache: OrderedDict[int, bytes] = OrderedDict()
        self.fast = self._fast_reader()

    def _fast_reader(self) -> Any:
        """The zlib chunk reader, when the set is laid out as it expects and it agrees
        with libewf on the chunk size and the first chunk."""
        from triage_app.evidence.ewf_chunks import ChunkReader, UnsupportedLayoutError

        try:
            size = int(self.handle.get_media_size())
            fast = ChunkReader([f.fileno() for f in self.files], size)
            if fast.chunk_size != self.chunk:
                return None
            first = bytes(self.handle.read_buffer_at_offset(min(self.chunk, size), 0))
            return fast if fast.chunk(0) == first else None
        except (UnsupportedLayoutError, OSError, ValueError, struct.error):
            return None

    def read_at(self, offset: int, length: int, bad: list[tuple[int, int]]) -> bytes:
        """Bytes from ``offset``; a chunk that cannot be read is zeros, its range in ``bad``."""
        out = bytearray()
        while length > 0:  # chunk by chunk, so one bad chunk loses only itself
            index, start = divmod(offset, self.chunk)
            data = self._chunk(index)
            if not data and index * self.chunk < self.size:
                whole = min(self.chunk, self.size - index * self.chunk)
                if not bad or bad[-1][0] + bad[-1][1] != index * self.chunk:
                    bad.append((index * self.chunk, whole))
                else:
                    bad[-1] = (bad[-1][0], bad[-1][1] + whole)
                data = b"\x00" * whole
            got = data[start : start + length]
            if not got:
                break
            out += got
            offset, length = offset + len(got), length - len(got)
            if len(data) < self.chunk:
                break
        return bytes(out)

    def _chunk(self, index: int) -> bytes:
        """One whole chunk, decompressed once: TSK reads clusters smaller than a chunk,
        and libewf's own cache is small."""
        data = self._cache.get(index)
        if data is not None:
            self._cache.move_to_end(index)
            return data
        try:
            if self.fast is not None:
                data = self.fast.chunk(index)
            else:
                data = bytes(self.handle.read_buffer_at_offset(self.chunk, index * self.chunk))
        except OSError:
            data = b""
        self._cache[index] = data
        if len(self._cache) > _CACHED_CHUNKS:
            self._cache.popitem(last=False)
        return data

    def stored_hashes(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for name in ("MD5", "SHA1"):
            try:
                value = self.handle.get_hash_value(name)
            except (OSError, KeyError, ValueError):
                value = None
            if value and value.strip("0"):
                found[name.lower()] = value.strip().lower()
        return found

    def close(self) -> None:
        with contextlib.suppress(OSError, AttributeError):
            self.handle.close()
        for handle in self.files:
            handle.close()


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:300]


def is_ewf(head: bytes) -> bool:
    """Whether ``head`` starts an EWF (E01/Ex01) segment."""
    return head.startswith(EWF_SIGNATURES)


def raw_segments(first: bytes) -> list[bytes]:
    """A split raw image's segments (``x.001``, ``x.002``, ...), or just ``first``."""
    match = _SPLIT.match(first)
    if match is None:
        return [first]
    stem, number = match.group(1), match.group(2)
    found = [first]
    index = 2
    while True:
        name = stem + str(index).zfill(len(number)).encode()
        if not os.path.isfile(name):  # noqa: PTH113 (bytes path)
            return found
        found.append(name)
        index += 1


def ewf_segments(first: bytes) -> list[bytes]:
    """An EWF set's segments, found beside the first (``.E01 .E02 ... .EAA``)."""
    import pyewf

    try:
        names = pyewf.glob(os.fsdecode(first))
    except (OSError, ValueError, TypeError) as exc:
        raise IngestError(f"the EWF set cannot be listed: {_one_line(exc)}") from None
    return [os.fsencode(n) for n in names] or [first]


def _open_segments(segments: list[bytes]) -> tuple[list[int], list[int], bool]:
    fds: list[int] = []
    sizes: list[int] = []
    kept = True
    try:
        for name in segments:
            fd, preserved = readonly.open_file(name)
            fds.append(fd)
            kept &= preserved
            sizes.append(os.fstat(fd).st_size)
    except OSError as exc:
        for fd in fds:
            os.close(fd)
        raise IngestError(
            f"cannot open the image segment {os.fsdecode(name)}: {exc.strerror or exc}"
        ) from None
    return fds, sizes, kept


def open_media(first: bytes, kind: str) -> Media:
    """Open a disk image whose first segment is ``first`` (``kind`` is RAW or EWF)."""
    segments = ewf_segments(first) if kind == EWF else raw_segments(first)
    fds, sizes, kept = _open_segments(segments)
    if kind == RAW:
        return Media(RAW, tuple(segments), sum(sizes), kept, _RawReader(fds, sizes))
    reader = _EwfReader([os.fdopen(fd, "rb") for fd in fds])
    try:
        size = int(reader.handle.get_media_size())
    except OSError as exc:
        reader.close()
        raise IngestError(f"the EWF image has no readable media size: {_one_line(exc)}") from None
    return Media(EWF, tuple(segments), size, kept, reader)
