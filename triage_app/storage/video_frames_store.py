"""A video item's sampled frames (``video_frames``): written with the item, read back.

The frames enter the item's line of the ingest's audit digest as the SHA-256
of their rows (``frames_digest``), only for an item that has any, so the
digests of earlier versions' items stay as they were written.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from triage_app.domain.records import FileRecord, FrameHash
from triage_app.storage.database import Database, in_chunks
from triage_app.storage.models.case import VideoFrame

_COLUMNS = ("frame_index", "t", "phash", "dhash", "pdq", "pdq_quality", "low_information")


def add_frames(session: Session, ids: Sequence[int], records: Sequence[FileRecord]) -> None:
    """Store the sampled frames of the records just inserted as items ``ids``."""
    rows = [
        {"item_id": item_id, "frame_index": f.index, "t": f.t, "phash": f.phash,
         "dhash": f.dhash, "pdq": f.pdq, "pdq_quality": f.pdq_quality,
         "low_information": f.low_information}
        for item_id, record in zip(ids, records, strict=True)
        for f in record.video_frames
    ]  # fmt: skip
    if rows:
        session.execute(insert(VideoFrame), rows)


def frames_of(session: Session, item_ids: Sequence[int]) -> dict[int, list[FrameHash]]:
    """The sampled frames of each of ``item_ids`` that has any, in frame order."""
    found: dict[int, list[FrameHash]] = {}
    for chunk in in_chunks(list(item_ids)):
        query = (
            select(VideoFrame.item_id, *(getattr(VideoFrame, c) for c in _COLUMNS))
            .where(VideoFrame.item_id.in_(chunk))
            .order_by(VideoFrame.item_id, VideoFrame.frame_index)
        )
        for row in session.execute(query):
            item_id, index, t, phash, dhash, pdq, quality, low = row
            found.setdefault(item_id, []).append(
                FrameHash(index, t, phash, dhash, pdq, quality, bool(low))
            )
    return found


def all_video_frames(session: Session) -> dict[int, list[FrameHash]]:
    """Every video item's sampled frames, by item id."""
    ids = list(session.scalars(select(VideoFrame.item_id).distinct()))
    return frames_of(session, ids)


def frames_digests(session: Session, exhibit_id: int) -> dict[int, str]:
    """The SHA-256 of each video item's frame rows, for the items of an exhibit."""
    from triage_app.storage.models.case import Item

    query = (
        select(VideoFrame.item_id, *(getattr(VideoFrame, c) for c in _COLUMNS))
        .join(Item, Item.id == VideoFrame.item_id)
        .where(Item.exhibit_id == exhibit_id)
        .order_by(VideoFrame.item_id, VideoFrame.frame_index)
        .execution_options(yield_per=5000)
    )
    digests: dict[int, Any] = {}
    for item_id, *values in session.execute(query):
        if item_id not in digests:
            digests[item_id] = hashlib.sha256()
        digests[item_id].update(json.dumps(values, separators=(",", ":")).encode() + b"\n")
    return {item_id: d.hexdigest() for item_id, d in digests.items()}


def read_frames(db: Database, item_ids: Sequence[int]) -> dict[int, list[FrameHash]]:
    """:func:`frames_of` in a read session of the case store ``db``."""
    with db.read_session() as session:
        return frames_of(session, item_ids)
