"""The gallery's filters and the collapsing of duplicate groups into one tile.

The predicates themselves are :mod:`triage_app.review.gallery_rows`'; this module
names them for the GUI and decides which rows become tiles. With collapsing
on, each duplicate group shows one tile: its representative when that passes
the filter, else the group's first member that does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from triage_app.config.schemes import Scheme
from triage_app.review import gallery_rows as gr
from triage_app.review.gallery_rows import Filter, GalleryRow

REVIEW = "review"
ALL = "all"


@dataclass(frozen=True, slots=True)
class GalleryFilter:
    """A named filter of the gallery."""

    key: str
    label: str
    predicate: Filter
    #: Show one tile per duplicate group when "Collapse duplicate groups" is on.
    collapse_default: bool = True


def _everything(_row: GalleryRow) -> bool:
    return True


def standard_filters(scheme: Scheme, exhibits: Sequence[str]) -> list[GalleryFilter]:
    """The filters offered for a case, review queue first."""
    filters = [
        GalleryFilter(REVIEW, "Review queue (needs a look)", gr.review_queue),
        GalleryFilter("suggestions", "Near-match suggestions", gr.suggestions),
        GalleryFilter("exact", "Exact hash-list matches", gr.exact_matches),
        GalleryFilter("ignorable", "Ignorable (settled by a list)", gr.ignorable),
        GalleryFilter("graded", "Graded: any category", gr.graded()),
    ]
    filters += [
        GalleryFilter(f"graded:{c.code}", f"Graded: {c.code} - {c.label}", gr.graded(c.code))
        for c in sorted(scheme.categories, key=lambda c: -c.severity)
    ]
    filters.append(GalleryFilter("failed", "Failed / not decodable", gr.failed))
    filters += [
        GalleryFilter(f"exhibit:{ref}", f"Exhibit {ref}", gr.exhibit(ref)) for ref in exhibits
    ]
    filters.append(GalleryFilter(ALL, "All items", _everything))
    return filters


def tile_key(row: GalleryRow, collapse: bool) -> tuple[str, int]:
    """What a tile stands for: a duplicate group (when collapsing) or one item."""
    if collapse and row.cluster is not None:
        return ("group", row.cluster)
    return ("item", row.item_id)


def choose_tile(members: Iterable[GalleryRow], predicate: Filter) -> GalleryRow | None:
    """The member that stands for a group under a filter (representative first), if any."""
    chosen: GalleryRow | None = None
    for row in members:
        if not predicate(row):
            continue
        if row.representative:
            return row
        if chosen is None:
            chosen = row
    return chosen


def visible_rows(
    rows: Sequence[GalleryRow], predicate: Filter, *, collapse: bool
) -> list[GalleryRow]:
    """The rows shown as tiles, in the order of ``rows``."""
    if not collapse:
        return [r for r in rows if predicate(r)]
    chosen: dict[int, GalleryRow] = {}
    passing = [r for r in rows if predicate(r)]
    for row in passing:
        if row.cluster is None:
            continue
        best = chosen.get(row.cluster)
        if best is None or (row.representative and not best.representative):
            chosen[row.cluster] = row
    return [r for r in passing if r.cluster is None or chosen[r.cluster] is r]
