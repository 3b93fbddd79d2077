"""The near-match decision rule used when a case is matched against lists.

A list entry is a near match of an item when one of the item's query hashes
is within the case threshold of the entry's pHash (found through the Hamming
index) *and* the item's second hash of the same variant is within
``CONFIRM_THRESHOLD`` of the entry's dHash. Entries without a dHash cannot be
confirmed and never near-match. Low-information and partially decoded images
never near-match.
"""

from __future__ import annotations

from typing import Any

#: Default pHash threshold (bits of 64); configurable per case.
DEFAULT_NEAR_THRESHOLD = 10
#: Largest dHash distance that confirms a pHash candidate.
CONFIRM_THRESHOLD = 12
#: Largest threshold a case may set (the persisted indexes are laid out for it).
MAX_NEAR_THRESHOLD = 16


def may_near_match(item: dict[str, Any]) -> bool:
    """Whether an item takes part in near matching at all."""
    return bool(
        item.get("phash")
        and item.get("dhash")
        and not item.get("low_information")
        and item.get("decode_status") == "decoded"
    )


def query_hashes(item: dict[str, Any]) -> list[tuple[str, int]]:
    """The 64-bit hashes an item is looked up by, each with the variant it came from."""
    return [("original", int(item["phash"], 16))]


def _second_hash(item: dict[str, Any], variant: str) -> int | None:
    if variant == "original":
        return int(item["dhash"], 16)
    value = item.get("bundle", {}).get(f"dhash_{variant}")
    return int(value, 16) if value else None


def confirm_distance(item: dict[str, Any], variant: str, entry: dict[str, Any]) -> int | None:
    """dHash distance between an item's variant and a list entry, None if unconfirmable."""
    known = entry.get("dhash")
    mine = _second_hash(item, variant)
    if known is None or mine is None:
        return None
    return bin((mine ^ known) & 0xFFFFFFFFFFFFFFFF).count("1")
