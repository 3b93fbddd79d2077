"""Duplicate groups and the status counts: the review load counts groups with a member
that still needs a look."""

from __future__ import annotations

from review_helpers import exact, item_ids, set_matches

from triage_app.case.session import CaseSession
from triage_app.review import grading
from triage_app.review.groups import status


def test_review_load_counts_groups_with_an_item_still_to_look_at(session: CaseSession) -> None:
    a, b, c, _d, _e, _f = item_ids(session)
    session.review.replace_clusters([(a, a, "exact", True, 0), (b, a, "exact", False, 0)])
    assert status(session)["review_load"] == 5  # {a,b} c d e f
    set_matches(session, [exact(c, "A")])
    grading.apply_list_grades(session)
    assert status(session)["review_load"] == 4
    grading.grade(session, [a], "C")
    assert status(session)["review_load"] == 4, "b is still ungraded: its group stays open"
    grading.grade(session, [b], "C")
    counts = status(session)
    assert counts["review_load"] == 3
    assert counts["graded_by_hand"] == 2 and counts["exact_graded"] == 1
