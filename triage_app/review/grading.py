"""Grading rules: manual grades, amendments, confirmations, propagation, undo.

A grade records category, source, who and when. Sources are ``manual``,
``hash-list exact``, ``near match confirmed`` and ``propagated from item N``.
Changing an existing grade needs a reason and keeps the full history (old
value, new value, who, when, why). A near-match suggestion becomes a grade
only when an examiner confirms it. A multi-part item takes the most severe
grade among its parts. Every write goes to the audit log in the same
transaction as the grade.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from triage_app import audit
from triage_app.audit import AuditNote
from triage_app.case.session import CaseSession
from triage_app.domain.errors import ReasonRequiredError, TriageError
from triage_app.storage.qa_store import QaStore
from triage_app.storage.review_store import CurrentGrade, GradeWrite
from triage_app.storage.signoff_guard import ChangeAfterSignOffError

MANUAL = "manual"
FROM_LIST = "hash-list exact"
CONFIRMED = "near match confirmed"
PROPAGATED_PREFIX = "propagated from item "
#: Sources that record a person's decision (not copied from elsewhere).
HUMAN_SOURCES = (MANUAL, CONFIRMED)


class GradingError(TriageError):
    """A grading request that the rules refuse."""


class GradeReasonRequiredError(GradingError, ReasonRequiredError):
    """A grade change refused only for want of a reason."""


def propagated_source(item_id: int) -> str:
    """The source recorded on a grade copied from ``item_id``."""
    return f"{PROPAGATED_PREFIX}{item_id}"


def is_propagated(source: str | None) -> bool:
    """True for a grade copied from another item of its group."""
    return bool(source and source.startswith(PROPAGATED_PREFIX))


@dataclass(slots=True)
class GradeOutcome:
    """What a grading request did."""

    graded: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    propagated: list[int] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


def _state(grade: CurrentGrade | None) -> dict[str, Any] | None:
    if grade is None:
        return None
    return {
        "category": grade.category,
        "source": grade.source,
        "by": grade.user,
        "time": grade.time_utc,
    }


def _apply(
    session: CaseSession,
    item_ids: Sequence[int],
    plan: Callable[[dict[int, CurrentGrade]], list[GradeWrite]],
) -> list[GradeWrite]:
    """Apply grade writes; the store's sign-off guard (a reason is needed after sign-off)
    is reported as a grading refusal, so the CLI and the GUI ask for a reason as usual."""
    try:
        return session.review.apply_grades(session.account, item_ids, plan)
    except ChangeAfterSignOffError as exc:
        raise GradeReasonRequiredError(str(exc)) from exc


def _check_items(session: CaseSession, item_ids: Sequence[int]) -> list[int]:
    # Blind QA (supervision): an account grading a QA sample blind does not grade the
    # case meanwhile (refusals and outcomes would show the grades it must not see).
    session.refuse_if_blind("grading")
    ids = list(dict.fromkeys(int(i) for i in item_ids))
    if not ids:
        raise GradingError("no items given")
    missing = sorted(set(ids) - session.review.item_exists(ids))
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


def grade(
    session: CaseSession,
    item_ids: Sequence[int],
    category: str,
    *,
    reason: str | None = None,
    propagate: bool = False,
) -> GradeOutcome:
    """Grade items by hand; amendments need a reason; optionally grade their groups."""
    code = category_code(session, category)
    ids = _check_items(session, item_ids)
    reason = reason.strip() if reason and reason.strip() else None
    members: dict[int, list[int]] = {}
    if propagate:
        clusters = session.review.clusters()
        for item in ids:
            if item in clusters:
                members[item] = [
                    m for m in session.review.cluster_members(clusters[item][0]) if m != item
                ]
    everyone = list(dict.fromkeys(ids + [m for ms in members.values() for m in ms]))
    outcome = GradeOutcome()

    def plan(current: dict[int, CurrentGrade]) -> list[GradeWrite]:
        writes: list[GradeWrite] = []
        need_reason = [i for i in ids if i in current and current[i].category != code]
        if need_reason and reason is None:
            raise GradeReasonRequiredError(
                "changing an existing grade needs a reason (--reason): item "
                + ", ".join(
                    f"{i} is {current[i].category} ({current[i].source})" for i in need_reason
                )
            )
        for item in ids:
            old = current.get(item)
            if old is not None and old.category == code and old.source == MANUAL:
                outcome.unchanged.append(item)
                continue
            amended = old is not None and old.category != code
            writes.append(
                GradeWrite(
                    item,
                    code,
                    MANUAL,
                    reason,
                    None,
                    AuditNote(
                        audit.GRADE_AMENDED if amended else audit.GRADE,
                        f"item {item}",
                        {
                            "before": _state(old),
                            "after": {"category": code, "source": MANUAL},
                            "reason": reason,
                        },
                    ),
                )
            )
            outcome.graded.append(item)
        for source_item, others in members.items():
            for member in others:
                old = current.get(member)
                if member in ids:
                    continue
                if old is not None and not is_propagated(old.source):
                    if old.category != code:
                        outcome.conflicts.append(
                            f"item {member} keeps its {old.source} grade {old.category} "
                            f"(group of item {source_item} graded {code})"
                        )
                    continue
                if old is not None and old.category == code and old.propagated_from == source_item:
                    continue
                source = propagated_source(source_item)
                writes.append(
                    GradeWrite(
                        member,
                        code,
                        source,
                        reason,
                        source_item,
                        AuditNote(
                            audit.PROPAGATE,
                            f"item {member}",
                            {
                                "before": _state(old),
                                "after": {"category": code, "source": source},
                                "from_item": source_item,
                            },
                        ),
                    )
                )
                outcome.propagated.append(member)
        return writes

    _apply(session, everyone, plan)
    return outcome


def confirm(
    session: CaseSession, item_ids: Sequence[int], *, reason: str | None = None
) -> GradeOutcome:
    """Turn near-match suggestions into grades ("near match confirmed")."""
    ids = _check_items(session, item_ids)
    suggestions = {r["id"]: r for r in session.review.review_items(ids)}
    problems = []
    for item in ids:
        row = suggestions.get(item)
        if row is None or row["kind"] != "near":
            problems.append(f"item {item} has no near-match suggestion")
        elif row["category"] is None:
            problems.append(
                f"item {item}'s suggestion has no category in the {session.scheme.id} scheme"
            )
    if problems:
        raise GradingError("; ".join(problems))
    outcome = GradeOutcome()

    def plan(current: dict[int, CurrentGrade]) -> list[GradeWrite]:
        writes = []
        for item in ids:
            code = suggestions[item]["category"]
            old = current.get(item)
            if old is not None and old.category == code and old.source == CONFIRMED:
                outcome.unchanged.append(item)
                continue
            if old is not None and old.category != code and not reason:
                raise GradeReasonRequiredError(
                    f"item {item} is already graded {old.category} ({old.source}); confirming the "
                    f"suggestion {code} would change it: give a reason"
                )
            writes.append(
                GradeWrite(
                    item,
                    code,
                    CONFIRMED,
                    reason,
                    None,
                    AuditNote(
                        audit.CONFIRM,
                        f"item {item}",
                        {
                            "before": _state(old),
                            "after": {"category": code, "source": CONFIRMED},
                            "reason": reason,
                        },
                    ),
                )
            )
            outcome.graded.append(item)
        return writes

    _apply(session, ids, plan)
    return outcome


def undo_propagation(session: CaseSession, source_item: int) -> list[int]:
    """Restore every item whose grade was propagated from ``source_item``."""
    targets = session.review.propagated_from(source_item)
    previous = {t: session.review.previous_grade(t) for t in targets}

    def plan(current: dict[int, CurrentGrade]) -> list[GradeWrite]:
        writes = []
        for item in targets:
            old = current.get(item)
            if old is None or old.propagated_from != source_item:
                continue
            cat, src = previous[item]
            writes.append(
                GradeWrite(
                    item,
                    cat,
                    src,
                    f"propagation from item {source_item} undone",
                    int(src[len(PROPAGATED_PREFIX) :]) if is_propagated(src) and src else None,
                    AuditNote(
                        audit.PROPAGATION_UNDONE,
                        f"item {item}",
                        {
                            "before": _state(old),
                            "after": {"category": cat, "source": src},
                            "from_item": source_item,
                        },
                    ),
                )
            )
        return writes

    return [w.item_id for w in _apply(session, targets, plan)]


def undo_last(session: CaseSession, item_id: int, *, reason: str = "undone by examiner") -> bool:
    """Revert an item's latest grade change (the GUI's undo)."""
    _check_items(session, [item_id])
    cat, src = session.review.previous_grade(item_id)

    def plan(current: dict[int, CurrentGrade]) -> list[GradeWrite]:
        old = current.get(item_id)
        if old is None and cat is None:
            return []
        return [
            GradeWrite(
                item_id,
                cat,
                src,
                reason,
                int(src[len(PROPAGATED_PREFIX) :]) if src and is_propagated(src) else None,
                AuditNote(
                    audit.GRADE_UNDONE,
                    f"item {item_id}",
                    {
                        "before": _state(old),
                        "after": {"category": cat, "source": src},
                        "reason": reason,
                    },
                ),
            )
        ]

    return bool(_apply(session, [item_id], plan))


def grade_part(session: CaseSession, item_id: int, part: int, category: str) -> str:
    """Grade one part (frame, page, segment); the item takes the most severe part grade."""
    code = category_code(session, category)
    _check_items(session, [item_id])
    parts = session.review.set_part_grade(session.account, item_id, part, code)
    worst = session.scheme.most_severe(parts)

    def plan(current: dict[int, CurrentGrade]) -> list[GradeWrite]:
        old = current.get(item_id)
        if old is not None and old.category == worst and old.source == MANUAL:
            return []
        why = f"most severe of {len(parts)} graded parts (part {part} graded {code})"
        return [
            GradeWrite(
                item_id,
                worst,
                MANUAL,
                why,
                None,
                AuditNote(
                    audit.GRADE_AMENDED if old is not None else audit.GRADE,
                    f"item {item_id}",
                    {
                        "before": _state(old),
                        "after": {"category": worst, "source": MANUAL},
                        "part": part,
                        "part_category": code,
                        "reason": why,
                    },
                ),
            )
        ]

    _apply(session, [item_id], plan)
    return worst


def apply_list_grades(session: CaseSession) -> GradeOutcome:
    """Grade items with an exact hash-list match from the list (source ``hash-list exact``).

    Grades made by people are never overwritten; a disagreement is reported.
    """
    rows = [r for r in session.review.review_items() if r["kind"] == "exact" and r["category"]]
    wanted = {r["id"]: r["category"] for r in rows}
    outcome = GradeOutcome()
    # Items of a signed-off exhibit are not graded from a list: after sign-off every
    # change needs a person's reason (supervision). They are reported instead.
    signed = QaStore(session.store).covering_sign_offs(list(wanted))

    def plan(current: dict[int, CurrentGrade]) -> list[GradeWrite]:
        writes = []
        for item, code in wanted.items():
            old = current.get(item)
            if item in signed:
                if old is None or old.category != code:
                    outcome.conflicts.append(
                        f"item {item}: its exhibit is signed off; the hash list says {code} "
                        "(grade it by hand, with a reason, if that is right)"
                    )
                continue
            if old is not None and old.source != FROM_LIST:
                if old.category != code:
                    outcome.conflicts.append(
                        f"item {item}: graded {old.category} ({old.source}), hash list says {code}"
                    )
                continue
            if old is not None and old.category == code:
                continue
            writes.append(
                GradeWrite(
                    item,
                    code,
                    FROM_LIST,
                    None,
                    None,
                    AuditNote(
                        audit.GRADE_FROM_LIST,
                        f"item {item}",
                        {"before": _state(old), "after": {"category": code, "source": FROM_LIST}},
                    ),
                )
            )
            outcome.graded.append(item)
        return writes

    _apply(session, list(wanted), plan)
    return outcome
