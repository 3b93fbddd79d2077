"""Blurred gallery tiles and reveal images, decoded with Pillow (never on the GUI thread).

A tile is blurred relative to the image, not by a fixed radius: the thumbnail
is averaged down to a handful of cells on its longest side (8 by default),
turned grey, scaled back up smoothly and flattened in contrast. Whatever size
the tile is drawn at, it carries no more detail than those few cells, so its
content cannot be made out.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter

#: Cells on the longest side of a blurred tile unless the settings say otherwise.
DEFAULT_CELLS = 8
#: Fewest and most cells allowed: more than this would start to show shapes.
MIN_CELLS, MAX_CELLS = 3, 12
#: Longest side of the blurred image handed to the GUI (it is smooth, so scaling is harmless).
BLURRED_SIDE = 128
#: Tonal range a blurred tile is squeezed into (mid-greys only, no stark contrast).
TONE_RANGE = (56, 184)


@dataclass(frozen=True, slots=True)
class RawImage:
    """Decoded pixels, tightly packed: mode ``L`` (1 byte per pixel) or ``RGB`` (3)."""

    width: int
    height: int
    mode: str
    data: bytes

    @property
    def channels(self) -> int:
        """Bytes per pixel."""
        return 1 if self.mode == "L" else 3

    @property
    def bytes_per_line(self) -> int:
        """Bytes in one row of pixels."""
        return self.width * self.channels

    def array(self) -> np.ndarray:
        """The pixels as a ``height x width (x 3)`` uint8 array."""
        shape = (self.height, self.width) if self.mode == "L" else (self.height, self.width, 3)
        return np.frombuffer(self.data, dtype=np.uint8).reshape(shape)


def _fit(width: int, height: int, side: int) -> tuple[int, int]:
    scale = side / max(width, height, 1)
    return max(1, round(width * scale)), max(1, round(height * scale))


def blur_image(
    img: Image.Image, *, cells: int = DEFAULT_CELLS, side: int = BLURRED_SIDE
) -> RawImage:
    """Blur an already decoded image into a grey tile of ``side`` px on its longest side."""
    cells = max(MIN_CELLS, min(int(cells), MAX_CELLS))
    grey = img.convert("L")
    small = grey.resize(_fit(*grey.size, cells), Image.Resampling.BOX)
    out_size = _fit(*grey.size, side)
    big = small.resize(out_size, Image.Resampling.BILINEAR)
    big = big.filter(ImageFilter.GaussianBlur(radius=side / cells / 2))
    low, high = TONE_RANGE
    lut = [low + (v * (high - low)) // 255 for v in range(256)]
    big = big.point(lut)
    return RawImage(big.width, big.height, "L", big.tobytes())


def blurred_tile(data: bytes, *, cells: int = DEFAULT_CELLS, side: int = BLURRED_SIDE) -> RawImage:
    """Decode a stored thumbnail (JPEG bytes) straight into a blurred grey tile."""
    with Image.open(io.BytesIO(data)) as img:
        # JPEG only: decode at a reduced scale, in grey; the blur needs no more.
        img.draft("L", (cells * 8, cells * 8))
        img.load()
        return blur_image(img, cells=cells, side=side)


def reveal_image(data: bytes) -> RawImage:
    """Decode a stored thumbnail in colour, for a deliberate reveal."""
    with Image.open(io.BytesIO(data)) as img:
        rgb = img.convert("RGB")
    return RawImage(rgb.width, rgb.height, "RGB", rgb.tobytes())


def high_frequency_energy(pixels: np.ndarray) -> float:
    """Mean squared Laplacian of an image (grey or RGB): how much fine detail it holds.

    A sharp photograph scores in the hundreds or more; a tile blurred as above
    scores well under one.
    """
    arr = np.asarray(pixels, dtype=np.float64)
    if arr.ndim == 3:
        arr = arr[..., :3] @ np.array([0.299, 0.587, 0.114])
    if arr.shape[0] < 3 or arr.shape[1] < 3:
        return 0.0
    lap = 4 * arr[1:-1, 1:-1] - arr[:-2, 1:-1] - arr[2:, 1:-1] - arr[1:-1, :-2] - arr[1:-1, 2:]
    return float(np.mean(lap**2))
