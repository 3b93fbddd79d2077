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

#: Columns added with disk images (schema 0005): in an item's line only when one is
#: set, so a folder's items keep the digest an earlier version wrote to the trail.
_LATER_COLUMNS = ("deleted", "container", "fs_address")
_ITEM_COLUMNS = [c for c in Item.__table__.columns if c.name not in _LATER_COLUMNS]
_LATER = [Item.__table__.columns[name] for name in _LATER_COLUMNS]
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
    query = (
        select(*_ITEM_COLUMNS, *_LATER, thumbs)
        .where(Item.exhibit_id == exhibit_id)
        .order_by(Item.id)
        .execution_options(yield_per=2000)
    )
    for row in session.execute(query):
        *columns, thumbnail = row
        base, later = columns[: len(_ITEM_COLUMNS)], columns[len(_ITEM_COLUMNS) :]
        seen = hashlib.sha256(thumbnail).hexdigest() if thumbnail is not None else None
        extra = later if any(v is not None for v in later) else []
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
