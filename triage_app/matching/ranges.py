"""Vectorised work over ranges of sorted arrays: expanding them, finding equal keys, slicing."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from triage_app.matching.bits import I64


def expand_ranges(starts: I64, counts: I64) -> I64:
    """Concatenation of ``arange(s, s + c)`` for each start and count, in order.

    A cumulative sum of steps: 1 inside a range, a jump at each range start.
    (``np.repeat`` with per-element counts is several times slower for the
    short ranges buckets have.)
    """
    nonempty = np.flatnonzero(counts)
    if nonempty.size == 0:
        return np.zeros(0, dtype=np.int64)
    s = starts[nonempty]
    c = counts[nonempty]
    ends = np.cumsum(c)
    steps = np.ones(int(ends[-1]), dtype=np.int64)
    steps[0] = s[0]
    jumps = s[1:] - s[:-1]
    jumps -= c[:-1]
    jumps += 1
    steps[ends[:-1]] = jumps
    return np.cumsum(steps, out=steps)


def equal_ranges(keys: ArrayLike, queries: ArrayLike) -> tuple[I64, I64]:
    """Every (query position, key position) pair whose values are equal.

    ``keys`` is sorted ascending; the pairs come in query order, and for each
    query in key order.
    """
    lo = np.searchsorted(keys, queries, side="left").astype(np.int64)
    hi = np.searchsorted(keys, queries, side="right").astype(np.int64)
    counts = hi - lo
    query_pos = np.repeat(np.arange(counts.size, dtype=np.int64), counts)
    return query_pos, expand_ranges(lo, counts)


def work_slices(per_query: I64, limit: int) -> list[int]:
    """Query boundaries splitting ``per_query`` work into runs of about ``limit``.

    Always makes progress: a single query above the limit gets a slice alone.
    """
    total = int(per_query.sum())
    if total <= limit:
        return [0, int(per_query.size)]
    ends = np.cumsum(per_query)
    bounds = [0]
    while bounds[-1] < per_query.size:
        done = int(ends[bounds[-1] - 1]) if bounds[-1] else 0
        nxt = int(np.searchsorted(ends, done + limit, side="right"))
        bounds.append(max(nxt, bounds[-1] + 1))
    return bounds
