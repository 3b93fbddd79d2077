"""The vectorised multi-index search behind :class:`~triage_app.matching.HammingIndex`.

A query enumerates, per table, every key within the table's radius of its own
key (XOR with precomputed flip masks), gathers those buckets as one
vectorised range expansion over a whole chunk of queries, and verifies each
candidate with XOR + popcount. A pair that an earlier table already reports
(its substring distance there is within that table's radius) is dropped, so
each (query, entry) pair comes out exactly once without a sort or a set.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np

from triage_app.matching.bits import I64, U64, flip_masks, popcount64, rotl64, rotr64
from triage_app.matching.planner import SearchPlan
from triage_app.matching.ranges import equal_ranges, expand_ranges, work_slices
from triage_app.matching.tables import HIGH32, LOW32, IndexParts, Table

#: Work (bucket look-ups + candidates) per vectorised chunk: large enough to
#: amortise numpy's per-call overhead, small enough to keep temporaries in the
#: tens of megabytes.
CHUNK_WORK = 1 << 19
#: Most candidates verified at once; a chunk over this is split by queries.
MAX_CANDIDATES = 1 << 22

#: Partial results: (query index, ids, distances).
Found = tuple[I64, I64, I64]


def search_block(index: IndexParts, q: U64, t: int, plan: SearchPlan) -> Iterator[Found]:
    """Partial results for queries ``q`` at distance ``t``, following ``plan``."""
    if plan.linear:
        yield from _scan(index, q, t)
        return
    probed: list[tuple[Table, int]] = []
    for table, radius in zip(index.tables, plan.radii, strict=True):
        if radius < 0:
            continue
        yield from _probe(index, q, t, table, radius, probed)
        probed.append((table, radius))


def _scan(index: IndexParts, q: U64, t: int) -> Iterator[Found]:
    """Linear scan: every query against every entry, in chunks."""
    values = index.values
    step = max(1, CHUNK_WORK // max(1, values.size))
    for start in range(0, q.size, step):
        block = q[start : start + step]
        dist = popcount64(block[:, None] ^ values[None, :])
        qi, pos = np.nonzero(dist <= t)
        yield (
            qi.astype(np.int64) + start,
            index.ids[pos],
            dist[qi, pos].astype(np.int64),
        )


def _probe(
    index: IndexParts,
    q: U64,
    t: int,
    table: Table,
    radius: int,
    probed: list[tuple[Table, int]],
) -> Iterator[Found]:
    """Matches found through one table that no table in ``probed`` reports."""
    masks = flip_masks(table.width, radius)
    per_query = masks.size * (1.0 + table.data.size / 2**table.width)
    step = max(1, int(CHUNK_WORK / per_query))
    key_shift = np.uint64(64 - table.width)
    for start in range(0, q.size, step):
        block = rotl64(q[start : start + step], table.shift)
        keys = (block >> key_shift).astype(np.intp)[:, None] ^ masks[None, :]
        packed = table.buckets[keys.ravel()]
        starts = (packed & LOW32).view(np.int64)
        counts = (packed >> HIGH32).view(np.int64)
        counts -= starts
        per_q = counts.reshape(block.size, masks.size).sum(axis=1)
        # Skewed data (crowded buckets) can make a chunk's candidates far
        # more than the average predicts: verify it in bounded slices.
        bounds = work_slices(per_q, MAX_CANDIDATES)
        for lo, hi in itertools.pairwise(bounds):
            found = _verify(
                index,
                table,
                block[lo:hi],
                starts[lo * masks.size : hi * masks.size],
                counts[lo * masks.size : hi * masks.size],
                per_q[lo:hi],
                t,
                probed,
            )
            if found is not None:
                qi, ids, dist = found
                qi += start + lo
                yield qi, ids, dist


def _verify(
    index: IndexParts,
    table: Table,
    block: U64,
    starts: I64,
    counts: I64,
    per_q: I64,
    t: int,
    probed: list[tuple[Table, int]],
) -> Found | None:
    """Check every candidate of these bucket ranges against its (rotated) query."""
    pos = expand_ranges(starts, counts)
    xor = table.data[pos]
    xor ^= np.repeat(block, per_q)
    dist = popcount64(xor)
    hit = np.flatnonzero(dist <= t)
    if hit.size == 0:
        return None
    qi = np.searchsorted(np.cumsum(per_q), hit, side="right").astype(np.int64)
    dist_hit = dist[hit].astype(np.int64)
    pos_hit = pos[hit]
    if probed:
        # Drop pairs an earlier table reports: their substring there is
        # within that table's radius.
        diff = rotr64(xor[hit], table.shift)
        keep = np.ones(hit.size, dtype=bool)
        for earlier, earlier_radius in probed:
            keep &= popcount64(diff & earlier.mask) > earlier_radius
        qi, dist_hit, pos_hit = qi[keep], dist_hit[keep], pos_hit[keep]
    if table.shift == 0:
        # Table 0 is ``values`` itself: positions are entry positions.
        return qi, index.ids[pos_hit], dist_hit
    # The other tables hold distinct hashes: one row per entry holding each.
    hashes = rotr64(table.data[pos_hit], table.shift)
    rows, entries = equal_ranges(index.values, hashes)
    return qi[rows], index.ids[entries], dist_hit[rows]
