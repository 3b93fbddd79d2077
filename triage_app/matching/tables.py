"""The substring tables of a Hamming index: sorted rotated hashes and their buckets.

Table ``j`` holds the hashes rotated left by ``shift_j`` so that its
``width_j`` bits are on top, sorted, plus ``buckets_j`` (``2**width_j``
uint64, start and end of each key's range packed in one word). Table 0 is the
sorted hashes themselves (no rotation, duplicates kept, positions map straight
to ids); the other tables hold each distinct hash once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from triage_app.matching.bits import I64, U64, rotl64

#: Low half of a packed bucket: the start of its range.
LOW32 = np.uint64(0xFFFF_FFFF)
#: Shift of the high half of a packed bucket: the end of its range.
HIGH32 = np.uint64(32)


@dataclass(frozen=True)
class Table:
    """One substring table: sorted rotated hashes and their buckets.

    ``buckets[k]`` packs the half-open range of bucket ``k`` in ``data``:
    start in the low 32 bits, end in the high 32 bits, so one random read
    per probed key fetches both.
    """

    shift: int
    width: int
    data: U64
    buckets: U64

    @property
    def mask(self) -> np.uint64:
        """This table's substring bits, in the hash's own (unrotated) orientation."""
        return np.uint64(((1 << self.width) - 1) << (64 - self.shift - self.width))


class IndexParts(NamedTuple):
    """Everything a Hamming index is made of (what is saved and loaded)."""

    #: Every hash, sorted ascending.
    values: U64
    #: The id of each entry of ``values``, in the same order.
    ids: I64
    #: The substring tables, most significant substring first.
    tables: tuple[Table, ...]
    #: The distance the layout was tuned for.
    max_distance: int


def bucket_table(data: U64, width: int) -> U64:
    """Packed ``start | end << 32`` of each ``width``-bit bucket of sorted ``data``."""
    # Keys are below 2**24, so the int64 view of the shifted values is exact.
    keys = (data >> np.uint64(64 - width)).view(np.int64)
    ends = np.cumsum(np.bincount(keys, minlength=1 << width), dtype=np.int64).view(np.uint64)
    buckets = ends << HIGH32
    buckets[1:] |= ends[:-1]
    return buckets


def build_tables(sorted_values: U64, widths: Sequence[int]) -> tuple[Table, ...]:
    """One table per width, most significant substring first, over sorted hashes."""
    tables: list[Table] = []
    distinct: U64 | None = None
    shift = 0
    for width in widths:
        if shift == 0:
            data = sorted_values
        else:
            if distinct is None:
                keep = np.ones(sorted_values.size, dtype=bool)
                np.not_equal(sorted_values[1:], sorted_values[:-1], out=keep[1:])
                distinct = sorted_values[keep]
            data = rotl64(distinct, shift)
            data.sort()
        tables.append(Table(shift, width, data, bucket_table(data, width)))
        shift += width
    return tuple(tables)
