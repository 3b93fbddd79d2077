"""Grades, their history and part grades."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from triage_app.storage.models import accounts, case
from triage_app.storage.models.base import Base, WrittenBy


class Grade(WrittenBy, Base):
    """The current grade of an item."""

    __tablename__ = "grades"

    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    category: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(60))
    reason: Mapped[str | None] = mapped_column(Text)
    propagated_from: Mapped[int | None] = mapped_column(Integer)


class GradeChange(WrittenBy, Base):
    """One change to an item's grade: old and new value, who, when, why."""

    __tablename__ = "grade_history"
    __table_args__ = (Index("ix_grade_history_item_id", "item_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    old_category: Mapped[str | None] = mapped_column(String(40))
    old_source: Mapped[str | None] = mapped_column(String(60))
    new_category: Mapped[str | None] = mapped_column(String(40))
    new_source: Mapped[str | None] = mapped_column(String(60))
    reason: Mapped[str | None] = mapped_column(Text)
    audit_seq: Mapped[int | None] = mapped_column(Integer)


class PartGrade(WrittenBy, Base):
    """The grade of one part (frame, page or segment) of a multi-part item."""

    __tablename__ = "part_grades"

    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    part: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[str] = mapped_column(String(40))


#: The tables these foreign keys point at must be mapped too (flush sorts by them).
REFERENCED = (accounts.User, case.Item)
