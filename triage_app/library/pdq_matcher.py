"""PDQ near matches of a case's items against one set's 256-bit index.

An item asks with its PDQ and the PDQ of its seven rotations and flips (all
computed at ingest from one DCT, :func:`triage_app.media.pdq.pdq_dihedral`),
so a turned or mirrored copy finds the entry of the upright original. A pair
within :data:`~triage_app.media.pdq.PDQ_MATCH_DISTANCE` bits is a suggestion
when both hashes have quality at least
:data:`~triage_app.media.pdq.PDQ_MIN_QUALITY` (Meta's operating point); an
entry without a stated quality is taken as usable. Flat and low-detail
pictures have low quality, so they never match on PDQ alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from triage_app.domain.records import DECODED, HashedItem
from triage_app.library.set_index import SetIndex
from triage_app.matching.hex256 import hex_to_u64x4
from triage_app.media.pdq_names import (
    DIHEDRAL_KEY,
    DIHEDRAL_NAMES,
    PDQ_MATCH_DISTANCE,
    PDQ_MIN_QUALITY,
)


@dataclass(frozen=True, slots=True)
class PdqHit:
    """The nearest PDQ agreement between one item (by position) and one entry."""

    position: int
    entry_id: int
    distance: int
    variant: str


def may_pdq_match(item: HashedItem) -> bool:
    """Whether an item asks on PDQ: a whole decode with a PDQ of enough quality."""
    return bool(
        item.pdq and (item.pdq_quality or 0) >= PDQ_MIN_QUALITY and item.decode_status == DECODED
    )


def queries(items: Sequence[HashedItem]) -> tuple[list[str], list[int], list[str]]:
    """Every query hash (hex), the position of the item it belongs to, and its variant."""
    hexes: list[str] = []
    owners: list[int] = []
    names: list[str] = []
    for pos, item in enumerate(items):
        if not may_pdq_match(item):
            continue
        turned = item.bundle.get(DIHEDRAL_KEY) or []
        for name, value in zip(("whole", *DIHEDRAL_NAMES), (item.pdq, *turned), strict=False):
            if isinstance(value, str) and len(value) == 64:
                hexes.append(value)
                owners.append(pos)
                names.append(name)
    return hexes, owners, names


def pdq_hits(
    index: SetIndex,
    items: Sequence[HashedItem],
    fetch: Callable[[list[int]], dict[int, dict[str, Any]]],
    distance: int = PDQ_MATCH_DISTANCE,
) -> tuple[list[PdqHit], dict[int, dict[str, Any]]]:
    """The nearest agreement per (item, entry) within ``distance``, quality permitting,
    and the entries they name (as ``fetch`` gave them)."""
    if index.pdq is None:
        return [], {}
    hexes, owners, names = queries(items)
    if not hexes:
        return [], {}
    found = index.pdq_candidates(hex_to_u64x4(hexes), distance)
    if found is None:
        return [], {}
    best: dict[tuple[int, int], PdqHit] = {}
    triples = zip(
        found.query_index.tolist(), found.ids.tolist(), found.distances.tolist(), strict=True
    )
    for q, entry_id, bits in triples:
        key = (owners[q], int(entry_id))
        if key not in best or bits < best[key].distance:
            best[key] = PdqHit(owners[q], int(entry_id), int(bits), names[q])
    entries = fetch(sorted({e for _, e in best}))
    usable = {
        e
        for e, entry in entries.items()
        if entry.get("pdq_quality") is None or entry["pdq_quality"] >= PDQ_MIN_QUALITY
    }
    return [hit for key, hit in sorted(best.items()) if key[1] in usable], entries
