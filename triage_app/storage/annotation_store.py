"""Examiners' notes, tags and marked video frames on items, and the one way they change.

A change is planned from the item's annotations as read inside the write
transaction (:meth:`AnnotationStore.write`), so two examiners tagging one item
at once never both add the same tag; its rows and its one audit entry commit
together. Rows are never deleted: a removal marks them (who, when, why, entry).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from triage_app.domain.accounts import Account, account_label
from triage_app.domain.clock import utc_now
from triage_app.storage.audit_log import AuditNote, append_audit, next_audit_seq
from triage_app.storage.case_bound import CaseBound
from triage_app.storage.database import in_chunks
from triage_app.storage.models.accounts import User
from triage_app.storage.models.annotations import TAG, ItemNote

__all__ = ["AnnotationStore", "AnnotationWrite", "NewAnnotation", "StoredAnnotation"]


@dataclass(frozen=True, slots=True)
class StoredAnnotation:
    """A note, tag or marked frame as stored (accounts by their label)."""

    id: int
    item_id: int
    kind: str
    text: str | None
    frame_s: float | None
    user: str
    time_utc: str
    audit_seq: int | None
    removed_at: str | None = None
    removed_by: str | None = None
    removed_reason: str | None = None
    removed_audit_seq: int | None = None

    @property
    def removed(self) -> bool:
        """True once the annotation was marked removed."""
        return self.removed_at is not None


@dataclass(frozen=True, slots=True)
class NewAnnotation:
    """An annotation to add."""

    kind: str
    text: str | None
    frame_s: float | None = None


@dataclass(frozen=True, slots=True)
class AnnotationWrite:
    """One audited change of an item's annotations: rows to add, rows to mark removed."""

    action: str
    added: tuple[NewAnnotation, ...] = ()
    removed: tuple[int, ...] = ()
    reason: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)


def labels(session: Session) -> dict[int, str]:
    """Every account's id and label."""
    return {
        row.id: account_label(row.name, row.badge)
        for row in session.execute(select(User.id, User.name, User.badge))
    }


def stored(row: ItemNote, names: dict[int, str]) -> StoredAnnotation:
    """A row as the services see it."""
    removed_by = names.get(row.removed_by, f"#{row.removed_by}") if row.removed_by else None
    return StoredAnnotation(
        row.id, row.item_id, row.kind, row.text, row.frame_s,
        names.get(row.user_id, f"#{row.user_id}"), row.time_utc, row.audit_seq,
        row.removed_at, removed_by, row.removed_reason, row.removed_audit_seq,
    )  # fmt: skip


def _payload(row: ItemNote) -> dict[str, Any]:
    return {"id": row.id, "kind": row.kind, "text": row.text, "frame_s": row.frame_s}


class AnnotationStore(CaseBound):
    """The notes, tags and marked frames of one open case."""

    def write(
        self,
        actor: Account,
        item_id: int,
        plan: Callable[[list[StoredAnnotation]], AnnotationWrite | None],
    ) -> tuple[list[StoredAnnotation], list[StoredAnnotation]]:
        """Plan and apply one change of ``item_id``'s annotations atomically.

        ``plan`` receives the item's annotations (removed ones too), read inside
        the write transaction, and returns the change (None: nothing to do). The
        rows and the change's audit entry commit together. Returns the rows added
        and the rows marked removed, as they now are.
        """
        with self.store.write_session() as session:
            names = labels(session)
            rows = list(
                session.scalars(
                    select(ItemNote).where(ItemNote.item_id == item_id).order_by(ItemNote.id)
                )
            )
            change = plan([stored(r, names) for r in rows])
            if change is None:
                return [], []
            seq, now = next_audit_seq(session), utc_now()
            added = [
                ItemNote(item_id=item_id, kind=a.kind, text=a.text, frame_s=a.frame_s,
                         user_id=actor.id, time_utc=now, audit_seq=seq)
                for a in change.added
            ]  # fmt: skip
            session.add_all(added)
            by_id = {r.id: r for r in rows}
            removed = [by_id[i] for i in change.removed]
            for row in removed:
                row.removed_at, row.removed_by = now, actor.id
                row.removed_reason, row.removed_audit_seq = change.reason, seq
            session.flush()
            payload: dict[str, Any] = {
                "added": [_payload(r) for r in added],
                "removed": [_payload(r) for r in removed],
                "reason": change.reason,
                **change.facts,
            }
            note = AuditNote(change.action, f"item {item_id}", payload)
            append_audit(session, actor.label, [note], expect_seq=seq)
            return [stored(r, names) for r in added], [stored(r, names) for r in removed]

    def annotation(self, annotation_id: int) -> StoredAnnotation | None:
        """One annotation, or None if there is none with that id."""
        with self.store.read_session() as session:
            row = session.get(ItemNote, annotation_id)
            return stored(row, labels(session)) if row is not None else None

    def annotations(
        self, item_ids: Sequence[int] | None = None, *, removed: bool = False
    ) -> list[StoredAnnotation]:
        """The annotations of some items or all, by item then id (``removed``: those
        marked removed too)."""
        query: Select[Any] = select(ItemNote).order_by(ItemNote.item_id, ItemNote.id)
        if not removed:
            query = query.where(ItemNote.removed_at.is_(None))
        queries = (
            [query]
            if item_ids is None
            else [query.where(ItemNote.item_id.in_(chunk)) for chunk in in_chunks(item_ids)]
        )
        with self.store.read_session() as session:
            names = labels(session)
            return [stored(r, names) for q in queries for r in session.scalars(q)]

    def current_tags(self) -> dict[int, list[str]]:
        """Every item's current tags (in the order they were added), in one query."""
        query = (
            select(ItemNote.item_id, ItemNote.text)
            .where(ItemNote.kind == TAG, ItemNote.removed_at.is_(None))
            .order_by(ItemNote.item_id, ItemNote.id)
            .execution_options(yield_per=5000)
        )
        out: dict[int, list[str]] = {}
        with self.store.read_session() as session:
            for item, text in session.execute(query):
                out.setdefault(item, []).append(text or "")
        return out


def annotation_rows(session: Session, names: dict[int, str]) -> list[StoredAnnotation]:
    """Every annotation row, removed ones too, by id (for ``audit verify``)."""
    return [stored(r, names) for r in session.scalars(select(ItemNote).order_by(ItemNote.id))]
