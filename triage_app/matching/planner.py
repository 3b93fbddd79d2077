"""Cost model for multi-index hashing: table layout at build, radii per query.

Multi-index hashing splits the 64 bits into disjoint substrings, one sorted
table per substring. If two hashes are within Hamming distance ``t`` and table
``j`` is probed with radius ``r_j`` (every key within ``r_j`` of the query's
substring), then by the generalised pigeonhole principle one of the tables
must find the pair as long as ``sum(r_j + 1) >= t + 1``: otherwise every
substring would differ in at least ``r_j + 1`` bits and the total would
exceed ``t``. A radius of -1 means "skip this table".

The planner picks the radii that minimise the estimated work for ``t``: for a
table of ``w`` bits holding ``n`` entries, probing radius ``r`` costs
``V(w, r)`` bucket look-ups (the size of the Hamming ball) plus
``V(w, r) * n / 2**w`` candidates to verify with a popcount. It compares that
with a linear scan, which wins for tiny indexes or very large ``t``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

# Relative costs, fitted to timings of several layouts at 1M and 10M entries:
# a probed bucket is two random memory reads (its packed range, then its
# first candidate), a candidate mostly sequential work.

#: Relative cost of probing one bucket (key XOR, packed range read, range set-up).
COST_KEY = 3.0
#: Relative cost of verifying one candidate (gather, XOR, popcount, compare).
COST_CANDIDATE = 1.0
#: Relative cost of one entry in a linear scan (sequential XOR + popcount).
COST_SCAN = 0.2
#: Widest substring table: 2**24 packed buckets is 128 MiB.
MAX_WIDTH = 24
#: Most tables a layout may have.
MAX_TABLES = 8


@lru_cache(maxsize=4096)
def ball_size(width: int, radius: int) -> int:
    """Number of ``width``-bit keys within Hamming distance ``radius`` of a key."""
    if radius < 0:
        return 0
    return sum(math.comb(width, k) for k in range(min(radius, width) + 1))


def probe_cost(width: int, radius: int, entries: int) -> float:
    """Estimated work to probe one query in a table (uniformly spread keys)."""
    return ball_size(width, radius) * (COST_KEY + COST_CANDIDATE * math.ldexp(entries, -width))


@dataclass(frozen=True)
class SearchPlan:
    """How to answer queries at one distance: per-table radii, or a linear scan."""

    distance: int
    #: Radius per table, -1 where the table is skipped. Empty for a linear scan.
    radii: tuple[int, ...]
    linear: bool
    #: Estimated relative work per query.
    cost: float


def plan_search(widths: tuple[int, ...], entries: tuple[int, ...], size: int, t: int) -> SearchPlan:
    """Cheapest radii for distance ``t`` over tables of these widths and sizes.

    ``entries[j]`` is how many values table ``j`` holds; ``size`` is the total
    the linear scan would read. Dynamic programming over tables on the capped
    pigeonhole budget ``sum(r_j + 1)``.
    """
    need = t + 1
    # best[budget] = (cost, radii so far)
    best: dict[int, tuple[float, tuple[int, ...]]] = {0: (0.0, ())}
    for width, n in zip(widths, entries, strict=True):
        nxt: dict[int, tuple[float, tuple[int, ...]]] = {}
        for budget, (cost, radii) in best.items():
            for radius in range(-1, min(width, t) + 1):
                key = min(need, budget + radius + 1)
                total = cost + probe_cost(width, radius, n)
                if key not in nxt or total < nxt[key][0]:
                    nxt[key] = (total, (*radii, radius))
        best = nxt
    linear_cost = COST_SCAN * size
    if need in best and best[need][0] <= linear_cost:
        cost, radii = best[need]
        return SearchPlan(distance=t, radii=radii, linear=False, cost=cost)
    return SearchPlan(distance=t, radii=(), linear=True, cost=linear_cost)


def _split(total: int, parts: int, first_extra: int) -> tuple[int, ...] | None:
    """``parts`` widths summing to ``total``; the first gets ``first_extra`` more."""
    rest, rem = divmod(total - first_extra, parts)
    widths = [rest + 1 if i < rem else rest for i in range(parts)]
    widths[0] += first_extra
    if min(widths) < 1 or max(widths) > MAX_WIDTH:
        return None
    return tuple(widths)


def choose_widths(size: int, max_distance: int) -> tuple[int, ...]:
    """Substring widths (most significant first) that minimise the cost at ``max_distance``.

    Tables wider than about ``log2(size) + 1`` bits are mostly empty buckets,
    so widths are capped there (and at :data:`MAX_WIDTH`); within that, every
    count of tables and a few lopsided splits are costed at the worst distance
    the index is built for.
    """
    if size == 0:
        return ()
    cap = max(1, min(MAX_WIDTH, math.ceil(math.log2(size)) + 1))
    best: tuple[float, tuple[int, ...]] | None = None
    for parts in range(1, MAX_TABLES + 1):
        total = min(64, parts * cap)
        for extra in range(5):
            widths = _split(total, parts, extra)
            if widths is None:
                continue
            plan = plan_search(widths, (size,) * parts, size, max_distance)
            if plan.linear:
                continue
            if best is None or plan.cost < best[0]:
                best = (plan.cost, widths)
    if best is None:
        # Nothing beats a linear scan (tiny index): one small table keeps
        # small distances cheap all the same.
        return (cap,)
    return best[1]
