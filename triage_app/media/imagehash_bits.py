"""pHash and dHash bits of grey thumbnails, bit for bit as imagehash computes them.

Batched over many thumbnails at once. pHash is ``imagehash.phash``'s (DCT over
rows, then columns; the top-left 8x8 coefficients against their median), dHash
``imagehash.dhash``'s (each pixel against its left neighbour), and the vertical
dHash the same on columns.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

_Array = NDArray[np.float64]
#: Thumbnails of one region: (32x32 for pHash, 8x9 for dHash, 9x8 for vertical dHash).
Thumbs = tuple[_Array, _Array, _Array]

#: The DCT-II basis (scipy.fftpack's unnormalised type 2) for the 8 lowest
#: frequencies of 32 samples: ``2 cos(pi k (2n + 1) / 64)``.
_DCT8 = 2.0 * np.cos(np.pi * np.arange(8)[:, None] * (2 * np.arange(32)[None, :] + 1) / 64)
#: A coefficient this close to the median could compare differently under the
#: two ways of computing the DCT (their results differ by < 1e-6 here).
_TIE_MARGIN = 1e-3


def hex_rows(bits: NDArray[np.bool_]) -> list[str]:
    """One hex string per row of 64 bits; the first bit is the most significant,
    as ``str(imagehash.ImageHash)`` prints a flattened hash."""
    return [row.tobytes().hex() for row in np.packbits(bits, axis=1)]


def phash_bits(a32: _Array) -> NDArray[np.bool_]:
    """pHash bits of 32x32 thumbnails, bit for bit as ``imagehash.phash`` gives them.

    Only the 8x8 lowest frequencies are needed, so the DCT is two small matrix
    products rather than scipy's full transform (and scipy is not loaded). A
    bit can only differ from scipy's when a coefficient lies within floating
    point error of the median; where any lies within :data:`_TIE_MARGIN` of it
    (flat and symmetric pictures), that thumbnail is done with scipy instead.
    """
    low = (_DCT8 @ a32 @ _DCT8.T).reshape(len(a32), 64)
    median = np.median(low, axis=1, keepdims=True)
    ties = np.min(np.abs(low - median), axis=1) < _TIE_MARGIN
    if ties.any():
        import scipy.fftpack  # exact, and only for the few near-ties

        exact = scipy.fftpack.dct(scipy.fftpack.dct(a32[ties], axis=1), axis=2)
        low[ties] = np.asarray(exact, dtype=np.float64)[:, :8, :8].reshape(-1, 64)
        median[ties] = np.median(low[ties], axis=1, keepdims=True)
    return low > median


def hash_batch(thumbs: Sequence[Thumbs]) -> list[tuple[str, str, str]]:
    """pHash, dHash and vertical dHash (hex) of each (32x32, 8x9, 9x8) thumbnail triple."""
    a32 = np.stack([t[0] for t in thumbs])
    pbits = phash_bits(a32)
    rows8 = np.stack([t[1] for t in thumbs])
    rows9 = np.stack([t[2] for t in thumbs])
    dbits = (rows8[:, :, 1:] > rows8[:, :, :-1]).reshape(len(thumbs), 64)
    dvbits = (rows9[:, 1:, :] > rows9[:, :-1, :]).reshape(len(thumbs), 64)
    return list(zip(hex_rows(pbits), hex_rows(dbits), hex_rows(dvbits), strict=True))
