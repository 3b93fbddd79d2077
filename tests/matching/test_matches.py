"""Matches split per query."""

from __future__ import annotations

import numpy as np

from triage_app.matching import HammingIndex


def test_per_query_split() -> None:
    hashes = np.array([0, 1, 3, 255], dtype=np.uint64)
    index = HammingIndex.build(hashes)
    groups = index.search_many(np.array([0, 7 << 40, 255], dtype=np.uint64), 2).per_query(3)
    assert [g[0].tolist() for g in groups] == [[0, 1, 2], [], [3]]
    assert [g[1].tolist() for g in groups] == [[0, 1, 2], [], [0]]
