"""What a search returns: every (query, entry, distance) match as three flat arrays."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from triage_app.matching.bits import I64


class Matches(NamedTuple):
    """All matches of a batch of queries as three aligned flat arrays.

    Sorted by query index, then distance, then id. Unpacks as
    ``query_index, ids, distances = index.search_many(...)``.
    """

    query_index: I64
    ids: I64
    distances: I64

    def per_query(self, n_queries: int) -> list[tuple[I64, I64]]:
        """Split into one ``(ids, distances)`` pair per query, ``n_queries`` long."""
        bounds = np.searchsorted(self.query_index, np.arange(1, n_queries, dtype=np.int64))
        return list(zip(np.split(self.ids, bounds), np.split(self.distances, bounds), strict=True))


def empty_matches() -> Matches:
    """No match at all."""
    empty = np.zeros(0, dtype=np.int64)
    return Matches(empty, empty.copy(), empty.copy())


def merge_matches(parts: list[tuple[I64, I64, I64]]) -> Matches:
    """Concatenate partial results and order them by query, distance, id."""
    if not parts:
        return empty_matches()
    qi = np.concatenate([p[0] for p in parts])
    ids = np.concatenate([p[1] for p in parts])
    dist = np.concatenate([p[2] for p in parts])
    order = np.lexsort((ids, dist, qi))
    return Matches(qi[order], ids[order], dist[order])
