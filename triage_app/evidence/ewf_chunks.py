"""Read an E01 (EWF version 1) set's chunks directly, inflating them with Python's zlib.

Why not only ``pyewf``: its wheel is built without zlib and inflates with
libewf's own deflate code, ~30-50 MB/s on one core (``benchmarks/evidence.py``),
so reading a compressed E01 cost several times the decoding of the pictures
in it. This reader walks the segments' section chains and ``table`` sections
(the chunk offsets) as the EWF specification describes them, and inflates
with zlib (hundreds of MB/s). Every chunk's checksum is checked (Adler-32 of
an uncompressed chunk, zlib's own for a compressed one), so a damaged chunk
is known by its range, and the files on it can be named.

It is used only when the set parses exactly as expected (E01 with tables that
cover the media; libewf still opens the set, gives its size and stored hashes
and checks the two agree); anything else (Ex01, odd layouts) is read through
pyewf. The tests compare both readers byte for byte.
"""

from __future__ import annotations

import os
import struct
import zlib
from dataclasses import dataclass
from types import ModuleType

try:  # Intel ISA-L's inflate (python-isal): about 1.7x zlib's on these chunks
    from isal import isal_zlib

    _inflater: ModuleType = isal_zlib
except ImportError:  # pragma: no cover - isal is a dependency; zlib is the fallback
    _inflater = zlib
_INFLATE_ERRORS: tuple[type[BaseException], ...] = (
    zlib.error,
    getattr(_inflater, "error", zlib.error),
)

_SIGNATURE = b"EVF\x09\x0d\x0a\xff\x00"
_DESCRIPTOR = 76
_TABLE_HEADER = 24


class UnsupportedLayoutError(Exception):
    """The set is not laid out as this reader expects: use pyewf."""


@dataclass(frozen=True, slots=True)
class _Chunk:
    fd: int
    offset: int
    size: int
    compressed: bool


class ChunkReader:
    """An E01 set's media as chunks: ``chunk(index)`` gives one, or raises ChunkError."""

    def __init__(self, fds: list[int], media_size: int) -> None:
        self.chunks: list[_Chunk] = []
        self.chunk_size = 0
        for number, fd in enumerate(fds, start=1):
            self._segment(fd, number)
        if not self.chunk_size or not self.chunks:
            raise UnsupportedLayoutError("no volume or table section")
        if len(self.chunks) * self.chunk_size < media_size:
            raise UnsupportedLayoutError("the tables do not cover the media")
        self.media_size = media_size

    def _segment(self, fd: int, number: int) -> None:
        head = os.pread(fd, 13, 0)
        if len(head) < 13 or not head.startswith(_SIGNATURE):
            raise UnsupportedLayoutError("not an EWF-E01 segment")
        if struct.unpack_from("<H", head, 9)[0] != number:
            raise UnsupportedLayoutError("segments out of order")
        size = os.fstat(fd).st_size
        offset, sectors_end = 13, 0
        pending: list[tuple[int, bool]] = []
        for _ in range(100_000):
            desc = os.pread(fd, _DESCRIPTOR, offset)
            if (
                len(desc) < _DESCRIPTOR
                or zlib.adler32(desc[:72]) != struct.unpack_from("<I", desc, 72)[0]
            ):
                raise UnsupportedLayoutError(f"bad section descriptor at {offset}")
            kind = desc[:16].rstrip(b"\x00")
            following, length = struct.unpack_from("<QQ", desc, 16)
            if kind in (b"volume", b"disk") and not self.chunk_size:
                body = os.pread(fd, 24, offset + _DESCRIPTOR)
                _chunks, per_chunk, per_sector = struct.unpack_from("<4xIII", body)
                self.chunk_size = per_chunk * per_sector
            elif kind == b"sectors":
                sectors_end = offset + length
            elif kind == b"table":
                pending.extend(self._table(fd, offset))
                self._close_table(fd, pending, sectors_end)
                pending = []
            if kind in (b"done", b"next") or following == offset:
                return
            if not offset < following <= size:
                raise UnsupportedLayoutError("section chain leaves the segment")
            offset = following
        raise UnsupportedLayoutError("too many sections")

    def _table(self, fd: int, offset: int) -> list[tuple[int, bool]]:
        header = os.pread(fd, _TABLE_HEADER, offset + _DESCRIPTOR)
        count, base = struct.unpack_from("<I4xQ", header)
        raw = os.pread(fd, 4 * count, offset + _DESCRIPTOR + _TABLE_HEADER)
        if len(raw) != 4 * count:
            raise UnsupportedLayoutError("table cut short")
        entries = struct.unpack(f"<{count}I", raw)
        return [(base + (e & 0x7FFFFFFF), bool(e & 0x80000000)) for e in entries]

    def _close_table(self, fd: int, entries: list[tuple[int, bool]], end: int) -> None:
        for i, (start, compressed) in enumerate(entries):
            stop = entries[i + 1][0] if i + 1 < len(entries) else end
            if stop <= start:
                raise UnsupportedLayoutError("chunk offsets not increasing")
            self.chunks.append(_Chunk(fd, start, stop - start, compressed))

    def chunk(self, index: int) -> bytes:
        """The decompressed chunk ``index``; raises OSError when it is damaged."""
        if not 0 <= index < len(self.chunks):
            return b""
        info = self.chunks[index]
        data = os.pread(info.fd, info.size, info.offset)
        if len(data) < info.size:
            raise OSError(f"chunk {index} is cut short in its segment")
        want = min(self.chunk_size, self.media_size - index * self.chunk_size)
        if info.compressed:
            try:
                out = bytes(_inflater.decompress(data))
            except _INFLATE_ERRORS as exc:
                raise OSError(f"chunk {index} does not inflate: {exc}") from None
        else:
            out, check = data[:-4], data[-4:]
            if _inflater.adler32(out) != struct.unpack("<I", check)[0]:
                raise OSError(f"chunk {index} fails its checksum")
        if len(out) < want:
            raise OSError(f"chunk {index} holds {len(out)} of {want} bytes")
        return out[:want]
