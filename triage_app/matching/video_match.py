"""Matching a video's sampled frames against a known video's (vPDQ's rule, two shares).

A query frame *matches* a known frame when their PDQ hashes lie within
``PDQ_MATCH_DISTANCE`` bits (both of quality >= ``PDQ_MIN_QUALITY``) or their
pHashes within the near threshold with dHash within ``DHASH_MAX_DISTANCE``
(the image rule's whole-image pair). Low-information frames never match.

Two shares decide: of the query's frames, how many match some frame of the
entry (``query_share``), and of the entry's, how many are matched by some
query frame (``entry_share``). Meta's vPDQ calls a match at a query share of
80 %; here a video matches when both shares reach ``BOTH_SHARE``, or either
reaches ``ONE_SHARE`` (a cut from the known video: the query share is high;
a longer film holding it: the entry share is), with at least
``MIN_MATCHED`` frames matched on each side. A suggestion, never a grade.

All comparisons are brute force over numpy arrays (queries x entry frames),
which suits lists of thousands of known videos; a larger library would want
the frames in the Hamming indexes (not done).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import NDArray

from triage_app.domain.records import FrameHash

PDQ_MATCH_DISTANCE: Final = 31
PDQ_MIN_QUALITY: Final = 50
#: dHash confirmation of a pHash frame match (bits of 64).
DHASH_MAX_DISTANCE: Final = 16
#: Both shares at least this, or one of them at least ``ONE_SHARE``.
BOTH_SHARE: Final = 0.5
ONE_SHARE: Final = 0.8
#: Frames matched on each side, at least.
MIN_MATCHED: Final = 2

_U64 = NDArray[np.uint64]


@dataclass(frozen=True, slots=True)
class VideoMatch:
    """How a query video compares with a known one."""

    query_share: float
    entry_share: float
    query_matched: int
    entry_matched: int
    #: Smallest pHash distance of a matched frame pair, and that pair's times.
    distance: int
    query_t: float
    entry_t: float

    @property
    def matched(self) -> bool:
        """The rule: both shares over ``BOTH_SHARE`` or one over ``ONE_SHARE``."""
        if min(self.query_matched, self.entry_matched) < MIN_MATCHED:
            return False
        low, high = sorted((self.query_share, self.entry_share))
        return low >= BOTH_SHARE or high >= ONE_SHARE


@dataclass(frozen=True, slots=True)
class FrameArrays:
    """A video's usable frames as arrays: pHash, dHash, PDQ (4 x 64 bits), PDQ usable."""

    frames: tuple[FrameHash, ...]
    phash: _U64
    dhash: _U64
    pdq: _U64
    pdq_ok: NDArray[np.bool_]

    @classmethod
    def of(cls, frames: Sequence[FrameHash]) -> FrameArrays:
        """The arrays of the frames that are not low-information."""
        kept = tuple(f for f in frames if not f.low_information)
        pdq = np.zeros((len(kept), 4), dtype=np.uint64)
        ok = np.zeros(len(kept), dtype=bool)
        for i, f in enumerate(kept):
            if f.pdq and (f.pdq_quality or 0) >= PDQ_MIN_QUALITY:
                pdq[i] = [int(f.pdq[j : j + 16], 16) for j in range(0, 64, 16)]
                ok[i] = True
        return cls(
            kept,
            np.array([int(f.phash, 16) for f in kept], dtype=np.uint64),
            np.array([int(f.dhash, 16) for f in kept], dtype=np.uint64),
            pdq,
            ok,
        )

    def __len__(self) -> int:
        return len(self.frames)


def _popcount(values: _U64) -> NDArray[np.int64]:
    return np.bitwise_count(values).astype(np.int64)


def frame_distances(
    query: FrameArrays, known: FrameArrays, phash_threshold: int
) -> tuple[NDArray[np.bool_], NDArray[np.int64]]:
    """Which query x known frame pairs match, and their pHash distances."""
    ph = _popcount(query.phash[:, None] ^ known.phash[None, :])
    dh = _popcount(query.dhash[:, None] ^ known.dhash[None, :])
    hit = (ph <= phash_threshold) & (dh <= DHASH_MAX_DISTANCE)
    if query.pdq_ok.any() and known.pdq_ok.any():
        pdq = _popcount(query.pdq[:, None, :] ^ known.pdq[None, :, :]).sum(axis=2)
        both = query.pdq_ok[:, None] & known.pdq_ok[None, :]
        hit |= both & (pdq <= PDQ_MATCH_DISTANCE)
    return hit, ph


def compare(query: FrameArrays, known: FrameArrays, phash_threshold: int) -> VideoMatch | None:
    """The two shares of a query against a known video (None: no frame matched)."""
    if not len(query) or not len(known):
        return None
    hit, ph = frame_distances(query, known, phash_threshold)
    if not hit.any():
        return None
    query_matched = int(hit.any(axis=1).sum())
    entry_matched = int(hit.any(axis=0).sum())
    masked = np.where(hit, ph, 1 << 30)
    qi, ki = np.unravel_index(int(np.argmin(masked)), masked.shape)
    return VideoMatch(
        query_share=query_matched / len(query),
        entry_share=entry_matched / len(known),
        query_matched=query_matched,
        entry_matched=entry_matched,
        distance=int(ph[qi, ki]),
        query_t=query.frames[int(qi)].t,
        entry_t=known.frames[int(ki)].t,
    )


def best_image_frame(
    query: FrameArrays, phash: int, dhash: int, phash_threshold: int
) -> tuple[float, int] | None:
    """The time and pHash distance of the query frame nearest a known image (None: none
    within the threshold, confirmed by dHash)."""
    if not len(query):
        return None
    ph = _popcount(query.phash ^ np.uint64(phash))
    dh = _popcount(query.dhash ^ np.uint64(dhash))
    ok = (ph <= phash_threshold) & (dh <= DHASH_MAX_DISTANCE)
    if not ok.any():
        return None
    best = int(np.argmin(np.where(ok, ph, 1 << 30)))
    return query.frames[best].t, int(ph[best])
