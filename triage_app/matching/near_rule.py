"""How near matching is applied to case items and list entries.

The decision rule itself lives in :mod:`triage_app.media.perceptual`
(hash bundles, query variants, thresholds, measured in
``benchmarks/match_quality.py``). This module adapts it to what the case and
the library store: an item's ``hash_bundle`` JSON (its bundle and its query
variants, computed at ingest from the same decode) and an entry's hashes.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from triage_app.media import perceptual

#: Default pHash threshold (bits of 64); configurable per case.
DEFAULT_NEAR_THRESHOLD = perceptual.PHASH_MAX_DISTANCE
#: Largest threshold a case may set (the persisted indexes are laid out for it).
#: The 64-bit columns that near matching looks up.
LOOKUP_COLUMNS = (perceptual.PHASH, perceptual.CPHASH)
#: Bundle keys beyond phash/dhash that lists made by this product carry.
EXTRA_BUNDLE_KEYS = (perceptual.DVHASH, perceptual.CPHASH, perceptual.CDHASH, perceptual.CDVHASH)


def may_near_match(item: dict[str, Any]) -> bool:
    """Whether an item takes part in near matching at all.

    Low-information images and partial decodes never do.
    """
    return bool(
        item.get("phash")
        and item.get("dhash")
        and not item.get("low_information")
        and item.get("decode_status") == "decoded"
    )


def item_bundle(item: dict[str, Any]) -> dict[str, str]:
    """An item's stored bundle (at least its phash and dhash)."""
    stored = item.get("bundle") or {}
    bundle = dict(stored.get("bundle") or {})
    bundle.setdefault(perceptual.PHASH, item["phash"])
    bundle.setdefault(perceptual.DHASH, item["dhash"])
    return bundle


def item_variants(item: dict[str, Any]) -> list[dict[str, str]]:
    """An item's query variants; just its own hashes if it was ingested without them."""
    stored = item.get("bundle") or {}
    variants = stored.get("variants")
    if variants:
        return [dict(v) for v in variants]
    return [{perceptual.PHASH: item["phash"], perceptual.DHASH: item["dhash"], "variant": "whole"}]


def lookups(item: dict[str, Any]) -> list[tuple[str, str, int]]:
    """(column, variant, 64-bit value) lookups for an item."""
    return perceptual.lookup_hashes(item_variants(item))


def thresholds(phash: int) -> perceptual.NearMatchThresholds:
    """The rule's thresholds with the case's pHash threshold."""
    return replace(perceptual.DEFAULT_THRESHOLDS, phash=phash)


def entry_hashes(entry: dict[str, Any]) -> dict[str, str]:
    """A library entry's hashes as hex strings keyed like a bundle."""
    out: dict[str, str] = {}
    for key in (perceptual.PHASH, perceptual.DHASH):
        value = entry.get(key)
        if value is not None:
            out[key] = f"{value & 0xFFFFFFFFFFFFFFFF:016x}"
    for key in EXTRA_BUNDLE_KEYS:
        value = (entry.get("extra") or {}).get(key)
        if value:
            out[key] = str(value).lower()
    return out


def decide(
    item: dict[str, Any], known: dict[str, str], phash_threshold: int
) -> tuple[bool, int | None, str | None]:
    """Apply the rule to an item and a known bundle."""
    return perceptual.is_near_match(item_variants(item), known, thresholds(phash_threshold))
