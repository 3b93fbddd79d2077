"""How near matching is applied to case items and list entries.

The decision rule itself is :mod:`triage_app.matching.near_match` (thresholds
measured in ``benchmarks/match_quality.py``); the hashes it compares are
computed by :mod:`triage_app.media.perceptual`. This module adapts the rule to
what the case and the library store: an item's ``hash_bundle`` JSON (its
bundle and its query variants, computed at ingest from the same decode) and an
entry's hashes.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Protocol

from triage_app.matching.hex64 import signed64_to_hex
from triage_app.matching.near_match import (
    DEFAULT_THRESHOLDS,
    PHASH_MAX_DISTANCE,
    NearMatchThresholds,
    is_near_match,
    lookup_hashes,
)
from triage_app.matching.near_match import (
    agreement as near_agreement,
)
from triage_app.media.bundle_keys import CDHASH, CDVHASH, CPHASH, DHASH, DVHASH, PHASH

#: Default pHash threshold (bits of 64); configurable per case.
DEFAULT_NEAR_THRESHOLD = PHASH_MAX_DISTANCE
#: The 64-bit columns that near matching looks up.
LOOKUP_COLUMNS = (PHASH, CPHASH)


class NearFacts(Protocol):
    """What the rule reads of a case item (``HashedItem`` has it)."""

    @property
    def phash(self) -> str | None: ...
    @property
    def dhash(self) -> str | None: ...
    @property
    def low_information(self) -> bool: ...
    @property
    def decode_status(self) -> str | None: ...
    @property
    def bundle(self) -> dict[str, Any]: ...


#: Bundle keys beyond phash/dhash that lists made by this product carry.
EXTRA_BUNDLE_KEYS = (DVHASH, CPHASH, CDHASH, CDVHASH)


def may_near_match(item: NearFacts) -> bool:
    """Whether an item takes part in near matching at all.

    Low-information images and partial decodes never do.
    """
    return bool(
        item.phash and item.dhash and not item.low_information and item.decode_status == "decoded"
    )


def item_bundle(item: NearFacts) -> dict[str, str]:
    """An item's stored bundle (at least its phash and dhash; only for items that
    :func:`may_near_match`)."""
    bundle = dict(item.bundle.get("bundle") or {})
    bundle.setdefault(PHASH, item.phash or "")
    bundle.setdefault(DHASH, item.dhash or "")
    return bundle


def item_variants(item: NearFacts) -> list[dict[str, str]]:
    """An item's query variants; just its own hashes if it was ingested without them."""
    variants = item.bundle.get("variants")
    if variants:
        return [dict(v) for v in variants]
    return [{PHASH: item.phash or "", DHASH: item.dhash or "", "variant": "whole"}]


def lookups(item: NearFacts) -> list[tuple[str, str, int]]:
    """(column, variant, 64-bit value) lookups for an item."""
    return lookup_hashes(item_variants(item))


def thresholds(phash: int) -> NearMatchThresholds:
    """The rule's thresholds with the case's pHash threshold."""
    return replace(DEFAULT_THRESHOLDS, phash=phash)


def entry_hashes(entry: dict[str, Any]) -> dict[str, str]:
    """A library entry's hashes as hex strings keyed like a bundle."""
    out: dict[str, str] = {}
    for key in (PHASH, DHASH):
        value = entry.get(key)
        if value is not None:
            out[key] = signed64_to_hex(value)
    for key in EXTRA_BUNDLE_KEYS:
        value = (entry.get("extra") or {}).get(key)
        if value:
            out[key] = str(value).lower()
    return out


def decide(
    item: NearFacts, known: dict[str, str], phash_threshold: int
) -> tuple[bool, int | None, str | None]:
    """Apply the rule to an item and a known bundle."""
    return is_near_match(item_variants(item), known, thresholds(phash_threshold))


def agreement(item: NearFacts, known: dict[str, str], kind: str) -> dict[str, int]:
    """The hashes that agreed for the variant ``kind`` (as :func:`decide` named it)."""
    return near_agreement(item_variants(item), known, kind)
