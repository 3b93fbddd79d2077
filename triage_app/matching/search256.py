"""The vectorised multi-index search behind :class:`~triage_app.matching.PdqIndex`.

Per table, a chunk of queries enumerates every key within the table's radius
of its own substring (XOR with precomputed flip masks), reads those buckets'
ranges from the offsets, expands them into candidate positions in one
vectorised step, gathers the candidates' 32-byte rows and verifies them with
XOR + ``bitwise_count`` on the four words. A pair that an earlier table
already reports (its substring distance there is within that table's radius)
is dropped, so each (query, entry) pair comes out exactly once.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np
from numpy.typing import NDArray

from triage_app.matching.bits import I64, U64, flip_masks, popcount64
from triage_app.matching.hex256 import U64X4
from triage_app.matching.planner import SearchPlan
from triage_app.matching.ranges import expand_ranges, work_slices
from triage_app.matching.tables256 import Parts256, Table256, substring_keys

#: Bucket look-ups + candidates per vectorised chunk: enough to amortise
#: numpy's per-call overhead, few enough that the gathered rows (32 bytes
#: each) stay in the CPU caches.
CHUNK_WORK = 1 << 14
#: Most candidates verified at once; a chunk over this is split by queries.
MAX_CANDIDATES = 1 << 16
#: Rows x entries compared at once by the linear scan.
SCAN_BLOCK = 1 << 14

#: Partial results: (query index, ids, distances).
Found = tuple[I64, I64, I64]


def row_distances(xor: U64X4) -> NDArray[np.uint16]:
    """Bits set in each ``(n, 4)`` row: the Hamming distance of XOR-ed hashes."""
    counts = popcount64(xor)
    dist = counts[:, 0].astype(np.uint16)
    dist += counts[:, 1]
    dist += counts[:, 2]
    dist += counts[:, 3]
    return dist


def search_block(parts: Parts256, q: U64X4, t: int, plan: SearchPlan) -> Iterator[Found]:
    """Partial results for queries ``q`` (``(n, 4)``) at distance ``t``, following ``plan``."""
    if plan.linear:
        yield from _scan(parts, q, t)
        return
    probed: list[tuple[U64, int]] = []
    for table, radius in zip(parts.tables, plan.radii, strict=True):
        if radius < 0:
            continue
        yield from _probe(parts, q, t, table, radius, probed)
        probed.append((table.mask, radius))


def _scan(parts: Parts256, q: U64X4, t: int) -> Iterator[Found]:
    """Linear scan: every query against every entry, in blocks of about SCAN_BLOCK pairs.

    Both sides are expanded to full ``(pairs, 4)`` arrays before the XOR:
    broadcasting over the 4-word axis is several times slower.
    """
    values = parts.values
    size = values.shape[0]
    step = max(1, SCAN_BLOCK // max(1, size))
    span = max(1, SCAN_BLOCK // max(1, min(step, q.shape[0])))
    for start in range(0, q.shape[0], step):
        block = q[start : start + step]
        tiled = np.repeat(block, min(span, size), axis=0)
        for lo in range(0, size, span):
            rows = values[lo : lo + span]
            n = rows.shape[0]
            if block.shape[0] > 1:
                rows = np.tile(rows, (block.shape[0], 1))
            left = tiled if n == span or block.shape[0] == 1 else np.repeat(block, n, axis=0)
            dist = row_distances(left[: rows.shape[0]] ^ rows).reshape(block.shape[0], n)
            qi, pos = np.nonzero(dist <= t)
            if qi.size:
                yield (
                    qi.astype(np.int64) + start,
                    parts.ids[pos + lo],
                    dist[qi, pos].astype(np.int64),
                )


def _probe(
    parts: Parts256,
    q: U64X4,
    t: int,
    table: Table256,
    radius: int,
    probed: list[tuple[U64, int]],
) -> Iterator[Found]:
    """Matches found through one table that no table in ``probed`` reports."""
    masks = flip_masks(table.width, radius)
    per_query = masks.size * (1.0 + table.order.size / 2**table.width)
    step = max(1, int(CHUNK_WORK / per_query))
    for start in range(0, q.shape[0], step):
        block = q[start : start + step]
        keys = substring_keys(block, table.start, table.width).astype(np.intp)
        probe = (keys[:, None] ^ masks[None, :]).ravel()
        starts = table.offsets[probe].astype(np.int64)
        counts = table.offsets[probe + 1].astype(np.int64)
        counts -= starts
        per_q = counts.reshape(block.shape[0], masks.size).sum(axis=1)
        # Skewed data (crowded buckets) can make a chunk's candidates far
        # more than the average predicts: verify it in bounded slices.
        bounds = work_slices(per_q, MAX_CANDIDATES)
        for lo, hi in itertools.pairwise(bounds):
            span = slice(lo * masks.size, hi * masks.size)
            found = _verify(parts, table, block[lo:hi], starts[span], counts[span],
                            per_q[lo:hi], t, probed)  # fmt: skip
            if found is not None:
                qi, ids, dist = found
                qi += start + lo
                yield qi, ids, dist


def _verify(
    parts: Parts256,
    table: Table256,
    block: U64X4,
    starts: I64,
    counts: I64,
    per_q: I64,
    t: int,
    probed: list[tuple[U64, int]],
) -> Found | None:
    """Check every candidate of these bucket ranges against its query."""
    pos = table.order[expand_ranges(starts, counts)].astype(np.intp)
    if pos.size == 0:
        return None
    xor = np.take(parts.values, pos, axis=0)
    xor ^= np.repeat(block, per_q, axis=0)
    dist = row_distances(xor)
    hit = np.flatnonzero(dist <= t)
    if hit.size == 0:
        return None
    if probed:
        # Drop pairs an earlier table reports: their substring there is
        # within that table's radius.
        diff = xor[hit]
        keep = np.ones(hit.size, dtype=bool)
        for mask, earlier_radius in probed:
            keep &= row_distances(diff & mask) > earlier_radius
        hit = hit[keep]
    owner = np.searchsorted(np.cumsum(per_q), hit, side="right").astype(np.int64)
    return owner, parts.ids[pos[hit]], dist[hit].astype(np.int64)
