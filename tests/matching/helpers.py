"""A numpy brute force to check Hamming searches against, and the data they run on."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from numpy.typing import NDArray

from triage_app.matching import HammingIndex, Matches
from triage_app.matching.planner import plan_search

U64_MAX = 2**64 - 1


_BYTE_BITS = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


def oracle_popcount(x: NDArray[np.uint64]) -> NDArray[np.int64]:
    if hasattr(np, "bitwise_count"):
        return np.bitwise_count(x).astype(np.int64)
    # numpy < 2: a byte table, independent of the index's SWAR fallback.
    return _BYTE_BITS[x.view(np.uint8)].reshape(-1, 8).sum(axis=1, dtype=np.int64)


def brute_force(
    hashes: NDArray[np.uint64], ids: NDArray[np.int64], queries: NDArray[np.uint64], t: int
) -> Matches:
    """Every (query, entry) pair within ``t``: XOR + popcount over the whole array."""
    qi_parts, id_parts, d_parts = [], [], []
    for i, q in enumerate(queries):
        dist = oracle_popcount(hashes ^ q)
        pos = np.flatnonzero(dist <= t)
        qi_parts.append(np.full(pos.size, i, dtype=np.int64))
        id_parts.append(ids[pos].astype(np.int64))
        d_parts.append(dist[pos])
    if not qi_parts:
        empty = np.zeros(0, dtype=np.int64)
        return Matches(empty, empty, empty)
    qi, found, dist = (np.concatenate(p) for p in (qi_parts, id_parts, d_parts))
    order = np.lexsort((found, dist, qi))
    return Matches(qi[order], found[order], dist[order])


def assert_same(got: Matches, expected: Matches) -> None:
    """Identical rows in identical (query, distance, id) order, with int64 arrays."""
    for name, a, b in zip(Matches._fields, got, expected, strict=True):
        assert a.dtype == np.int64, name
        np.testing.assert_array_equal(a, b, err_msg=name)


def flip_bits(rng: np.random.Generator, values: NDArray[np.uint64], d: int) -> NDArray[np.uint64]:
    """Each value with exactly ``d`` distinct random bits flipped."""
    out = values.copy()
    for i in range(values.size):
        mask = 0
        for bit in rng.choice(64, size=d, replace=False):
            mask |= 1 << int(bit)
        out[i] ^= np.uint64(mask)
    return out


def planted_case(
    t: int, seed: int, n_random: int = 20_000, n_queries: int = 40
) -> tuple[NDArray[np.uint64], NDArray[np.int64], NDArray[np.uint64]]:
    """Random known list with neighbours of every query at every distance 0..t+1.

    Also: the edge hashes 0 and 2**64-1 as queries and entries, duplicate
    hashes under different ids, and a few entries just outside ``t``.
    """
    rng = np.random.default_rng(seed)
    queries = rng.integers(0, U64_MAX, size=n_queries, dtype=np.uint64, endpoint=True)
    queries = np.concatenate([queries, np.array([0, U64_MAX, 1 << 63], dtype=np.uint64)])
    parts = [rng.integers(0, U64_MAX, size=n_random, dtype=np.uint64, endpoint=True)]
    for d in range(t + 2):
        for _ in range(2):
            parts.append(flip_bits(rng, queries, d))
    parts.append(np.array([0, 0, U64_MAX, U64_MAX, 1 << 63], dtype=np.uint64))
    hashes = np.concatenate(parts)
    # Duplicates: every planted entry once more, under its own id.
    planted = hashes[n_random:]
    hashes = np.concatenate([hashes, planted[rng.random(planted.size) < 0.5]])
    hashes = hashes[rng.permutation(hashes.size)]
    ids = rng.choice(10**12, size=hashes.size, replace=False).astype(np.int64) - 10**11
    return hashes, ids, queries


def table_radii(index: HammingIndex, t: int) -> tuple[int, ...]:
    """The planner's radii with the linear scan priced out, so tables are used."""
    entries = tuple(int(table.data.size) for table in index.tables)
    plan = plan_search(index.widths, entries, 10**15, t)
    assert not plan.linear
    return plan.radii


hash_values = st.integers(min_value=0, max_value=U64_MAX)
