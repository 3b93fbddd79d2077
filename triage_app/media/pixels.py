"""Pixels every hash is computed from: 8-bit grey or RGB, on a fixed background."""

from __future__ import annotations

from typing import Final

import numpy as np
from PIL import Image

#: Background for transparent pixels (fixed so that hashes are reproducible).
BACKGROUND: Final = (255, 255, 255)


def normalise(img: Image.Image) -> Image.Image:
    """Return an 8-bit L or RGB image: alpha composited on a fixed background,
    high bit depths scaled (not clipped), other colour spaces converted."""
    mode = img.mode
    if mode in ("RGB", "L"):
        if "transparency" not in img.info:
            return img
        mode = "RGBA"
        img = img.convert("RGBA")
    if mode in ("RGBA", "LA", "PA", "RGBa", "La") or (mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (*BACKGROUND, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    if mode.startswith("I;16") or mode in ("I", "F"):
        arr = np.asarray(img, dtype=np.float64)
        top = float(arr.max()) if arr.size else 0.0
        if mode.startswith("I;16") or 255.0 < top <= 65535.0:
            arr = arr / 257.0
        elif top > 65535.0:
            arr = arr * (255.0 / top)
        return Image.fromarray(np.clip(np.rint(arr), 0, 255).astype(np.uint8), "L")
    if mode == "1":
        return img.convert("L")
    return img.convert("RGB")
