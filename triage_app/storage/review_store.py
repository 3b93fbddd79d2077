"""Accounts, the audit log, grades and duplicate groups in the case database.

Every change an examiner makes is written together with its audit entry in
one transaction: either both are committed or neither is. The audit log is
append-only (database triggers reject UPDATE and DELETE) and hash-chained;
the next sequence number is taken inside the writer's ``BEGIN IMMEDIATE``
transaction, so two writers cannot fork the chain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from triage_app.audit.chain import GENESIS, AuditRow
from triage_app.domain.accounts import Account, account_label
from triage_app.domain.clock import utc_now
from triage_app.storage.audit_log import AuditNote, append_audit
from triage_app.storage.case_store import CaseStore
from triage_app.storage.models.accounts import AuditEntry, User
from triage_app.storage.models.case import Item, Match
from triage_app.storage.models.review import ClusterMember, Grade, GradeChange, PartGrade


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


def _account(row: User) -> Account:
    return Account(row.id, row.name, row.badge, row.role, row.active)


class ReviewStore:
    """Accounts, audit, grades and groups of one open case."""

    def __init__(self, store: CaseStore) -> None:
        self.store = store

    # -- audit ----------------------------------------------------------------

    def record(self, actor: str, notes: Sequence[AuditNote]) -> tuple[int, str]:
        """Append entries in their own transaction."""
        with self.store.write_session() as session:
            return append_audit(session, actor, notes)

    def audit_rows(self) -> Iterator[AuditRow]:
        """The log in stored order (by sequence number)."""
        with self.store.read_session() as session:
            query = select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=5000)
            for row in session.scalars(query):
                yield AuditRow(
                    row.seq, row.time_utc, row.user, row.action, row.object, row.payload,
                    row.prev_hash, row.hash,
                )  # fmt: skip

    def audit_head(self) -> tuple[int, str]:
        """The last sequence number and hash (0 and the genesis hash when empty)."""
        with self.store.read_session() as session:
            last = session.execute(
                select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
            ).first()
        return (int(last[0]), str(last[1])) if last is not None else (0, GENESIS)

    # -- accounts -------------------------------------------------------------

    def add_account(
        self, *, name: str, badge: str | None, role: str, password_hash: str, actor: str
    ) -> Account:
        """Create an account and log it."""
        with self.store.write_session() as session:
            if session.scalar(select(User.id).where(User.name == name)) is not None:
                raise ValueError(f"an account named {name!r} already exists")
            if badge and session.scalar(select(User.id).where(User.badge == badge)) is not None:
                raise ValueError(f"an account with ID {badge!r} already exists")
            row = User(
                name=name,
                badge=badge,
                role=role,
                password_hash=password_hash,
                created_at=utc_now(),
                active=True,
            )
            session.add(row)
            session.flush()
            account = _account(row)
            append_audit(
                session,
                actor,
                [
                    AuditNote(
                        "user added",
                        f"user {account.label}",
                        {"name": name, "badge": badge, "role": role},
                    )
                ],
            )
            return account

    def find_account(self, login: str) -> tuple[Account, str] | None:
        """The account whose name or ID is ``login``, with its password hash."""
        with self.store.read_session() as session:
            row = session.scalar(select(User).where((User.name == login) | (User.badge == login)))
            return (_account(row), row.password_hash) if row is not None else None

    def accounts(self) -> list[Account]:
        """All accounts."""
        with self.store.read_session() as session:
            return [_account(r) for r in session.scalars(select(User).order_by(User.id))]

    # -- grades ---------------------------------------------------------------

    def grades(self, item_ids: Sequence[int] | None = None) -> dict[int, CurrentGrade]:
        """Current grades, for some items or all."""
        with self.store.read_session() as session:
            return self._grades(session, item_ids)

    @staticmethod
    def _grades(session: Session, item_ids: Sequence[int] | None) -> dict[int, CurrentGrade]:
        query = select(Grade, User.name, User.badge).join(User, User.id == Grade.user_id)
        out: dict[int, CurrentGrade] = {}
        chunks = (
            [None]
            if item_ids is None
            else [item_ids[i : i + 500] for i in range(0, len(item_ids), 500)]
        )
        for chunk in chunks:
            q = query if chunk is None else query.where(Grade.item_id.in_(list(chunk)))
            for grade, name, badge in session.execute(q):
                out[grade.item_id] = CurrentGrade(
                    grade.item_id,
                    grade.category,
                    grade.source,
                    account_label(name, badge),
                    grade.time_utc,
                    grade.reason,
                    grade.propagated_from,
                )
        return out

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
        from triage_app.storage.signoff_guard import (
            ChangeAfterSignOffError,
            covering_sign_offs,
            note_change_after_sign_off,
        )

        with self.store.write_session() as session:
            current = self._grades(session, item_ids)
            writes = plan(current)
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
                old = session.get(Grade, w.item_id)
                note = w.note
                if w.item_id in signed:
                    note = AuditNote(
                        note.action,
                        note.object,
                        {**note.payload, "changed_after_sign_off": signed[w.item_id]},
                    )
                seq, _ = append_audit(session, actor.label, [note])
                change = GradeChange(
                    item_id=w.item_id,
                    old_category=old.category if old else None,
                    old_source=old.source if old else None,
                    new_category=w.category,
                    new_source=w.source,
                    user_id=actor.id,
                    time_utc=now,
                    reason=w.reason,
                    audit_seq=seq,
                )
                session.add(change)
                if w.category is None:
                    if old is not None:
                        session.delete(old)
                elif old is None:
                    session.add(
                        Grade(
                            item_id=w.item_id,
                            category=w.category,
                            source=w.source or "",
                            user_id=actor.id,
                            time_utc=now,
                            reason=w.reason,
                            propagated_from=w.propagated_from,
                        )
                    )
                else:
                    old.category = w.category
                    old.source = w.source or ""
                    old.user_id = actor.id
                    old.time_utc = now
                    old.reason = w.reason
                    old.propagated_from = w.propagated_from
                session.flush()
                if w.item_id in signed:
                    note_change_after_sign_off(session, change.id, signed[w.item_id], w.item_id)
            return writes

    def history(self, item_id: int) -> list[dict[str, Any]]:
        """Every change to an item's grade, oldest first."""
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
        with self.store.read_session() as session:
            return list(
                session.scalars(select(Grade.item_id).where(Grade.propagated_from == source_item))
            )

    # -- parts ----------------------------------------------------------------

    def set_part_grade(self, actor: Account, item_id: int, part: int, category: str) -> list[str]:
        """Record a part's grade and return all part categories of the item."""
        with self.store.write_session() as session:
            row = session.get(PartGrade, (item_id, part))
            if row is None:
                session.add(
                    PartGrade(
                        item_id=item_id,
                        part=part,
                        category=category,
                        user_id=actor.id,
                        time_utc=utc_now(),
                    )
                )
            else:
                row.category, row.user_id, row.time_utc = category, actor.id, utc_now()
            session.flush()
            return list(
                session.scalars(select(PartGrade.category).where(PartGrade.item_id == item_id))
            )

    # -- items for review -----------------------------------------------------

    def review_items(self, item_ids: Sequence[int] | None = None) -> list[dict[str, Any]]:
        """Hashed items (all, or those in ``item_ids``) with media type, size, match kind
        and suggestion category."""
        query = (
            select(
                Item.id, Item.media_type, Item.width, Item.height, Item.sha256, Item.phash,
                Item.dhash, Item.low_information, Item.decode_status, Item.hash_bundle,
                Item.frames, Match.kind, Match.category,
            )
            .outerjoin(Match, Match.item_id == Item.id)
            .where(Item.status == "hashed")
        )  # fmt: skip
        chunks = [query] if item_ids is None else [
            query.where(Item.id.in_(list(item_ids[i : i + 500])))
            for i in range(0, len(item_ids), 500)
        ]  # fmt: skip
        with self.store.read_session() as session:
            return [dict(r._mapping) for q in chunks for r in session.execute(q)]

    def item_exists(self, item_ids: Sequence[int]) -> set[int]:
        """Which of ``item_ids`` exist."""
        with self.store.read_session() as session:
            found: set[int] = set()
            for i in range(0, len(item_ids), 500):
                found |= set(
                    session.scalars(select(Item.id).where(Item.id.in_(list(item_ids[i : i + 500]))))
                )
            return found

    # -- duplicate groups -----------------------------------------------------

    def replace_clusters(self, members: list[tuple[int, int, str, bool, int]]) -> None:
        """Store the duplicate groups: (item, group, kind, representative, distance)."""
        with self.store.write_session() as session:
            session.execute(delete(ClusterMember))
            session.add_all(
                ClusterMember(item_id=i, cluster_id=c, kind=k, representative=r, distance=d)
                for i, c, k, r, d in members
            )

    def clusters(self) -> dict[int, tuple[int, str, bool, int]]:
        """item -> (group, kind, representative, distance)."""
        with self.store.read_session() as session:
            return {
                m.item_id: (m.cluster_id, m.kind, m.representative, m.distance)
                for m in session.scalars(select(ClusterMember))
            }

    def cluster_members(self, cluster_id: int) -> list[int]:
        """Items in a group."""
        with self.store.read_session() as session:
            return list(
                session.scalars(
                    select(ClusterMember.item_id)
                    .where(ClusterMember.cluster_id == cluster_id)
                    .order_by(ClusterMember.item_id)
                )
            )

    def count_users(self, role: str | None = None) -> int:
        """Number of accounts (of a role)."""
        with self.store.read_session() as session:
            query = select(func.count()).select_from(User)
            if role is not None:
                query = query.where(User.role == role)
            return int(session.scalar(query) or 0)
