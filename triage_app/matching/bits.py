"""Bit operations on ``uint64`` arrays: popcount, rotations and flip masks."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: A one-dimensional array of 64-bit hashes.
U64 = NDArray[np.uint64]
#: A one-dimensional array of ids, positions or distances.
I64 = NDArray[np.int64]

_M1 = np.uint64(0x5555_5555_5555_5555)
_M2 = np.uint64(0x3333_3333_3333_3333)
_M4 = np.uint64(0x0F0F_0F0F_0F0F_0F0F)
_H01 = np.uint64(0x0101_0101_0101_0101)


def popcount_swar(x: U64) -> NDArray[np.uint8]:
    """Bits set in each element, by the classic SWAR reduction (any numpy version)."""
    x = x - ((x >> np.uint64(1)) & _M1)
    x = (x & _M2) + ((x >> np.uint64(2)) & _M2)
    x = (x + (x >> np.uint64(4))) & _M4
    # The multiply wraps modulo 2**64 on purpose: the top byte collects the sum.
    return ((x * _H01) >> np.uint64(56)).astype(np.uint8)


def _popcount_native(x: U64) -> NDArray[np.uint8]:
    return np.bitwise_count(x)


#: Bits set in each element of a ``uint64`` array, as ``uint8``:
#: ``np.bitwise_count`` on numpy >= 2, the SWAR fallback before that.
popcount64: Callable[[U64], NDArray[np.uint8]] = (
    _popcount_native if hasattr(np, "bitwise_count") else popcount_swar
)


def rotl64(x: U64, s: int) -> U64:
    """Rotate every element left by ``s`` bits (0 <= s < 64)."""
    if s == 0:
        return x
    out = x << np.uint64(s)
    out |= x >> np.uint64(64 - s)
    return out


def rotr64(x: U64, s: int) -> U64:
    """Rotate every element right by ``s`` bits (0 <= s < 64); undoes :func:`rotl64`."""
    if s == 0:
        return x
    out = x >> np.uint64(s)
    out |= x << np.uint64(64 - s)
    return out


@lru_cache(maxsize=64)
def flip_masks(width: int, radius: int) -> NDArray[np.intp]:
    """All ``width``-bit values with at most ``radius`` bits set, ascending.

    XOR-ing a ``width``-bit key with each mask enumerates its Hamming ball of
    that radius. Sorted masks keep the probed keys clustered in memory. The
    result is cached and read-only.
    """
    if radius < 0:
        masks = np.zeros(0, dtype=np.intp)
    else:
        masks = np.zeros(1, dtype=np.intp)
        weights = np.zeros(1, dtype=np.int8)
        for bit in range(width):
            grow = weights < radius
            masks = np.concatenate([masks, masks[grow] | (1 << bit)])
            weights = np.concatenate([weights, weights[grow] + 1])
        masks.sort()
    masks.flags.writeable = False
    return masks


def as_u64_array(values: ArrayLike, name: str) -> U64:
    """``values`` as a one-dimensional ``uint64`` array, refusing lossy conversions.

    Unsigned and non-negative signed integers convert; negative values,
    floats, objects and other shapes raise.
    """
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.dtype == np.uint64:
        return arr
    if arr.size == 0:
        return np.zeros(0, dtype=np.uint64)
    if arr.dtype.kind == "u":
        return arr.astype(np.uint64)
    if arr.dtype.kind == "i":
        if int(arr.min()) < 0:
            raise ValueError(f"{name} must be non-negative 64-bit values")
        return arr.astype(np.uint64)
    raise TypeError(f"{name} must be unsigned 64-bit integers, got dtype {arr.dtype}")
