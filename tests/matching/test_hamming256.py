"""PdqIndex (256-bit) against a numpy brute force, its planner, store and hex helpers."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from triage_app.matching import (
    IndexFormatError,
    Matches,
    PdqIndex,
    hex_to_u64x4,
    u64x4_to_hex,
)
from triage_app.matching.hex256 import int_to_u64x4, u64x4_to_int
from triage_app.matching.planner256 import choose_widths, plan_search
from triage_app.matching.tables256 import substring_keys, substring_mask

U64_MAX = 2**64 - 1
_BYTE_BITS = np.array([bin(i).count("1") for i in range(256)], dtype=np.int64)


def oracle_distances(values: NDArray[np.uint64], query: NDArray[np.uint64]) -> NDArray[np.int64]:
    """Hamming distances by a byte table, independent of the index's popcount."""
    xor = (values ^ query[None, :]).view(np.uint8)
    return _BYTE_BITS[xor].reshape(values.shape[0], 32).sum(axis=1)


def brute_force(
    values: NDArray[np.uint64], ids: NDArray[np.int64], queries: NDArray[np.uint64], t: int
) -> Matches:
    qi, found, dist = [], [], []
    for i, query in enumerate(queries):
        d = oracle_distances(values, query)
        pos = np.flatnonzero(d <= t)
        qi.append(np.full(pos.size, i, dtype=np.int64))
        found.append(ids[pos])
        dist.append(d[pos])
    q, f, d = (np.concatenate(p) if p else np.zeros(0, np.int64) for p in (qi, found, dist))
    order = np.lexsort((f, d, q))
    return Matches(q[order], f[order], d[order])


def assert_same(got: Matches, expected: Matches) -> None:
    for name, a, b in zip(Matches._fields, got, expected, strict=True):
        assert a.dtype == np.int64, name
        np.testing.assert_array_equal(a, b, err_msg=name)


def flip(rng: np.random.Generator, row: NDArray[np.uint64], d: int) -> NDArray[np.uint64]:
    """``row`` with exactly ``d`` distinct random bits of its 256 flipped."""
    out = row.copy()
    for bit in rng.choice(256, size=d, replace=False):
        out[bit // 64] ^= np.uint64(1 << (63 - bit % 64))
    return out


def planted_case(
    seed: int, n_random: int = 30_000, n_queries: int = 12, far: int = 40
) -> tuple[NDArray[np.uint64], NDArray[np.int64], NDArray[np.uint64]]:
    """Random hashes plus, for every query, neighbours at every distance 0..far.

    Edge queries (all zeros, all ones) are included, and duplicates of some
    planted rows under their own ids.
    """
    rng = np.random.default_rng(seed)
    queries = rng.integers(0, U64_MAX, size=(n_queries, 4), dtype=np.uint64, endpoint=True)
    edges = np.array([[0] * 4, [U64_MAX] * 4], dtype=np.uint64)
    queries = np.concatenate([queries, edges])
    rows = [rng.integers(0, U64_MAX, size=(n_random, 4), dtype=np.uint64, endpoint=True)]
    planted = np.array([flip(rng, q, d) for q in queries for d in range(far + 1)])
    rows += [planted, planted[rng.random(planted.shape[0]) < 0.3], edges]
    values = np.concatenate(rows)
    values = values[rng.permutation(values.shape[0])]
    ids = rng.choice(10**12, size=values.shape[0], replace=False).astype(np.int64) - 10**11
    return values, ids, queries


@pytest.fixture(scope="module")
def case() -> tuple[NDArray[np.uint64], NDArray[np.int64], NDArray[np.uint64], PdqIndex]:
    values, ids, queries = planted_case(seed=17)
    return values, ids, queries, PdqIndex.build(values, ids, max_distance=31)


@pytest.mark.parametrize("t", [0, 1, 7, 16, 31, 32, 40])
def test_planted_neighbours_match_brute_force(case: tuple, t: int) -> None:  # type: ignore[type-arg]
    values, ids, queries, index = case
    assert not index.plan(31).linear, "the tables, not a scan, must be tested"
    expected = brute_force(values, ids, queries, t)
    # Every planted distance 0..t occurs; 32..40 exist too, as near misses for t=31.
    assert set(range(t + 1)) <= set(expected.distances.tolist())
    assert_same(index.search_many(queries, t), expected)


def test_recall_at_31_counts_every_planted_pair(case: tuple) -> None:  # type: ignore[type-arg]
    values, ids, queries, index = case
    found = index.search_many(queries, 31)
    dists = [oracle_distances(values, q) for q in queries]
    near_misses = sum(int(((d > 31) & (d <= 40)).sum()) for d in dists)
    assert near_misses >= queries.shape[0] * 9  # 32..40 are planted and must not be reported
    assert found.distances.max() == 31
    assert_same(found, brute_force(values, ids, queries, 31))


@pytest.mark.parametrize(
    "widths",
    [(16,) * 16, (23,) * 11, (8,) * 32, (5, 9, 13, 17, 21), (20,)],
    ids=str,
)
def test_other_layouts_and_forced_scan(widths: tuple[int, ...]) -> None:
    values, ids, queries = planted_case(seed=len(widths), n_random=4_000, n_queries=5)
    if len(widths) > 16:
        widths = widths[:16]
    index = PdqIndex.build(values, ids, widths=widths)
    for t in (0, 5, 31):
        expected = brute_force(values, ids, queries, t)
        assert_same(index.search_many(queries, t), expected)
        assert_same(index.search_many(queries, t, radii=()), expected)


def test_every_table_can_be_the_finder() -> None:
    """Radii that skip all tables but a few still find everything (pigeonhole bound)."""
    values, ids, queries = planted_case(seed=5, n_random=2_000, n_queries=4, far=12)
    index = PdqIndex.build(values, ids, widths=(16,) * 16)
    expected = brute_force(values, ids, queries, 12)
    for radii in [(12,) + (-1,) * 15, (-1,) * 15 + (12,), (1,) * 6 + (0,) + (-1,) * 9]:
        assert_same(index.search_many(queries, 12, radii=radii), expected)
    with pytest.raises(ValueError, match="cannot guarantee"):
        index.search_many(queries, 12, radii=(0,) * 12 + (-1,) * 4)


def test_edge_radii_0_and_256() -> None:
    values, ids, queries = planted_case(seed=3, n_random=500, n_queries=3, far=4)
    index = PdqIndex.build(values, ids)
    assert_same(index.search_many(queries, 0), brute_force(values, ids, queries, 0))
    everything = index.search_many(queries[:2], 256)
    assert everything.ids.size == 2 * values.shape[0]
    assert_same(everything, brute_force(values, ids, queries[:2], 256))
    # The all-ones query is 256 bits from the all-zeros entry.
    ids_256, dist_256 = index.search(np.full(4, U64_MAX, dtype=np.uint64), 256)
    assert dist_256.max() == 256
    assert ids_256.size == values.shape[0]


def test_duplicates_and_default_ids() -> None:
    row = np.array([1, 2, 3, 4], dtype=np.uint64)
    near = row.copy()
    near[3] ^= np.uint64(1)
    values = np.array([row, row, near, ~row], dtype=np.uint64)
    index = PdqIndex.build(values)
    ids, dist = index.search(row, 1)
    assert ids.tolist() == [0, 1, 2]
    assert dist.tolist() == [0, 0, 1]
    values[0] = 0  # the index holds its own copy
    assert index.search(row, 0)[0].tolist() == [0, 1]


def test_empty_index_and_empty_queries() -> None:
    empty = PdqIndex.build(np.zeros((0, 4), dtype=np.uint64))
    assert len(empty) == 0
    assert empty.search([1, 2, 3, 4], 31)[0].size == 0
    index = PdqIndex.build(np.ones((3, 4), dtype=np.uint64))
    found = index.search_many(np.zeros((0, 4), dtype=np.uint64), 31)
    assert found.ids.size == 0
    assert index.search_many([], 31).ids.size == 0


def test_query_forms_agree() -> None:
    rng = np.random.default_rng(9)
    values = rng.integers(0, U64_MAX, size=(100, 4), dtype=np.uint64, endpoint=True)
    index = PdqIndex.build(values)
    row = values[7]
    text = u64x4_to_hex(row[None, :])[0]
    for query in (row, row.tolist(), text, text.upper(), u64x4_to_int(row)):
        ids, dist = index.search(query, 0)
        assert ids.tolist() == [7]
        assert dist.tolist() == [0]


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: PdqIndex.build(np.zeros((3, 3), dtype=np.uint64)), ValueError),
        (lambda: PdqIndex.build(np.zeros(4, dtype=np.uint64)), ValueError),
        (lambda: PdqIndex.build(-np.ones((2, 4), dtype=np.int64)), ValueError),
        (lambda: PdqIndex.build(np.zeros((2, 4), dtype=np.float64)), TypeError),
        (lambda: PdqIndex.build(np.zeros((2, 4), dtype=np.uint64), ids=[1]), ValueError),
        (lambda: PdqIndex.build(np.zeros((2, 4), dtype=np.uint64), widths=[25]), ValueError),
        (lambda: PdqIndex.build(np.zeros((2, 4), dtype=np.uint64), widths=[20] * 13), ValueError),
        (lambda: PdqIndex.build(np.zeros((2, 4), dtype=np.uint64), max_distance=257), ValueError),
    ],
)
def test_bad_build_arguments(call: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        call()  # type: ignore[operator]


def test_bad_search_arguments() -> None:
    index = PdqIndex.build(np.zeros((2, 4), dtype=np.uint64))
    with pytest.raises(ValueError, match=r"0\.\.256"):
        index.search_many(np.zeros((1, 4), dtype=np.uint64), 257)
    with pytest.raises(ValueError, match=r"0\.\.256"):
        index.search([0, 0, 0, 0], -1)
    with pytest.raises(TypeError):
        index.search([0, 0, 0, 0], 3.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="shape"):
        index.search([0, 0, 0], 3)
    with pytest.raises(ValueError, match="256-bit"):
        index.search(2**256, 3)
    with pytest.raises(TypeError):
        index.search(True, 3)
    with pytest.raises(ValueError, match="workers"):
        index.search_many(np.zeros((1, 4), dtype=np.uint64), 3, workers=0)


def test_workers_give_the_same_answer(case: tuple) -> None:  # type: ignore[type-arg]
    queries, index = case[2:]
    assert_same(index.search_many(queries, 31, workers=2), index.search_many(queries, 31))


def test_save_load_round_trip(case: tuple, tmp_path: Path) -> None:  # type: ignore[type-arg]
    queries, index = case[2:]
    folder = tmp_path / "pdq"
    index.save(folder)
    with pytest.raises(FileExistsError):
        index.save(folder)
    index.save(folder, overwrite=True)
    for mmap in (True, False):
        loaded = PdqIndex.load(folder, verify=True, mmap=mmap)
        assert loaded.widths == index.widths
        assert loaded.max_distance == 31
        assert_same(loaded.search_many(queries, 31), index.search_many(queries, 31))
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["version"] = 99
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(IndexFormatError, match="version"):
        PdqIndex.load(folder)
    with pytest.raises(IndexFormatError):
        PdqIndex.load(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    (other / "keep.txt").write_text("x")
    with pytest.raises(FileExistsError):
        index.save(other, overwrite=True)


def test_corrupt_store_is_refused(tmp_path: Path) -> None:
    index = PdqIndex.build(np.arange(40, dtype=np.uint64).reshape(10, 4), widths=(8, 8))
    folder = tmp_path / "pdq"
    index.save(folder)
    np.save(folder / "table1_order.npy", np.zeros(10, dtype=np.uint32))
    with pytest.raises(IndexFormatError, match="SHA-256"):
        PdqIndex.load(folder, verify=True)
    np.save(folder / "table1_offsets.npy", np.zeros(257, dtype=np.uint32))
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["arrays"]["table1_offsets"]["sha256"] = "0"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(IndexFormatError, match="inconsistent"):
        PdqIndex.load(folder)


def test_planner_prefers_radius_two_tables_at_ten_million() -> None:
    widths = choose_widths(10_000_000, 31)
    plan = plan_search(widths, 10_000_000, 31)
    assert not plan.linear
    assert sum(r + 1 for r in plan.radii) >= 32
    assert 10 <= len(widths) <= 12
    assert max(plan.radii) == 2
    assert plan_search(widths, 10_000_000, 256).linear
    assert choose_widths(0, 31) == ()


def test_substring_keys_match_integer_arithmetic() -> None:
    rng = np.random.default_rng(2)
    rows = rng.integers(0, U64_MAX, size=(50, 4), dtype=np.uint64, endpoint=True)
    numbers = [u64x4_to_int(r) for r in rows]
    for start, width in [(0, 23), (60, 8), (41, 23), (120, 16), (233, 23), (255, 1), (64, 64)]:
        keys = substring_keys(rows, start, width).tolist()
        shift = 256 - start - width
        assert keys == [(n >> shift) & ((1 << width) - 1) for n in numbers]
        mask = u64x4_to_int(substring_mask(start, width))
        assert mask == ((1 << width) - 1) << shift


def test_hex_round_trip_and_word_order() -> None:
    text = "0123456789abcdef" + "f" * 16 + "0" * 15 + "1" + "8" + "0" * 15
    words = hex_to_u64x4([text])
    assert words.shape == (1, 4)
    assert words[0].tolist() == [0x0123456789ABCDEF, U64_MAX, 1, 1 << 63]
    assert u64x4_to_hex(words) == [text]
    assert hex_to_u64x4([text.upper()]).tolist() == words.tolist()
    rng = np.random.default_rng(4)
    rows = rng.integers(0, U64_MAX, size=(200, 4), dtype=np.uint64, endpoint=True)
    texts = u64x4_to_hex(rows)
    assert texts == [f"{u64x4_to_int(r):064x}" for r in rows]
    np.testing.assert_array_equal(hex_to_u64x4(texts), rows)
    assert hex_to_u64x4([]).shape == (0, 4)
    assert u64x4_to_hex(np.zeros((0, 4), dtype=np.uint64)) == []
    assert u64x4_to_int(int_to_u64x4(2**256 - 1)) == 2**256 - 1


@pytest.mark.parametrize(
    "bad",
    ["", "0" * 63, "0" * 65, "g" + "0" * 63, "0x" + "0" * 62, " " + "0" * 63, "é" + "0" * 63],
)
def test_hex_rejects_bad_strings(bad: str) -> None:
    with pytest.raises(ValueError, match="index 1"):
        hex_to_u64x4(["0" * 64, bad])


def test_hex_rejects_non_strings() -> None:
    with pytest.raises(TypeError):
        hex_to_u64x4("0" * 64)
    with pytest.raises(TypeError):
        hex_to_u64x4([b"0" * 64])  # type: ignore[list-item]
    with pytest.raises(ValueError):
        u64x4_to_hex(np.zeros(4, dtype=np.uint64))
