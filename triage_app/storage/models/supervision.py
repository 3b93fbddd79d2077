"""Blind second grading (QA rounds, second grades, adjudications) and sign-offs."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from triage_app.storage.models import accounts, case, review
from triage_app.storage.models.base import Base, WrittenBy


class QaRound(Base):
    """A blind second grading: a seeded random sample of one examiner's manual grades.

    The population is the examiner's manual grades as they stood at audit entry
    ``head_seq`` (read from the grade history), so the sample can be drawn again
    from ``seed`` and checked at any time.
    """

    __tablename__ = "qa_rounds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[str] = mapped_column(String(40))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    examiner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    second_grader_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    exhibit_id: Mapped[int | None] = mapped_column(ForeignKey("exhibits.id"))
    method: Mapped[str] = mapped_column(String(20))
    parameters: Mapped[str] = mapped_column(Text)
    seed: Mapped[int] = mapped_column(BigInteger)
    head_seq: Mapped[int] = mapped_column(Integer)
    head_hash: Mapped[str] = mapped_column(String(64))
    population: Mapped[int] = mapped_column(Integer)
    population_sha256: Mapped[str] = mapped_column(String(64))
    audit_seq: Mapped[int | None] = mapped_column(Integer)


class QaItem(Base):
    """An item drawn into a QA round, with the first grade as it stood when drawn.

    ``position`` is the (shuffled) order in which the second grader sees the
    sample. The ``first_*`` columns are never read by the second grader's queries.
    """

    __tablename__ = "qa_items"

    round_id: Mapped[int] = mapped_column(ForeignKey("qa_rounds.id"), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    first_category: Mapped[str] = mapped_column(String(40))
    first_source: Mapped[str] = mapped_column(String(60))
    first_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    first_time: Mapped[str] = mapped_column(String(40))


def _sampled_item() -> tuple[ForeignKeyConstraint]:
    """``__table_args__``: the row is about an item of a sample (a constraint per table)."""
    return (
        ForeignKeyConstraint(["round_id", "item_id"], ["qa_items.round_id", "qa_items.item_id"]),
    )


class _SampledItemAnswer(WrittenBy):
    """Mixin: an account's category for an item of a QA round's sample (``qa_items``)."""

    round_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[str] = mapped_column(String(40))


class QaSecondGrade(_SampledItemAnswer, Base):
    """The second grader's blind grade of a sampled item (not a grade of the item)."""

    __tablename__ = "qa_second_grades"
    __table_args__ = _sampled_item()

    audit_seq: Mapped[int | None] = mapped_column(Integer)


class QaAdjudication(_SampledItemAnswer, Base):
    """A supervisor's final grade for a disagreement of a QA round, and why."""

    __tablename__ = "qa_adjudications"
    __table_args__ = _sampled_item()

    reason: Mapped[str] = mapped_column(Text)
    grade_audit_seq: Mapped[int | None] = mapped_column(Integer)
    audit_seq: Mapped[int | None] = mapped_column(Integer)


class SignOffRecord(WrittenBy, Base):
    """A supervisor's sign-off of an exhibit or of the whole case."""

    __tablename__ = "sign_offs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(10))
    exhibit_id: Mapped[int | None] = mapped_column(ForeignKey("exhibits.id"))
    head_seq: Mapped[int] = mapped_column(Integer)
    head_hash: Mapped[str] = mapped_column(String(64))
    counts: Mapped[str] = mapped_column(Text)
    qa: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    audit_seq: Mapped[int | None] = mapped_column(Integer)


class ChangeAfterSignOff(Base):
    """A grade change made to an item of an exhibit after it was signed off."""

    __tablename__ = "changes_after_sign_off"
    __table_args__ = (Index("ix_changes_after_sign_off_item_id", "item_id"),)

    change_id: Mapped[int] = mapped_column(ForeignKey("grade_history.id"), primary_key=True)
    sign_off_id: Mapped[int] = mapped_column(ForeignKey("sign_offs.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))


#: The tables these foreign keys point at must be mapped too (flush sorts by them).
REFERENCED = (accounts.User, case.Exhibit, case.Item, review.GradeChange)
