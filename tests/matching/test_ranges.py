"""Range helpers: work slices bound the candidates verified at once."""

from __future__ import annotations

import itertools

import numpy as np

from triage_app.matching.ranges import equal_ranges, work_slices


def test_slices_bound_the_work() -> None:
    per_query = np.array([5, 5, 5, 50, 1, 1, 1, 1, 0, 7], dtype=np.int64)
    bounds = work_slices(per_query, 10)
    assert bounds[0] == 0 and bounds[-1] == per_query.size
    for lo, hi in itertools.pairwise(bounds):
        assert hi > lo
        assert per_query[lo:hi].sum() <= 10 or hi == lo + 1
    assert work_slices(per_query, 1000) == [0, per_query.size]


def test_equal_ranges_pairs_every_query_with_its_equal_keys() -> None:
    keys = np.array([1, 3, 3, 3, 7, 9, 9], dtype=np.uint64)
    queries = np.array([3, 2, 9, 1, 3, 10], dtype=np.uint64)
    query_pos, key_pos = equal_ranges(keys, queries)
    assert query_pos.tolist() == [0, 0, 0, 2, 2, 3, 4, 4, 4]
    assert key_pos.tolist() == [1, 2, 3, 5, 6, 0, 1, 2, 3]
    assert query_pos.dtype == key_pos.dtype == np.int64
    nothing = equal_ranges(keys, np.array([0, 100], dtype=np.uint64))
    assert all(a.size == 0 and a.dtype == np.int64 for a in nothing)
