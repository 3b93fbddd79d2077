"""What every grading rule shares: its refusals, its outcome, and how a change is written.

A rule plans :class:`~triage_app.storage.review_store.GradeWrite` changes from
the current grades (read inside the write transaction) and :func:`apply` commits
them, each with its audit entry.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from triage_app.audit import AuditNote
from triage_app.case.session import CaseSession
from triage_app.domain.errors import ReasonRequiredError, TriageError
from triage_app.review.item_json import grade_fields
from triage_app.storage.review_store import CurrentGrade, GradeWrite
from triage_app.storage.signoff_guard import ChangeAfterSignOffError

Plan = Callable[[dict[int, CurrentGrade]], list[GradeWrite]]


class GradingError(TriageError):
    """A grading request that the rules refuse."""


class GradeReasonRequiredError(GradingError, ReasonRequiredError):
    """A grade change refused only for want of a reason."""


@dataclass(slots=True)
class GradeOutcome:
    """What a grading request did."""

    graded: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    propagated: list[int] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    #: Items left with their hash-list grade by a bulk action.
    kept: list[int] = field(default_factory=list)


def state(grade: CurrentGrade | None) -> dict[str, Any] | None:
    """A grade as an audit entry records it ("before")."""
    return None if grade is None else grade_fields(grade, "by")


def change(
    item: int,
    old: CurrentGrade | None,
    category: str | None,
    source: str | None,
    action: str,
    *,
    why: str | None = None,
    propagated_from: int | None = None,
    **logged: Any,
) -> GradeWrite:
    """A grade change of ``item`` from ``old`` for reason ``why``, with its audit entry:
    before, after and the ``logged`` facts (the reason is logged only if among them)."""
    payload = {"before": state(old), "after": {"category": category, "source": source}, **logged}
    note = AuditNote(action, f"item {item}", payload)
    return GradeWrite(item, category, source, why, propagated_from, note)


def apply(session: CaseSession, item_ids: Sequence[int], plan: Plan) -> list[GradeWrite]:
    """Apply grade writes; the store's sign-off guard (a reason is needed after sign-off)
    is reported as a grading refusal, so the CLI and the GUI ask for a reason as usual."""
    try:
        return session.review.apply_grades(session.account, item_ids, plan)
    except ChangeAfterSignOffError as exc:
        raise GradeReasonRequiredError(str(exc)) from exc


def check_items(session: CaseSession, item_ids: Sequence[int]) -> list[int]:
    """The distinct items asked for, refused if any does not exist or the account grades
    a QA sample blind."""
    # Blind QA (supervision): an account grading a QA sample blind does not grade the
    # case meanwhile (refusals and outcomes would show the grades it must not see).
    session.refuse_if_blind("grading")
    ids = list(dict.fromkeys(int(i) for i in item_ids))
    if not ids:
        raise GradingError("no items given")
    missing = sorted(set(ids) - session.store.item_exists(ids))
    if missing:
        raise GradingError(f"no such item: {', '.join(map(str, missing))}")
    return ids


def category_code(session: CaseSession, code: str) -> str:
    """Validate a category given by the user against the case's scheme."""
    normal = session.scheme.normalise(code)
    if normal is None:
        valid = ", ".join(f"{c.code} ({c.label})" for c in session.scheme.categories)
        raise GradingError(f"{code!r} is not a category of the {session.scheme.id} scheme: {valid}")
    return normal
