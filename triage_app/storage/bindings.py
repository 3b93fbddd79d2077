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

_ITEM_COLUMNS = list(Item.__table__.columns)
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
        select(*_ITEM_COLUMNS, thumbs)
        .where(Item.exhibit_id == exhibit_id)
        .order_by(Item.id)
        .execution_options(yield_per=2000)
    )
    for row in session.execute(query):
        *columns, thumbnail = row
        seen = hashlib.sha256(thumbnail).hexdigest() if thumbnail is not None else None
        digest.update(_line([*columns, seen]))
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
