"""Storage for supervision: QA rounds, blind second grades, adjudications and sign-offs.

Only this module (with the rest of ``triage_app.storage``) talks SQL for
supervision; :mod:`triage_app.supervision` holds the rules.

Blindness is kept here as well as in the rules: :meth:`QaStore.blind_items`
and :meth:`QaStore.record_second_grade`, the only reads and writes made for
a second grader, select the sample's item ids and positions, the items' exhibit
and media type and the second grader's own answers. They never read the
``first_*`` columns of ``qa_items``, the ``grades`` table or the grade
history.

Every write appends its audit entry in the same transaction. Rows of the
append-only tables carry the sequence number of their audit entry, which is
taken inside the writer's transaction before the row is inserted (the
triggers forbid updating a row afterwards).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from triage_app.domain.accounts import Account, account_label
from triage_app.domain.clock import utc_now
from triage_app.domain.errors import TriageError
from triage_app.storage.audit_log import AuditNote, append_audit, audit_head
from triage_app.storage.case_store import CaseStore
from triage_app.storage.models.accounts import AuditEntry, User
from triage_app.storage.models.case import Exhibit, Item
from triage_app.storage.models.review import GradeChange
from triage_app.storage.models.supervision import (
    ChangeAfterSignOff,
    QaAdjudication,
    QaItem,
    QaRound,
    QaSecondGrade,
    SignOffRecord,
)
from triage_app.storage.signoff_guard import (
    EXHIBIT_SCOPE,
    covering_sign_offs,
)


class QaStateError(TriageError):
    """A QA or sign-off write that the stored state does not allow."""


def next_audit_seq(session: Session) -> int:
    """The sequence number the next audit entry of this write transaction will take."""
    return audit_head(session)[0] + 1


# -- records ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HistoricGrade:
    """An item's grade as it stood at some audit entry (from the grade history)."""

    item_id: int
    exhibit_id: int
    category: str
    source: str
    user_id: int
    user: str
    time_utc: str


@dataclass(frozen=True, slots=True)
class RoundRow:
    """A QA round as stored, with its progress (no first grades)."""

    id: int
    created_at: str
    created_by: str
    examiner_id: int
    examiner: str
    second_grader_id: int
    second_grader: str
    exhibit: str | None
    method: str
    parameters: dict[str, Any]
    seed: int
    head_seq: int
    head_hash: str
    population: int
    population_sha256: str
    audit_seq: int | None
    items: int
    graded: int
    adjudicated: int


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


@dataclass(frozen=True, slots=True)
class SignOffRow:
    """A stored sign-off."""

    id: int
    scope: str
    exhibit: str | None
    exhibit_id: int | None
    user: str
    time_utc: str
    head_seq: int
    head_hash: str
    counts: dict[str, Any]
    qa: dict[str, Any]
    note: str | None
    audit_seq: int | None

    @property
    def object(self) -> str:
        """What was signed off, as the audit log names it."""
        return f"exhibit {self.exhibit}" if self.scope == EXHIBIT_SCOPE else "case"


@dataclass(frozen=True, slots=True)
class ChangeAfterSignOffRow:
    """A grade change made after a sign-off covering the item."""

    item_id: int
    exhibit: str
    path: bytes
    old_category: str | None
    old_source: str | None
    new_category: str | None
    new_source: str | None
    user: str
    time_utc: str
    reason: str | None
    audit_seq: int | None
    sign_off_id: int
    sign_off_scope: str
    sign_off_by: str
    sign_off_time: str
    sign_off_seq: int | None


# -- used by ReviewStore.apply_grades inside its write transaction ---------------------------


# -- the store -------------------------------------------------------------------------------


class QaStore:
    """QA rounds, second grades, adjudications and sign-offs of one open case."""

    def __init__(self, store: CaseStore) -> None:
        self.store = store

    def covering_sign_offs(self, item_ids: Sequence[int]) -> dict[int, int]:
        """item -> latest sign-off covering it, for the items of signed-off exhibits."""
        with self.store.read_session() as session:
            return covering_sign_offs(session, item_ids)

    # -- population -------------------------------------------------------------------------

    def grades_as_of(self, head_seq: int, exhibit_id: int | None = None) -> list[HistoricGrade]:
        """Every item's grade as it stood once audit entry ``head_seq`` was written.

        Read from the grade history (each change carries its audit entry), so the
        answer for a given ``head_seq`` never changes afterwards. By item id.
        """
        query = (
            select(
                GradeChange.item_id,
                Item.exhibit_id,
                GradeChange.new_category,
                GradeChange.new_source,
                GradeChange.user_id,
                User.name,
                User.badge,
                GradeChange.time_utc,
            )
            .join(Item, Item.id == GradeChange.item_id)
            .join(User, User.id == GradeChange.user_id)
            .where(GradeChange.audit_seq <= head_seq)
            .order_by(GradeChange.id)
        )
        if exhibit_id is not None:
            query = query.where(Item.exhibit_id == exhibit_id)
        latest: dict[int, HistoricGrade | None] = {}
        with self.store.read_session() as session:
            for item, exhibit, cat, src, uid, name, badge, when in session.execute(query):
                latest[int(item)] = (
                    None
                    if cat is None
                    else HistoricGrade(
                        int(item),
                        int(exhibit),
                        cat,
                        src or "",
                        int(uid),
                        account_label(name, badge),
                        when,
                    )
                )
        return [g for _, g in sorted(latest.items()) if g is not None]

    def exhibit_id(self, reference: str) -> int | None:
        """The id of the exhibit named ``reference``."""
        with self.store.read_session() as session:
            return session.scalar(select(Exhibit.id).where(Exhibit.reference == reference))

    def exhibits(self) -> list[tuple[int, str]]:
        """(id, reference) of every exhibit."""
        with self.store.read_session() as session:
            return [
                (int(i), str(r))
                for i, r in session.execute(
                    select(Exhibit.id, Exhibit.reference).order_by(Exhibit.id)
                )
            ]

    # -- rounds ------------------------------------------------------------------------------

    def create_round(
        self,
        actor: Account,
        *,
        examiner_id: int,
        second_grader_id: int,
        exhibit_id: int | None,
        method: str,
        parameters: dict[str, Any],
        seed: int,
        head: tuple[int, str],
        population: int,
        population_sha256: str,
        sample: Sequence[HistoricGrade],
        note: Callable[[int], AuditNote],
    ) -> int:
        """Store a drawn sample (in blind order) and its audit entry; return the round id."""
        with self.store.write_session() as session:
            seq = next_audit_seq(session)
            row = QaRound(
                created_at=utc_now(),
                created_by=actor.id,
                examiner_id=examiner_id,
                second_grader_id=second_grader_id,
                exhibit_id=exhibit_id,
                method=method,
                parameters=json.dumps(parameters, sort_keys=True),
                seed=seed,
                head_seq=head[0],
                head_hash=head[1],
                population=population,
                population_sha256=population_sha256,
                audit_seq=seq,
            )
            session.add(row)
            session.flush()
            session.add_all(
                QaItem(
                    round_id=row.id,
                    item_id=g.item_id,
                    position=position,
                    first_category=g.category,
                    first_source=g.source,
                    first_user_id=g.user_id,
                    first_time=g.time_utc,
                )
                for position, g in enumerate(sample, 1)
            )
            session.flush()
            append_audit(session, actor.label, [note(row.id)], expect_seq=seq)
            return int(row.id)

    def rounds(self, round_id: int | None = None) -> list[RoundRow]:
        """QA rounds (or one), oldest first, with their progress."""
        creator, examiner, second = aliased(User), aliased(User), aliased(User)
        items = (
            select(QaItem.round_id, func.count().label("n")).group_by(QaItem.round_id).subquery()
        )
        graded = (
            select(QaSecondGrade.round_id, func.count().label("n"))
            .group_by(QaSecondGrade.round_id)
            .subquery()
        )
        adjudicated = (
            select(QaAdjudication.round_id, func.count().label("n"))
            .group_by(QaAdjudication.round_id)
            .subquery()
        )
        query = (
            select(
                QaRound,
                creator.name, creator.badge, examiner.name, examiner.badge,
                second.name, second.badge, Exhibit.reference,
                items.c.n, graded.c.n, adjudicated.c.n,
            )
            .join(creator, creator.id == QaRound.created_by)
            .join(examiner, examiner.id == QaRound.examiner_id)
            .join(second, second.id == QaRound.second_grader_id)
            .outerjoin(Exhibit, Exhibit.id == QaRound.exhibit_id)
            .outerjoin(items, items.c.round_id == QaRound.id)
            .outerjoin(graded, graded.c.round_id == QaRound.id)
            .outerjoin(adjudicated, adjudicated.c.round_id == QaRound.id)
            .order_by(QaRound.id)
        )  # fmt: skip
        if round_id is not None:
            query = query.where(QaRound.id == round_id)
        with self.store.read_session() as session:
            return [
                RoundRow(
                    id=r.id,
                    created_at=r.created_at,
                    created_by=account_label(cn, cb),
                    examiner_id=r.examiner_id,
                    examiner=account_label(en, eb),
                    second_grader_id=r.second_grader_id,
                    second_grader=account_label(sn, sb),
                    exhibit=ref,
                    method=r.method,
                    parameters=dict(json.loads(r.parameters)),
                    seed=int(r.seed),
                    head_seq=r.head_seq,
                    head_hash=r.head_hash,
                    population=r.population,
                    population_sha256=r.population_sha256,
                    audit_seq=r.audit_seq,
                    items=int(n_items or 0),
                    graded=int(n_graded or 0),
                    adjudicated=int(n_adj or 0),
                )
                for r, cn, cb, en, eb, sn, sb, ref, n_items, n_graded, n_adj in session.execute(
                    query
                )
            ]

    def round(self, round_id: int) -> RoundRow | None:
        """One round, or None."""
        found = self.rounds(round_id)
        return found[0] if found else None

    def sample_ids(self, round_id: int) -> list[int]:
        """The sampled item ids in blind (presentation) order."""
        with self.store.read_session() as session:
            return list(
                session.scalars(
                    select(QaItem.item_id)
                    .where(QaItem.round_id == round_id)
                    .order_by(QaItem.position)
                )
            )

    def open_blind_rounds(self, grader_id: int) -> list[int]:
        """Rounds whose second grader is ``grader_id`` and whose sample is not fully graded."""
        items = (
            select(QaItem.round_id, func.count().label("n")).group_by(QaItem.round_id).subquery()
        )
        graded = (
            select(QaSecondGrade.round_id, func.count().label("n"))
            .group_by(QaSecondGrade.round_id)
            .subquery()
        )
        query = (
            select(QaRound.id)
            .join(items, items.c.round_id == QaRound.id)
            .outerjoin(graded, graded.c.round_id == QaRound.id)
            .where(QaRound.second_grader_id == grader_id)
            .where(func.coalesce(graded.c.n, 0) < items.c.n)
            .order_by(QaRound.id)
        )
        with self.store.read_session() as session:
            return [int(r) for r in session.scalars(query)]

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
            if session.scalar(
                select(func.count())
                .select_from(QaAdjudication)
                .where(QaAdjudication.round_id == round_id)
            ):
                raise QaStateError(
                    f"QA round {round_id} is being adjudicated: second grades can no longer change"
                )
            seq = next_audit_seq(session)
            row = session.get(QaSecondGrade, (round_id, item_id))
            if row is None:
                session.add(
                    QaSecondGrade(
                        round_id=round_id,
                        item_id=item_id,
                        category=category,
                        user_id=actor.id,
                        time_utc=utc_now(),
                        audit_seq=seq,
                    )
                )
            else:
                row.category, row.time_utc, row.audit_seq = category, utc_now(), seq
            session.flush()
            append_audit(session, actor.label, [note], expect_seq=seq)
            graded = session.scalar(
                select(func.count())
                .select_from(QaSecondGrade)
                .where(QaSecondGrade.round_id == round_id)
            )
            total = session.scalar(
                select(func.count()).select_from(QaItem).where(QaItem.round_id == round_id)
            )
            return int(graded or 0), int(total or 0)

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
            out = []
            for qi, ref, fn, fb, second, second_at, adj, an, ab in session.execute(query):
                out.append(
                    QaPair(
                        item_id=qi.item_id,
                        position=qi.position,
                        exhibit=ref,
                        first_category=qi.first_category,
                        first_source=qi.first_source,
                        first_user=account_label(fn, fb),
                        first_time=qi.first_time,
                        second_category=second,
                        second_time=second_at,
                        adjudicated_category=adj.category if adj else None,
                        adjudication_reason=adj.reason if adj else None,
                        adjudicated_by=account_label(an, ab) if adj else None,
                        adjudicated_at=adj.time_utc if adj else None,
                        grade_audit_seq=adj.grade_audit_seq if adj else None,
                    )
                )
            return out

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

    # -- sign-offs --------------------------------------------------------------------------

    def record_sign_off(
        self,
        actor: Account,
        *,
        scope: str,
        exhibit_id: int | None,
        expect_head: tuple[int, str],
        counts: dict[str, Any],
        qa: dict[str, Any],
        note_text: str | None,
        note: AuditNote,
    ) -> SignOffRow:
        """Store a sign-off with the head its figures belong to, and its audit entry.

        Refused if the log moved past ``expect_head`` since the figures were read.
        """
        with self.store.write_session() as session:
            last = session.execute(
                select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
            ).first()
            now_head = (int(last[0]), str(last[1])) if last is not None else None
            if now_head != expect_head:
                raise QaStateError(
                    "the case changed while the sign-off was being prepared (the audit log "
                    f"moved from entry {expect_head[0]} to {now_head[0] if now_head else 0}); "
                    "try again"
                )
            seq = next_audit_seq(session)
            row = SignOffRecord(
                scope=scope,
                exhibit_id=exhibit_id,
                user_id=actor.id,
                time_utc=utc_now(),
                head_seq=expect_head[0],
                head_hash=expect_head[1],
                counts=json.dumps(counts, sort_keys=True),
                qa=json.dumps(qa, sort_keys=True),
                note=note_text,
                audit_seq=seq,
            )
            session.add(row)
            session.flush()
            append_audit(session, actor.label, [note], expect_seq=seq)
            sign_off_id = int(row.id)
        found = [s for s in self.sign_offs() if s.id == sign_off_id]
        return found[0]

    def sign_offs(self) -> list[SignOffRow]:
        """Every sign-off, oldest first."""
        query = (
            select(SignOffRecord, Exhibit.reference, User.name, User.badge)
            .join(User, User.id == SignOffRecord.user_id)
            .outerjoin(Exhibit, Exhibit.id == SignOffRecord.exhibit_id)
            .order_by(SignOffRecord.id)
        )
        with self.store.read_session() as session:
            return [
                SignOffRow(
                    id=s.id,
                    scope=s.scope,
                    exhibit=ref,
                    exhibit_id=s.exhibit_id,
                    user=account_label(name, badge),
                    time_utc=s.time_utc,
                    head_seq=s.head_seq,
                    head_hash=s.head_hash,
                    counts=dict(json.loads(s.counts)),
                    qa=dict(json.loads(s.qa)),
                    note=s.note,
                    audit_seq=s.audit_seq,
                )
                for s, ref, name, badge in session.execute(query)
            ]

    def changes_after_sign_off(self) -> list[ChangeAfterSignOffRow]:
        """Every grade change made after a sign-off that covered the item, oldest first."""
        changer, signer = aliased(User), aliased(User)
        query = (
            select(
                GradeChange, Exhibit.reference, Item.path, changer.name, changer.badge,
                SignOffRecord, signer.name, signer.badge,
            )
            .join(ChangeAfterSignOff, ChangeAfterSignOff.change_id == GradeChange.id)
            .join(SignOffRecord, SignOffRecord.id == ChangeAfterSignOff.sign_off_id)
            .join(Item, Item.id == GradeChange.item_id)
            .join(Exhibit, Exhibit.id == Item.exhibit_id)
            .join(changer, changer.id == GradeChange.user_id)
            .join(signer, signer.id == SignOffRecord.user_id)
            .order_by(GradeChange.id)
        )  # fmt: skip
        with self.store.read_session() as session:
            return [
                ChangeAfterSignOffRow(
                    item_id=c.item_id,
                    exhibit=ref,
                    path=path,
                    old_category=c.old_category,
                    old_source=c.old_source,
                    new_category=c.new_category,
                    new_source=c.new_source,
                    user=account_label(cn, cb),
                    time_utc=c.time_utc,
                    reason=c.reason,
                    audit_seq=c.audit_seq,
                    sign_off_id=s.id,
                    sign_off_scope=s.scope,
                    sign_off_by=account_label(sn, sb),
                    sign_off_time=s.time_utc,
                    sign_off_seq=s.audit_seq,
                )
                for c, ref, path, cn, cb, s, sn, sb in session.execute(query)
            ]
