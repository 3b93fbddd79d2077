"""Grades: current grades, their history, part grades, and the one way they change.

Every change is written with its history row and its audit entry in one
transaction (:meth:`GradeStore.apply_grades`): either all are committed or none.
The grades' tables are mapped when first used (an ingest, for one, never grades).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from triage_app.domain.accounts import Account, account_label
from triage_app.domain.clock import utc_now
from triage_app.domain.record_fields import fields_from
from triage_app.storage.audit_log import AuditNote, append_audit
from triage_app.storage.case_bound import CaseBound
from triage_app.storage.database import in_chunks
from triage_app.storage.models.accounts import User


@dataclass(frozen=True, slots=True)
class CurrentGrade:
    """An item's current grade."""

    item_id: int
    category: str
    source: str
    user: str
    time_utc: str
    reason: str | None
    propagated_from: int | None


@dataclass(frozen=True, slots=True)
class GradeWrite:
    """One grade change to apply (``category`` None removes the grade)."""

    item_id: int
    category: str | None
    source: str | None
    reason: str | None
    propagated_from: int | None
    note: AuditNote


def current_grades(session: Session, item_ids: Sequence[int] | None) -> dict[int, CurrentGrade]:
    """Current grades inside an open transaction, for some items or all."""
    from triage_app.storage.models.review import Grade

    query = select(Grade, User.name, User.badge).join(User, User.id == Grade.user_id)
    queries = (
        [query]
        if item_ids is None
        else [query.where(Grade.item_id.in_(chunk)) for chunk in in_chunks(item_ids)]
    )
    return {
        grade.item_id: CurrentGrade(
            **fields_from(grade, CurrentGrade, user=account_label(name, badge))
        )
        for q in queries
        for grade, name, badge in session.execute(q)
    }


def _write(session: Session, actor: Account, w: GradeWrite, now: str, signed: int | None) -> None:
    """Apply one grade write with its history row and audit entry (``signed``: the
    sign-off the item is under, which the entry and a change-after-sign-off row record)."""
    from triage_app.storage.models.review import Grade, GradeChange

    old = session.get(Grade, w.item_id)
    note = w.note
    if signed is not None:
        note = AuditNote(
            note.action, note.object, {**note.payload, "changed_after_sign_off": signed}
        )
    seq, _ = append_audit(session, actor.label, [note])
    change = GradeChange(
        item_id=w.item_id, old_category=old.category if old else None,
        old_source=old.source if old else None, new_category=w.category, new_source=w.source,
        user_id=actor.id, time_utc=now, reason=w.reason, audit_seq=seq,
    )  # fmt: skip
    session.add(change)
    if w.category is None:
        if old is not None:
            session.delete(old)
    else:
        if old is None:
            old = Grade(item_id=w.item_id)
            session.add(old)
        old.category, old.source, old.user_id = w.category, w.source or "", actor.id
        old.time_utc, old.reason, old.propagated_from = now, w.reason, w.propagated_from
    session.flush()
    if signed is not None:
        from triage_app.storage.signoff_guard import note_change_after_sign_off

        note_change_after_sign_off(session, change.id, signed, w.item_id)


class GradeStore(CaseBound):
    """The grades of one open case."""

    def grades(self, item_ids: Sequence[int] | None = None) -> dict[int, CurrentGrade]:
        """Current grades, for some items or all."""
        with self.store.read_session() as session:
            return current_grades(session, item_ids)

    def apply_grades(
        self,
        actor: Account,
        item_ids: Sequence[int],
        plan: Callable[[dict[int, CurrentGrade]], list[GradeWrite]],
    ) -> list[GradeWrite]:
        """Decide and apply grade changes atomically.

        ``plan`` receives the current grades of ``item_ids`` read inside the
        write transaction and returns the writes to make; each write, its
        history row and its audit entry are committed together.
        """
        # Supervision's tables are loaded only by the commands that grade.
        from triage_app.storage.signoff_guard import ChangeAfterSignOffError, covering_sign_offs

        with self.store.write_session() as session:
            writes = plan(current_grades(session, item_ids))
            now = utc_now()
            # Sign-off guard (supervision): once an exhibit (or the case) is signed off,
            # every grade change to its items needs a reason, even a first grade; the
            # change is marked in its audit entry and recorded as made after sign-off.
            signed = covering_sign_offs(session, [w.item_id for w in writes])
            unexplained = [w.item_id for w in writes if w.item_id in signed and not w.reason]
            if unexplained:
                raise ChangeAfterSignOffError(
                    "a grade change after sign-off needs a reason: item "
                    + ", ".join(map(str, unexplained))
                    + " belongs to a signed-off exhibit"
                )
            for w in writes:
                _write(session, actor, w, now, signed.get(w.item_id))
            return writes

    def history(self, item_id: int) -> list[dict[str, Any]]:
        """Every change to an item's grade, oldest first."""
        from triage_app.storage.models.review import GradeChange

        query = (
            select(GradeChange, User.name, User.badge)
            .join(User, User.id == GradeChange.user_id)
            .where(GradeChange.item_id == item_id)
            .order_by(GradeChange.id)
        )
        with self.store.read_session() as session:
            return [
                {
                    "old_category": c.old_category,
                    "old_source": c.old_source,
                    "new_category": c.new_category,
                    "new_source": c.new_source,
                    "user": account_label(name, badge),
                    "time": c.time_utc,
                    "reason": c.reason,
                    "audit_seq": c.audit_seq,
                }
                for c, name, badge in session.execute(query)
            ]

    def previous_grade(self, item_id: int) -> tuple[str | None, str | None]:
        """The category and source an item had before its latest change."""
        from triage_app.storage.models.review import GradeChange

        with self.store.read_session() as session:
            last = session.scalar(
                select(GradeChange)
                .where(GradeChange.item_id == item_id)
                .order_by(GradeChange.id.desc())
                .limit(1)
            )
            return (last.old_category, last.old_source) if last is not None else (None, None)

    def propagated_from(self, source_item: int) -> list[int]:
        """Items whose current grade was propagated from ``source_item``."""
        from triage_app.storage.models.review import Grade

        return self.store.read_all(
            select(Grade.item_id).where(Grade.propagated_from == source_item)
        )

    def set_part_grade(self, actor: Account, item_id: int, part: int, category: str) -> list[str]:
        """Record a part's grade and return all part categories of the item."""
        from triage_app.storage.models.review import PartGrade

        with self.store.write_session() as session:
            row = session.get(PartGrade, (item_id, part))
            if row is None:
                row = PartGrade(item_id=item_id, part=part)
                session.add(row)
            row.category, row.user_id, row.time_utc = category, actor.id, utc_now()
            session.flush()
            return list(
                session.scalars(select(PartGrade.category).where(PartGrade.item_id == item_id))
            )
