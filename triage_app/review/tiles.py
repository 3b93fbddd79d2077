"""What a gallery tile says besides its (blurred) picture."""

from __future__ import annotations

from dataclasses import dataclass

from triage_app.config.schemes import Scheme
from triage_app.domain.grade_sources import CONFIRMED, FROM_LIST, MANUAL, is_propagated
from triage_app.review.gallery_rows import GalleryRow, failed

IMAGE, VIDEO, FAILED, OTHER = "image", "video", "failed", "other"
_HAS_PICTURE = ("decoded", "partial", None)


@dataclass(frozen=True, slots=True)
class TileFacts:
    """The badges and caption of one tile."""

    kind: str
    caption: str
    grade: str | None
    grade_colour: str | None
    #: How the grade was reached: "hand", "list", "confirmed", "propagated".
    grade_how: str | None
    match_text: str | None
    group_count: int
    #: Decoded only in part, or not at all (the tile says so).
    damaged: bool


def grade_how(source: str | None) -> str | None:
    """Short name of a grade's source."""
    if source is None:
        return None
    if source == MANUAL:
        return "hand"
    if source == FROM_LIST:
        return "list"
    if source == CONFIRMED:
        return "confirmed"
    if is_propagated(source):
        return "propagated"
    return source


def match_text(row: GalleryRow) -> str | None:
    """The match badge: exact list hit, near suggestion with distance, or ignorable."""
    if row.match_kind == "exact":
        return f"= list {row.match_category or '?'}"
    if row.match_kind == "near":
        return f"≈ {row.match_category or '?'} d{row.match_distance}"
    if row.match_kind == "ignorable":
        return "ignorable"
    return None


#: What the tile badges mean (the Help menu's legend and the tooltips say it).
BADGE_LEGEND = (
    ("= list A", "exact hash-list hit: the file's MD5/SHA is on a known list, graded A from it"),
    ("≈ A d4", "near suggestion: looks like a listed picture of category A, 4 bits apart "
               "(d0 = same hashes); a suggestion only, Enter or C confirms it"),
    ("ignorable", "on an ignorable (known-good) list"),
    ("×2", "duplicate group: this tile stands for 2 byte-identical or near-identical items"),
)  # fmt: skip


def match_explanation(row: GalleryRow) -> str | None:
    """The match badge in words, for a tooltip."""
    category = row.match_category or "?"
    if row.match_kind == "exact":
        return f"exact hash-list hit, category {category}"
    if row.match_kind == "near":
        bits = row.match_distance
        apart = "same hashes" if bits == 0 else f"{bits} bit{'s' if bits != 1 else ''} apart"
        return f"near suggestion of category {category} ({apart}); not a grade until confirmed"
    if row.match_kind == "ignorable":
        return "on an ignorable (known-good) list"
    return None


def tile_kind(row: GalleryRow) -> str:
    """Which placeholder or picture a tile shows (a partly decoded image still has one)."""
    if row.status == "failed" or (
        row.media_type == IMAGE and row.decode_status not in _HAS_PICTURE
    ):
        return FAILED
    if row.media_type == VIDEO:
        return VIDEO
    if row.media_type == IMAGE:
        return IMAGE
    return OTHER


def tile_facts(row: GalleryRow, scheme: Scheme) -> TileFacts:
    """Everything a tile shows for ``row``."""
    colour = None
    if row.grade is not None:
        try:
            colour = scheme.get(row.grade).colour
        except KeyError:
            colour = None
    return TileFacts(
        kind=tile_kind(row),
        caption=f"#{row.item_id}",
        grade=row.grade,
        grade_colour=colour,
        grade_how=grade_how(row.grade_source),
        match_text=match_text(row),
        group_count=row.cluster_size if row.cluster is not None else 1,
        damaged=failed(row),
    )
