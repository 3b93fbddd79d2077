"""PDQ: Meta's open 256-bit perceptual hash, with its quality score.

A numpy port of the reference algorithm (ThreatExchange ``pdq/cpp``):

1. luma ``0.299 R + 0.587 G + 0.114 B`` as floats;
2. two passes of a Jarosz box filter along rows and columns, with windows of
   ``ceil(side / 128)``;
3. decimation to 64x64 by sampling the centre of each cell;
4. quality: the sum of neighbour gradients (in per cent of 255, truncated)
   over 90, capped at 100;
5. the 16x16 low-frequency block of a 2-D DCT (the DC row and column left out);
6. one bit per coefficient: set when it is above the block's median.

Bit ``k`` of :attr:`PdqHash.bits` is coefficient ``(k // 16, k % 16)``, so
``hex`` (64 digits, most significant first) is the reference's string form.
``tests/media/test_pdq.py`` checks the port against the ``pdqhash`` package
(which wraps the reference C++) on generated and packaged sample pictures.

The eight dihedral variants (rotations and flips) come from one DCT: mirroring
the 64x64 block negates every other coefficient, transposing it transposes the
block, so :func:`pdq_dihedral` costs one hash, not eight.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Final

import numpy as np
from numpy.typing import NDArray
from PIL import Image
from scipy.ndimage import uniform_filter1d

from triage_app.media.pdq_names import DIHEDRAL_KEY as DIHEDRAL_KEY
from triage_app.media.pdq_names import DIHEDRAL_NAMES as DIHEDRAL_NAMES
from triage_app.media.pdq_names import PDQ_BITS as PDQ_BITS
from triage_app.media.pdq_names import PDQ_HEX_DIGITS
from triage_app.media.pdq_names import PDQ_MATCH_DISTANCE as PDQ_MATCH_DISTANCE
from triage_app.media.pdq_names import PDQ_MIN_QUALITY as PDQ_MIN_QUALITY
from triage_app.media.pixels import normalise

#: Longest side PDQ is computed at (see :func:`pdq_luma`).
WORK_SIDE: Final = 2048
_SIDE: Final = 64
_PASSES: Final = 2
_LUMA: Final = np.array([0.299, 0.587, 0.114], dtype=np.float64)

# Rows 1..16 of the 64-point DCT-II matrix (row 0, the mean, is left out).
_DCT: Final = np.sqrt(2.0 / _SIDE) * np.cos(
    (np.pi / 2 / _SIDE) * np.outer(np.arange(1, 17), 2 * np.arange(_SIDE) + 1)
)
# (-1)^(k+1) for coefficient k: mirroring the block along an axis flips these.
_MIRROR: Final = np.where(np.arange(16) % 2 == 0, -1.0, 1.0)


@dataclass(frozen=True, slots=True)
class PdqHash:
    """A PDQ hash (bit ``k`` = coefficient ``k``) and its quality (0-100)."""

    bits: int
    quality: int

    @property
    def hex(self) -> str:
        """The reference's string form: 64 lowercase hex digits."""
        return f"{self.bits:064x}"

    @classmethod
    def from_hex(cls, text: str, quality: int = 100) -> PdqHash:
        """Parse 64 hex digits (no guessing: the caller knows it is PDQ)."""
        if len(text) != PDQ_HEX_DIGITS:
            raise ValueError(f"a PDQ hash has 64 hex digits, not {len(text)}")
        return cls(int(text, 16), quality)


def pdq_hash(image: Image.Image) -> PdqHash:
    """PDQ of a Pillow image in any mode (made 8-bit as the other hashes are)."""
    block, quality = _analyse(image)
    return _hash_block(block, quality)


def pdq_dihedral(image: Image.Image) -> tuple[PdqHash, ...]:
    """PDQ of the image and of its seven rotations and flips, original first.

    Order: original, rotated 90, 180, 270 (counter-clockwise), mirrored
    left-right, mirrored top-bottom, transposed, transversed.
    """
    block, quality = _analyse(image)
    rows = _MIRROR[:, None]
    cols = _MIRROR[None, :]
    variants = (
        block,
        (block * cols).T,  # rot90 CCW: transpose of the left-right mirror
        block * rows * cols,  # rot180
        (block * rows).T,  # rot270 CCW
        block * cols,  # mirror left-right
        block * rows,  # mirror top-bottom
        block.T,  # transpose
        (block * rows * cols).T,  # transverse
    )
    return tuple(_hash_block(variant, quality) for variant in variants)


def pdq_luma(image: Image.Image) -> NDArray[np.float32]:
    """The image's luma as the reference computes it (RGB weights, 0-255).

    A picture at least ``2 * WORK_SIDE`` long is first box-reduced by a whole
    factor (Pillow's ``reduce``), as other PDQ hashers downsample first: the
    reference box-filters the full picture, so this moves a few bits at most
    (``tests/media/test_pdq.py`` measures it) and bounds the cost of a huge scan.
    """
    rgb = _as_rgb(image)
    factor = max(rgb.size) // WORK_SIDE
    if factor >= 2:
        rgb = rgb.reduce(factor)
    pixels = np.asarray(rgb)
    # (R w0 + G w1) + B w2 in float32, as three float32 bands would give it
    luma = pixels[..., 0] * np.float32(_LUMA[0])
    luma += pixels[..., 1] * np.float32(_LUMA[1])
    luma += pixels[..., 2] * np.float32(_LUMA[2])
    return np.asarray(luma, dtype=np.float32)


def pdq_from_luma(luma: NDArray[np.float32]) -> PdqHash:
    """PDQ of a luma array (rows x columns, 0-255)."""
    block64 = _downsample(luma)
    return _hash_block(_DCT @ block64 @ _DCT.T, _gradient_quality(block64))


def distance(a: int, b: int) -> int:
    """Hamming distance between two PDQ hashes."""
    return (a ^ b).bit_count()


# -- internals ---------------------------------------------------------------


def _analyse(image: Image.Image) -> tuple[NDArray[np.float64], int]:
    """The 16x16 DCT block and the quality of an image."""
    block64 = _downsample(pdq_luma(image), from_bytes=True)
    return np.asarray(_DCT @ block64 @ _DCT.T, dtype=np.float64), _gradient_quality(block64)


def _as_rgb(image: Image.Image) -> Image.Image:
    rgb = normalise(image)
    return rgb if rgb.mode == "RGB" else rgb.convert("RGB")


def _window(old: int) -> int:
    return (old + 2 * _SIDE - 1) // (2 * _SIDE)


def _box(
    values: NDArray[np.float32], window: int, axis: int, from_bytes: bool = False
) -> NDArray[np.float32]:
    """The reference's 1-D box filter: a centred mean, shortened at the ends.

    The window reaches ``window - half`` before and ``half - 1`` after each
    sample (``half = (window + 2) // 2``); scipy's running mean does the
    interior, the few samples at each end are averaged over what exists.

    ``from_bytes``: the values are :func:`pdq_luma`'s of an 8-bit picture, or
    box means of them (multiples of ``2**-31`` below 256). scipy's running sum
    of such numbers is exact in float64, so a window of 2 (the sides up to 256
    of a reduced video frame) is each pair's mean rounded once to float32:
    computed directly, the same bits at a fraction of the cost.
    """
    n = values.shape[axis]
    if window <= 1 or n < 2:
        return values
    if from_bytes and window == 2 and values.ndim == 2:  # left 0, right 1: k and k + 1
        pairs = np.empty_like(values)
        if axis % 2 == 1:
            np.add(values[:, :-1], values[:, 1:], out=pairs[:, :-1])
            pairs[:, :-1] *= np.float32(0.5)
            pairs[:, -1] = values[:, -1]
        else:
            np.add(values[:-1], values[1:], out=pairs[:-1])
            pairs[:-1] *= np.float32(0.5)
            pairs[-1] = values[-1]
        return pairs
    half = (window + 2) // 2
    left, right = window - half, half - 1
    # scipy centres a window of ``size`` on ``size // 2``; ``origin`` moves it.
    out: NDArray[np.float32] = np.asarray(
        uniform_filter1d(values, window, axis=axis, origin=left - window // 2, mode="nearest"),
        dtype=np.float32,
    )
    moved_in = np.moveaxis(values, axis, 0)
    moved_out = np.moveaxis(out, axis, 0)
    for k in (*range(min(left, n)), *range(max(0, n - right), n)):
        lo, hi = max(0, k - left), min(n, k + right + 1)
        moved_out[k] = moved_in[lo:hi].mean(axis=0, dtype=np.float64)
    return out


def _downsample(luma: NDArray[np.float32], from_bytes: bool = False) -> NDArray[np.float64]:
    rows, cols = luma.shape
    along_rows, along_cols = _window(cols), _window(rows)
    values = luma
    for _ in range(_PASSES):
        values = _box(values, along_rows, axis=1, from_bytes=from_bytes)
        values = _box(values, along_cols, axis=0, from_bytes=from_bytes)
    return np.asarray(values[_centres(rows, cols)], dtype=np.float64)


@lru_cache(maxsize=64)
def _centres(rows: int, cols: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The index of the centre of each of the 64x64 cells (for ``values[...]``)."""
    centre = np.arange(_SIDE) + 0.5
    row_index = (centre * rows / _SIDE).astype(np.int64)
    col_index = (centre * cols / _SIDE).astype(np.int64)
    return np.ix_(row_index, col_index)  # type: ignore[return-value]


def _gradient_quality(block64: NDArray[np.float64]) -> int:
    vertical = np.trunc((block64[:-1, :] - block64[1:, :]) * 100 / 255)
    horizontal = np.trunc((block64[:, :-1] - block64[:, 1:]) * 100 / 255)
    total = int(np.abs(vertical).sum() + np.abs(horizontal).sum())
    return min(100, total // 90)


def _hash_block(block: NDArray[np.float64], quality: int) -> PdqHash:
    flat = block.reshape(-1)
    median = np.sort(flat)[127]
    packed = np.packbits(flat > median, bitorder="little")
    return PdqHash(int.from_bytes(packed.tobytes(), "little"), quality)
