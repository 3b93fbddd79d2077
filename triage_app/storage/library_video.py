"""The frames of known video entries in the hash library (``entry_frames``)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert, select

from triage_app.domain.records import FrameHash
from triage_app.storage.library_models import EntryFrame
from triage_app.storage.library_store import LibraryStore


def _signed(hex16: str) -> int:
    value = int(hex16, 16)
    return value - (1 << 64) if value >= 1 << 63 else value


def add_entry_frames(
    library: LibraryStore, set_id: int, frames: Sequence[tuple[int, Sequence[FrameHash]]]
) -> None:
    """Store the frames of entries (``(entry_id, frames)``) of set ``set_id``."""
    rows = [
        {"entry_id": entry_id, "frame_index": f.index, "set_id": set_id, "t": f.t,
         "phash": _signed(f.phash), "dhash": _signed(f.dhash),
         "pdq": bytes.fromhex(f.pdq) if f.pdq else None, "pdq_quality": f.pdq_quality}
        for entry_id, entry_frames in frames
        for f in entry_frames
    ]  # fmt: skip
    if rows:
        with library.write_session() as session:
            session.execute(insert(EntryFrame), rows)


def set_frames(library: LibraryStore, set_id: int) -> dict[int, list[FrameHash]]:
    """The frames of every video entry of a set, by entry id, in frame order."""
    query = (
        select(EntryFrame)
        .where(EntryFrame.set_id == set_id)
        .order_by(EntryFrame.entry_id, EntryFrame.frame_index)
    )
    found: dict[int, list[FrameHash]] = {}
    with library.read_session() as session:
        for row in session.scalars(query):
            found.setdefault(row.entry_id, []).append(
                FrameHash(
                    row.frame_index,
                    row.t,
                    f"{row.phash & (1 << 64) - 1:016x}",
                    f"{row.dhash & (1 << 64) - 1:016x}",
                    row.pdq.hex() if row.pdq else None,
                    row.pdq_quality,
                )
            )
    return found
