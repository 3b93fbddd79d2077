"""The supervisor settles a QA disagreement: the final grade and a reason.

A final grade that differs from the item's grade is made through the normal
grading rules (:func:`triage_app.review.grading.grade`: an amendment with a
reason, kept in the history and the audit log).
"""

from __future__ import annotations

from dataclasses import dataclass

from triage_app import audit
from triage_app.audit import AuditNote
from triage_app.case.session import CaseSession
from triage_app.domain.accounts import SUPERVISOR
from triage_app.review import grading
from triage_app.storage.qa_store import QaStore
from triage_app.supervision.lookup import category_code, find_round
from triage_app.supervision.qa_report import round_report
from triage_app.supervision.qa_sampling import QaError


@dataclass(frozen=True, slots=True)
class Adjudication:
    """What an adjudication did."""

    round_id: int
    item_id: int
    category: str
    grade_changed: bool
    grade_audit_seq: int | None
    audit_seq: int
    propagated: tuple[int, ...] = ()


def adjudicate(
    session: CaseSession,
    round_id: int,
    item_id: int,
    category: str,
    reason: str,
    *,
    propagate: bool = False,
) -> Adjudication:
    """Record the final grade of a disagreement, with a reason (supervisors only).

    When the final grade differs from the item's grade it is made through
    :func:`triage_app.review.grading.grade` with the reason ("QA round N
    adjudication: ..."), so the amendment rules, the history and the audit log
    apply as to any change of grade (and the sign-off guard: a change after
    sign-off is marked as such). ``propagate`` also grades the item's
    duplicate group as grading by hand would.
    """
    session.require_role(SUPERVISOR, "adjudicating a QA disagreement")
    why = reason.strip() if reason else ""
    if not why:
        raise QaError("an adjudication needs a reason")
    code = category_code(session, category)
    r = find_round(session, round_id)
    if session.account.id in (r.second_grader_id, r.examiner_id):
        raise QaError(
            "the examiner sampled and the second grader cannot adjudicate their own round"
        )
    if r.graded < r.items:
        raise QaError(
            f"QA round {round_id} is not complete ({r.graded} of {r.items} graded): adjudicate "
            "once the second grader has finished"
        )
    found = [d for d in round_report(session, r).disagreements if d.item_id == item_id]
    if not found:
        raise QaError(f"item {item_id} is not a disagreement of QA round {round_id}")
    if found[0].adjudicated:
        raise QaError(f"item {item_id} of QA round {round_id} is already adjudicated")
    outcome = grading.grade(
        session,
        [item_id],
        code,
        reason=f"QA round {round_id} adjudication: {why}",
        propagate=propagate,
    )
    changed = item_id in outcome.graded
    grade_seq = None
    if changed:
        history = session.review.history(item_id)
        grade_seq = history[-1]["audit_seq"] if history else None
    seq = QaStore(session.store).record_adjudication(
        session.account,
        round_id,
        item_id,
        code,
        why,
        grade_seq,
        AuditNote(
            audit.QA_ADJUDICATED,
            f"item {item_id}",
            {
                "round": round_id,
                "first": found[0].pair.first_category,
                "second": found[0].second_category,
                "final": code,
                "reason": why,
                "grade_changed": changed,
                "grade_entry": grade_seq,
            },
        ),
    )
    return Adjudication(round_id, item_id, code, changed, grade_seq, seq,
                        tuple(outcome.propagated))  # fmt: skip
