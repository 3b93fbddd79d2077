"""Encode HEIC/HEIF test pictures with pillow-heif (a test-only dependency: its wheel
carries the x265 encoder), without registering it as Pillow's plugin, so that the
product's decoder (pi-heif) is the one under test."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image


def heif_bytes(img: Image.Image, *, append_images: list[Image.Image] | None = None,
               **kwargs: Any) -> bytes:  # fmt: skip
    """``img`` (and ``append_images``) as a HEIF file; ``kwargs`` go to pillow-heif's save
    (``quality``, ``exif``, ``primary_index``)."""
    import pillow_heif

    heif = pillow_heif.from_pillow(img)
    for extra in append_images or []:
        heif.add_from_pillow(extra)
    out = io.BytesIO()
    heif.save(out, **kwargs)
    return out.getvalue()
