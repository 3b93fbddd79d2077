"""Grading rules: manual grades, amendments, confirmations, propagation, undo.

A grade records category, source, who and when. Sources are ``manual``,
``hash-list exact``, ``near match confirmed`` and ``propagated from item N``
(:mod:`triage_app.domain.grade_sources`). Changing an existing grade needs a
reason and keeps the full history (old value, new value, who, when, why). A
near-match suggestion becomes a grade only when an examiner confirms it. A
multi-part item takes the most severe grade among its parts. Every write goes
to the audit log in the same transaction as the grade (:mod:`.grade_writes`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from triage_app import audit
from triage_app.case.session import CaseSession
from triage_app.domain.grade_sources import (
    CONFIRMED,
    FROM_LIST,
    HUMAN_SOURCES,
    MANUAL,
    PROPAGATED_PREFIX,
    is_propagated,
    propagated_origin,
    propagated_source,
)
from triage_app.review.grade_writes import (
    GradeOutcome,
    GradeReasonRequiredError,
    GradingError,
    apply,
    category_code,
    change,
    check_items,
)
from triage_app.review.video_viewing import check_viewable
from triage_app.storage.review_store import CurrentGrade, GradeWrite

__all__ = [
    "CONFIRMED", "FROM_LIST", "HUMAN_SOURCES", "MANUAL", "PROPAGATED_PREFIX", "GradeOutcome",
    "GradeReasonRequiredError", "GradingError", "apply_list_grades", "category_code", "confirm",
    "grade", "grade_part", "is_propagated", "propagated_source", "undo_last", "undo_propagation",
]  # fmt: skip


def _group_members(session: CaseSession, ids: list[int]) -> dict[int, list[int]]:
    """For each item that is in a duplicate group, the group's other members."""
    clusters = session.review.clusters()
    return {
        item: [m for m in session.review.cluster_members(clusters[item][0]) if m != item]
        for item in ids
        if item in clusters
    }


def grade(
    session: CaseSession,
    item_ids: Sequence[int],
    category: str,
    *,
    reason: str | None = None,
    propagate: bool = False,
    copies: Mapping[int, Sequence[int]] | None = None,
    keep_list_grades: bool = False,
) -> GradeOutcome:
    """Grade items by hand; amendments need a reason; optionally grade their groups.

    ``copies`` names, per item, the members graded with it (instead of its whole
    group with ``propagate``); ``keep_list_grades`` leaves items graded from a hash
    list as they are (they go to ``outcome.kept``) -- what a bulk action does.
    """
    code = category_code(session, category)
    ids = check_items(session, item_ids)
    reason = reason.strip() if reason and reason.strip() else None
    check_viewable(session, ids, reason)
    if copies is not None:
        members = {i: [m for m in copies.get(i, ()) if m != i] for i in ids}
    else:
        members = _group_members(session, ids) if propagate else {}
    everyone = list(dict.fromkeys(ids + [m for ms in members.values() for m in ms]))
    outcome = GradeOutcome()

    def plan(current: dict[int, CurrentGrade]) -> list[GradeWrite]:
        if keep_list_grades:
            kept = {i for i in ids if i in current and current[i].source == FROM_LIST}
            outcome.kept[:] = [i for i in ids if i in kept and current[i].category != code]
        else:
            kept = set()
        need_reason = [
            i for i in ids if i in current and current[i].category != code and i not in kept
        ]
        if need_reason and reason is None:
            raise GradeReasonRequiredError(
                "changing an existing grade needs a reason (--reason): item "
                + ", ".join(
                    f"{i} is {current[i].category} ({current[i].source})" for i in need_reason
                )
            )
        writes: list[GradeWrite] = []
        for item in ids:
            old = current.get(item)
            if item in kept:
                if old is not None and old.category == code:
                    outcome.unchanged.append(item)
                continue
            if old is not None and old.category == code and old.source == MANUAL:
                outcome.unchanged.append(item)
                continue
            action = (
                audit.GRADE_AMENDED if old is not None and old.category != code else audit.GRADE
            )
            writes.append(change(item, old, code, MANUAL, action, why=reason, reason=reason))
            outcome.graded.append(item)
        for source_item, others in members.items():
            if source_item in kept:
                continue
            source = propagated_source(source_item)
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
                writes.append(
                    change(member, old, code, source, audit.PROPAGATE, why=reason,
                           propagated_from=source_item, from_item=source_item)
                )  # fmt: skip
                outcome.propagated.append(member)
        return writes

    apply(session, everyone, plan)
    return outcome


def confirm(
    session: CaseSession, item_ids: Sequence[int], *, reason: str | None = None
) -> GradeOutcome:
    """Turn near-match suggestions into grades ("near match confirmed")."""
    ids = check_items(session, item_ids)
    suggestions = {r.id: r for r in session.store.hashed_items(ids)}
    problems = []
    for item in ids:
        row = suggestions.get(item)
        if row is None or row.match_kind != "near":
            problems.append(f"item {item} has no near-match suggestion")
        elif row.match_category is None:
            problems.append(
                f"item {item}'s suggestion has no category in the {session.scheme.id} scheme"
            )
    if problems:
        raise GradingError("; ".join(problems))
    outcome = GradeOutcome()

    def plan(current: dict[int, CurrentGrade]) -> list[GradeWrite]:
        writes = []
        for item in ids:
            code = suggestions[item].match_category
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
                change(item, old, code, CONFIRMED, audit.CONFIRM, why=reason, reason=reason)
            )
            outcome.graded.append(item)
        return writes

    apply(session, ids, plan)
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
                change(item, old, cat, src, audit.PROPAGATION_UNDONE,
                       why=f"propagation from item {source_item} undone",
                       propagated_from=propagated_origin(src), from_item=source_item)
            )  # fmt: skip
        return writes

    return [w.item_id for w in apply(session, targets, plan)]


def undo_last(session: CaseSession, item_id: int, *, reason: str = "undone by examiner") -> bool:
    """Revert an item's latest grade change (the GUI's undo)."""
    check_items(session, [item_id])
    cat, src = session.review.previous_grade(item_id)

    def plan(current: dict[int, CurrentGrade]) -> list[GradeWrite]:
        old = current.get(item_id)
        if old is None and cat is None:
            return []
        return [
            change(item_id, old, cat, src, audit.GRADE_UNDONE, why=reason,
                   propagated_from=propagated_origin(src), reason=reason)
        ]  # fmt: skip

    return bool(apply(session, [item_id], plan))


def grade_part(session: CaseSession, item_id: int, part: int, category: str) -> str:
    """Grade one part (frame, page, segment); the item takes the most severe part grade."""
    code = category_code(session, category)
    check_items(session, [item_id])
    parts = session.review.set_part_grade(session.account, item_id, part, code)
    worst = session.scheme.most_severe(parts)

    def plan(current: dict[int, CurrentGrade]) -> list[GradeWrite]:
        old = current.get(item_id)
        if old is not None and old.category == worst and old.source == MANUAL:
            return []
        why = f"most severe of {len(parts)} graded parts (part {part} graded {code})"
        action = audit.GRADE_AMENDED if old is not None else audit.GRADE
        return [
            change(item_id, old, worst, MANUAL, action, why=why, part=part,
                   part_category=code, reason=why)
        ]  # fmt: skip

    apply(session, [item_id], plan)
    return worst


def apply_list_grades(session: CaseSession) -> GradeOutcome:
    """Grade items with an exact hash-list match from the list (source ``hash-list exact``).

    Grades made by people are never overwritten; a disagreement is reported.
    """
    from triage_app.storage.qa_store import QaStore  # supervision's tables, when needed

    wanted = {
        r.id: r.match_category
        for r in session.store.hashed_items()
        if r.match_kind == "exact" and r.match_category
    }
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
            writes.append(change(item, old, code, FROM_LIST, audit.GRADE_FROM_LIST))
            outcome.graded.append(item)
        return writes

    apply(session, list(wanted), plan)
    return outcome
