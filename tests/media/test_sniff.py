"""Content typing from leading bytes, extension checks and trailing-data detection.

Every input is generated here (Pillow encoders, hand-built headers, random bytes).
"""

from __future__ import annotations

import io
import struct
import zipfile

import numpy as np
import pytest
from PIL import Image

from triage_app.demo import synthetic
from triage_app.media import sniff

# Minimal but well-formed headers of formats that must never be decoded.
EPS = (
    b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 16 16\n"
    b"newpath 0 0 moveto 16 16 lineto stroke\nshowpage\n%%EOF\n"
)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PSD = b"8BPS\x00\x01" + b"\x00" * 6 + b"\x00\x03" + b"\x00\x00\x00\x04" * 2 + b"\x00\x08\x00\x03"


def _scene(seed: int = 1, size: tuple[int, int] = (64, 48)) -> Image.Image:
    return synthetic.scene(np.random.default_rng(seed), size)


def _encode(img: Image.Image, fmt: str, **kwargs: object) -> bytes:
    out = io.BytesIO()
    img.save(out, fmt, **kwargs)
    return out.getvalue()


def _zip(payload: bytes = b"hidden payload " * 20) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("notes.txt", payload)
    return out.getvalue()


@pytest.mark.parametrize(
    ("fmt", "kwargs", "expected"),
    [
        ("JPEG", {}, "JPEG"),
        ("JPEG", {"progressive": True}, "JPEG"),
        ("PNG", {}, "PNG"),
        ("GIF", {}, "GIF"),
        ("BMP", {}, "BMP"),
        ("WEBP", {}, "WEBP"),
        ("TIFF", {}, "TIFF"),
    ],
)
def test_sniff_recognises_encoder_output(
    fmt: str, kwargs: dict[str, object], expected: str
) -> None:
    found = sniff.sniff(_encode(_scene(), fmt, **kwargs)[: sniff.HEAD_BYTES])
    assert found == sniff.Sniffed(sniff.IMAGE, expected)
    assert found.decodable


@pytest.mark.parametrize(
    ("head", "media_type", "fmt"),
    [
        (EPS, sniff.OTHER, "POSTSCRIPT"),
        (b"\xc5\xd0\xd3\xc6" + b"\x00" * 28, sniff.OTHER, "POSTSCRIPT"),
        (PDF, sniff.OTHER, "PDF"),
        (PSD, sniff.IMAGE, "PSD"),
        (b"", sniff.OTHER, None),
        (b"PK\x03\x04rest", sniff.OTHER, "ZIP"),
    ],
)
def test_sniff_names_formats_that_are_never_decoded(
    head: bytes, media_type: str, fmt: str | None
) -> None:
    found = sniff.sniff(head)
    assert (found.media_type, found.format) == (media_type, fmt)
    assert not found.decodable


def test_random_bytes_are_unrecognised() -> None:
    rng = np.random.default_rng(99)
    for _ in range(200):
        data = b"\x01" + rng.bytes(4095)  # 0x01 starts no known signature
        assert sniff.sniff(data) == sniff.Sniffed(sniff.OTHER, None)


@pytest.mark.parametrize(
    ("name", "fmt", "note"),
    [
        (b"photo.jpg", "PNG", "extension .jpg does not match content (PNG)"),
        (b"PHOTO.JPG", "PNG", "extension .jpg does not match content (PNG)"),
        (b"noise.jpg", None, "extension .jpg does not match content (unrecognised content)"),
        (b"doc.jpg", "PDF", "extension .jpg does not match content (PDF)"),
        (b"caf\xe9.jpeg", "POSTSCRIPT", "extension .jpeg does not match content (POSTSCRIPT)"),
        (b"photo.jpg", "JPEG", None),
        (b"photo.jpg", "MPO", None),
        (b"picture.png", "PNG", None),
        (b"no_extension", "PNG", None),
        (b".hidden", "PNG", None),
        (b"data.unknownext", "PNG", None),
    ],
)
def test_extension_mismatch(name: bytes, fmt: str | None, note: str | None) -> None:
    media = sniff.IMAGE if fmt in sniff.DECODABLE else sniff.OTHER
    assert sniff.extension_mismatch(name, sniff.Sniffed(media, fmt)) == note


@pytest.mark.parametrize(
    ("fmt", "kwargs"),
    [
        ("JPEG", {}),
        ("JPEG", {"progressive": True}),
        ("JPEG", {"restart_marker_blocks": 1}),
        ("JPEG", {"exif": Image.Exif().tobytes()}),
        ("PNG", {}),
    ],
)
def test_end_of_stream_is_found_exactly(fmt: str, kwargs: dict[str, object]) -> None:
    data = _encode(_scene(3, (97, 61)), fmt, **kwargs)
    end = sniff.jpeg_end(data) if fmt == "JPEG" else sniff.png_end(data)
    assert end == len(data)
    assert sniff.trailing_data_note(data, fmt) is None


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_zip_appended_is_noted(fmt: str) -> None:
    image = _encode(_scene(4), fmt)
    archive = _zip()
    note = sniff.trailing_data_note(image + archive, fmt)
    assert note == f"trailing data after end of image: {len(archive)} bytes (ZIP archive)"


def test_unlabelled_trailing_data_is_noted_and_zero_padding_is_not() -> None:
    image = _encode(_scene(5), "JPEG")
    assert sniff.trailing_data_note(image + b"\x00" * 512, "JPEG") is None
    assert sniff.trailing_data_note(image + b"hello", "JPEG") == (
        "trailing data after end of image: 5 bytes"
    )
    # A ZIP found a little way into the tail is still named.
    note = sniff.trailing_data_note(image + b"junk" + _zip(), "JPEG")
    assert note is not None and note.endswith("(ZIP archive)")


def test_truncated_streams_have_no_end_and_no_note() -> None:
    jpeg = _encode(_scene(6), "JPEG")
    png = _encode(_scene(6), "PNG")
    assert sniff.jpeg_end(jpeg[: len(jpeg) // 2]) is None
    assert sniff.png_end(png[: len(png) // 2]) is None
    assert sniff.trailing_data_note(jpeg[: len(jpeg) // 2], "JPEG") is None
    assert sniff.trailing_data_note(png[: len(png) // 2], "PNG") is None


def _ftyp(major: bytes, *compatible: bytes) -> bytes:
    body = major + b"\x00\x00\x00\x00" + b"".join(compatible)
    return struct.pack(">I", 8 + len(body)) + b"ftyp" + body + b"\x00\x00\x00\x08meta"


@pytest.mark.parametrize(
    ("head", "fmt"),
    [
        *[(_ftyp(brand, b"mif1"), "HEIF") for brand in (b"heic", b"heix", b"hevc", b"heim")],
        *[(_ftyp(brand, b"msf1"), "HEIF") for brand in (b"heis", b"hevx")],
        (_ftyp(b"avif", b"avif", b"mif1", b"miaf"), "AVIF"),
        (_ftyp(b"avis", b"avis", b"msf1"), "AVIF"),
        # mif1/msf1 only say "image file format": the compatible brands name the codec.
        (_ftyp(b"mif1", b"mif1", b"heic"), "HEIF"),
        (_ftyp(b"mif1", b"avif", b"mif1", b"miaf"), "AVIF"),
        (_ftyp(b"msf1", b"msf1", b"avis"), "AVIF"),
        (_ftyp(b"mif1"), "HEIF"),
        (_ftyp(b"mif1", b"avif", b"heic"), "HEIF"),
        (_ftyp(b"msf1", b"hevc"), "HEIF"),
    ],
)
def test_heif_and_avif_are_told_apart_by_their_brands(head: bytes, fmt: str) -> None:
    found = sniff.sniff(head)
    assert found == sniff.Sniffed(sniff.IMAGE, fmt)
    assert found.decodable


def test_a_compatible_avif_brand_outside_the_ftyp_box_does_not_count() -> None:
    head = _ftyp(b"mif1", b"mif1")
    assert b"avif" not in head
    assert sniff.sniff(head + b"avif" * 4).format == "HEIF"


@pytest.mark.parametrize(
    ("head", "fmt"), [(_ftyp(b"isom", b"avc1"), "MP4"), (_ftyp(b"qt  "), "MP4")]
)
def test_other_iso_brands_stay_video(head: bytes, fmt: str) -> None:
    assert sniff.sniff(head) == sniff.Sniffed(sniff.VIDEO, fmt)
