"""Undoing a grading action: its propagations, then its own grades."""

from __future__ import annotations

from triage_app.case.session import CaseSession
from triage_app.review import grading, undo


def test_undo_reverts_a_grade_and_its_propagation(session: CaseSession) -> None:
    a, b, c, *_ = sorted(r.id for r in session.store.iter_items())
    session.review.replace_clusters([(a, a, "exact", True, 0), (b, a, "exact", False, 0)])
    outcome = grading.grade(session, [a], "B", propagate=True)
    action = undo.action_from("grade", outcome, [a], propagate=True)
    assert action is not None and action.sources == (a,) and set(action.affected) == {a, b}
    assert undo.grades_of(session, [a, b, c]) == {
        a: ("B", "manual"),
        b: ("B", grading.propagated_source(a)),
        c: (None, None),
    }
    changed = undo.undo_action(session, action)
    assert set(changed) == {a, b}
    assert undo.grades_of(session, [a, b]) == {a: (None, None), b: (None, None)}
    unchanged = grading.grade(session, [c], "C")
    assert undo.action_from("x", grading.grade(session, [c], "C"), [c]) is None
    assert undo.action_from("x", unchanged, [c]) is not None
