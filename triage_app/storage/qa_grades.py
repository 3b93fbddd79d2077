"""QA's two sides of a sample: the second grader's (blind) and the supervisor's.

Blindness is kept here as well as in the rules: :meth:`QaGradeStore.blind_items`
and :meth:`QaGradeStore.record_second_grade`, the only reads and writes made for
a second grader, select the sample's item ids and positions, the items' exhibit
and media type and the second grader's own answers. They never read the
``first_*`` columns of ``qa_items``, the ``grades`` table or the grade history.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from triage_app.domain.accounts import Account, account_label
from triage_app.domain.clock import utc_now
from triage_app.domain.record_fields import fields_from
from triage_app.storage.audit_log import AuditNote, append_audit, next_audit_seq
from triage_app.storage.case_bound import CaseBound
from triage_app.storage.models.accounts import User
from triage_app.storage.models.case import Exhibit, Item
from triage_app.storage.models.supervision import QaAdjudication, QaItem, QaRound, QaSecondGrade
from triage_app.storage.qa_rounds import QaStateError


@dataclass(frozen=True, slots=True)
class BlindRow:
    """What the second grader may know of a sampled item: never its first grade."""

    position: int
    item_id: int
    exhibit: str
    media_type: str | None
    own_category: str | None
    own_time: str | None


@dataclass(frozen=True, slots=True)
class QaPair:
    """A sampled item with both grades and its adjudication (for the supervisor)."""

    item_id: int
    position: int
    exhibit: str
    first_category: str
    first_source: str
    first_user: str
    first_time: str
    second_category: str | None
    second_time: str | None
    adjudicated_category: str | None
    adjudication_reason: str | None
    adjudicated_by: str | None
    adjudicated_at: str | None
    grade_audit_seq: int | None


def _count(
    session: Session, table: type[QaItem | QaSecondGrade | QaAdjudication], round_id: int
) -> int:
    """How many rows of ``table`` belong to round ``round_id``."""
    query = select(func.count()).select_from(table).where(table.round_id == round_id)
    return int(session.scalar(query) or 0)


class QaGradeStore(CaseBound):
    """Second grades and adjudications of one open case's QA rounds."""

    # -- the second grader's side (blind) -------------------------------------------------

    def blind_items(self, round_id: int, grader_id: int) -> list[BlindRow]:
        """The sample as the second grader sees it: ids, positions, exhibit, media, own answers.

        Deliberately selects no ``qa_items.first_*`` column and does not touch
        ``grades`` or ``grade_history``.
        """
        query = (
            select(
                QaItem.position,
                QaItem.item_id,
                Exhibit.reference,
                Item.media_type,
                QaSecondGrade.category,
                QaSecondGrade.time_utc,
            )
            .join(Item, Item.id == QaItem.item_id)
            .join(Exhibit, Exhibit.id == Item.exhibit_id)
            .outerjoin(
                QaSecondGrade,
                (QaSecondGrade.round_id == QaItem.round_id)
                & (QaSecondGrade.item_id == QaItem.item_id)
                & (QaSecondGrade.user_id == grader_id),
            )
            .where(QaItem.round_id == round_id)
            .order_by(QaItem.position)
        )
        with self.store.read_session() as session:
            return [
                BlindRow(int(pos), int(item), str(ref), media, cat, when)
                for pos, item, ref, media, cat, when in session.execute(query)
            ]

    def record_second_grade(
        self, actor: Account, round_id: int, item_id: int, category: str, note: AuditNote
    ) -> tuple[int, int]:
        """Store (or revise) a second grade; return (graded, sample size) of the round.

        Refused when the item is not in the sample, the account is not the
        round's second grader, or the supervisor has started adjudicating.
        """
        with self.store.write_session() as session:
            grader = session.scalar(select(QaRound.second_grader_id).where(QaRound.id == round_id))
            if grader is None:
                raise QaStateError(f"there is no QA round {round_id}")
            if grader != actor.id:
                raise QaStateError(f"{actor.label} is not the second grader of QA round {round_id}")
            sampled = session.scalar(
                select(QaItem.item_id).where(
                    (QaItem.round_id == round_id) & (QaItem.item_id == item_id)
                )
            )
            if sampled is None:
                raise QaStateError(f"item {item_id} is not in the sample of QA round {round_id}")
            if _count(session, QaAdjudication, round_id):
                raise QaStateError(
                    f"QA round {round_id} is being adjudicated: second grades can no longer change"
                )
            seq = next_audit_seq(session)
            row = session.get(QaSecondGrade, (round_id, item_id))
            if row is None:
                row = QaSecondGrade(round_id=round_id, item_id=item_id, user_id=actor.id)
                session.add(row)
            row.category, row.time_utc, row.audit_seq = category, utc_now(), seq
            session.flush()
            append_audit(session, actor.label, [note], expect_seq=seq)
            return _count(session, QaSecondGrade, round_id), _count(session, QaItem, round_id)

    # -- the supervisor's side -------------------------------------------------------------

    def pairs(self, round_id: int) -> list[QaPair]:
        """Both grades of every sampled item, and adjudications, in blind order."""
        first_user, adjudicator = aliased(User), aliased(User)
        query = (
            select(
                QaItem, Exhibit.reference, first_user.name, first_user.badge,
                QaSecondGrade.category, QaSecondGrade.time_utc,
                QaAdjudication, adjudicator.name, adjudicator.badge,
            )
            .join(Item, Item.id == QaItem.item_id)
            .join(Exhibit, Exhibit.id == Item.exhibit_id)
            .join(first_user, first_user.id == QaItem.first_user_id)
            .outerjoin(
                QaSecondGrade,
                (QaSecondGrade.round_id == QaItem.round_id)
                & (QaSecondGrade.item_id == QaItem.item_id),
            )
            .outerjoin(
                QaAdjudication,
                (QaAdjudication.round_id == QaItem.round_id)
                & (QaAdjudication.item_id == QaItem.item_id),
            )
            .outerjoin(adjudicator, adjudicator.id == QaAdjudication.user_id)
            .where(QaItem.round_id == round_id)
            .order_by(QaItem.position)
        )  # fmt: skip
        with self.store.read_session() as session:
            return [
                QaPair(
                    **fields_from(
                        qi, QaPair, exhibit=ref, first_user=account_label(fn, fb),
                        second_category=second, second_time=second_at,
                        adjudicated_category=adj.category if adj else None,
                        adjudication_reason=adj.reason if adj else None,
                        adjudicated_by=account_label(an, ab) if adj else None,
                        adjudicated_at=adj.time_utc if adj else None,
                        grade_audit_seq=adj.grade_audit_seq if adj else None,
                    )
                )
                for qi, ref, fn, fb, second, second_at, adj, an, ab in session.execute(query)
            ]  # fmt: skip

    def record_adjudication(
        self,
        actor: Account,
        round_id: int,
        item_id: int,
        category: str,
        reason: str,
        grade_audit_seq: int | None,
        note: AuditNote,
    ) -> int:
        """Store the final grade of a disagreement; return its audit entry."""
        with self.store.write_session() as session:
            if session.get(QaAdjudication, (round_id, item_id)) is not None:
                raise QaStateError(f"item {item_id} of QA round {round_id} is already adjudicated")
            seq = next_audit_seq(session)
            session.add(
                QaAdjudication(
                    round_id=round_id,
                    item_id=item_id,
                    category=category,
                    reason=reason,
                    user_id=actor.id,
                    time_utc=utc_now(),
                    grade_audit_seq=grade_audit_seq,
                    audit_seq=seq,
                )
            )
            session.flush()
            return append_audit(session, actor.label, [note], expect_seq=seq)[0]
