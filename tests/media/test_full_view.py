"""Decoding an original for a full view: upright, capped, allow-listed, bomb-limited."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from triage_app.media.full_view import ViewError, decode_for_view


def _jpeg(width: int, height: int, orientation: int = 1) -> bytes:
    img = Image.new("RGB", (width, height), (200, 30, 30))
    img.paste((30, 30, 200), (0, 0, width // 2, height // 2))  # blue top-left quarter
    exif = Image.Exif()
    exif[0x0112] = orientation
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue()


def test_a_camera_sized_jpeg_is_decoded_whole() -> None:
    view = decode_for_view(_jpeg(4000, 3000))
    assert (view.image.width, view.image.height) == (4000, 3000)
    assert (view.original_width, view.original_height) == (4000, 3000)
    assert view.image.mode == "RGB" and len(view.image.data) == 4000 * 3000 * 3


def test_the_exif_orientation_is_applied() -> None:
    view = decode_for_view(_jpeg(400, 300, orientation=6))  # stored sideways: turn 90 degrees
    assert (view.image.width, view.image.height) == (300, 400)
    assert (view.original_width, view.original_height) == (300, 400)
    r, _g, b = view.image.array()[10, -10]  # the blue quarter is now at the top right
    assert b > 150 and r < 100


def test_a_huge_original_is_reduced_to_the_cap_never_enlarged() -> None:
    view = decode_for_view(_jpeg(2400, 1800), max_side=1000)
    assert max(view.image.width, view.image.height) <= 1000
    assert (view.original_width, view.original_height) == (2400, 1800)
    small = decode_for_view(_jpeg(64, 48), max_side=1000)
    assert (small.image.width, small.image.height) == (64, 48)


def test_a_decompression_bomb_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100 * 100)
    with pytest.raises(ViewError, match="decompression bomb"):
        decode_for_view(_jpeg(120, 100))


def test_formats_off_the_allow_list_are_refused() -> None:
    with pytest.raises(ViewError, match="allow-list"):
        decode_for_view(b"%PDF-1.4 not an image")
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "TGA")
    with pytest.raises(ViewError):
        decode_for_view(out.getvalue())
