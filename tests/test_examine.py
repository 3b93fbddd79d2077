"""``examine()`` on real files: byte hashes, content typing, safe decoding, files that change.

Every input is generated here (Pillow, numpy, raw bytes) and written to a real
file; nothing is mocked. Rows of the "Bad inputs and faults" table in
docs/reliability.md are named in the test docstrings.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import struct
import subprocess
import sys
import threading
import time
import zipfile
import zlib
from pathlib import Path
from typing import Any

import imagehash
import numpy as np
import pytest
from PIL import Image, PngImagePlugin

from triage_app.demo import synthetic
from triage_app.domain.records import STATUS_FAILED, STATUS_HASHED, FileRecord
from triage_app.evidence.folder import FILE, Walker
from triage_app.ingest.digests import Digests, digest_bytes, digest_chunks
from triage_app.ingest.examine import examine
from triage_app.ingest.tasks import KEEP_LIMIT, ExamineTask
from triage_app.media import image_decode

MIB = 1 << 20

# ---------------------------------------------------------------------------- helpers


def put(folder: Path, name: str | bytes, data: bytes, **task: int) -> ExamineTask:
    """Write ``data`` to ``folder/name`` and return the task that examines it."""
    rel = name if isinstance(name, bytes) else os.fsencode(name)
    with open(os.fsencode(folder) + b"/" + rel, "wb") as handle:
        handle.write(data)
    return ExamineTask(os.fsencode(folder), rel, **task)


def run(folder: Path, name: str | bytes, data: bytes, **task: int) -> FileRecord:
    """Write a file and examine it."""
    return examine(put(folder, name, data, **task))


def distance(a: str | None, b: str | None) -> int:
    """Hamming distance between two hex perceptual hashes."""
    assert a is not None and b is not None
    return int(imagehash.hex_to_hash(a) - imagehash.hex_to_hash(b))


def scene(seed: int = 1, size: tuple[int, int] = (320, 240)) -> Image.Image:
    return synthetic.scene(np.random.default_rng(seed), size)


def encode(img: Image.Image, fmt: str, **kwargs: object) -> bytes:
    out = io.BytesIO()
    img.save(out, fmt, **kwargs)
    return out.getvalue()


def assert_hashes_of(record: FileRecord, data: bytes) -> None:
    """The record carries the byte hashes of exactly ``data``."""
    assert record.status == STATUS_HASHED, record.reason
    assert record.size == len(data)
    assert record.md5 == hashlib.md5(data).hexdigest()
    assert record.sha1 == hashlib.sha1(data).hexdigest()
    assert record.sha256 == hashlib.sha256(data).hexdigest()


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_ihdr(width: int, height: int, depth: int = 8, colour: int = 2) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header)


def png_chunk_offsets(data: bytes) -> dict[bytes, tuple[int, int]]:
    """First offset and length of each chunk type of a PNG."""
    found: dict[bytes, tuple[int, int]] = {}
    i = 8
    while i + 8 <= len(data):
        (length,) = struct.unpack_from(">I", data, i)
        found.setdefault(data[i + 4 : i + 8], (i, length))
        i += 12 + length
    return found


def zip_bytes(payload: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("hidden.txt", payload)
    return out.getvalue()


_EXAMINE_IN_CHILD = """
import json, re, sys
from pathlib import Path
from triage_app.ingest.examine import examine
from triage_app.ingest.tasks import ExamineTask

def peak_kib():  # VmHWM: the peak resident set size, which clear_refs=5 resets
    return int(re.search(r"VmHWM:\\s+(\\d+)", Path("/proc/self/status").read_text()).group(1))

out = {}
for name in sys.argv[2:]:
    Path("/proc/self/clear_refs").write_text("5")
    start = peak_kib()
    record = examine(ExamineTask(sys.argv[1].encode(), name.encode()))
    out[name] = {"growth_kib": peak_kib() - start, "status": record.status,
                 "decode_status": record.decode_status, "size": record.size,
                 "sha256": record.sha256}
    del record
print(json.dumps(out))
"""


def examine_in_child(folder: Path, names: list[str]) -> dict[str, dict[str, Any]]:
    """examine() each file in a fresh interpreter; report how far each one raised the
    process's peak resident memory above what it was using just before."""
    return json.loads(child_python(_EXAMINE_IN_CHILD, str(folder), *names, timeout=600))  # type: ignore[no-any-return]


def child_python(script: str, *args: str, timeout: float = 120) -> str:
    """Run ``script`` in a fresh interpreter (own memory accounting); return stdout."""
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


# ---------------------------------------------------------------------------- hashes

# Published reference vectors: RFC 1321 (MD5), FIPS 180-2 appendix examples (SHA-1, SHA-256).
VECTORS = [
    (
        b"",
        "d41d8cd98f00b204e9800998ecf8427e",
        "da39a3ee5e6b4b0d3255bfef95601890afd80709",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    ),
    (
        b"abc",
        "900150983cd24fb0d6963f7d28e17f72",
        "a9993e364706816aba3e25717850c26c9cd0d89d",
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    ),
    (
        b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
        "8215ef0796a20bcaaae116d3876c664a",
        "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    ),
    (
        b"a" * 1_000_000,
        "7707d6ae4e027c70eea2a935c2296f21",
        "34aa973cd4c4daa4f61eeb2bdbad27316534016f",
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
    ),
]


@pytest.mark.parametrize(("data", "md5", "sha1", "sha256"), VECTORS, ids=lambda v: str(v)[:12])
def test_reference_vectors(tmp_path: Path, data: bytes, md5: str, sha1: str, sha256: str) -> None:
    """Hashes are right: published vectors, in one piece, in odd chunks and from a file."""
    expected = Digests(md5, sha1, sha256, len(data))
    assert digest_bytes(data) == expected
    pieces = [data[i : i + 7919] for i in range(0, len(data), 7919)]
    assert digest_chunks(pieces) == expected
    record = run(tmp_path, "vector.bin", data)
    assert (record.md5, record.sha1, record.sha256, record.size) == (md5, sha1, sha256, len(data))


def test_hashes_agree_with_hashlib_and_coreutils(tmp_path: Path) -> None:
    """Hashes are right: around the 1 MiB read-chunk boundaries, against md5sum & co."""
    rng = np.random.default_rng(11)
    sizes = [0, 1, 55, 56, 64, MIB - 1, MIB, MIB + 1, 3 * MIB + 7]
    records: dict[str, FileRecord] = {}
    for size in sizes:
        name = f"f{size}.bin"
        data = rng.bytes(size)
        records[name] = rec = run(tmp_path, name, data)
        assert_hashes_of(rec, data)
    for tool, field in (("md5sum", "md5"), ("sha1sum", "sha1"), ("sha256sum", "sha256")):
        exe = shutil.which(tool)
        assert exe is not None, f"coreutils {tool} is needed for this test"
        out = subprocess.run(
            [exe, "--", *records], cwd=tmp_path, capture_output=True, text=True, check=True
        ).stdout
        listed = dict(reversed(line.split(maxsplit=1)) for line in out.splitlines())
        assert listed.keys() == records.keys()
        for name, rec in records.items():
            assert listed[name] == getattr(rec, field), (tool, name)


def test_zero_byte_file(tmp_path: Path) -> None:
    """zero-byte file: hashed (d41d8.../e3b0...), "not an image", listed."""
    record = run(tmp_path, "empty.jpg", b"")
    assert record.status == STATUS_HASHED
    assert record.size == 0
    assert record.md5 == "d41d8cd98f00b204e9800998ecf8427e"
    assert record.sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert record.reason is not None and "not an image" in record.reason
    assert record.phash is None and record.width is None
    assert record.path == b"empty.jpg"


# ---------------------------------------------------------------------------- content typing


def test_png_named_jpg_is_typed_by_content(tmp_path: Path) -> None:
    """PNG named .jpg: type decided by content; mismatch noted; still hashed."""
    data = synthetic.png_bytes(scene(2))
    record = run(tmp_path, "holiday.jpg", data)
    assert_hashes_of(record, data)
    assert (record.media_type, record.format) == ("image", "PNG")
    assert "extension .jpg does not match content (PNG)" in record.notes
    assert record.decode_status == image_decode.DECODED
    assert record.phash is not None


def test_random_bytes_named_jpg(tmp_path: Path) -> None:
    """random bytes named .jpg: type decided by content; mismatch noted; still hashed."""
    data = b"\x01" + np.random.default_rng(3).bytes(50_000)
    record = run(tmp_path, "noise.jpg", data)
    assert_hashes_of(record, data)
    assert (record.media_type, record.format) == ("other", None)
    assert "extension .jpg does not match content (unrecognised content)" in record.notes
    assert record.phash is None and record.decode_status is None


@pytest.mark.parametrize("keep_limit", [KEEP_LIMIT, 4096], ids=["in-memory", "streamed"])
def test_jpeg_with_zip_appended(tmp_path: Path, keep_limit: int) -> None:
    """JPEG with a ZIP appended: whole file hashed; trailing data noted (also when the
    file is too big to keep in memory and is streamed)."""
    jpeg = synthetic.jpeg_bytes(scene(4))
    archive = zip_bytes(np.random.default_rng(4).bytes(20_000))
    data = jpeg + archive
    record = run(tmp_path, "cover.jpg", data, keep_limit=keep_limit)
    assert_hashes_of(record, data)
    assert f"trailing data after end of image: {len(archive)} bytes (ZIP archive)" in record.notes
    plain = run(tmp_path, "plain.jpg", jpeg)
    assert record.decode_status == plain.decode_status == image_decode.DECODED
    assert record.phash == plain.phash
    assert not [n for n in plain.notes if "trailing" in n]


# ---------------------------------------------------------------------------- damaged files


def test_truncated_jpeg(tmp_path: Path) -> None:
    """truncated JPEG: byte hashes present; decode failure recorded; hash marked partial."""
    jpeg = synthetic.jpeg_bytes(scene(5))
    cut = jpeg[: len(jpeg) // 2]
    record = run(tmp_path, "cut.jpg", cut)
    assert_hashes_of(record, cut)
    assert record.decode_status == image_decode.PARTIAL
    assert record.reason is not None and "truncated" in record.reason

    header_only = jpeg[:300]
    record = run(tmp_path, "header.jpg", header_only)
    assert_hashes_of(record, header_only)
    assert record.decode_status == image_decode.FAILED
    assert record.reason and record.phash is None


def test_truncated_png(tmp_path: Path) -> None:
    """truncated PNG: hashes present; the decode is marked partial, never plain 'decoded'."""
    png = synthetic.png_bytes(scene(6))
    cut = png[: len(png) // 2]
    record = run(tmp_path, "cut.png", cut)
    assert_hashes_of(record, cut)
    assert record.decode_status == image_decode.PARTIAL
    assert record.reason is not None


@pytest.mark.parametrize("chunk", [b"IHDR", b"IDAT", b"IEND"])
def test_png_with_bad_crc(tmp_path: Path, chunk: bytes) -> None:
    """PNG with a bad CRC: byte hashes present; decode failure recorded; no perceptual
    hash, or one marked partial."""
    png = bytearray(synthetic.png_bytes(scene(7)))
    offset, length = png_chunk_offsets(bytes(png))[chunk]
    png[offset + 8 + length] ^= 0xFF  # first byte of the chunk's CRC
    data = bytes(png)
    record = run(tmp_path, f"bad-{chunk.decode()}.png", data)
    assert_hashes_of(record, data)
    assert record.decode_status in (image_decode.FAILED, image_decode.PARTIAL)
    assert record.reason is not None and "CRC" in record.reason
    if record.decode_status == image_decode.FAILED:
        assert record.phash is None


# ---------------------------------------------------------------------------- never decoded

PSD = (
    b"8BPS"
    + struct.pack(">H6xHIIHH", 1, 3, 4, 4, 8, 3)
    + struct.pack(">IIIH", 0, 0, 0, 0)
    + bytes([200]) * 16
    + bytes([50]) * 16
    + bytes([10]) * 16
)
EPS = (
    b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 16 16\n"
    b"newpath 0 0 moveto 16 16 lineto stroke\nshowpage\n%%EOF\n"
)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_psd_is_a_real_psd_that_pillow_could_decode() -> None:
    """Control for the next test: Pillow would decode this PSD if it were asked to."""
    with Image.open(io.BytesIO(PSD)) as img:
        img.load()
        assert (img.format, img.size, img.getpixel((0, 0))) == ("PSD", (4, 4), (200, 50, 10))


@pytest.mark.parametrize(("data", "fmt"), [(EPS, "POSTSCRIPT"), (PDF, "PDF"), (PSD, "PSD")])
def test_eps_pdf_psd_named_jpg_are_never_decoded(tmp_path: Path, data: bytes, fmt: str) -> None:
    """EPS/PDF/PSD named .jpg: never decoded (the no-child-process half is proved with a
    fake Ghostscript in test_ingest_reliability.py)."""
    record = run(tmp_path, "picture.jpg", data)
    assert_hashes_of(record, data)
    assert record.format == fmt
    assert record.decode_status == image_decode.NOT_DECODED
    assert record.reason is not None and "format not decoded" in record.reason
    assert f"extension .jpg does not match content ({fmt})" in record.notes
    assert record.phash is None and record.width is None and record.thumbnail is None


# ---------------------------------------------------------------------------- bombs


def huge_png_header() -> bytes:
    """A 69-byte PNG claiming 50,000 x 50,000 pixels."""
    idat = png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
    return png_ihdr(50_000, 50_000) + idat + png_chunk(b"IEND", b"")


def hundred_megapixel_png() -> bytes:
    """A real, valid 10,000 x 10,000 single-colour RGB PNG (~300 KB), streamed row by row."""
    packer = zlib.compressobj(9)
    row = b"\x00" + b"\x20\x60\xa0" * 10_000
    body = b"".join(packer.compress(row) for _ in range(10_000)) + packer.flush()
    return png_ihdr(10_000, 10_000) + png_chunk(b"IDAT", body) + png_chunk(b"IEND", b"")


def text_bomb_png(where: str) -> bytes:
    """A 16x16 PNG with a zTXt chunk inflating to 4 x MAX_TEXT_CHUNK, before or after IDAT;
    or ('many') 80 chunks each under the limit that together exceed MAX_TEXT_MEMORY."""
    small = synthetic.png_bytes(Image.new("RGB", (16, 16), (10, 200, 30)))
    limit = PngImagePlugin.MAX_TEXT_CHUNK
    if where == "many":
        one = zlib.compress(b"B" * (limit - 100), 9)
        bomb = png_chunk(b"zTXt", b"c\x00\x00" + one) * (
            PngImagePlugin.MAX_TEXT_MEMORY // (limit - 100) + 16
        )
    else:
        bomb = png_chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(b"A" * 4 * limit, 9))
    offsets = png_chunk_offsets(small)
    at = offsets[b"IDAT"][0] if where in ("before", "many") else offsets[b"IEND"][0]
    return small[:at] + bomb + small[at:]


BOMBS = {
    "header-50000x50000.png": huge_png_header,
    "100-megapixel.png": hundred_megapixel_png,
    "ztxt-before-idat.png": lambda: text_bomb_png("before"),
    "ztxt-after-idat.png": lambda: text_bomb_png("after"),
    "ztxt-many.png": lambda: text_bomb_png("many"),
}


def test_bomb_files_are_what_they_claim() -> None:
    """Controls: the bombs are well-formed (right dimensions, text really over the limit)."""
    assert len(huge_png_header()) < 100
    big = hundred_megapixel_png()
    assert len(big) < 1_000_000
    assert struct.unpack_from(">II", big, 16) == (10_000, 10_000)
    offset, length = png_chunk_offsets(big)[b"IDAT"]
    inflater, inflated = zlib.decompressobj(), 0  # the pixel data really is all there
    pending = big[offset + 8 : offset + 8 + length]
    while pending:
        inflated += len(inflater.decompress(pending, 16 * MIB))
        pending = inflater.unconsumed_tail
    assert inflated == 10_000 * (1 + 3 * 10_000)
    data = text_bomb_png("before")
    offset, length = png_chunk_offsets(data)[b"zTXt"]
    body = data[offset + 8 : offset + 8 + length]
    inflated = zlib.decompress(body[body.index(b"\x00") + 2 :])
    assert len(inflated) > PngImagePlugin.MAX_TEXT_CHUNK


@pytest.mark.parametrize("name", list(BOMBS))
def test_bombs_are_rejected_and_recorded(tmp_path: Path, name: str) -> None:
    """50,000 x 50,000 header; 100-megapixel image; text-chunk bomb: rejected, recorded."""
    data = BOMBS[name]()
    record = run(tmp_path, name, data)
    assert_hashes_of(record, data)
    assert record.decode_status == image_decode.FAILED
    assert record.reason is not None
    assert record.reason.startswith("rejected as a decompression bomb"), record.reason
    assert record.phash is None and record.thumbnail is None


def control_png(side: int = 3000) -> bytes:
    """A valid single-colour RGB PNG that is safe to decode: ~36 MB of pixels in Pillow."""
    packer = zlib.compressobj(9)
    row = b"\x00" + b"\x50\x90\xd0" * side
    body = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    return png_ihdr(side, side) + png_chunk(b"IDAT", body) + png_chunk(b"IEND", b"")


def test_bombs_keep_memory_flat(tmp_path: Path) -> None:
    """Rejecting the bombs costs no memory: the peak RSS of a fresh process examining them
    grows by far less than decoding even the 100-megapixel one would take (~400 MB); the
    same probe does see a legitimate 9-megapixel decode (~36 MB)."""
    for name, make in BOMBS.items():
        (tmp_path / name).write_bytes(make())
    (tmp_path / "control.png").write_bytes(control_png())
    steps = examine_in_child(tmp_path, [*BOMBS, "control.png"])
    for name in BOMBS:
        assert steps[name]["decode_status"] == image_decode.FAILED, steps[name]
        assert steps[name]["growth_kib"] < 16 * 1024, steps
    assert steps["control.png"]["decode_status"] == image_decode.DECODED
    assert steps["control.png"]["growth_kib"] > 24 * 1024, steps  # the probe works


# ---------------------------------------------------------------------------- frames


def many_frame_gif(frames: int) -> bytes:
    """An animated GIF of tiny frames that all differ (so Pillow keeps every one)."""
    images = []
    for k in range(frames):
        pixels = np.zeros((4, 4), np.uint8)
        pixels.flat[k % 16] = 1 + k % 200
        pixels[0, 0] = k % 256
        images.append(Image.fromarray(pixels, "L"))
    return encode(images[0], "GIF", save_all=True, append_images=images[1:], duration=20)


def test_gif_with_10000_frames(tmp_path: Path) -> None:
    """GIF with 10,000 frames: bounded time; frame cap honoured and recorded."""
    data = many_frame_gif(10_000)
    with Image.open(io.BytesIO(data)) as img:  # control: all 10,000 frames are there
        assert img.n_frames == 10_000
    started = time.monotonic()
    record = run(tmp_path, "anim.gif", data)
    assert time.monotonic() - started < 20
    assert_hashes_of(record, data)
    assert record.decode_status == image_decode.DECODED
    assert record.frames == image_decode.FRAME_COUNT_CAP
    assert f"frame count capped: at least {image_decode.FRAME_COUNT_CAP} frames" in record.notes


def test_multi_frame_tiff(tmp_path: Path) -> None:
    """multi-frame TIFF: every frame counted, the first one hashed."""
    frames = [scene(20 + k, (64, 48)) for k in range(7)]
    data = encode(frames[0], "TIFF", save_all=True, append_images=frames[1:])
    record = run(tmp_path, "pages.tif", data)
    first = run(tmp_path, "first.png", synthetic.png_bytes(frames[0]))
    assert record.decode_status == image_decode.DECODED
    assert record.frames == 7
    assert distance(record.phash, first.phash) <= 2


def test_tiff_whose_frame_chain_loops_is_bounded(tmp_path: Path) -> None:
    """multi-frame TIFF whose last IFD points back to the first: finishes, frames bounded."""
    frames = [Image.new("L", (16, 16), 30 * k) for k in range(4)]
    data = bytearray(encode(frames[0], "TIFF", save_all=True, append_images=frames[1:]))
    (first,) = struct.unpack_from("<I", data, 4)
    offset = first
    while True:
        (entries,) = struct.unpack_from("<H", data, offset)
        (nxt,) = struct.unpack_from("<I", data, offset + 2 + 12 * entries)
        if nxt == 0:
            struct.pack_into("<I", data, offset + 2 + 12 * entries, first)
            break
        offset = nxt
    started = time.monotonic()
    record = run(tmp_path, "loop.tif", bytes(data))
    assert time.monotonic() - started < 20
    assert record.status == STATUS_HASHED
    assert record.frames is not None and 1 <= record.frames <= image_decode.FRAME_COUNT_CAP


@pytest.mark.parametrize("fraction", [0.3, 0.5, 0.77, 0.999])
def test_truncated_animated_gif_keeps_its_first_frame(tmp_path: Path, fraction: float) -> None:
    """A GIF cut off between or inside later frames (Pillow alone reports some of these
    as complete): hashed; the decode is partial, never 'decoded'; the intact first frame
    is still hashed."""
    data = many_frame_gif(300)
    cut = data[: int(len(data) * fraction)]
    whole = run(tmp_path, "whole.gif", data)
    assert (whole.decode_status, whole.frames, whole.reason) == (image_decode.DECODED, 300, None)
    record = run(tmp_path, "cut.gif", cut)
    assert_hashes_of(record, cut)
    assert record.decode_status == image_decode.PARTIAL, record.reason
    assert record.reason is not None and "truncated" in record.reason
    assert record.phash == whole.phash
    assert record.frames is not None and 1 < record.frames <= 300


# ---------------------------------------------------------------------------- colour


def test_cmyk_jpeg_hashes_like_rgb(tmp_path: Path) -> None:
    """CMYK JPEG: decoded; pHash close to the RGB reference."""
    img = scene(30)
    reference = run(tmp_path, "rgb.png", synthetic.png_bytes(img))
    record = run(tmp_path, "cmyk.jpg", synthetic.jpeg_bytes(img.convert("CMYK"), quality=95))
    with Image.open(tmp_path / "cmyk.jpg") as check:
        assert check.mode == "CMYK"
    assert record.decode_status == image_decode.DECODED
    assert distance(record.phash, reference.phash) <= 4
    assert distance(record.dhash, reference.dhash) <= 6


@pytest.mark.parametrize("fmt", ["PNG", "TIFF"])
@pytest.mark.parametrize("dark", [False, True], ids=["full-range", "dark"])
def test_16_bit_greyscale_hashes_like_8_bit(tmp_path: Path, fmt: str, dark: bool) -> None:
    """16-bit PNG/TIFF: decoded; scaled (not clipped) so it hashes like the 8-bit image."""
    grey = np.asarray(scene(31).convert("L"))
    if dark:
        grey = grey // 16  # 8-bit values 0..15: all 16-bit values stay below 4096
    reference = run(tmp_path, "grey8.png", synthetic.png_bytes(Image.fromarray(grey, "L")))
    deep = Image.fromarray(grey.astype(np.uint16) * 257)
    data = encode(deep, fmt)
    with Image.open(io.BytesIO(data)) as check:
        assert check.mode == "I;16"
    record = run(tmp_path, f"grey16.{fmt.lower()}", data)
    assert record.decode_status == image_decode.DECODED
    assert distance(record.phash, reference.phash) <= 2
    assert distance(record.dhash, reference.dhash) <= 2


def _on_white(rgba: Image.Image) -> Image.Image:
    white = Image.new("RGB", rgba.size, image_decode.BACKGROUND)
    white.paste(rgba, mask=rgba.getchannel("A"))
    return white


def test_rgba_transparency_is_composited_on_white(tmp_path: Path) -> None:
    """RGBA with transparency: hashes like the same image pasted on white (and not like
    the colours hidden under the transparent part)."""
    pixels = np.array(scene(32).convert("RGBA"))
    hidden_scene = np.asarray(scene(33))
    clear = np.ones((240, 320), bool)
    clear[60:180, 80:240] = False  # only the centre is opaque
    pixels[clear, 3] = 0
    pixels[clear, :3] = hidden_scene[clear]  # colours that show only if alpha is dropped
    rgba = Image.fromarray(pixels, "RGBA")
    record = run(tmp_path, "alpha.png", synthetic.png_bytes(rgba))
    white = run(tmp_path, "white.png", synthetic.png_bytes(_on_white(rgba)))
    hidden = run(tmp_path, "hidden.png", synthetic.png_bytes(rgba.convert("RGB")))
    assert record.decode_status == image_decode.DECODED
    assert distance(record.phash, white.phash) <= 2
    assert distance(record.phash, hidden.phash) > distance(record.phash, white.phash) + 4


@pytest.mark.parametrize("fmt", ["PNG", "GIF"])
def test_palette_with_transparency(tmp_path: Path, fmt: str) -> None:
    """Palette image with a transparent index: decoded, composited on white; an opaque
    palette image hashes like its RGB reference."""
    img = scene(33, (160, 120))
    palette = img.quantize(32)
    opaque = run(tmp_path, f"opaque.{fmt.lower()}", encode(palette, fmt))
    reference = run(tmp_path, "reference.png", synthetic.png_bytes(palette.convert("RGB")))
    assert opaque.decode_status == image_decode.DECODED
    assert distance(opaque.phash, reference.phash) <= 2

    index = np.array(palette)
    index[:, :70] = 31
    keyed = Image.fromarray(index, "P")
    keyed.putpalette(palette.getpalette() or [])
    expected = np.array(keyed.convert("RGBA"))
    expected[..., 3] = np.where(index == 31, 0, 255)
    white = run(tmp_path, "white.png", synthetic.png_bytes(_on_white(Image.fromarray(expected))))
    record = run(tmp_path, f"keyed.{fmt.lower()}", encode(keyed, fmt, transparency=31))
    assert record.decode_status == image_decode.DECODED
    assert distance(record.phash, white.phash) <= 2


# ---------------------------------------------------------------------------- orientation


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_is_applied_before_hashing(tmp_path: Path, orientation: int) -> None:
    """EXIF orientation 2-8: a JPEG stored rotated/flipped hashes like the upright
    original, and its size is reported as displayed."""
    upright = scene(40, (320, 240))
    reference = run(tmp_path, "upright.png", synthetic.png_bytes(upright))
    stored = synthetic.stored_for_orientation(upright, orientation)
    data = synthetic.exif_jpeg(stored, orientation=orientation, quality=95)
    record = run(tmp_path, f"o{orientation}.jpg", data)
    assert record.decode_status == image_decode.DECODED
    assert (record.width, record.height) == upright.size
    assert distance(record.phash, reference.phash) <= 4
    assert record.camera_make == "DemoCam"
    if orientation != 1:  # control: ignoring the tag would give a far hash
        raw = run(tmp_path, "raw.png", synthetic.png_bytes(stored))
        assert distance(raw.phash, reference.phash) > 12


def test_exif_orientation_in_draft_decoded_jpeg(tmp_path: Path) -> None:
    """A camera-sized JPEG (draft-decoded) stored for orientation 6."""
    upright = scene(41, (2400, 1800))
    reference = run(tmp_path, "upright.png", synthetic.png_bytes(upright))
    stored = synthetic.stored_for_orientation(upright, 6)
    record = run(tmp_path, "big.jpg", synthetic.exif_jpeg(stored, orientation=6))
    assert record.draft_scale is not None and record.draft_scale > 1
    assert (record.width, record.height) == (2400, 1800)
    assert distance(record.phash, reference.phash) <= 4


# ---------------------------------------------------------------------------- low information


@pytest.mark.parametrize(
    ("size", "kind"),
    [
        ((1, 1), "grey"),
        ((1, 300), "noise"),
        ((300, 1), "noise"),
        ((5, 400), "noise"),
        ((200, 150), "white"),
        ((200, 150), "black"),
        ((200, 150), "grey"),
        ((200, 150), "near-uniform"),
    ],
)
def test_tiny_blank_and_uniform_images_are_low_information(
    tmp_path: Path, size: tuple[int, int], kind: str
) -> None:
    """1x1, 1xN, blank and uniform images: hashed, flagged low-information."""
    rng = np.random.default_rng(50)
    w, h = size
    if kind == "noise":
        pixels = rng.integers(0, 256, (h, w, 3)).astype(np.uint8)
    elif kind == "near-uniform":
        pixels = np.clip(128 + rng.normal(0, 0.8, (h, w, 3)), 0, 255).astype(np.uint8)
    else:
        level = {"white": 255, "black": 0, "grey": 128}[kind]
        pixels = np.full((h, w, 3), level, np.uint8)
    data = synthetic.png_bytes(Image.fromarray(pixels, "RGB"))
    record = run(tmp_path, "tiny.png", data)
    assert_hashes_of(record, data)
    assert record.decode_status == image_decode.DECODED
    assert record.phash is not None and record.dhash is not None
    assert record.low_information is True
    assert (record.width, record.height) == size


def test_a_real_scene_is_not_low_information(tmp_path: Path) -> None:
    """Control for the flag above."""
    record = run(tmp_path, "scene.png", synthetic.png_bytes(scene(51)))
    assert record.low_information is False


# ---------------------------------------------------------------------------- duplicates


def test_duplicates_and_hard_links(tmp_path: Path) -> None:
    """duplicates and hard links: same sha256; hard links noted on every name."""
    data = synthetic.jpeg_bytes(scene(60))
    first = put(tmp_path, "a.jpg", data)
    put(tmp_path, "copy.jpg", data)
    os.link(tmp_path / "a.jpg", tmp_path / "link.jpg")
    records = {
        rel: examine(ExamineTask(first.root, rel)) for rel in (b"a.jpg", b"copy.jpg", b"link.jpg")
    }
    assert len({r.sha256 for r in records.values()}) == 1
    for rel in (b"a.jpg", b"link.jpg"):
        assert records[rel].nlink == 2
        assert "hard link: 2 names share this file's content" in records[rel].notes
    assert records[b"copy.jpg"].nlink == 1
    assert not [n for n in records[b"copy.jpg"].notes if "hard link" in n]


# ---------------------------------------------------------------------------- changing files


def _changing(tmp_path: Path, change: str) -> FileRecord:
    """Examine a 4 MiB file and apply ``change`` from another thread once the first
    1 MiB chunk has been hashed (the ``on_chunk`` hook makes the timing deterministic)."""
    data = np.random.default_rng(70).bytes(4 * MIB)
    task = put(tmp_path, "moving.bin", data)
    path = tmp_path / "moving.bin"
    old = 1_000_000_000 * 10**9  # an old mtime: any write gives a different one
    os.utime(path, ns=(old, old))

    def act() -> None:
        if change == "truncated":
            os.truncate(path, MIB + 10)
        elif change == "appended":
            with open(path, "ab") as handle:
                handle.write(b"more")
        elif change == "rewritten":
            with open(path, "r+b") as handle:
                handle.seek(2 * MIB)
                handle.write(bytes(16))
        elif change == "deleted":
            path.unlink()
        elif change == "replaced":
            (tmp_path / "other.bin").write_bytes(data)
            (tmp_path / "other.bin").replace(path)

    go, done = threading.Event(), threading.Event()

    def worker() -> None:
        assert go.wait(30)
        act()
        done.set()

    thread = threading.Thread(target=worker, daemon=True)
    thread.start()
    seen: list[int] = []

    def on_chunk(read_so_far: int) -> None:
        seen.append(read_so_far)
        if len(seen) == 1:
            go.set()
            assert done.wait(30)

    record = examine(task, on_chunk=on_chunk)
    thread.join(30)
    assert seen[0] == MIB  # the change happened mid-read, after the first chunk
    return record


@pytest.mark.parametrize("change", ["truncated", "appended", "rewritten", "replaced"])
def test_file_changed_while_being_hashed_is_unstable(tmp_path: Path, change: str) -> None:
    """file changed during hashing: marked unstable, with no hashes recorded."""
    record = _changing(tmp_path, change)
    assert record.status == STATUS_FAILED
    assert record.reason is not None and record.reason.startswith("unstable"), record.reason
    assert record.sha256 is None


def test_file_deleted_while_being_hashed_is_vanished(tmp_path: Path) -> None:
    """file deleted during hashing: marked vanished."""
    record = _changing(tmp_path, "deleted")
    assert record.status == STATUS_FAILED
    assert record.reason is not None and record.reason.startswith("vanished"), record.reason


@pytest.mark.parametrize("change", ["rewritten", "replaced"])
def test_big_file_changed_between_hashing_and_decoding(tmp_path: Path, change: str) -> None:
    """A file too big to keep in memory is reopened to be decoded: if it changed after it
    was hashed, no perceptual hash of other bytes is recorded next to the byte hashes."""
    data = synthetic.png_bytes(scene(73))
    task = put(tmp_path, "big.png", data, keep_limit=4096)
    path = tmp_path / "big.png"
    old = 1_000_000_000 * 10**9
    os.utime(path, ns=(old, old))
    control = examine(task)  # unchanged: decoded from the reopened file
    assert control.decode_status == image_decode.DECODED and control.phash is not None

    def change_it(_: FileRecord) -> None:  # called after hashing, before decoding
        other = synthetic.png_bytes(scene(74))
        if change == "rewritten":
            path.write_bytes(other)
        else:
            (tmp_path / "other.png").write_bytes(other)
            (tmp_path / "other.png").replace(path)

    record = examine(task, change_it)
    assert_hashes_of(record, data)
    assert record.decode_status == image_decode.FAILED
    assert record.reason is not None and "changed since it was hashed" in record.reason
    assert record.phash is None and record.thumbnail is None


@pytest.mark.parametrize("change", ["deleted", "symlink", "fifo", "directory", "other file"])
def test_file_replaced_between_walk_and_hashing(tmp_path: Path, change: str) -> None:
    """A file that is deleted or replaced after the walk listed it: never followed, never
    blocks (a FIFO), recorded as failed with what happened; a different regular file is
    hashed as what the path now holds."""
    data = synthetic.jpeg_bytes(scene(71))
    put(tmp_path, "x.jpg", data)
    root = os.fsencode(tmp_path)
    (entry,) = [e for e in Walker(root) if e.rel == b"x.jpg"]
    assert entry.kind == FILE
    path = tmp_path / "x.jpg"
    path.unlink()
    replacement = b""
    if change == "symlink":
        path.symlink_to("/etc/hostname")
    elif change == "fifo":
        os.mkfifo(path)
    elif change == "directory":
        path.mkdir()
    elif change == "other file":
        replacement = synthetic.png_bytes(scene(72))
        path.write_bytes(replacement)
    result: list[FileRecord] = []
    thread = threading.Thread(
        target=lambda: result.append(examine(ExamineTask(root, entry.rel))), daemon=True
    )
    thread.start()
    thread.join(20)
    assert result, "examine blocked"
    (record,) = result
    expected = {
        "deleted": "vanished",
        "symlink": "changed during ingest: now a symbolic link",
        "fifo": "changed during ingest: no longer a regular file (fifo)",
        "directory": "changed during ingest: no longer a regular file (directory)",
    }
    if change == "other file":
        assert_hashes_of(record, replacement)
        assert record.format == "PNG"
    else:
        assert record.status == STATUS_FAILED
        assert record.reason is not None and record.reason.startswith(expected[change])


# ---------------------------------------------------------------------------- huge files


def _sparse(path: Path, size: int) -> str:
    """Make a sparse file of ``size`` bytes (a short text line, then zeros); return its
    SHA-256, computed independently here."""
    head = b"not an image\n"
    with open(path, "wb") as handle:
        handle.write(head)
        handle.truncate(size)
    digest, zeros, remaining = hashlib.sha256(head), bytes(8 * MIB), size - len(head)
    while remaining:
        take = min(remaining, len(zeros))
        digest.update(zeros[:take])
        remaining -= take
    return digest.hexdigest()


def _check_sparse_streams_in_constant_memory(tmp_path: Path, size: int) -> None:
    expected = _sparse(tmp_path / "huge.bin", size)
    steps = examine_in_child(tmp_path, ["huge.bin"])
    huge = steps["huge.bin"]
    assert (huge["status"], huge["size"], huge["sha256"]) == (STATUS_HASHED, size, expected)
    assert huge["growth_kib"] < 32 * 1024, huge  # the file is 10 to 100 times larger


def test_sparse_file_bigger_than_keep_limit_streams_in_constant_memory(tmp_path: Path) -> None:
    """huge sparse file (300 MiB, beyond KEEP_LIMIT): streamed in constant memory; the same
    probe sees a 64 MiB file, which is within KEEP_LIMIT and so kept in memory."""
    assert 64 * MIB < KEEP_LIMIT < 300 * MIB
    _check_sparse_streams_in_constant_memory(tmp_path, 300 * MIB)
    _sparse(tmp_path / "kept.bin", 64 * MIB)
    kept = examine_in_child(tmp_path, ["kept.bin"])["kept.bin"]
    assert kept["growth_kib"] > 64 * 1024, kept  # the probe works


@pytest.mark.stress
def test_3_gib_sparse_file_streams_in_constant_memory(tmp_path: Path) -> None:
    """huge sparse file: 3 GiB streamed in constant memory (about 20 s of hashing)."""
    _check_sparse_streams_in_constant_memory(tmp_path, 3 << 30)
