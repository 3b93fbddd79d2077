"""The tables the audit trail binds, read in one transaction for ``audit verify``.

Every value is read as stored and named as the trail names it (accounts by
their label), so :func:`triage_app.audit.state.differences` can compare.
"""

from __future__ import annotations

import json
import os

from sqlalchemy import select
from sqlalchemy.orm import Session

from triage_app.audit.annotation_state import AnnotationState, Removal
from triage_app.audit.state import (
    AccountState,
    AnswerState,
    GradeState,
    HistoryState,
    SignOffState,
    Snapshot,
)
from triage_app.domain.accounts import account_label
from triage_app.storage.annotation_store import annotation_rows
from triage_app.storage.bindings import items_digest, matches_digest, source_digest
from triage_app.storage.case_bound import CaseBound
from triage_app.storage.models.accounts import User
from triage_app.storage.models.case import CaseInfo, Exhibit


def _labels(session: Session) -> dict[int, str]:
    return {
        row.id: account_label(row.name, row.badge)
        for row in session.execute(select(User.id, User.name, User.badge))
    }


def _history_and_grades(
    session: Session, labels: dict[int, str]
) -> tuple[tuple[GradeState, ...], tuple[HistoryState, ...]]:
    from triage_app.storage.models.review import Grade, GradeChange

    grades = tuple(
        GradeState(g.item_id, g.category, g.source, labels.get(g.user_id, f"#{g.user_id}"))
        for g in session.scalars(select(Grade).order_by(Grade.item_id))
    )
    history = tuple(
        HistoryState(
            c.id,
            c.item_id,
            (c.old_category, c.old_source),
            (c.new_category, c.new_source),
            labels.get(c.user_id, f"#{c.user_id}"),
            c.reason,
            c.audit_seq,
        )
        for c in session.scalars(select(GradeChange).order_by(GradeChange.id))
    )
    return grades, history


def _supervision(
    session: Session, labels: dict[int, str], refs: dict[int, str]
) -> tuple[tuple[AnswerState, ...], tuple[AnswerState, ...], tuple[SignOffState, ...]]:
    from triage_app.storage.models.supervision import QaAdjudication, QaSecondGrade, SignOffRecord

    seconds = tuple(
        AnswerState(a.round_id, a.item_id, a.category, labels.get(a.user_id, ""), a.audit_seq)
        for a in session.scalars(select(QaSecondGrade))
    )
    adjudications = tuple(
        AnswerState(
            a.round_id,
            a.item_id,
            a.category,
            labels.get(a.user_id, ""),
            a.audit_seq,
            a.reason,
            a.grade_audit_seq,
        )
        for a in session.scalars(select(QaAdjudication))
    )
    sign_offs = tuple(
        SignOffState(
            s.id,
            s.scope,
            refs.get(s.exhibit_id) if s.exhibit_id else None,
            labels.get(s.user_id, ""),
            (s.head_seq, s.head_hash),
            json.loads(s.counts),
            json.loads(s.qa),
            s.note,
            s.audit_seq,
        )
        for s in session.scalars(select(SignOffRecord).order_by(SignOffRecord.id))
    )
    return seconds, adjudications, sign_offs


def _annotations(session: Session, labels: dict[int, str]) -> tuple[AnnotationState, ...]:
    return tuple(
        AnnotationState(
            a.id,
            a.item_id,
            a.kind,
            a.text,
            a.frame_s,
            a.user,
            a.audit_seq,
            Removal(a.removed_by or "", a.removed_reason, a.removed_audit_seq)
            if a.removed_at is not None
            else None,
        )
        for a in annotation_rows(session, labels)
    )


class StateSnapshots(CaseBound):
    """Reading what ``audit verify`` holds against the trail."""

    def state_snapshot(self) -> Snapshot:
        """Every bound table of the case, in one consistent read."""
        with self.store.read_session() as session:
            info = session.get(CaseInfo, 1)
            labels = _labels(session)
            accounts = tuple(
                AccountState(u.name, u.badge, u.role, bool(u.active))
                for u in session.scalars(select(User).order_by(User.id))
            )
            grades, history = _history_and_grades(session, labels)
            exhibits = list(session.scalars(select(Exhibit).order_by(Exhibit.id)))
            refs = {e.id: e.reference for e in exhibits}
            seconds, adjudications, sign_offs = _supervision(session, labels, refs)
            return Snapshot(
                reference=info.reference if info else "",
                scheme=info.scheme if info else "",
                accounts=accounts,
                grades=grades,
                history=history,
                second_grades=seconds,
                adjudications=adjudications,
                sign_offs=sign_offs,
                exhibits={
                    e.reference: (
                        os.fsdecode(e.source_root),
                        *items_digest(session, e.id),
                        source_digest(e.source_kind, e.source_facts),
                    )
                    for e in exhibits
                },
                matches=matches_digest(session),
                annotations=_annotations(session, labels),
            )
