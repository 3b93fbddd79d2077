"""The substring tables of the 256-bit index: entry order and bucket offsets per substring.

Table ``j`` covers bits ``start .. start + width`` of the hash (bit 0 is the
most significant bit of word 0). It holds ``order``, the entry positions
sorted by that substring (uint32, ties in position order), and ``offsets``,
``2**width + 1`` uint32 such that the entries whose substring equals ``k``
are ``order[offsets[k]:offsets[k + 1]]``. The hashes themselves stay in one
``(n, 4)`` array in input order; a table costs 4 bytes per entry plus its
offsets, not another copy of the hashes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from triage_app.matching.bits import I64, U64
from triage_app.matching.hex256 import U64X4, WORDS

U32 = NDArray[np.uint32]
_WORD = (1 << 64) - 1


@dataclass(frozen=True)
class Table256:
    """One substring table: entry positions sorted by the substring, and bucket offsets."""

    start: int
    width: int
    order: U32
    offsets: U32

    @property
    def mask(self) -> U64:
        """This table's bits as four words (for per-substring distances)."""
        return substring_mask(self.start, self.width)


class Parts256(NamedTuple):
    """Everything a 256-bit index is made of (what is saved and loaded)."""

    #: Every hash, ``(n, 4)``, in the order it was given.
    values: U64X4
    #: The id of each row of ``values``.
    ids: I64
    #: The substring tables, most significant substring first.
    tables: tuple[Table256, ...]
    #: The distance the layout was tuned for.
    max_distance: int


def substring_mask(start: int, width: int) -> U64:
    """Bits ``start .. start + width`` (0 = most significant) as four words."""
    number = ((1 << width) - 1) << (256 - start - width)
    return np.array([(number >> s) & _WORD for s in (192, 128, 64, 0)], dtype=np.uint64)


def substring_keys(values: U64X4, start: int, width: int) -> U64:
    """The ``width``-bit substring at bit ``start`` of each row, as an integer (width <= 64)."""
    word, offset = divmod(start, 64)
    mask = np.uint64((1 << width) - 1)
    if offset + width <= 64:
        keys = values[:, word] >> np.uint64(64 - offset - width)
    else:
        low = offset + width - 64  # bits taken from the next word
        keys = values[:, word] << np.uint64(low)
        keys |= values[:, word + 1] >> np.uint64(64 - low)
    keys &= mask
    return keys


def layout_starts(widths: Sequence[int]) -> list[int]:
    """First bit of each substring: the substrings are consecutive from bit 0."""
    starts = [0]
    for width in widths[:-1]:
        starts.append(starts[-1] + width)
    return starts[: len(widths)]


def build_table(values: U64X4, start: int, width: int) -> Table256:
    """Sort the positions of ``values`` by the substring at ``start``.

    Sorting ``key << 32 | position`` as one uint64 array is a stable argsort
    that numpy's vectorised sort runs several times faster than ``argsort``.
    """
    keys = substring_keys(values, start, width)
    counts = np.bincount(keys.view(np.int64), minlength=1 << width)
    keys <<= np.uint64(32)
    keys |= np.arange(values.shape[0], dtype=np.uint64)
    keys.sort()
    order = keys.astype(np.uint32)  # the low 32 bits: positions
    del keys
    offsets = np.zeros((1 << width) + 1, dtype=np.uint32)
    np.cumsum(counts, out=offsets[1:], dtype=np.uint32)
    return Table256(start, width, order, offsets)


def build_tables(values: U64X4, widths: Sequence[int]) -> tuple[Table256, ...]:
    """One table per width, consecutive substrings from the most significant bit."""
    if values.ndim != 2 or values.shape[1] != WORDS:
        raise ValueError(f"values must have shape (n, {WORDS})")
    return tuple(
        build_table(values, start, width)
        for start, width in zip(layout_starts(widths), widths, strict=True)
    )
