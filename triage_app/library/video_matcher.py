"""Near suggestions for a case's videos from their sampled frames.

Two kinds, both suggestions (:mod:`triage_app.library.case_matcher` ranks them
with the other near hits; an exact digest hit still wins):

- a **known video**: the case video's frames against a video entry's frames
  (``entry_frames``), decided by :mod:`triage_app.matching.video_match`;
- a **known image**: one of the video's frames within the near threshold of an
  image entry's pHash (looked up in the set's pHash index), confirmed by its
  dHash; the suggestion names the frame's time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from triage_app.domain.records import FrameHash, HashedItem
from triage_app.library.set_index import SetIndex
from triage_app.matching.hex64 import signed64_to_hex
from triage_app.matching.video_match import FrameArrays, best_image_frame, compare
from triage_app.media.bundle_keys import PHASH
from triage_app.storage.case_store import CaseStore
from triage_app.storage.library_store import HashSetInfo, LibraryStore
from triage_app.storage.library_video import set_frames
from triage_app.storage.video_frames_store import read_frames

#: ``matched_on`` of the two kinds.
VIDEO_FRAMES = "video frames"
VIDEO_FRAME = "video frame"


@dataclass(frozen=True, slots=True)
class VideoHit:
    """One suggestion for a case video: the entry, distance and what matched."""

    item_id: int
    entry: dict[str, Any]
    matched_on: str
    distance: int
    variant: str


def case_videos(case: CaseStore, items: Sequence[HashedItem]) -> dict[int, FrameArrays]:
    """The sampled frames of the case's decoded videos and animated images, by item id."""
    ids = [i.id for i in items if i.decode_status in ("decoded", "partial") and _moving(i)]
    if not ids:
        return {}
    return {item_id: FrameArrays.of(f) for item_id, f in read_frames(case, ids).items()}


def _moving(item: HashedItem) -> bool:
    """A video, or an animated image (GIF, WebP, APNG: its frames were sampled like a video's)."""
    return item.media_type == "video" or (item.media_type == "image" and (item.frames or 0) > 1)


def _share(value: float) -> str:
    return f"{round(value * 100)}%"


def video_hits(
    library: LibraryStore,
    info: HashSetInfo,
    index: SetIndex,
    videos: dict[int, FrameArrays],
    threshold: int,
) -> list[VideoHit]:
    """Every suggestion of one known set for the case's videos."""
    if not videos:
        return []
    known = set_frames(library, info.id)
    found = _against_videos(library, videos, known, threshold)
    found += _against_images(library, index, videos, set(known), threshold)
    return found


def _against_videos(
    library: LibraryStore,
    videos: dict[int, FrameArrays],
    known: dict[int, list[FrameHash]],
    threshold: int,
) -> list[VideoHit]:
    if not known:
        return []
    known_arrays = {entry_id: FrameArrays.of(frames) for entry_id, frames in known.items()}
    matched: list[tuple[int, int, Any]] = []
    for item_id, query in videos.items():
        for entry_id, frames in known_arrays.items():
            result = compare(query, frames, threshold)
            if result is not None and result.matched:
                matched.append((item_id, entry_id, result))
    entries = library.entries(sorted({e for _, e, _ in matched}))
    hits = []
    for item_id, entry_id, m in matched:
        text = (
            f"video: {m.query_matched} of {len(videos[item_id])} frames matched, "
            f"{_share(m.entry_share)} of the known video's; nearest frame at {m.query_t:.3f} s "
            f"(known {m.entry_t:.3f} s)"
        )
        hits.append(VideoHit(item_id, entries[entry_id], VIDEO_FRAMES, m.distance, text))
    return hits


def _against_images(
    library: LibraryStore,
    index: SetIndex,
    videos: dict[int, FrameArrays],
    video_entries: set[int],
    threshold: int,
) -> list[VideoHit]:
    queries: list[int] = []
    owners: list[int] = []
    for item_id, arrays in videos.items():
        queries.extend(int(v) for v in arrays.phash)
        owners.extend([item_id] * len(arrays))
    if not queries:
        return []
    result = index.near_candidates(PHASH, np.asarray(queries, dtype=np.uint64), threshold)
    if result is None:
        return []
    candidates: dict[int, set[int]] = defaultdict(set)
    for q, entry_id in zip(result.query_index.tolist(), result.ids.tolist(), strict=True):
        if int(entry_id) not in video_entries:
            candidates[owners[q]].add(int(entry_id))
    entries = library.entries(sorted({e for ids in candidates.values() for e in ids}))
    hits = []
    for item_id, entry_ids in candidates.items():
        for entry_id in sorted(entry_ids):
            entry = entries.get(entry_id)
            if entry is None or entry["phash"] is None or entry["dhash"] is None:
                continue
            phash = int(signed64_to_hex(entry["phash"]), 16)
            dhash = int(signed64_to_hex(entry["dhash"]), 16)
            best = best_image_frame(videos[item_id], phash, dhash, threshold)
            if best is not None:
                t, distance = best
                hits.append(VideoHit(item_id, entry, VIDEO_FRAME, distance, f"frame at {t:.3f} s"))
    return hits
