"""Cost model for the 256-bit multi-index: substring widths at build, radii per query.

The same pigeonhole argument as :mod:`.planner`: with disjoint substrings
probed at radii ``r_j``, every pair within ``t`` is found as long as
``sum(r_j + 1) >= t + 1`` (a radius of -1 skips a table). Substrings need not
cover all 256 bits. For PDQ's ``t = 31`` at 10 million entries the cheapest
plans use about eleven 23-bit tables probed at radius 2: some 3,000 bucket
look-ups and 3,000 candidates per query, instead of the 16 x 16-bit tables at
radius 1 that the plain pigeonhole split suggests (272 look-ups but 40,000
candidates).

Costs differ from the 64-bit index: a candidate here is a random 32-byte row
gathered from the whole value array, and a probed bucket a random read of a
uint32 offset table.
"""

from __future__ import annotations

import math

from triage_app.matching.planner import SearchPlan, ball_size

#: Relative cost of probing one bucket (key XOR, two offset reads, range set-up).
COST_KEY = 1.0
#: Relative cost of verifying one candidate (order read, row gather, 4 x XOR + popcount).
COST_CANDIDATE = 2.0
#: Relative cost of one entry in a linear scan (sequential 4-word XOR + popcount).
COST_SCAN = 0.4
#: Widest substring table: 2**23 uint32 offsets is 32 MiB (24-bit tables measured slower).
MAX_WIDTH = 23
#: Most tables a layout may have (each costs 4 bytes per entry).
MAX_TABLES = 16
#: Hash width.
BITS = 256

__all__ = ["MAX_TABLES", "MAX_WIDTH", "SearchPlan", "choose_widths", "plan_search"]


def probe_cost(width: int, radius: int, entries: int) -> float:
    """Estimated work to probe one query in a table (uniformly spread keys)."""
    return ball_size(width, radius) * (COST_KEY + COST_CANDIDATE * math.ldexp(entries, -width))


def plan_search(widths: tuple[int, ...], size: int, t: int) -> SearchPlan:
    """Cheapest radii for distance ``t`` over tables of these widths, or a linear scan.

    Every table holds all ``size`` entries. Dynamic programming over tables
    on the capped pigeonhole budget ``sum(r_j + 1)``.
    """
    need = t + 1
    linear_cost = COST_SCAN * size
    # best[budget] = (cost, radii so far)
    best: dict[int, tuple[float, tuple[int, ...]]] = {0: (0.0, ())}
    for width in widths:
        nxt: dict[int, tuple[float, tuple[int, ...]]] = {}
        for budget, (cost, radii) in best.items():
            for radius in range(-1, min(width, t) + 1):
                total = cost + probe_cost(width, radius, size)
                if total > linear_cost:
                    break  # wider balls only cost more
                key = min(need, budget + radius + 1)
                if key not in nxt or total < nxt[key][0]:
                    nxt[key] = (total, (*radii, radius))
        best = nxt
    if need in best and best[need][0] <= linear_cost:
        cost, radii = best[need]
        return SearchPlan(distance=t, radii=radii, linear=False, cost=cost)
    return SearchPlan(distance=t, radii=(), linear=True, cost=linear_cost)


def even_split(total: int, parts: int) -> tuple[int, ...]:
    """``parts`` widths summing to ``total``, the wider ones first."""
    base, rem = divmod(total, parts)
    return tuple(base + 1 if i < rem else base for i in range(parts))


def choose_widths(size: int, max_distance: int) -> tuple[int, ...]:
    """Substring widths (most significant first) that minimise the cost at ``max_distance``.

    Widths are capped at about ``log2(size) + 1`` bits (wider tables are mostly
    empty buckets) and at :data:`MAX_WIDTH`; every table count up to
    :data:`MAX_TABLES` and every uniform width below the cap are costed.
    """
    if size == 0:
        return ()
    cap = max(1, min(MAX_WIDTH, math.ceil(math.log2(size)) + 1))
    best: tuple[float, tuple[int, ...]] | None = None
    for parts in range(1, MAX_TABLES + 1):
        layouts = {even_split(min(BITS, parts * cap), parts)}
        layouts.update((w,) * parts for w in range(max(1, cap - 6), cap + 1) if w * parts <= BITS)
        for widths in sorted(layouts):
            if max(widths) > cap:
                continue
            plan = plan_search(widths, size, max_distance)
            if plan.linear:
                continue
            # Ties go to fewer tables (less memory).
            if best is None or plan.cost < best[0] * 0.999:
                best = (plan.cost, widths)
    if best is None:
        # Nothing beats a linear scan (tiny index or huge distance): one
        # small table keeps small distances cheap all the same.
        return (cap,)
    return best[1]
