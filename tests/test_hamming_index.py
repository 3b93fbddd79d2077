"""HammingIndex against a numpy brute force: planted neighbours, edges, persistence."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import imagehash
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from PIL import Image

from triage_app.matching import (
    FORMAT_VERSION,
    HammingIndex,
    IndexFormatError,
    Matches,
    hamming_index,
    hex_to_u64,
    popcount64,
    u64_to_hex,
)
from triage_app.matching.bits import flip_masks, popcount_swar, rotl64, rotr64
from triage_app.matching.planner import ball_size, choose_widths, plan_search

U64_MAX = 2**64 - 1

# --------------------------------------------------------------------- oracle

_BYTE_BITS = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


def _oracle_popcount(x: NDArray[np.uint64]) -> NDArray[np.int64]:
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
        dist = _oracle_popcount(hashes ^ q)
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


# ---------------------------------------------------------------- test data


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


LAYOUTS: list[tuple[int, ...] | None] = [
    None,  # what the planner picks for this size
    (16, 16, 16, 16),
    (22, 21, 21),
    (8,) * 8,
    (5, 7, 11, 13),  # covers only 36 of the 64 bits
    (20,),
]


def table_radii(index: HammingIndex, t: int) -> tuple[int, ...]:
    """The planner's radii with the linear scan priced out, so tables are used."""
    entries = tuple(int(table.data.size) for table in index.tables)
    plan = plan_search(index.widths, entries, 10**15, t)
    assert not plan.linear
    return plan.radii


# ------------------------------------------------------------ planted tests


@pytest.mark.parametrize("t", [4, 8, 12])
@pytest.mark.parametrize("widths", LAYOUTS, ids=str)
def test_planted_neighbours_match_brute_force(t: int, widths: tuple[int, ...] | None) -> None:
    hashes, ids, queries = planted_case(t, seed=t)
    index = HammingIndex.build(hashes, ids, max_distance=t, widths=widths)
    expected = brute_force(hashes, ids, queries, t)
    # Every planted distance 0..t occurs, and t+1 exists but must not match.
    assert set(expected.distances.tolist()) == set(range(t + 1))
    assert (_oracle_popcount(hashes ^ queries[0]) == t + 1).any()
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


def test_crowded_buckets_are_verified_in_slices(monkeypatch: pytest.MonkeyPatch) -> None:
    """Skewed data: thousands of hashes share their top bits; small slices still agree."""
    rng = np.random.default_rng(4)
    crowd = (np.uint64(0xABCD) << np.uint64(48)) | rng.integers(
        0, 2**20, size=5000, dtype=np.uint64
    )
    hashes = np.concatenate(
        [crowd, rng.integers(0, U64_MAX, size=5000, dtype=np.uint64, endpoint=True)]
    )
    ids = np.arange(hashes.size, dtype=np.int64)
    queries = np.concatenate([crowd[:20], flip_bits(rng, crowd[20:40], 3)])
    index = HammingIndex.build(hashes, ids, widths=(16, 16, 16, 16))
    expected = {t: brute_force(hashes, ids, queries, t) for t in (4, 8)}
    monkeypatch.setattr(hamming_index, "MAX_CANDIDATES", 1000)
    for t in (4, 8):
        assert_same(index.search_many(queries, t, radii=table_radii(index, t)), expected[t])


def test_slices_bound_the_work() -> None:
    per_query = np.array([5, 5, 5, 50, 1, 1, 1, 1, 0, 7], dtype=np.int64)
    bounds = hamming_index._slices(per_query, 10)
    assert bounds[0] == 0 and bounds[-1] == per_query.size
    for lo, hi in itertools.pairwise(bounds):
        assert hi > lo
        assert per_query[lo:hi].sum() <= 10 or hi == lo + 1
    assert hamming_index._slices(per_query, 1000) == [0, per_query.size]


def test_workers_give_the_same_answer() -> None:
    hashes, ids, queries = planted_case(8, seed=9, n_random=20_000, n_queries=60)
    index = HammingIndex.build(hashes, ids)
    assert_same(index.search_many(queries, 8, workers=3), index.search_many(queries, 8))


# ------------------------------------------------------------------ hypothesis

hash_values = st.integers(min_value=0, max_value=U64_MAX)
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


# ---------------------------------------------------------------- edge cases


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


def test_per_query_split() -> None:
    hashes = np.array([0, 1, 3, 255], dtype=np.uint64)
    index = HammingIndex.build(hashes)
    groups = index.search_many(np.array([0, 7 << 40, 255], dtype=np.uint64), 2).per_query(3)
    assert [g[0].tolist() for g in groups] == [[0, 1, 2], [], [3]]
    assert [g[1].tolist() for g in groups] == [[0, 1, 2], [], [0]]


@pytest.mark.parametrize(
    ("query", "error"),
    [(-1, ValueError), (2**64, ValueError), (True, TypeError), (1.0, TypeError)],
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


# ----------------------------------------------------------------- persistence


def test_save_load_round_trip(tmp_path: Path) -> None:
    hashes, ids, queries = planted_case(8, seed=21, n_random=30_000)
    index = HammingIndex.build(hashes, ids)
    folder = tmp_path / "known.hidx"
    index.save(folder)
    loaded = HammingIndex.load(folder)
    assert isinstance(loaded.values, np.memmap)
    assert len(loaded) == len(index)
    assert loaded.widths == index.widths
    assert loaded.max_distance == index.max_distance
    assert loaded.nbytes == index.nbytes
    for t in (0, 4, 8, 12):
        assert_same(loaded.search_many(queries, t), index.search_many(queries, t))
    verified = HammingIndex.load(folder, verify=True)
    assert_same(verified.search_many(queries, 8), index.search_many(queries, 8))
    in_memory = HammingIndex.load(folder, mmap=False)
    assert not isinstance(in_memory.values, np.memmap)
    assert_same(in_memory.search_many(queries, 12), index.search_many(queries, 12))


def test_save_load_empty(tmp_path: Path) -> None:
    HammingIndex.build(np.zeros(0, dtype=np.uint64)).save(tmp_path / "empty")
    loaded = HammingIndex.load(tmp_path / "empty")
    assert len(loaded) == 0
    assert loaded.search(0, 64)[0].size == 0


def test_save_refuses_to_clobber_unless_asked(tmp_path: Path) -> None:
    folder = tmp_path / "idx"
    HammingIndex.build(np.arange(10, dtype=np.uint64)).save(folder)
    with pytest.raises(FileExistsError):
        HammingIndex.build(np.arange(5, dtype=np.uint64)).save(folder)
    HammingIndex.build(np.arange(5, dtype=np.uint64)).save(folder, overwrite=True)
    assert len(HammingIndex.load(folder)) == 5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["idx"]
    # ``overwrite`` never deletes a folder that is not an index.
    precious = tmp_path / "evidence"
    precious.mkdir()
    (precious / "photo.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(FileExistsError, match="not a hash index"):
        HammingIndex.build(np.arange(5, dtype=np.uint64)).save(precious, overwrite=True)
    assert (precious / "photo.jpg").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evidence", "idx"]


def _rewrite_manifest(folder: Path, **changes: object) -> None:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest.update(changes)
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"version": FORMAT_VERSION + 1}, "version"),
        ({"version": "1"}, "version"),
        ({"format": "something-else"}, "not a"),
        ({"size": 11}, "size"),
        ({"tables": [{"shift": 0, "width": 5}]}, "table 0"),
    ],
)
def test_load_refuses_unknown_or_inconsistent(
    tmp_path: Path, changes: dict[str, object], message: str
) -> None:
    folder = tmp_path / "idx"
    HammingIndex.build(np.arange(10, dtype=np.uint64), widths=(4, 4)).save(folder)
    _rewrite_manifest(folder, **changes)
    with pytest.raises(IndexFormatError, match=message):
        HammingIndex.load(folder)


def test_load_refuses_missing_or_tampered(tmp_path: Path) -> None:
    with pytest.raises(IndexFormatError, match="no manifest"):
        HammingIndex.load(tmp_path)
    folder = tmp_path / "idx"
    HammingIndex.build(np.arange(1000, dtype=np.uint64)).save(folder)
    values = folder / "values.npy"
    raw = bytearray(values.read_bytes())
    raw[-1] ^= 0xFF
    values.write_bytes(bytes(raw))
    HammingIndex.load(folder)  # structure still fine: only ``verify`` notices
    with pytest.raises(IndexFormatError, match="SHA-256"):
        HammingIndex.load(folder, verify=True)
    (folder / "ids.npy").unlink()
    with pytest.raises((IndexFormatError, FileNotFoundError)):
        HammingIndex.load(folder)


# ------------------------------------------------------------------ hex codec


def test_hex_matches_int_parsing() -> None:
    texts = [
        "0000000000000000",
        "ffffffffffffffff",
        "FFFFFFFFFFFFFFFF",
        "8f373714acfcf4d0",
        "8F373714ACFCF4D0",
        "ff",
        "0",
        "0x1f",
        "  00000000000000ab ",
        "dead_beef",
        "0X" + "f" * 16,
        "٣",  # int() accepts any Unicode decimal digit
    ]
    assert hex_to_u64(texts).tolist() == [int(s, 16) for s in texts]
    assert hex_to_u64(tuple(texts[:3])).tolist() == [0, U64_MAX, U64_MAX]
    # 16 characters each, but whitespace: the all-16-digit fast path must not misread them.
    spaced = ["0123456789abcd  ", "  0123456789abcd", "0123456789abcdef", "0123456789abcde "]
    assert hex_to_u64(spaced).tolist() == [int(s, 16) for s in spaced]


@pytest.mark.parametrize("bad", ["", "xyz", "1" + "0" * 16, "-1", "g" * 16, "0x"])
def test_hex_rejects_what_int_rejects_or_too_wide(bad: str) -> None:
    with pytest.raises(ValueError):
        hex_to_u64(["00", bad])


def test_hex_rejects_a_bare_string() -> None:
    with pytest.raises(TypeError):
        hex_to_u64("ffffffffffffffff")


@settings(max_examples=200, deadline=None)
@given(st.lists(hash_values, max_size=20))
def test_hex_round_trip(values: list[int]) -> None:
    texts = u64_to_hex(np.array(values, dtype=np.uint64))
    assert texts == [f"{v:016x}" for v in values]
    assert hex_to_u64(texts).tolist() == values


def test_imagehash_strings_and_distances() -> None:
    """The hex is imagehash's str(), and the distance is imagehash's subtraction."""
    size = 64
    yy, xx = np.mgrid[0:size, 0:size]
    first = Image.fromarray(((xx * 3 + yy * 2) % 256).astype(np.uint8))
    second = Image.fromarray(((xx * xx + yy * 5) % 256).astype(np.uint8))
    h1, h2 = imagehash.phash(first), imagehash.phash(second)
    values = hex_to_u64([str(h1), str(h2)])
    assert u64_to_hex(values) == [str(h1), str(h2)]
    assert int(popcount64(values[:1] ^ values[1:])[0]) == h1 - h2
    index = HammingIndex.build(values)
    found, dist = index.search(int(values[0]), h1 - h2)
    assert found.tolist() == [0, 1]
    assert dist.tolist() == [0, h1 - h2]


# ------------------------------------------------------------------ internals


def test_popcount_fallback_agrees() -> None:
    rng = np.random.default_rng(1)
    x = np.concatenate(
        [
            rng.integers(0, U64_MAX, size=10_000, dtype=np.uint64, endpoint=True),
            np.array([0, U64_MAX, 1, 1 << 63], dtype=np.uint64),
        ]
    )
    np.testing.assert_array_equal(popcount_swar(x), _oracle_popcount(x))
    np.testing.assert_array_equal(popcount64(x), _oracle_popcount(x))


def test_rotations_invert() -> None:
    x = np.array([1, 1 << 63, 0x0123_4567_89AB_CDEF], dtype=np.uint64)
    for s in range(64):
        np.testing.assert_array_equal(rotr64(rotl64(x, s), s), x)
    assert int(rotl64(x[:1], 63)[0]) == 1 << 63


@pytest.mark.parametrize(("width", "radius"), [(1, 0), (5, 2), (12, 3), (10, 10), (6, -1)])
def test_flip_masks_enumerate_the_ball(width: int, radius: int) -> None:
    masks = flip_masks(width, radius)
    expected = [m for m in range(1 << width) if bin(m).count("1") <= radius]
    assert masks.tolist() == expected
    assert masks.size == ball_size(width, radius)


@pytest.mark.parametrize("size", [0, 1, 1000, 10**5, 10**6, 10**7, 10**8])
def test_planner_layouts_satisfy_the_pigeonhole(size: int) -> None:
    widths = choose_widths(size, 12)
    assert sum(widths) <= 64
    assert all(1 <= w <= 24 for w in widths)
    for t in range(0, 65, 3):
        plan = plan_search(widths, (size,) * len(widths), size, t)
        assert plan.linear or sum(r + 1 for r in plan.radii) >= t + 1
    if size >= 10**6:
        assert not plan_search(widths, (size,) * len(widths), size, 12).linear


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
