"""Damage that Pillow decodes through without complaint, found by walking the file.

A PNG whose pixel data (or a later chunk) fails its CRC, a GIF cut short
between frames, a HEIF or AVIF cut short inside its last box: all decode as if
nothing were wrong. Each check streams the
file in bounded blocks.
"""

from __future__ import annotations

import struct
import zlib
from typing import IO


def _png_crc_error(fp: IO[bytes]) -> str | None:
    """Name the first PNG chunk whose stored CRC does not match its contents.

    Pillow checks the CRCs of the chunks before the image data only; damaged pixel
    data (IDAT) or later chunks would otherwise decode as if nothing were wrong.
    Streams the file in bounded blocks; a file that simply ends early is left to the
    decoder to report as truncated.
    """
    fp.seek(8)
    offset = 8
    while True:
        header = fp.read(8)
        if len(header) < 8:
            return None
        length, kind = struct.unpack(">I4s", header)
        crc = zlib.crc32(kind)
        remaining = length
        while remaining:
            block = fp.read(min(remaining, 1 << 20))
            if not block:
                return None
            crc = zlib.crc32(block, crc)
            remaining -= len(block)
        stored = fp.read(4)
        if len(stored) < 4:
            return None
        if struct.unpack(">I", stored)[0] != crc:
            return f"PNG chunk {kind.decode('latin-1')!r} at offset {offset} fails its CRC check"
        if kind == b"IEND":
            return None
        offset += 12 + length


def _skip_gif_sub_blocks(fp: IO[bytes]) -> bool:
    """Skip a GIF data sub-block chain; False if the file ends inside it."""
    while True:
        size = fp.read(1)
        if not size:
            return False
        if size[0] == 0:
            return True
        if len(fp.read(size[0])) < size[0]:
            return False


def _gif_truncation(fp: IO[bytes]) -> str | None:
    """Say whether a GIF's block structure ends before its trailer (a file cut short).

    Pillow treats a GIF that stops between or inside frames as complete; walking the
    blocks (a few bytes at a time, bounded memory) tells the two apart.
    """
    fp.seek(0)
    header = fp.read(13)
    if len(header) < 13:
        return None  # too short to be identified: the decoder reports it
    frames = 0
    cut = "the GIF ends before its trailer (after {} complete frames): the file is truncated"
    table = 3 * (2 << (header[10] & 7)) if header[10] & 0x80 else 0
    if len(fp.read(table)) < table:
        return cut.format(frames)
    while True:
        block = fp.read(1)
        if block == b";":
            return None
        if block == b"!":
            if not fp.read(1) or not _skip_gif_sub_blocks(fp):
                return cut.format(frames)
        elif block == b",":
            descriptor = fp.read(9)
            if len(descriptor) < 9:
                return cut.format(frames)
            flags = descriptor[8]
            table = 3 * (2 << (flags & 7)) if flags & 0x80 else 0
            if len(fp.read(table)) < table or not fp.read(1) or not _skip_gif_sub_blocks(fp):
                return cut.format(frames)
            frames += 1
        elif not block:
            return cut.format(frames)
        else:
            return None  # not a block we know: leave the verdict to the decoder


def _isobmff_truncation(fp: IO[bytes]) -> str | None:
    """Say whether a HEIF/AVIF file ends inside one of its top-level boxes.

    The HEVC and AV1 decoders conceal a coded picture cut short at the end of the
    ``mdat`` box and decode it as if it were whole; the box sizes tell.
    """
    end = fp.seek(0, 2)
    offset = 0
    while offset + 8 <= end:
        fp.seek(offset)
        header = fp.read(16)
        length, kind = struct.unpack_from(">I4s", header)
        if length == 1 and len(header) == 16:
            (length,) = struct.unpack_from(">Q", header, 8)
        if length == 0:
            return None  # the box runs to the end of the file
        if length < 8 or not all(0x20 <= c < 0x7F for c in kind):
            return None  # not a box structure we know: leave the verdict to the decoder
        if offset + length > end:
            name = kind.decode("ascii", "replace")
            return (
                f"the file ends inside its '{name}' box ({end - offset} of {length} bytes): "
                "the file is truncated"
            )
        offset += length
    return None


def stream_damage(fp: IO[bytes], sniffed_format: str) -> str | None:
    """Damage that Pillow decodes through without complaint: a bad PNG chunk CRC, a GIF
    cut off between frames, a HEIF/AVIF cut inside a box. Leaves ``fp`` at the start."""
    damage = None
    if sniffed_format == "PNG":
        damage = _png_crc_error(fp)
    elif sniffed_format == "GIF":
        damage = _gif_truncation(fp)
    elif sniffed_format in ("HEIF", "AVIF"):
        damage = _isobmff_truncation(fp)
    fp.seek(0)
    return damage
