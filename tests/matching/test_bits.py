"""Bit operations on uint64 arrays: popcount, rotations, flip masks."""

from __future__ import annotations

import numpy as np
import pytest

from matching.helpers import U64_MAX, oracle_popcount
from triage_app.matching import popcount64
from triage_app.matching.bits import flip_masks, popcount_swar, rotl64, rotr64
from triage_app.matching.planner import ball_size


def test_popcount_fallback_agrees() -> None:
    rng = np.random.default_rng(1)
    x = np.concatenate(
        [
            rng.integers(0, U64_MAX, size=10_000, dtype=np.uint64, endpoint=True),
            np.array([0, U64_MAX, 1, 1 << 63], dtype=np.uint64),
        ]
    )
    np.testing.assert_array_equal(popcount_swar(x), oracle_popcount(x))
    np.testing.assert_array_equal(popcount64(x), oracle_popcount(x))


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
