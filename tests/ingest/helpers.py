"""Helpers for the examine tests: files written for real, images made here, children."""

from __future__ import annotations

import hashlib
import io
import json
import os
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path
from typing import Any

import imagehash
import numpy as np
from PIL import Image, PngImagePlugin

from triage_app.demo import synthetic
from triage_app.domain.records import STATUS_HASHED, FileRecord
from triage_app.ingest.examine import examine
from triage_app.ingest.examine_task import ExamineTask

MIB = 1 << 20


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
from triage_app.ingest.examine_task import ExamineTask

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


def many_frame_gif(frames: int) -> bytes:
    """An animated GIF of tiny frames that all differ (so Pillow keeps every one)."""
    images = []
    for k in range(frames):
        pixels = np.zeros((4, 4), np.uint8)
        pixels.flat[k % 16] = 1 + k % 200
        pixels[0, 0] = k % 256
        images.append(Image.fromarray(pixels, "L"))
    return encode(images[0], "GIF", save_all=True, append_images=images[1:], duration=20)
