"""Undoing this session's grading actions (the workstation's Ctrl+Z)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from triage_app.case.session import CaseSession
from triage_app.review.grading import GradeOutcome, undo_last, undo_propagation

UNDO_REASON = "undone by examiner (undo)"


@dataclass(frozen=True, slots=True)
class GradingAction:
    """One grading action that changed grades, as undo needs it."""

    label: str
    #: Items whose own grade the action changed.
    items: tuple[int, ...]
    #: Items whose groups the action graded (their propagations are undone too).
    sources: tuple[int, ...]
    #: Every item whose grade changed.
    affected: tuple[int, ...]


def action_from(
    label: str, outcome: GradeOutcome, requested: Sequence[int], *, propagate: bool = False
) -> GradingAction | None:
    """The undoable record of a grading outcome, or None when nothing changed."""
    if not outcome.graded and not outcome.propagated:
        return None
    sources = tuple(requested) if propagate and outcome.propagated else ()
    return GradingAction(
        label=label,
        items=tuple(outcome.graded),
        sources=sources,
        affected=tuple(dict.fromkeys([*outcome.graded, *outcome.propagated])),
    )


def undo_action(
    session: CaseSession, action: GradingAction, *, reason: str = UNDO_REASON
) -> list[int]:
    """Revert an action: its propagations, then its own grades; return the items changed."""
    changed: list[int] = []
    for source in action.sources:
        changed += undo_propagation(session, source)
    for item in action.items:
        if undo_last(session, item, reason=reason):
            changed.append(item)
    return list(dict.fromkeys(changed))


def grades_of(
    session: CaseSession, item_ids: Sequence[int]
) -> dict[int, tuple[str | None, str | None]]:
    """Current (category, source) of each item; (None, None) for an ungraded one."""
    ids = list(dict.fromkeys(item_ids))
    found = session.review.grades(ids) if ids else {}
    return {i: (found[i].category, found[i].source) if i in found else (None, None) for i in ids}
