"""An original image decoded for a deliberate full view (on a worker thread, never the GUI's).

The same safety rules as the ingest's decode (:mod:`~triage_app.media.image_decode`):
only allow-listed formats are opened, the pixel count is checked against
Pillow's decompression-bomb limit before anything is decoded, and a huge
JPEG is decoded at a reduced scale. The EXIF orientation is applied
(``ImageOps.exif_transpose``), transparency is composited and deep images
scaled as for hashing, and the result is at most ``max_side`` px on its
longest side (never enlarged).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps

from triage_app.media import heif, image_decode, sniff
from triage_app.media.blur import RawImage

#: Longest side decoded for a full view (zooming in past it enlarges pixels).
MAX_VIEW_SIDE = 6000
_ORIENTATION = 0x0112


class ViewError(Exception):
    """The original cannot be shown (not an allowed image, a bomb, damaged)."""


@dataclass(frozen=True, slots=True)
class FullView:
    """The decoded pixels and the original's size (upright, after the EXIF orientation)."""

    image: RawImage
    original_width: int
    original_height: int


def decode_for_view(data: bytes, *, max_side: int = MAX_VIEW_SIDE) -> FullView:
    """Decode an original image safely for viewing; raises :class:`ViewError`."""
    fmt = sniff.sniff(data[: sniff.HEAD_BYTES]).format
    allowed = image_decode._PILLOW_FORMATS.get(fmt or "")
    if allowed is None:
        raise ViewError(f"not shown: {fmt or 'unrecognised content'} is not on the allow-list")
    if fmt in heif.PLUGINS:
        allowed, missing = heif.decoders_for(fmt)
        if missing:
            raise ViewError(f"not shown: no {fmt} decoder: {missing}")
    try:
        with Image.open(io.BytesIO(data), formats=allowed) as img:
            return _decode(img, max_side)
    except ViewError:
        raise
    except Exception as exc:  # every decoder failure is a reason shown to the examiner
        if image_decode._is_bomb_error(exc):
            raise ViewError(f"not shown: rejected as a decompression bomb: {exc}") from None
        raise ViewError(f"not shown: {heif.one_line(exc)}") from None


def _decode(img: Image.Image, max_side: int) -> FullView:
    width, height = img.size
    limit = Image.MAX_IMAGE_PIXELS
    if width <= 0 or height <= 0 or (limit is not None and width * height > limit):
        raise ViewError(
            f"not shown: rejected as a decompression bomb: {width}x{height} pixels "
            f"(more than {limit})"
        )
    if img.format in ("JPEG", "MPO") and max(width, height) > max_side:
        img.draft("RGB", (max_side, max_side))
    img.load()
    if img.getexif().get(_ORIENTATION, 1) in (5, 6, 7, 8):
        width, height = height, width
    upright = ImageOps.exif_transpose(img) or img
    picture = image_decode.normalise(upright).convert("RGB")
    if max(picture.size) > max_side:
        picture.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    raw = RawImage(picture.width, picture.height, "RGB", picture.tobytes())
    return FullView(raw, width, height)
