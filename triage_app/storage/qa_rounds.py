"""QA rounds: the population a sample is drawn from, the rounds and their samples.

A round's sample is stored with the first grades as they stood at the audit
head it was drawn at; the second grader's reads (:mod:`.qa_grades`) never see them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from triage_app.domain.accounts import Account, account_label
from triage_app.domain.clock import utc_now
from triage_app.domain.errors import TriageError
from triage_app.domain.record_fields import fields_from
from triage_app.storage.audit_log import AuditNote, append_audit, next_audit_seq
from triage_app.storage.case_bound import CaseBound
from triage_app.storage.models.accounts import User
from triage_app.storage.models.case import Exhibit, Item
from triage_app.storage.models.review import GradeChange
from triage_app.storage.models.supervision import QaAdjudication, QaItem, QaRound, QaSecondGrade


class QaStateError(TriageError):
    """A QA or sign-off write that the stored state does not allow."""


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


def _round_row(
    r: QaRound,
    cn: str,
    cb: str | None,
    en: str,
    eb: str | None,
    sn: str,
    sb: str | None,
    ref: str | None,
    n_items: int | None,
    n_graded: int | None,
    n_adj: int | None,
) -> RoundRow:
    return RoundRow(
        **fields_from(
            r, RoundRow, created_by=account_label(cn, cb), examiner=account_label(en, eb),
            second_grader=account_label(sn, sb), exhibit=ref,
            parameters=dict(json.loads(r.parameters)), seed=int(r.seed),
            items=int(n_items or 0), graded=int(n_graded or 0), adjudicated=int(n_adj or 0),
        )
    )  # fmt: skip


def per_round(table: type[QaItem | QaSecondGrade | QaAdjudication]) -> Any:
    """A subquery of how many rows of ``table`` each round has (``round_id``, ``n``)."""
    return select(table.round_id, func.count().label("n")).group_by(table.round_id).subquery()


class QaRoundStore(CaseBound):
    """QA rounds of one open case."""

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
        items, graded, adjudicated = (per_round(t) for t in (QaItem, QaSecondGrade, QaAdjudication))
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
            return [_round_row(*found) for found in session.execute(query)]

    def round(self, round_id: int) -> RoundRow | None:
        """One round, or None."""
        found = self.rounds(round_id)
        return found[0] if found else None

    def sample_ids(self, round_id: int) -> list[int]:
        """The sampled item ids in blind (presentation) order."""
        return self.store.read_all(
            select(QaItem.item_id).where(QaItem.round_id == round_id).order_by(QaItem.position)
        )

    def open_blind_rounds(self, grader_id: int) -> list[int]:
        """Rounds whose second grader is ``grader_id`` and whose sample is not fully graded."""
        items, graded = per_round(QaItem), per_round(QaSecondGrade)
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
