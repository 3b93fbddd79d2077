"""Media type from content: magic numbers, extension checks and trailing data.

The extension of a seized file says what somebody wanted it to look like; the
bytes say what it is. Everything here works on bytes already read and never
opens a file.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass

IMAGE = "image"
VIDEO = "video"
OTHER = "other"

#: Formats handed to Pillow. Everything else is hashed and never decoded.
DECODABLE = frozenset({"JPEG", "MPO", "PNG", "GIF", "BMP", "WEBP", "TIFF", "AVIF", "HEIF"})

#: Documents that viewers show as pictures (and that Pillow, through Ghostscript, could be
#: asked to render). They are never decoded, but recorded as "format not decoded" like an
#: image that is not on the allow-list, not silently filed as "other".
RENDERED_DOCUMENTS = frozenset({"POSTSCRIPT", "PDF"})

#: How many leading bytes ``sniff`` needs.
HEAD_BYTES = 4096


@dataclass(frozen=True, slots=True)
class Sniffed:
    """What the leading bytes of a file say it is."""

    media_type: str
    format: str | None

    @property
    def decodable(self) -> bool:
        """True when the format is on the decode allow-list."""
        return self.format in DECODABLE


_ISO_IMAGE_BRANDS = {
    b"heic": "HEIF",
    b"heix": "HEIF",
    b"hevc": "HEIF",
    b"hevx": "HEIF",
    b"heim": "HEIF",
    b"heis": "HEIF",
    b"mif1": "HEIF",
    b"msf1": "HEIF",
    b"avif": "AVIF",
    b"avis": "AVIF",
}
#: Structural brands that HEIF (HEVC) and AVIF files share: the compatible brands decide.
_ISO_CONTAINER_BRANDS = {b"mif1", b"msf1"}
_ISO_AUDIO_BRANDS = {b"M4A ", b"M4B ", b"M4P "}


def _iso_image_format(head: bytes) -> str | None:
    """HEIF or AVIF from an ``ftyp`` box (major brand, then compatible brands), else None.

    A major brand of ``mif1``/``msf1`` only says "image file format": the compatible
    brands say which codec (``heic``... for HEVC, ``avif``/``avis`` for AV1).
    """
    found = _ISO_IMAGE_BRANDS.get(head[8:12])
    if found is None or head[8:12] not in _ISO_CONTAINER_BRANDS:
        return found
    (size,) = struct.unpack_from(">I", head, 0)
    end = min(len(head), size if size >= 16 else 16)
    compatible = [head[i : i + 4] for i in range(16, end - 3, 4)]
    codecs = {
        _ISO_IMAGE_BRANDS[b]
        for b in compatible
        if b in _ISO_IMAGE_BRANDS and b not in _ISO_CONTAINER_BRANDS
    }
    return "AVIF" if codecs == {"AVIF"} else "HEIF"


_SIMPLE: list[tuple[bytes, str, str]] = [
    (b"\x89PNG\r\n\x1a\n", IMAGE, "PNG"),
    (b"GIF87a", IMAGE, "GIF"),
    (b"GIF89a", IMAGE, "GIF"),
    (b"II*\x00", IMAGE, "TIFF"),
    (b"MM\x00*", IMAGE, "TIFF"),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", IMAGE, "JPEG2000"),
    (b"\xff\x4f\xff\x51", IMAGE, "JPEG2000"),
    (b"8BPS", IMAGE, "PSD"),
    (b"\x00\x00\x01\x00", IMAGE, "ICO"),
    (b"SIMPLE  =", IMAGE, "FITS"),
    (b"\x1a\x45\xdf\xa3", VIDEO, "MATROSKA"),
    (b"FLV\x01", VIDEO, "FLV"),
    (b"\x30\x26\xb2\x75\x8e\x66\xcf\x11", VIDEO, "ASF"),
    (b"\x00\x00\x01\xba", VIDEO, "MPEG-PS"),
    (b"\x00\x00\x01\xb3", VIDEO, "MPEG"),
    (b"%PDF", OTHER, "PDF"),
    (b"%!PS", OTHER, "POSTSCRIPT"),
    (b"\xc5\xd0\xd3\xc6", OTHER, "POSTSCRIPT"),
    (b"PK\x03\x04", OTHER, "ZIP"),
    (b"PK\x05\x06", OTHER, "ZIP"),
    (b"Rar!\x1a\x07", OTHER, "RAR"),
    (b"7z\xbc\xaf\x27\x1c", OTHER, "7Z"),
    (b"\x1f\x8b", OTHER, "GZIP"),
    (b"SQLite format 3\x00", OTHER, "SQLITE"),
    (b"\x7fELF", OTHER, "ELF"),
    (b"MZ", OTHER, "PE"),
    (b"ID3", OTHER, "MP3"),
    (b"OggS", OTHER, "OGG"),
    (b"fLaC", OTHER, "FLAC"),
]


def sniff(head: bytes) -> Sniffed:
    """Classify a file by its first bytes (``HEAD_BYTES`` are enough)."""
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed(IMAGE, "JPEG")
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        image_format = _iso_image_format(head)
        if image_format is not None:
            return Sniffed(IMAGE, image_format)
        if brand in _ISO_AUDIO_BRANDS:
            return Sniffed(OTHER, "MP4-AUDIO")
        return Sniffed(VIDEO, "MP4")
    if head.startswith(b"RIFF") and len(head) >= 12:
        kind = head[8:12]
        if kind == b"WEBP":
            return Sniffed(IMAGE, "WEBP")
        if kind == b"AVI ":
            return Sniffed(VIDEO, "AVI")
        if kind == b"WAVE":
            return Sniffed(OTHER, "WAV")
        return Sniffed(OTHER, "RIFF")
    if head.startswith(b"BM") and len(head) >= 18:
        (header_size,) = struct.unpack_from("<I", head, 14)
        if header_size in (12, 16, 40, 52, 56, 64, 108, 124):
            return Sniffed(IMAGE, "BMP")
    for magic, media_type, fmt in _SIMPLE:
        if head.startswith(magic):
            return Sniffed(media_type, fmt)
    if len(head) > 376 and head[0] == 0x47 and head[188] == 0x47 and head[376] == 0x47:
        return Sniffed(VIDEO, "MPEG-TS")
    return Sniffed(OTHER, None)


_EXTENSIONS: dict[str, set[str]] = {
    "jpg": {"JPEG", "MPO"},
    "jpeg": {"JPEG", "MPO"},
    "jpe": {"JPEG", "MPO"},
    "jfif": {"JPEG"},
    "png": {"PNG"},
    "gif": {"GIF"},
    "bmp": {"BMP"},
    "dib": {"BMP"},
    "webp": {"WEBP"},
    "tif": {"TIFF"},
    "tiff": {"TIFF"},
    "heic": {"HEIF"},
    "heif": {"HEIF"},
    "avif": {"AVIF"},
    "psd": {"PSD"},
    "ico": {"ICO"},
    "jp2": {"JPEG2000"},
    "mp4": {"MP4"},
    "m4v": {"MP4"},
    "mov": {"MP4"},
    "3gp": {"MP4"},
    "3g2": {"MP4"},
    "mkv": {"MATROSKA"},
    "webm": {"MATROSKA"},
    "avi": {"AVI"},
    "flv": {"FLV"},
    "wmv": {"ASF"},
    "asf": {"ASF"},
    "mpg": {"MPEG-PS", "MPEG"},
    "mpeg": {"MPEG-PS", "MPEG"},
    "vob": {"MPEG-PS"},
    "ts": {"MPEG-TS"},
    "mts": {"MPEG-TS"},
    "m2ts": {"MPEG-TS"},
    "pdf": {"PDF"},
    "eps": {"POSTSCRIPT"},
    "ps": {"POSTSCRIPT"},
    "zip": {"ZIP"},
}


def extension_mismatch(name: bytes, sniffed: Sniffed) -> str | None:
    """Return a note when a known extension disagrees with the content, else None."""
    dot = name.rfind(b".")
    if dot <= 0:
        return None
    ext = name[dot + 1 :].decode("ascii", "replace").lower()
    expected = _EXTENSIONS.get(ext)
    if expected is None or sniffed.format in expected:
        return None
    found = sniffed.format or "unrecognised content"
    return f"extension .{ext} does not match content ({found})"


_JPEG_NEXT_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")


def jpeg_end(data: bytes) -> int | None:
    """Return the offset just past a JPEG's EOI marker, or None if it has none."""
    n = len(data)
    if not data.startswith(b"\xff\xd8"):
        return None
    i = 2
    while i + 1 < n:
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:
            i += 1
            continue
        if marker == 0xD9:
            return i + 2
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            i += 2
            continue
        if i + 4 > n:
            return None
        (length,) = struct.unpack_from(">H", data, i + 2)
        i += 2 + length
        if marker == 0xDA:
            found = _JPEG_NEXT_MARKER.search(data, i)
            if found is None:
                return None
            i = found.start()
    return None


def png_end(data: bytes) -> int | None:
    """Return the offset just past a PNG's IEND chunk, or None if it has none."""
    i = 8
    n = len(data)
    while i + 8 <= n:
        (length,) = struct.unpack_from(">I", data, i)
        kind = data[i + 4 : i + 8]
        i += 12 + length
        if kind == b"IEND":
            return i if i <= n else None
    return None


_TRAILER_SIGNATURES = [
    (b"PK\x03\x04", "ZIP archive"),
    (b"Rar!", "RAR archive"),
    (b"7z\xbc\xaf", "7-Zip archive"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"\x89PNG", "PNG image"),
    (b"%PDF", "PDF document"),
]


def image_end(data: bytes, fmt: str | None) -> int | None:
    """Return the offset just past the image stream of a JPEG/MPO or PNG, else None."""
    if fmt in ("JPEG", "MPO"):
        return jpeg_end(data)
    if fmt == "PNG":
        return png_end(data)
    return None


def describe_trailing(tail_head: bytes, length: int) -> str:
    """Word the note for ``length`` bytes of trailing data starting with ``tail_head``
    (the first 4096 bytes of the tail are enough)."""
    kind = next(
        (label for magic, label in _TRAILER_SIGNATURES if tail_head.startswith(magic)), None
    )
    if kind is None and b"PK\x03\x04" in tail_head[:4096]:
        kind = "ZIP archive"
    what = f" ({kind})" if kind else ""
    return f"trailing data after end of image: {length} bytes{what}"


def trailing_data_note(data: bytes, fmt: str | None) -> str | None:
    """Describe data after the end of a JPEG or PNG stream, if there is any."""
    end = image_end(data, fmt)
    if end is None or end >= len(data):
        return None
    tail = data[end:]
    if not tail.strip(b"\x00"):
        return None
    return describe_trailing(tail[:4096], len(tail))
