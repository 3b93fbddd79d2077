"""Arrays of 64-bit hashes: from and to hex text, and from the signed integers SQL stores.

Hex as ``str(imagehash)`` prints it. One hash at a time: :mod:`.hex64`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from triage_app.matching.bits import U64, as_u64_array

_INVALID = 255
_NIBBLE = np.full(256, _INVALID, dtype=np.uint8)
for _value, _char in enumerate(b"0123456789abcdef"):
    _NIBBLE[_char] = _value
    _NIBBLE[bytes([_char]).upper()[0]] = _value


def hex_to_u64(hexes: Sequence[str]) -> NDArray[np.uint64]:
    """Parse hex strings into a ``uint64`` array, each exactly as ``int(s, 16)`` would.

    Plain 16-digit strings (what ``str(imagehash.phash(...))`` gives) take a
    vectorised path; anything else (shorter strings, a ``0x`` prefix,
    whitespace, underscores) goes through ``int(s, 16)`` itself. A value that
    ``int`` rejects raises its ``ValueError``; one outside ``[0, 2**64)``
    raises ``ValueError`` naming the string and its index.
    """
    if isinstance(hexes, str | bytes):
        raise TypeError("hex_to_u64 takes a sequence of hex strings, not a single string")
    items = hexes if isinstance(hexes, list) else list(hexes)
    count = len(items)
    out = np.zeros(count, dtype=np.uint64)
    if count == 0:
        return out
    lengths = np.fromiter(map(len, items), dtype=np.int64, count=count)
    if (lengths == 16).all():
        # The common case: imagehash's own strings. ``bytes.fromhex`` skips
        # whitespace, but then fewer than 8 bytes per string come out.
        try:
            raw = bytes.fromhex("".join(items))
        except ValueError:
            raw = b""
        if len(raw) == 8 * count:
            return np.frombuffer(raw, dtype=">u8").astype(np.uint64)
    quick = np.flatnonzero(lengths == 16)
    slow: list[int] = np.flatnonzero(lengths != 16).tolist()
    if quick.size:
        chosen = items if quick.size == count else [items[i] for i in quick.tolist()]
        # errors="replace" keeps one byte per character; "?" then marks the row as not hex.
        raw = "".join(chosen).encode("ascii", errors="replace")
        nibbles = _NIBBLE[np.frombuffer(raw, dtype=np.uint8)].reshape(-1, 16)
        bad = (nibbles == _INVALID).any(axis=1)
        packed = (nibbles[:, 0::2] << 4) | nibbles[:, 1::2]
        values = np.ascontiguousarray(packed).view(">u8").ravel().astype(np.uint64)
        good = ~bad
        out[quick[good]] = values[good]
        slow.extend(quick[bad].tolist())
    for i in sorted(slow):
        text = items[i]
        value = int(text, 16)
        if not 0 <= value < 2**64:
            raise ValueError(f"hash {text!r} at index {i} is not a 64-bit unsigned value")
        out[i] = value
    return out


def u64_to_hex(values: ArrayLike) -> list[str]:
    """Format ``uint64`` values as 16 lower-case hex digits, like ``str(imagehash)``."""
    arr = as_u64_array(values, "values")
    text = arr.astype(">u8").tobytes().hex()
    return [text[i : i + 16] for i in range(0, len(text), 16)]


def signed_to_u64(values: Sequence[int]) -> U64:
    """Hashes stored as signed 64-bit integers (SQL), back to ``uint64``."""
    return np.asarray(values, dtype=np.int64).view(np.uint64)
