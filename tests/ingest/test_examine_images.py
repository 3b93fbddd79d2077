"""``examine()`` on hostile and unusual images: bombs, frames, colour modes, EXIF, low information.

Every input is generated here and written to a real file; nothing is mocked. Rows of
the "Bad inputs and faults" table in docs/reliability.md are named in the test
docstrings.
"""

from __future__ import annotations

import io
import struct
import time
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, PngImagePlugin

from ingest.helpers import (
    MIB,
    assert_hashes_of,
    distance,
    encode,
    examine_in_child,
    huge_png_header,
    hundred_megapixel_png,
    many_frame_gif,
    png_chunk,
    png_chunk_offsets,
    png_ihdr,
    run,
    scene,
    text_bomb_png,
)
from triage_app.demo import synthetic
from triage_app.domain.records import STATUS_HASHED
from triage_app.media import image_decode

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
