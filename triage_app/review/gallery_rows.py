"""What the gallery shows for each item, and its filters (no Qt here).

One :class:`GalleryRow` per item, built with a handful of set-based queries
so that 100,000 items load in a second or two. Filters are plain predicates
so the GUI, the CLI and the tests share them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from triage_app.case.session import CaseSession
from triage_app.review.annotations import tags_by_item
from triage_app.review.groups import group_sizes
from triage_app.review.queue import needs_look


@dataclass(slots=True)
class GalleryRow:
    """One item as the gallery needs it."""

    item_id: int
    exhibit: str
    path: str
    status: str
    media_type: str | None
    format: str | None
    decode_status: str | None
    width: int | None
    height: int | None
    low_information: bool
    match_kind: str | None
    match_category: str | None
    match_distance: int | None
    grade: str | None
    grade_source: str | None
    cluster: int | None
    cluster_size: int
    representative: bool
    #: The content's SHA-256: members of a group that share it are byte-identical copies.
    sha256: str | None = None
    #: The other digests, for searching by hash prefix.
    md5: str | None = None
    sha1: str | None = None
    #: The file's size in bytes and its modified time (ns since the epoch), when known.
    size: int | None = None
    mtime_ns: int | None = None
    #: Frames sampled from a video or an animated image (its thumbnail is then a frame strip).
    frames_sampled: int | None = None
    #: The examiners' tags (``tag:`` in the search).
    tags: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The file name: the path's last component (an archive's own entry keeps its ``!``)."""
        return self.path.rstrip("/").rpartition("/")[2]

    @property
    def settled(self) -> bool:
        """True when nobody needs to look: graded, or ignorable by a list."""
        return self.grade is not None or self.match_kind == "ignorable"

    @property
    def needs_look(self) -> bool:
        """A media item that nobody has settled yet (:func:`triage_app.review.queue.needs_look`)."""
        return needs_look(self.media_type, self.grade, self.match_kind)


def load_rows(session: CaseSession) -> list[GalleryRow]:
    """Every item of the case as a gallery row, in id order."""
    grades = session.review.grades()
    clusters = session.review.clusters()
    sizes = group_sizes(clusters)
    tags = tags_by_item(session)
    rows = []
    for item in session.store.iter_items():
        record, match = item.record, item.match
        grade = grades.get(item.id)
        cluster = clusters.get(item.id)
        rows.append(
            GalleryRow(
                item_id=item.id,
                exhibit=item.exhibit,
                path=os.fsdecode(record.path),
                status=record.status,
                media_type=record.media_type,
                format=record.format,
                decode_status=record.decode_status,
                width=record.width,
                height=record.height,
                low_information=bool(record.low_information),
                match_kind=match.kind if match else None,
                match_category=match.category if match else None,
                match_distance=match.distance if match else None,
                grade=grade.category if grade else None,
                grade_source=grade.source if grade else None,
                cluster=cluster[0] if cluster else None,
                cluster_size=sizes.get(cluster[0], 1) if cluster else 1,
                representative=bool(cluster[2]) if cluster else True,
                sha256=record.sha256,
                md5=record.md5,
                sha1=record.sha1,
                size=record.size,
                mtime_ns=record.mtime_ns,
                frames_sampled=record.frames_sampled,
                tags=tuple(tags.get(item.id, ())),
            )
        )
    return rows


Filter = Callable[[GalleryRow], bool]


def review_queue(row: GalleryRow) -> bool:
    """Needs a look: media, not settled by grade or list (collapsing makes one tile a group)."""
    return row.needs_look


def suggestions(row: GalleryRow) -> bool:
    """Open near-match suggestions."""
    return row.match_kind == "near" and row.grade is None


def exact_matches(row: GalleryRow) -> bool:
    """Items with an exact hash-list match."""
    return row.match_kind == "exact"


def ignorable(row: GalleryRow) -> bool:
    """Items an ignorable list settles (hidden from review by default)."""
    return row.match_kind == "ignorable"


def graded(category: str | None = None) -> Filter:
    """Graded items (of one category)."""
    return lambda row: row.grade is not None and (category is None or row.grade == category)


def failed(row: GalleryRow) -> bool:
    """Failed to read, or an image that could not be (fully) decoded."""
    return row.status == "failed" or (
        row.media_type == "image" and row.decode_status not in ("decoded", None)
    )


def exhibit(reference: str) -> Filter:
    """Items of one exhibit."""
    return lambda row: row.exhibit == reference
