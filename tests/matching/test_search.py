"""The vectorised search verifies crowded buckets in bounded slices."""

from __future__ import annotations

import numpy as np
import pytest

from matching.helpers import U64_MAX, assert_same, brute_force, flip_bits, table_radii
from triage_app.matching import HammingIndex, search


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
    monkeypatch.setattr(search, "MAX_CANDIDATES", 1000)
    for t in (4, 8):
        assert_same(index.search_many(queries, t, radii=table_radii(index, t)), expected[t])
