"""HammingIndex against a numpy brute force: planted neighbours, layouts, edges, arguments."""

from __future__ import annotations

import itertools
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.helpers import (
    U64_MAX,
    assert_same,
    brute_force,
    hash_values,
    oracle_popcount,
    planted_case,
    table_radii,
)
from triage_app.matching import HammingIndex

LAYOUTS: list[tuple[int, ...] | None] = [
    None,  # what the planner picks for this size
    (16, 16, 16, 16),
    (22, 21, 21),
    (8,) * 8,
    (5, 7, 11, 13),  # covers only 36 of the 64 bits
    (20,),
]


@pytest.mark.parametrize("t", [4, 8, 12])
@pytest.mark.parametrize("widths", LAYOUTS, ids=str)
def test_planted_neighbours_match_brute_force(t: int, widths: tuple[int, ...] | None) -> None:
    hashes, ids, queries = planted_case(t, seed=t)
    index = HammingIndex.build(hashes, ids, max_distance=t, widths=widths)
    expected = brute_force(hashes, ids, queries, t)
    # Every planted distance 0..t occurs, and t+1 exists but must not match.
    assert set(expected.distances.tolist()) == set(range(t + 1))
    assert (oracle_popcount(hashes ^ queries[0]) == t + 1).any()
    assert_same(index.search_many(queries, t), expected)
    assert_same(index.search_many(queries, t, radii=table_radii(index, t)), expected)


def test_planner_uses_tables_at_scale() -> None:
    hashes, ids, queries = planted_case(12, seed=3, n_random=200_000, n_queries=10)
    index = HammingIndex.build(hashes, ids)
    assert len(index.widths) >= 2
    for t in (4, 8, 12):
        assert not index.plan(t).linear
        assert_same(index.search_many(queries, t), brute_force(hashes, ids, queries, t))


def test_every_minimal_radius_allocation() -> None:
    """Each way to spread the pigeonhole budget over 4 tables (skips included)."""
    t = 5
    hashes, ids, queries = planted_case(t, seed=11, n_random=3000, n_queries=12)
    index = HammingIndex.build(hashes, ids, widths=(16, 16, 16, 16))
    expected = brute_force(hashes, ids, queries, t)
    count = 0
    for radii in itertools.product(range(-1, t + 1), repeat=4):
        if sum(r + 1 for r in radii) != t + 1:
            continue
        assert_same(index.search_many(queries, t, radii=radii), expected)
        count += 1
    assert count == 84  # weak compositions of 6 into 4 parts: C(9, 3)


def test_linear_scan_path() -> None:
    hashes, ids, queries = planted_case(8, seed=5, n_random=5000)
    index = HammingIndex.build(hashes, ids)
    assert_same(index.search_many(queries, 8, radii=()), brute_force(hashes, ids, queries, 8))


def test_distance_beyond_max_distance() -> None:
    hashes, ids, queries = planted_case(4, seed=6, n_random=3000, n_queries=5)
    index = HammingIndex.build(hashes, ids, max_distance=4)
    for t in (0, 13, 24, 64):
        assert_same(index.search_many(queries, t), brute_force(hashes, ids, queries, t))


def test_many_duplicates_and_edges() -> None:
    hashes = np.array([0] * 50 + [U64_MAX] * 30 + [1, 3, 2**63, 2**63 + 1], dtype=np.uint64)
    index = HammingIndex.build(hashes, widths=(8, 8, 8))
    ids = np.arange(hashes.size, dtype=np.int64)
    queries = np.array([0, U64_MAX, 1, 2**63 - 1, 2**62], dtype=np.uint64)
    for t in range(4):
        assert_same(
            index.search_many(queries, t, radii=table_radii(index, t)),
            brute_force(hashes, ids, queries, t),
        )
    found, dist = index.search(U64_MAX, 0)
    np.testing.assert_array_equal(found, np.arange(50, 80))
    assert (dist == 0).all()


def test_workers_give_the_same_answer() -> None:
    hashes, ids, queries = planted_case(8, seed=9, n_random=20_000, n_queries=60)
    index = HammingIndex.build(hashes, ids)
    assert_same(index.search_many(queries, 8, workers=3), index.search_many(queries, 8))


bit_flips = st.lists(st.integers(min_value=0, max_value=63), max_size=14)


@st.composite
def hash_cases(draw: st.DrawFn) -> tuple[list[int], list[int], int, tuple[int, ...], list[int]]:
    centres = draw(st.lists(hash_values, min_size=1, max_size=6))
    special = [0, U64_MAX]

    def near() -> int:
        value = draw(st.sampled_from(centres + special))
        for bit in draw(bit_flips):
            value ^= 1 << bit
        return value

    entries = [near() for _ in range(draw(st.integers(0, 40)))]
    entries += draw(st.lists(hash_values, max_size=5))
    queries = [near() for _ in range(draw(st.integers(1, 6)))]
    t = draw(st.integers(0, 16) | st.integers(0, 64))
    widths = tuple(draw(st.lists(st.integers(1, 12), min_size=1, max_size=8)))
    while sum(widths) > 64:
        widths = widths[:-1]
    radii = [draw(st.integers(-1, min(w, t))) for w in widths]
    # Top up the pigeonhole budget where possible; else fall back to a scan.
    for j, w in enumerate(widths):
        while sum(r + 1 for r in radii) < t + 1 and radii[j] < w:
            radii[j] += 1
    if sum(r + 1 for r in radii) < t + 1:
        radii = []
    return entries, queries, t, widths, radii


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hash_cases())
def test_hypothesis_matches_brute_force(
    case: tuple[list[int], list[int], int, tuple[int, ...], list[int]],
) -> None:
    entries, query_list, t, widths, radii = case
    hashes = np.array(entries, dtype=np.uint64)
    queries = np.array(query_list, dtype=np.uint64)
    ids = np.arange(hashes.size, dtype=np.int64) * 3 - 7
    index = HammingIndex.build(hashes, ids, widths=widths)
    expected = brute_force(hashes, ids, queries, t)
    assert_same(index.search_many(queries, t, radii=radii), expected)
    assert_same(index.search_many(queries, t), expected)


def test_empty_index() -> None:
    index = HammingIndex.build(np.zeros(0, dtype=np.uint64))
    assert len(index) == 0
    assert index.widths == ()
    found, dist = index.search(123, 12)
    assert found.size == 0 and dist.size == 0
    assert found.dtype == np.int64
    qi, found, dist = index.search_many(np.array([0, U64_MAX], dtype=np.uint64), 64)
    assert qi.size == found.size == dist.size == 0


def test_empty_queries() -> None:
    index = HammingIndex.build(np.arange(100, dtype=np.uint64))
    assert all(a.size == 0 for a in index.search_many(np.zeros(0, dtype=np.uint64), 4))
    assert all(a.size == 0 for a in index.search_many([], 4))


def test_search_single_query_nearest_first() -> None:
    base = 0x0123_4567_89AB_CDEF
    hashes = np.array([base ^ 0b111, base, base ^ 0b1, base ^ (0xF << 60)], dtype=np.uint64)
    index = HammingIndex.build(hashes, ids=[10, 20, 30, 40])
    found, dist = index.search(base, 3)
    assert found.tolist() == [20, 30, 10]
    assert dist.tolist() == [0, 1, 3]
    found, _ = index.search(np.uint64(base), 0)
    assert found.tolist() == [20]


@pytest.mark.parametrize(
    ("query", "error"), [(-1, ValueError), (2**64, ValueError), (True, TypeError), (1.0, TypeError)]
)
def test_bad_queries_rejected(query: object, error: type[Exception]) -> None:
    index = HammingIndex.build(np.arange(10, dtype=np.uint64))
    with pytest.raises(error):
        index.search(query, 4)  # type: ignore[arg-type]


def test_bad_arguments_rejected() -> None:
    index = HammingIndex.build(np.arange(10, dtype=np.uint64), widths=(4, 4))
    for t in (-1, 65):
        with pytest.raises(ValueError, match="distance"):
            index.search(1, t)
    with pytest.raises(TypeError):
        index.search(1, 2.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="non-negative"):
        index.search_many(np.array([-1, 2]), 3)
    with pytest.raises(TypeError):
        index.search_many(np.array([1.5]), 3)
    with pytest.raises(ValueError, match="cannot guarantee"):
        index.search_many([1], 4, radii=(1, 1))
    with pytest.raises(ValueError, match="one entry per table"):
        index.search_many([1], 4, radii=(5,))
    with pytest.raises(ValueError, match="workers"):
        index.search_many([1], 4, workers=0)
    with pytest.raises(ValueError, match="ids"):
        HammingIndex.build(np.arange(3, dtype=np.uint64), ids=[1, 2])
    with pytest.raises(TypeError, match="ids"):
        HammingIndex.build(np.arange(2, dtype=np.uint64), ids=[1.0, 2.0])
    with pytest.raises(ValueError, match="widths"):
        HammingIndex.build(np.arange(2, dtype=np.uint64), widths=(25,))
    with pytest.raises(ValueError, match="widths"):
        HammingIndex.build(np.arange(2, dtype=np.uint64), widths=(24, 24, 24))
    with pytest.raises(ValueError, match="one-dimensional"):
        HammingIndex.build(np.zeros((2, 2), dtype=np.uint64))


def test_signed_input_converts_when_non_negative() -> None:
    index = HammingIndex.build(np.array([5, 6, 7], dtype=np.int64), ids=np.array([1, 2, 3]))
    assert index.values.dtype == np.uint64
    assert index.search(5, 1)[0].tolist() == [1, 3]  # 5 ^ 7 == 2: one bit


def test_matching_is_pure_numpy() -> None:
    code = (
        "import sys\n"
        "import triage_app.matching\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'sqlalchemy')\n"
        "       or m.startswith('triage_app.storage')]\n"
        "print(bad)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
