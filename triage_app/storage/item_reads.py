"""Reading items back: whole (:class:`StoredItem`), or what matching and grading need.

Each read is one flat select (no ORM objects): the item's columns, its
exhibit's reference, its run's tool versions and its match (outer join).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select

from triage_app.domain.records import STATUS_HASHED, HashedItem, StoredItem
from triage_app.storage.database import Database, in_chunks
from triage_app.storage.item_rows import match_of, record_of
from triage_app.storage.models.case import Exhibit, IngestRun, Item, Match, Thumbnail

_MATCH = "match_"


def _items_query() -> Select[Any]:
    return (
        select(
            *Item.__table__.columns,
            Exhibit.reference.label("exhibit"),
            IngestRun.pillow_version,
            IngestRun.imagehash_version,
            *(c.label(_MATCH + c.name) for c in Match.__table__.columns),
        )
        .join(Exhibit, Exhibit.id == Item.exhibit_id)
        .join(IngestRun, IngestRun.id == Item.run_id)
        .outerjoin(Match, Match.item_id == Item.id)
    )


def _stored(row: Mapping[Any, Any]) -> StoredItem:
    return StoredItem(
        id=row["id"],
        exhibit=row["exhibit"],
        record=record_of(row),
        processed_at=row["processed_at"],
        pillow_version=row["pillow_version"],
        imagehash_version=row["imagehash_version"],
        match=match_of(row, _MATCH),
    )


_HASHED_QUERY = (
    select(
        Item.id, Item.md5, Item.sha1, Item.sha256, Item.phash, Item.dhash, Item.low_information,
        Item.decode_status, Item.hash_bundle.label("bundle"), Item.media_type, Item.width,
        Item.height, Item.frames, Match.kind.label("match_kind"),
        Match.category.label("match_category"), Item.pdq, Item.pdq_quality,
    )
    .outerjoin(Match, Match.item_id == Item.id)
    .where(Item.status == STATUS_HASHED)
)  # fmt: skip


def _hashed(row: Mapping[Any, Any]) -> HashedItem:
    bundle = json.loads(row["bundle"]) if row["bundle"] else {}
    return HashedItem(**{**row, "low_information": bool(row["low_information"]), "bundle": bundle})


@dataclass(frozen=True, slots=True)
class ItemOrigin:
    """Where an item was found: its exhibit's source and the entry in it."""

    source_root: bytes
    source_kind: str | None
    path: bytes
    fs_address: str | None
    container: str | None
    media_type: str | None
    format: str | None


_ORIGIN_QUERY = select(
    Exhibit.source_root, Exhibit.source_kind, Item.path, Item.fs_address, Item.container,
    Item.media_type, Item.format,
).join(Exhibit, Exhibit.id == Item.exhibit_id)  # fmt: skip


class ItemReads(Database):
    """The item reads of a case store."""

    def iter_items(self, *, batch: int = 2000) -> Iterator[StoredItem]:
        """Every item, in id order."""
        query = _items_query().order_by(Item.id).execution_options(yield_per=batch)
        with self.read_session() as session:
            for row in session.execute(query):
                yield _stored(row._mapping)

    def item(self, item_id: int) -> StoredItem | None:
        """One item as :meth:`iter_items` yields it, or None if there is no such item."""
        with self.read_session() as session:
            row = session.execute(_items_query().where(Item.id == item_id)).first()
            return _stored(row._mapping) if row is not None else None

    def hashed_items(self, item_ids: Sequence[int] | None = None) -> list[HashedItem]:
        """Hashed items (all, or those of ``item_ids``) with their hashes, picture facts
        and match, in id order."""
        queries = (
            [_HASHED_QUERY]
            if item_ids is None
            else [_HASHED_QUERY.where(Item.id.in_(chunk)) for chunk in in_chunks(item_ids)]
        )
        with self.read_session() as session:
            found = [_hashed(row._mapping) for q in queries for row in session.execute(q)]
        return sorted(found, key=lambda item: item.id)

    def item_exists(self, item_ids: Sequence[int]) -> set[int]:
        """Which of ``item_ids`` exist."""
        with self.read_session() as session:
            found: set[int] = set()
            for chunk in in_chunks(item_ids):
                found |= set(session.scalars(select(Item.id).where(Item.id.in_(chunk))))
            return found

    def thumbnail(self, item_id: int) -> bytes | None:
        """An item's stored thumbnail (JPEG bytes), if it has one."""
        with self.read_session() as session:
            return session.scalar(select(Thumbnail.data).where(Thumbnail.item_id == item_id))

    def thumbnails(self, item_ids: Sequence[int]) -> dict[int, bytes]:
        """The stored thumbnails of those of ``item_ids`` that have one, in one read."""
        found: dict[int, bytes] = {}
        with self.read_session() as session:
            for chunk in in_chunks(item_ids):
                query = select(Thumbnail.item_id, Thumbnail.data).where(
                    Thumbnail.item_id.in_(chunk)
                )
                found.update((item_id, data) for item_id, data in session.execute(query))
        return found

    def item_origin(self, item_id: int) -> ItemOrigin | None:
        """Where an item was found (to read its original again), or None if there is none."""
        with self.read_session() as session:
            row = session.execute(_ORIGIN_QUERY.where(Item.id == item_id)).first()
            return ItemOrigin(*row) if row is not None else None
