"""Near-duplicate groups of videos: two videos join when their sampled frames match.

The rule is the known-video rule of :mod:`triage_app.matching.video_match`
(both shares, or one of them high), so a re-encode, a scaled or greyscale copy
and a cut of a video group with it. Candidate pairs are the videos that share
at least one near frame (one Hamming-index lookup over all frames); only those
are compared in full.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from triage_app.case.session import CaseSession
from triage_app.domain.records import HashedItem
from triage_app.library.case_matcher import near_threshold
from triage_app.library.video_matcher import case_videos
from triage_app.matching.hamming_index import HammingIndex
from triage_app.matching.video_match import compare


def join_video_duplicates(
    session: CaseSession, items: Sequence[HashedItem], union: Callable[[int, int], None]
) -> int:
    """Call ``union(a, b)`` for every pair of videos whose frames match; how many pairs."""
    videos = case_videos(session.store, items)
    if len(videos) < 2:
        return 0
    threshold = near_threshold(session.store)
    ids = list(videos)
    values: list[int] = []
    owners: list[int] = []
    for pos, item_id in enumerate(ids):
        values.extend(int(v) for v in videos[item_id].phash)
        owners.extend([pos] * len(videos[item_id]))
    if not values:
        return 0
    index = HammingIndex.build(
        np.array(values, dtype=np.uint64), np.array(owners, dtype=np.int64), max_distance=16
    )
    found = index.search_many(np.array(values, dtype=np.uint64), threshold)
    pairs = {
        (min(owners[q], int(o)), max(owners[q], int(o)))
        for q, o in zip(found.query_index.tolist(), found.ids.tolist(), strict=True)
        if owners[q] != int(o)
    }
    joined = 0
    for a, b in sorted(pairs):
        result = compare(videos[ids[a]], videos[ids[b]], threshold)
        if result is not None and result.matched:
            union(ids[a], ids[b])
            joined += 1
    return joined
