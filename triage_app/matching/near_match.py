"""The near-match decision rule: does a case item's bundle match a list entry's?

A query variant (one of :func:`triage_app.media.perceptual.query_variants`)
matches an entry when its pHash is within ``thresholds.phash`` bits of the
entry's pHash of the same region (the 64-bit index lookup), **and** the match
is confirmed by the dHash family of the same region and variant: horizontal
plus vertical dHash within ``thresholds.dhash_pair`` bits of 128 when the
entry has both, or one of them alone within ``thresholds.dhash_only`` of 64.

A low-information dHash (all or nearly all bits equal: a document scan, a
mostly flat picture, a gradient) is no evidence either way: it neither
confirms nor vetoes. When the entry has no usable dHash the pHash must be
within ``thresholds.phash_alone`` bits on its own. Entries whose pHash
describes a flat image never near-match, and low-information items have no
query variants, so they never near-match either. PDQ is matched beside this
rule (:mod:`triage_app.library.pdq_matcher`). Default thresholds and the
measurements behind them: ``benchmarks/match_quality.py``.

Pure Python on hex strings: the rule itself needs neither numpy nor Pillow.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from triage_app.matching.hex64 import parse_hex64
from triage_app.media.bundle_keys import CENTRE_FAMILY, CPHASH, PHASH, VARIANT, WHOLE_FAMILY

#: A known pHash with fewer bits set comes from a flat image and never
#: near-matches. pHash sets the coefficients above their median, so 32 bits
#: at most; ties at the median lower that (a chessboard gives 17, a uniform
#: image ``8000000000000000``, 1).
MIN_PHASH_BITS: Final = 8

# Default thresholds, from benchmarks/match_quality.py (124 originals x 29
# transformations, 196 distractors): the recall floors need pHash <= 12 (10
# leaves brightness +20 % and crops at 0.976); at pHash <= 12 the copies need
# d+dv <= 22 for 0.99 recall on every transformation, while the nearest
# unrelated pair (two smooth colour fields) sits at d+dv 29 and unrelated
# photographs at 50 or more, so 24 leaves a margin both ways. Against lists
# with only phash+dhash, copies within pHash 12 need dHash <= 12 while
# unrelated pairs within pHash 12 are at dHash 25 or more.
#: Default largest pHash distance (of 64 bits) of a candidate.
PHASH_MAX_DISTANCE: Final = 12
#: Default largest horizontal + vertical dHash distance (of 128 bits) that
#: confirms a candidate, for entries that carry both.
DHASH_PAIR_MAX_DISTANCE: Final = 24
#: Default largest horizontal dHash distance (of 64 bits) that confirms a
#: candidate, for entries that carry only ``phash`` and ``dhash``.
DHASH_ONLY_MAX_DISTANCE: Final = 12
#: Default largest pHash distance that matches without a usable dHash (see
#: ``benchmarks/match_quality.py``, tuning set: copies of flat-dHash originals).
PHASH_ALONE_MAX_DISTANCE: Final = 6
#: A 64-bit dHash with at most this many bits set, or at most this many clear,
#: carries too little to confirm or refute anything.
DHASH_LOW_INFO_BITS: Final = 3


@dataclass(frozen=True, slots=True)
class NearMatchThresholds:
    """Thresholds of the near-match rule; see the module docstring."""

    #: Largest pHash distance (bits of 64) of a candidate.
    phash: int = PHASH_MAX_DISTANCE
    #: Largest dHash + vertical dHash distance (bits of 128) that confirms.
    dhash_pair: int = DHASH_PAIR_MAX_DISTANCE
    #: Largest dHash distance (bits of 64) that confirms when only dHash is known.
    dhash_only: int = DHASH_ONLY_MAX_DISTANCE
    #: Largest pHash distance (bits of 64) that matches with no usable dHash.
    phash_alone: int = PHASH_ALONE_MAX_DISTANCE


DEFAULT_THRESHOLDS: Final = NearMatchThresholds()


def hamming(a: int, b: int) -> int:
    """Number of differing bits between two 64-bit hashes."""
    return (a ^ b).bit_count()


@dataclass(frozen=True, slots=True)
class VariantDistance:
    """Distances between one query variant and one entry, per hash of its family."""

    variant: str
    family: str
    phash: int
    dhash: int | None
    dvhash: int | None


def variant_distances(
    query: Iterable[Mapping[str, str]], known: Mapping[str, str]
) -> list[VariantDistance]:
    """Distances of every query variant that the entry can be compared with."""
    out: list[VariantDistance] = []
    for variant in query:
        for family in (WHOLE_FAMILY, CENTRE_FAMILY):
            pkey, dkey, dvkey = family
            qp, kp = parse_hex64(variant.get(pkey)), parse_hex64(known.get(pkey))
            if qp is None or kp is None:
                continue
            distances: list[int | None] = []
            for key in (dkey, dvkey):
                qv, kv = _usable(variant.get(key)), _usable(known.get(key))
                distances.append(None if qv is None or kv is None else hamming(qv, kv))
            label = variant.get(VARIANT, "whole" if family is WHOLE_FAMILY else "centre")
            out.append(VariantDistance(label, pkey, hamming(qp, kp), distances[0], distances[1]))
    return out


def _usable(text: str | None) -> int | None:
    """A dHash as an int, or None when it is missing or low-information."""
    value = parse_hex64(text)
    if value is None:
        return None
    bits = value.bit_count()
    if bits <= DHASH_LOW_INFO_BITS or bits >= 64 - DHASH_LOW_INFO_BITS:
        return None
    return value


def _confirmed(d: VariantDistance, thresholds: NearMatchThresholds) -> bool:
    if d.dhash is not None and d.dvhash is not None:
        return d.dhash + d.dvhash <= thresholds.dhash_pair
    if d.dhash is not None or d.dvhash is not None:
        return (d.dhash if d.dhash is not None else d.dvhash or 0) <= thresholds.dhash_only
    return d.phash <= thresholds.phash_alone


def known_is_flat(known: Mapping[str, str]) -> bool:
    """True for entries whose pHash describes a flat image (or is unusable)."""
    phash = parse_hex64(known.get(PHASH))
    if phash is None:
        return True
    return phash.bit_count() < MIN_PHASH_BITS


def is_near_match(
    query: Sequence[Mapping[str, str]] | Mapping[str, str],
    known: Mapping[str, str],
    thresholds: NearMatchThresholds = DEFAULT_THRESHOLDS,
) -> tuple[bool, int | None, str | None]:
    """Decide whether a case item near-matches a list entry.

    ``query`` is what ``query_variants`` returned for the item (a single
    bundle is taken as its own unrotated, unbordered variants). ``known`` is
    the entry's stored hashes: a full bundle, or just ``phash``/``dhash``.

    Returns ``(matched, distance, kind)``: ``distance`` is the pHash distance
    of the best confirmed variant (if none is confirmed, the smallest pHash
    distance seen, or None when nothing was comparable) and ``kind`` names the
    column and variant that matched, e.g. ``"phash whole:FLIP_LEFT_RIGHT"`` or
    ``"cphash centre:crop-3.7%"`` (None when there is no match).
    """
    variants: Sequence[Mapping[str, str]] = [query] if isinstance(query, Mapping) else query
    if known_is_flat(known):
        return False, None, None
    distances = variant_distances(variants, known)
    if not distances:
        return False, None, None
    confirmed = [d for d in distances if d.phash <= thresholds.phash and _confirmed(d, thresholds)]
    if not confirmed:
        return False, min(d.phash for d in distances), None
    best = min(confirmed, key=lambda d: (d.phash, (d.dhash or 0) + (d.dvhash or 0)))
    return True, best.phash, f"{best.family} {best.variant}"


def agreement(
    query: Sequence[Mapping[str, str]], known: Mapping[str, str], kind: str
) -> dict[str, int]:
    """Which hashes agreed, and at what distance, for the variant ``kind`` names."""
    family, _, variant = kind.partition(" ")
    for d in variant_distances(query, known):
        if d.family == family and d.variant == variant:
            pkey, dkey, dvkey = WHOLE_FAMILY if family == PHASH else CENTRE_FAMILY
            out = {pkey: d.phash}
            if d.dhash is not None:
                out[dkey] = d.dhash
            if d.dvhash is not None:
                out[dvkey] = d.dvhash
            return out
    return {}


def lookup_hashes(query: Iterable[Mapping[str, str]]) -> list[tuple[str, str, int]]:
    """The 64-bit index lookups a query needs: (column, variant, pHash value)."""
    out: list[tuple[str, str, int]] = []
    for variant in query:
        for pkey in (PHASH, CPHASH):
            value = parse_hex64(variant.get(pkey))
            if value is not None:
                out.append((pkey, variant.get(VARIANT, ""), value))
    return out
