"""Digests that bind stored records to the audit trail.

An ingest records every item of an exhibit; when a run ends, its "ingest
finished" entry carries the SHA-256 of the exhibit's items as stored (every
column, and each thumbnail's own digest), and a match run's entry carries the
digest of the matches it stored. ``audit verify`` recomputes both: an item
edited, added or removed in the database after the entry was written no
longer matches the trail.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from triage_app.storage.models.case import Item, Match, Thumbnail
from triage_app.storage.video_frames_store import frames_digests

#: Columns added with disk images (schema 0005): in an item's line only when one is
#: set, so a folder's items keep the digest an earlier version wrote to the trail.
_LATER_COLUMNS = ("deleted", "container", "fs_address")
#: Columns added with video (schema 0007), and the digest of the item's frame rows: in
#: an item's line only when one is set (after the disk-image group, which is then
#: written even if empty), so earlier items keep their digests.
_VIDEO_COLUMNS = ("duration_s", "fps", "codec", "frames_sampled")
#: Columns added with PDQ (schema 0006): last, on the same terms.
_PDQ_COLUMNS = ("pdq", "pdq_quality")
_ITEM_COLUMNS = [
    c
    for c in Item.__table__.columns
    if c.name not in _LATER_COLUMNS + _VIDEO_COLUMNS + _PDQ_COLUMNS
]
_LATER = [Item.__table__.columns[name] for name in _LATER_COLUMNS]
_VIDEO = [Item.__table__.columns[name] for name in _VIDEO_COLUMNS]
_PDQ = [Item.__table__.columns[name] for name in _PDQ_COLUMNS]
_MATCH_COLUMNS = list(Match.__table__.columns)


def _cell(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    return value


def _line(values: list[Any]) -> bytes:
    return json.dumps([_cell(v) for v in values], separators=(",", ":")).encode() + b"\n"


def items_digest(session: Session, exhibit_id: int) -> tuple[int, str]:
    """How many items an exhibit holds and the SHA-256 of them all, in id order."""
    digest = hashlib.sha256()
    count = 0
    thumbs = select(Thumbnail.data).where(Thumbnail.item_id == Item.id).scalar_subquery()
    frames = frames_digests(session, exhibit_id)
    query = (
        select(*_ITEM_COLUMNS, *_LATER, *_VIDEO, *_PDQ, thumbs)
        .where(Item.exhibit_id == exhibit_id)
        .order_by(Item.id)
        .execution_options(yield_per=2000)
    )
    for row in session.execute(query):
        *columns, thumbnail = row
        n, m = len(_ITEM_COLUMNS), len(_ITEM_COLUMNS) + len(_LATER)
        v = m + len(_VIDEO)
        base, later = columns[:n], columns[n:m]
        video, pdq = [*columns[m:v], frames.get(row.id)], columns[v:]
        seen = hashlib.sha256(thumbnail).hexdigest() if thumbnail is not None else None
        # A group is written when it or a later one has a value (earlier digests stand).
        groups = (later, video, pdq)
        last = max((i for i, g in enumerate(groups) if any(x is not None for x in g)), default=-1)
        extra = [value for group in groups[: last + 1] for value in group]
        digest.update(_line([*base, seen, *extra]))
        count += 1
    return count, digest.hexdigest()


def matches_digest(session: Session) -> tuple[int, str]:
    """How many matches the case holds and the SHA-256 of them all, by item."""
    digest = hashlib.sha256()
    count = 0
    query = select(*_MATCH_COLUMNS).order_by(Match.item_id).execution_options(yield_per=2000)
    for row in session.execute(query):
        digest.update(_line(list(row)))
        count += 1
    return count, digest.hexdigest()


def source_digest(kind: str | None, facts: str | None) -> str:
    """The SHA-256 of what an exhibit's row says about its source (kind and facts)."""
    return hashlib.sha256(_line([kind, facts])).hexdigest()
