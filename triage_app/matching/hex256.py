"""256-bit hashes (PDQ) as ``(n, 4)`` ``uint64`` arrays: from and to 64-digit hex text.

Word order is big-endian: the first 16 hex digits are word 0, so the hash as
one 256-bit integer is ``w0 << 192 | w1 << 128 | w2 << 64 | w3``, and bit
``i`` (0 = most significant) is bit ``63 - i % 64`` of word ``i // 64``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from triage_app.matching.hexcodec import _INVALID, _NIBBLE

#: Rows of four 64-bit words, one 256-bit hash per row, shape ``(n, 4)``.
U64X4 = NDArray[np.uint64]
#: Bits of a 256-bit hash.
BITS = 256
#: Hex digits of a 256-bit hash.
HEX256_DIGITS = 64
WORDS = 4
_LIMIT = 1 << 256
_WORD = (1 << 64) - 1


def hex_to_u64x4(hexes: Sequence[str]) -> U64X4:
    """Parse 64-digit hex strings (either case, nothing else) into an ``(n, 4)`` array.

    Unlike the 64-bit :func:`~triage_app.matching.hex_to_u64`, no prefix,
    whitespace or short form is accepted: PDQ is always 64 digits. A bad
    string raises ``ValueError`` naming it and its index.
    """
    if isinstance(hexes, str | bytes):
        raise TypeError("hex_to_u64x4 takes a sequence of hex strings, not a single string")
    items = hexes if isinstance(hexes, list) else list(hexes)
    out = np.zeros((len(items), WORDS), dtype=np.uint64)
    if not items:
        return out
    for i, text in enumerate(items):
        if not isinstance(text, str):
            raise TypeError(f"hash at index {i} is {type(text).__name__}, not str")
        if len(text) != HEX256_DIGITS or not text.isascii():
            raise ValueError(f"hash {text!r} at index {i} is not {HEX256_DIGITS} hex digits")
    raw = np.frombuffer("".join(items).encode("ascii"), dtype=np.uint8)
    nibbles = _NIBBLE[raw].reshape(len(items), HEX256_DIGITS)
    bad = np.flatnonzero((nibbles == _INVALID).any(axis=1))
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"hash {items[i]!r} at index {i} is not hexadecimal")
    packed = (nibbles[:, 0::2] << 4) | nibbles[:, 1::2]
    out[:] = np.ascontiguousarray(packed).view(">u8")
    return out


def u64x4_to_hex(values: ArrayLike) -> list[str]:
    """Format ``(n, 4)`` words as 64 lower-case hex digits each (word 0 first)."""
    arr = as_u64x4_array(values, "values")
    text = arr.astype(">u8").tobytes().hex()
    return [text[i : i + HEX256_DIGITS] for i in range(0, len(text), HEX256_DIGITS)]


def int_to_u64x4(value: int) -> NDArray[np.uint64]:
    """One 256-bit integer as its four words, shape ``(4,)``."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"a 256-bit hash must be an int, got {type(value).__name__}")
    number = int(value)
    if not 0 <= number < _LIMIT:
        raise ValueError(f"{number} is not a 256-bit unsigned value")
    return np.array([(number >> s) & _WORD for s in (192, 128, 64, 0)], dtype=np.uint64)


def u64x4_to_int(words: ArrayLike) -> int:
    """Four words (shape ``(4,)``) as one 256-bit integer."""
    arr = as_u64x4_array(np.asarray(words).reshape(1, -1), "words")
    w0, w1, w2, w3 = (int(w) for w in arr[0])
    return w0 << 192 | w1 << 128 | w2 << 64 | w3


def as_u64x4_array(values: ArrayLike, name: str) -> U64X4:
    """``values`` as a C-contiguous ``(n, 4)`` ``uint64`` array, refusing lossy conversions.

    Unsigned and non-negative signed integers convert; an empty sequence is
    ``(0, 4)``; negative values, floats, objects and other shapes raise.
    """
    arr = values if isinstance(values, np.ndarray) else np.asarray(values)
    if arr.dtype.kind == "O" or (arr.dtype.kind == "f" and arr is not values):
        # Python ints above 2**63 mixed with smaller ones come out as floats.
        arr = _python_ints(values)
    if arr.size == 0 and arr.ndim <= 2 and (arr.ndim < 2 or arr.shape[1] in (0, WORDS)):
        return np.zeros((0, WORDS), dtype=np.uint64)
    if arr.ndim != 2 or arr.shape[1] != WORDS:
        raise ValueError(f"{name} must have shape (n, {WORDS}), got {arr.shape}")
    if arr.dtype.kind == "i":
        if int(arr.min()) < 0:
            raise ValueError(f"{name} must be non-negative 64-bit words")
    elif arr.dtype.kind != "u":
        raise TypeError(f"{name} must be unsigned 64-bit integers, got dtype {arr.dtype}")
    return np.ascontiguousarray(arr, dtype=np.uint64)


def _python_ints(values: ArrayLike) -> NDArray[np.uint64]:
    """Nested Python ints as uint64, checked one by one (no float round trip)."""
    objects = np.array(values, dtype=object)
    flat = objects.ravel().tolist()
    if not all(isinstance(v, int | np.integer) and not isinstance(v, bool) for v in flat):
        raise TypeError("words must be integers")
    if not all(0 <= int(v) <= _WORD for v in flat):
        raise ValueError("words must be within 0..2**64-1")
    return np.array([int(v) for v in flat], dtype=np.uint64).reshape(objects.shape)
