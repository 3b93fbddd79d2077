"""Sign-offs: what was signed off at which audit head, and grade changes made after one."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from triage_app.domain.accounts import Account, account_label
from triage_app.domain.clock import utc_now
from triage_app.domain.record_fields import fields_from
from triage_app.domain.records import ChangeAfterSignOffFacts
from triage_app.storage.audit_log import AuditNote, append_audit, audit_head, next_audit_seq
from triage_app.storage.case_bound import CaseBound
from triage_app.storage.models.accounts import User
from triage_app.storage.models.case import Exhibit, Item
from triage_app.storage.models.review import GradeChange
from triage_app.storage.models.supervision import ChangeAfterSignOff, SignOffRecord
from triage_app.storage.qa_rounds import QaStateError
from triage_app.storage.signoff_guard import EXHIBIT_SCOPE, covering_sign_offs


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
class ChangeAfterSignOffRow(ChangeAfterSignOffFacts):
    """A grade change made after a sign-off covering the item, as stored."""

    path: bytes
    sign_off_id: int
    sign_off_scope: str


class SignOffStore(CaseBound):
    """The sign-offs of one open case."""

    def covering_sign_offs(self, item_ids: Sequence[int]) -> dict[int, int]:
        """item -> latest sign-off covering it, for the items of signed-off exhibits."""
        with self.store.read_session() as session:
            return covering_sign_offs(session, item_ids)

    def items_graded_by(
        self, user_id: int, exhibit_id: int | None, sources: Sequence[str]
    ) -> list[int]:
        """Items (of one exhibit, or all) whose grade ``user_id`` set from ``sources``;
        changes made by adjudicating a QA disagreement do not count."""
        from triage_app.storage.models.supervision import QaAdjudication

        adjudicated = select(QaAdjudication.grade_audit_seq).where(
            QaAdjudication.grade_audit_seq.is_not(None)
        )
        query = (
            select(GradeChange.item_id)
            .join(Item, Item.id == GradeChange.item_id)
            .where(
                GradeChange.user_id == user_id,
                GradeChange.new_source.in_(sources),
                GradeChange.audit_seq.not_in(adjudicated),
            )
            .distinct()
            .order_by(GradeChange.item_id)
        )
        if exhibit_id is not None:
            query = query.where(Item.exhibit_id == exhibit_id)
        return self.store.read_all(query)

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
            now_head = audit_head(session)
            if now_head != expect_head:
                raise QaStateError(
                    "the case changed while the sign-off was being prepared (the audit log "
                    f"moved from entry {expect_head[0]} to {now_head[0]}); try again"
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
                    **fields_from(
                        s, SignOffRow, exhibit=ref, user=account_label(name, badge),
                        counts=dict(json.loads(s.counts)), qa=dict(json.loads(s.qa)),
                    )
                )
                for s, ref, name, badge in session.execute(query)
            ]  # fmt: skip

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
                    **fields_from(
                        c, ChangeAfterSignOffRow, exhibit=ref, path=path,
                        user=account_label(cn, cb), sign_off_id=s.id, sign_off_scope=s.scope,
                        sign_off_by=account_label(sn, sb), sign_off_time=s.time_utc,
                        sign_off_seq=s.audit_seq,
                    )
                )
                for c, ref, path, cn, cb, s, sn, sb in session.execute(query)
            ]  # fmt: skip
