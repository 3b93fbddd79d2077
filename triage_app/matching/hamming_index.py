"""Exact Hamming-radius search over 64-bit perceptual hashes (multi-index hashing).

Layout (see :mod:`triage_app.matching.planner` for why it is correct):

* ``values``: every hash, sorted ascending, with ``ids`` in the same order.
* One table per substring of the 64 bits, most significant substring first.
  Table ``j`` holds the hashes rotated left by ``shift_j`` so that its
  ``width_j`` bits are on top, sorted, plus ``buckets_j`` (``2**width_j``
  uint64, start and end of each key's range packed in one word).
  Table 0 is ``values`` itself (no rotation, duplicates kept, positions map
  straight to ``ids``); the other tables hold each distinct hash once and map
  back to ids through a binary search in ``values``.

A query enumerates, per table, every key within the table's radius of its own
key (XOR with precomputed flip masks), gathers those buckets as one
vectorised range expansion over a whole chunk of queries, and verifies each
candidate with XOR + popcount. A pair that an earlier table already reports
(its substring distance there is within that table's radius) is dropped, so
each (query, entry) pair comes out exactly once without a sort or a set.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from triage_app.matching.bits import (
    U64,
    as_u64_array,
    flip_masks,
    popcount64,
    rotl64,
    rotr64,
)
from triage_app.matching.planner import MAX_WIDTH, SearchPlan, choose_widths, plan_search

#: Work (bucket look-ups + candidates) per vectorised chunk: large enough to
#: amortise numpy's per-call overhead, small enough to keep temporaries in the
#: tens of megabytes.
CHUNK_WORK = 1 << 19
#: Most candidates verified at once; a chunk over this is split by queries.
MAX_CANDIDATES = 1 << 22

I64 = NDArray[np.int64]

#: Tables address entries with 32-bit positions.
MAX_ENTRIES = 2**32 - 1

_LOW32 = np.uint64(0xFFFF_FFFF)
_HIGH32 = np.uint64(32)


class Matches(NamedTuple):
    """All matches of a batch of queries as three aligned flat arrays.

    Sorted by query index, then distance, then id. Unpacks as
    ``query_index, ids, distances = index.search_many(...)``.
    """

    query_index: I64
    ids: I64
    distances: I64

    def per_query(self, n_queries: int) -> list[tuple[I64, I64]]:
        """Split into one ``(ids, distances)`` pair per query, ``n_queries`` long."""
        bounds = np.searchsorted(self.query_index, np.arange(1, n_queries, dtype=np.int64))
        return list(zip(np.split(self.ids, bounds), np.split(self.distances, bounds), strict=True))


def _empty_matches() -> Matches:
    empty = np.zeros(0, dtype=np.int64)
    return Matches(empty, empty.copy(), empty.copy())


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


def bucket_table(data: U64, width: int) -> U64:
    """Packed ``start | end << 32`` of each ``width``-bit bucket of sorted ``data``."""
    # Keys are below 2**24, so the int64 view of the shifted values is exact.
    keys = (data >> np.uint64(64 - width)).view(np.int64)
    ends = np.cumsum(np.bincount(keys, minlength=1 << width), dtype=np.int64).view(np.uint64)
    buckets = ends << _HIGH32
    buckets[1:] |= ends[:-1]
    return buckets


def check_distance(t: int) -> int:
    """``t`` as a Hamming distance in ``[0, 64]``, or raise."""
    if isinstance(t, bool) or not isinstance(t, int | np.integer):
        raise TypeError(f"distance must be an int, got {type(t).__name__}")
    if not 0 <= t <= 64:
        raise ValueError(f"distance must be within 0..64, got {t}")
    return int(t)


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


class HammingIndex:
    """All entries within Hamming distance ``t`` of 64-bit queries, exactly.

    Build with :meth:`build`, query with :meth:`search` / :meth:`search_many`,
    persist with :meth:`save` / :meth:`load`. ``max_distance`` only tunes the
    layout: any ``t`` in 0..64 is answered exactly (large ones fall back to a
    linear scan when that is cheaper).
    """

    def __init__(
        self,
        values: U64,
        ids: I64,
        tables: tuple[Table, ...],
        max_distance: int,
    ) -> None:
        """Wrap prepared arrays; use :meth:`build` or :meth:`load` instead."""
        self._values = values
        self._ids = ids
        self._tables = tables
        self._max_distance = max_distance
        self._plans: dict[int, SearchPlan] = {}

    # ----------------------------------------------------------------- build

    @classmethod
    def build(
        cls,
        hashes: ArrayLike,
        ids: ArrayLike | None = None,
        max_distance: int = 12,
        *,
        widths: Sequence[int] | None = None,
    ) -> HammingIndex:
        """Index ``hashes`` (uint64), reporting ``ids`` (int64; default: positions).

        Duplicate hashes are allowed; each entry is reported with its own id.
        ``widths`` overrides the substring layout the planner would choose
        (bits per table, most significant first, each 1..24, summing to at
        most 64); it is for tuning and tests.
        """
        values = as_u64_array(hashes, "hashes")
        max_distance = check_distance(max_distance)
        if values.size > MAX_ENTRIES:
            raise ValueError(f"a HammingIndex holds at most {MAX_ENTRIES} entries")
        id_arr = None if ids is None else _check_ids(ids, values.size)
        if widths is None:
            layout = choose_widths(int(values.size), max_distance)
        else:
            layout = tuple(int(w) for w in widths)
            if any(not 1 <= w <= MAX_WIDTH for w in layout) or sum(layout) > 64:
                raise ValueError(f"widths must be 1..{MAX_WIDTH} bits summing to <= 64: {layout}")
        order = np.argsort(values)
        sorted_values = values[order]
        sorted_ids = order.astype(np.int64, copy=False) if id_arr is None else id_arr[order]
        del order
        tables: list[Table] = []
        distinct: U64 | None = None
        shift = 0
        for width in layout:
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
        return cls(sorted_values, sorted_ids, tuple(tables), max_distance)

    # ------------------------------------------------------------ inspection

    def __len__(self) -> int:
        """Number of entries (duplicates counted)."""
        return int(self._values.size)

    def __repr__(self) -> str:
        """Size and layout, for logs."""
        return (
            f"HammingIndex(size={len(self)}, max_distance={self._max_distance}, "
            f"widths={list(self.widths)})"
        )

    @property
    def values(self) -> U64:
        """Every indexed hash, sorted ascending (read-only when loaded)."""
        return self._values

    @property
    def ids(self) -> I64:
        """The id of each entry of :attr:`values`, in the same order."""
        return self._ids

    @property
    def tables(self) -> tuple[Table, ...]:
        """The substring tables, most significant substring first."""
        return self._tables

    @property
    def max_distance(self) -> int:
        """The distance the layout was tuned for."""
        return self._max_distance

    @property
    def widths(self) -> tuple[int, ...]:
        """Bits per substring table, most significant first."""
        return tuple(table.width for table in self._tables)

    @property
    def nbytes(self) -> int:
        """Bytes held by the index arrays (mapped or in memory)."""
        arrays: list[NDArray[Any]] = [self._values, self._ids]
        for j, table in enumerate(self._tables):
            arrays.append(table.buckets)
            if j:  # table 0's data is ``values``
                arrays.append(table.data)
        return sum(int(a.nbytes) for a in arrays)

    def plan(self, t: int) -> SearchPlan:
        """The radii (or linear scan) the search uses for distance ``t``."""
        t = check_distance(t)
        plan = self._plans.get(t)
        if plan is None:
            entries = tuple(int(table.data.size) for table in self._tables)
            plan = plan_search(self.widths, entries, len(self), t)
            self._plans[t] = plan
        return plan

    def _custom_plan(self, t: int, radii: Sequence[int]) -> SearchPlan:
        chosen = tuple(int(r) for r in radii)
        if len(chosen) != len(self._tables):
            raise ValueError(f"radii needs one entry per table ({len(self._tables)})")
        if any(r < -1 for r in chosen) or sum(r + 1 for r in chosen) < t + 1:
            raise ValueError(f"radii {chosen} cannot guarantee every match within {t}")
        return SearchPlan(distance=t, radii=chosen, linear=False, cost=float("nan"))

    # ---------------------------------------------------------------- search

    def search(self, query: int, t: int) -> tuple[I64, I64]:
        """Ids and distances of every entry within ``t`` of ``query``, nearest first."""
        if isinstance(query, bool) or not isinstance(query, int | np.integer):
            raise TypeError(f"query must be an int, got {type(query).__name__}")
        if not 0 <= int(query) < 2**64:
            raise ValueError(f"query {query} is not a 64-bit unsigned value")
        found = self.search_many(np.array([int(query)], dtype=np.uint64), t)
        return found.ids, found.distances

    def search_many(
        self,
        queries: ArrayLike,
        t: int,
        *,
        workers: int = 1,
        radii: Sequence[int] | None = None,
    ) -> Matches:
        """Every (query, entry) pair within distance ``t``, as flat :class:`Matches`.

        The flat triple is what the vectorised search produces, so it is the
        fastest form; :meth:`Matches.per_query` splits it into one
        ``(ids, distances)`` pair per query. ``workers > 1`` splits the
        queries over that many threads (numpy releases the GIL in the heavy
        loops). ``radii`` (one per table, -1 to skip, ``sum(r + 1) > t``)
        overrides the planner, for tests and tuning; ``radii=()`` forces a
        linear scan.
        """
        q = as_u64_array(queries, "queries")
        t = check_distance(t)
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        if radii is None:
            plan = self.plan(t)
        elif len(radii) == 0:
            plan = SearchPlan(distance=t, radii=(), linear=True, cost=float("nan"))
        else:
            plan = self._custom_plan(t, radii)
        if q.size == 0 or len(self) == 0:
            return _empty_matches()
        if workers == 1 or q.size < 2 * workers:
            return _merge(list(self._search_block(q, t, plan)))
        bounds = np.linspace(0, q.size, workers + 1).astype(np.int64)
        blocks = [(int(a), int(b)) for a, b in itertools.pairwise(bounds)]

        def run(block: tuple[int, int]) -> list[tuple[I64, I64, I64]]:
            start, stop = block
            found = list(self._search_block(q[start:stop], t, plan))
            for qi, _, _ in found:
                qi += start
            return found

        with ThreadPoolExecutor(max_workers=workers) as pool:
            parts = [part for found in pool.map(run, blocks) for part in found]
        return _merge(parts)

    def _search_block(self, q: U64, t: int, plan: SearchPlan) -> Iterator[tuple[I64, I64, I64]]:
        """Partial results (query index, ids, distances) for queries ``q``."""
        if plan.linear:
            yield from self._scan(q, t)
            return
        probed: list[tuple[Table, int]] = []
        for table, radius in zip(self._tables, plan.radii, strict=True):
            if radius < 0:
                continue
            yield from self._probe(q, t, table, radius, probed)
            probed.append((table, radius))

    def _scan(self, q: U64, t: int) -> Iterator[tuple[I64, I64, I64]]:
        """Linear scan: every query against every entry, in chunks."""
        values = self._values
        step = max(1, CHUNK_WORK // max(1, values.size))
        for start in range(0, q.size, step):
            block = q[start : start + step]
            dist = popcount64(block[:, None] ^ values[None, :])
            qi, pos = np.nonzero(dist <= t)
            yield (
                qi.astype(np.int64) + start,
                self._ids[pos],
                dist[qi, pos].astype(np.int64),
            )

    def _probe(
        self,
        q: U64,
        t: int,
        table: Table,
        radius: int,
        probed: list[tuple[Table, int]],
    ) -> Iterator[tuple[I64, I64, I64]]:
        """Matches found through one table that no table in ``probed`` reports."""
        masks = flip_masks(table.width, radius)
        per_query = masks.size * (1.0 + table.data.size / 2**table.width)
        step = max(1, int(CHUNK_WORK / per_query))
        key_shift = np.uint64(64 - table.width)
        for start in range(0, q.size, step):
            block = rotl64(q[start : start + step], table.shift)
            keys = (block >> key_shift).astype(np.intp)[:, None] ^ masks[None, :]
            packed = table.buckets[keys.ravel()]
            starts = (packed & _LOW32).view(np.int64)
            counts = (packed >> _HIGH32).view(np.int64)
            counts -= starts
            per_q = counts.reshape(block.size, masks.size).sum(axis=1)
            # Skewed data (crowded buckets) can make a chunk's candidates far
            # more than the average predicts: verify it in bounded slices.
            bounds = _slices(per_q, MAX_CANDIDATES)
            for lo, hi in itertools.pairwise(bounds):
                found = self._verify(
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
        self,
        table: Table,
        block: U64,
        starts: I64,
        counts: I64,
        per_q: I64,
        t: int,
        probed: list[tuple[Table, int]],
    ) -> tuple[I64, I64, I64] | None:
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
            return qi, self._ids[pos_hit], dist_hit
        hashes = rotr64(table.data[pos_hit], table.shift)
        return self._expand_duplicates(qi, hashes, dist_hit)

    def _expand_duplicates(self, qi: I64, hashes: U64, dist: I64) -> tuple[I64, I64, I64]:
        """One row per entry holding each matched distinct hash."""
        lo = np.searchsorted(self._values, hashes, side="left").astype(np.int64)
        hi = np.searchsorted(self._values, hashes, side="right").astype(np.int64)
        counts = hi - lo
        pos = expand_ranges(lo, counts)
        return np.repeat(qi, counts), self._ids[pos], np.repeat(dist, counts)

    # ----------------------------------------------------------- persistence

    def save(self, path: str | Path, *, overwrite: bool = False) -> None:
        """Write the index to folder ``path`` (format: :mod:`.index_store`)."""
        from triage_app.matching.index_store import save_index

        save_index(self, Path(path), overwrite=overwrite)

    @classmethod
    def load(cls, path: str | Path, *, verify: bool = False, mmap: bool = True) -> HammingIndex:
        """Open an index saved with :meth:`save`, memory-mapped unless ``mmap=False``.

        ``verify`` re-hashes the files against the SHA-256 in the manifest.
        """
        from triage_app.matching.index_store import load_index

        return load_index(Path(path), verify=verify, mmap=mmap)


def _check_ids(ids: ArrayLike, size: int) -> I64:
    arr = np.asarray(ids)
    if arr.shape != (size,):
        raise ValueError(f"ids has shape {arr.shape}, hashes has ({size},)")
    if arr.size == 0:
        return np.zeros(0, dtype=np.int64)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"ids must be integers, got dtype {arr.dtype}")
    if arr.dtype == np.uint64 and int(arr.max()) >= 2**63:
        raise ValueError("ids must fit in int64")
    return arr.astype(np.int64)


def _slices(per_query: I64, limit: int) -> list[int]:
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


def _merge(parts: list[tuple[I64, I64, I64]]) -> Matches:
    """Concatenate partial results and order them by query, distance, id."""
    if not parts:
        return _empty_matches()
    qi = np.concatenate([p[0] for p in parts])
    ids = np.concatenate([p[1] for p in parts])
    dist = np.concatenate([p[2] for p in parts])
    order = np.lexsort((ids, dist, qi))
    return Matches(qi[order], ids[order], dist[order])
