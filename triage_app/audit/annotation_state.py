"""What the trail says the ``item_notes`` table holds (notes, tags, marked frames).

Every annotation entry's payload lists the rows it ``added`` (id, kind, text,
frame time) and those it ``removed`` (id, with the entry's ``reason``).
Replaying them gives each row as it must be; :meth:`AnnotationReplay.compare`
names each row that differs, is missing or that no entry made. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from triage_app.audit import actions
from triage_app.audit.chain import AuditRow

#: Actions that add or remove annotation rows.
ANNOTATION_ACTIONS = frozenset(
    {actions.NOTE_ADDED, actions.TAGS_CHANGED, actions.FRAME_MARKED, actions.ANNOTATION_REMOVED}
)


@dataclass(frozen=True, slots=True)
class Removal:
    """Who removed an annotation, why, and the entry that recorded it."""

    user: str
    reason: str | None
    audit_seq: int | None


@dataclass(frozen=True, slots=True)
class AnnotationState:
    """An ``item_notes`` row (accounts as the trail names them)."""

    id: int
    item_id: int
    kind: str
    text: str | None
    frame_s: float | None
    user: str
    audit_seq: int | None
    removed: Removal | None = None


#: (table key, problem, audit entry) of a row the trail does not account for.
Problem = tuple[str, str, int | None]


@dataclass(slots=True)
class AnnotationReplay:
    """The annotation rows the trail's entries made, as replayed so far."""

    expected: dict[int, AnnotationState] = field(default_factory=dict)

    def take(self, row: AuditRow, payload: dict[str, Any]) -> bool:
        """Replay one entry; False when it is no annotation entry."""
        if row.action not in ANNOTATION_ACTIONS:
            return False
        item = int(row.object.removeprefix("item "))
        for added in payload.get("added", ()):
            self.expected[int(added["id"])] = AnnotationState(
                int(added["id"]), item, added["kind"], added["text"], added["frame_s"],
                row.user, row.seq,
            )  # fmt: skip
        for removed in payload.get("removed", ()):
            known = self.expected.get(int(removed["id"]))
            if known is not None:
                gone = Removal(row.user, payload.get("reason"), row.seq)
                self.expected[known.id] = _with_removal(known, gone)
        return True

    def compare(self, rows: Iterable[AnnotationState]) -> list[Problem]:
        """Every stored row that differs from the trail, then every row the trail made
        that is not stored."""
        left = dict(self.expected)
        found: list[Problem] = []
        for row in sorted(rows, key=lambda r: r.id):
            key = f"{row.kind} {row.id} of item {row.item_id}"
            said = left.pop(row.id, None)
            if said is None or said.audit_seq != row.audit_seq:
                found.append((key, "no entry of the trail records it", row.audit_seq))
                continue
            made = (row.item_id, row.kind, row.text, row.frame_s, row.user)
            says = (said.item_id, said.kind, said.text, said.frame_s, said.user)
            if made != says:
                found.append(
                    (key, f"is {_show(row)}; the trail says {_show(said)}", said.audit_seq)
                )
            elif row.removed != said.removed:
                found.append((key, _removal_problem(row.removed, said.removed), _seq(said)))
        for said in left.values():
            key = f"{said.kind} {said.id} of item {said.item_id}"
            found.append((key, "is missing (deleted?)", said.audit_seq))
        return found


def _with_removal(state: AnnotationState, removal: Removal) -> AnnotationState:
    return AnnotationState(
        state.id, state.item_id, state.kind, state.text, state.frame_s, state.user,
        state.audit_seq, removal,
    )  # fmt: skip


def _show(state: AnnotationState) -> str:
    at = f" at {state.frame_s} s" if state.frame_s is not None else ""
    return f"{state.kind} {state.text!r}{at} on item {state.item_id} by {state.user}"


def _seq(state: AnnotationState) -> int | None:
    return state.removed.audit_seq if state.removed is not None else state.audit_seq


def _removal_problem(stored: Removal | None, said: Removal | None) -> str:
    if said is None:
        return "is marked removed; the trail never removed it"
    if stored is None:
        return "is not marked removed; the trail says it was removed"
    return (
        f"was removed by {stored.user} ({stored.reason!r}); the trail says by {said.user} "
        f"({said.reason!r})"
    )
