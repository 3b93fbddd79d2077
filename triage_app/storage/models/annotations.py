"""Examiners' notes, tags and marked video frames on items (schema 0008)."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from triage_app.storage.models import accounts, case
from triage_app.storage.models.base import Base, WrittenBy

#: The kinds of annotation.
NOTE, TAG, FRAME = "note", "tag", "frame"
KINDS = (NOTE, TAG, FRAME)


class ItemNote(WrittenBy, Base):
    """A note, tag or marked frame of an item, with the audit entry that recorded it.

    Never deleted (a trigger rejects DELETE): a removal fills the ``removed_*`` columns.
    """

    __tablename__ = "item_notes"
    __table_args__ = (
        Index("ix_item_notes_item_id", "item_id"),
        CheckConstraint("kind IN ('note', 'tag', 'frame')", name="kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    kind: Mapped[str] = mapped_column(String(10))
    #: The note, the tag, or a marked frame's note (None: a frame marked without one).
    text: Mapped[str | None] = mapped_column(Text)
    #: A marked frame's time in seconds from the start of the video.
    frame_s: Mapped[float | None] = mapped_column(Float)
    audit_seq: Mapped[int | None] = mapped_column(Integer)
    removed_at: Mapped[str | None] = mapped_column(String(40))
    removed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    removed_reason: Mapped[str | None] = mapped_column(Text)
    removed_audit_seq: Mapped[int | None] = mapped_column(Integer)


#: The tables these foreign keys point at must be mapped too (flush sorts by them).
REFERENCED = (accounts.User, case.Item)
