"""Grading rules, history, confirmation, list grades, propagation, undo, parts."""

from __future__ import annotations

import pytest
from conftest import TEST_USER
from review_helpers import exact, item_ids, near, set_matches

from triage_app.case.session import CaseSession
from triage_app.review import grading
from triage_app.review.grading import GradingError
from triage_app.review.groups import status


def test_first_grade_then_amendment_needs_a_reason(session: CaseSession) -> None:
    a, b, *_ = item_ids(session)
    out = grading.grade(session, [a, b], "b")  # codes are case-insensitive
    assert out.graded == [a, b]
    grades = session.review.grades()
    assert grades[a].category == "B" and grades[a].source == grading.MANUAL
    assert grades[a].user == TEST_USER
    assert grading.grade(session, [a], "B").unchanged == [a]
    with pytest.raises(GradingError, match="needs a reason"):
        grading.grade(session, [a], "A")
    assert session.review.grades()[a].category == "B", "a refused change must write nothing"
    grading.grade(session, [a], "A", reason="penetrative activity visible on review")
    history = session.review.history(a)
    assert [(h["old_category"], h["new_category"]) for h in history] == [(None, "B"), ("B", "A")]
    assert history[1]["reason"] == "penetrative activity visible on review"
    assert history[1]["user"] == TEST_USER and history[1]["time"]


def test_bad_category_and_unknown_item_are_refused(session: CaseSession) -> None:
    a = item_ids(session)[0]
    with pytest.raises(GradingError, match="not a category"):
        grading.grade(session, [a], "Z")
    with pytest.raises(GradingError, match="no such item: 99999"):
        grading.grade(session, [a, 99999], "A")
    assert session.review.grades() == {}


def test_suggestion_becomes_a_grade_only_when_confirmed(session: CaseSession) -> None:
    a, b, c, *_ = item_ids(session)
    set_matches(session, [near(a, "C"), near(b, "A")])
    assert session.review.grades() == {}
    assert status(session)["suggestions"] == 2
    grading.confirm(session, [a])
    grade = session.review.grades()[a]
    assert (grade.category, grade.source) == ("C", grading.CONFIRMED)
    assert status(session)["suggestions"] == 1
    with pytest.raises(GradingError, match="no near-match suggestion"):
        grading.confirm(session, [c])


def test_exact_matches_grade_from_the_list_but_never_over_a_person(session: CaseSession) -> None:
    a, b, c, *_ = item_ids(session)
    grading.grade(session, [b], "C")
    set_matches(session, [exact(a, "A"), exact(b, "A"), exact(c, None)])
    out = grading.apply_list_grades(session)
    grades = session.review.grades()
    assert (grades[a].category, grades[a].source) == ("A", grading.FROM_LIST)
    assert (grades[b].category, grades[b].source) == ("C", grading.MANUAL)
    assert c not in grades, "an unmapped list category grades nothing"
    assert out.graded == [a]
    assert any(f"item {b}" in conflict for conflict in out.conflicts)
    assert status(session)["exact_graded"] == 1


def test_propagation_per_item_and_undo(session: CaseSession) -> None:
    a, b, c, d, e, f = item_ids(session)
    grading.grade(session, [d], "C")
    session.review.replace_clusters(
        [(a, a, "near", True, 0), (b, a, "near", False, 3), (c, a, "near", False, 5),
         (d, a, "near", False, 2)]
    )  # fmt: skip
    out = grading.grade(session, [a], "B", propagate=True)
    assert sorted(out.propagated) == [b, c]
    assert any(f"item {d}" in x for x in out.conflicts), "a person's grade is not overwritten"
    grades = session.review.grades()
    for member in (b, c):
        assert grades[member].category == "B"
        assert grades[member].source == f"propagated from item {a}"
        assert grades[member].propagated_from == a
    assert grades[d].category == "C"
    assert e not in grades and f not in grades
    assert sorted(grading.undo_propagation(session, a)) == [b, c]
    grades = session.review.grades()
    assert b not in grades and c not in grades
    assert grades[a].category == "B", "undoing propagation leaves the source item alone"
    assert [h["new_source"] for h in session.review.history(b)] == [
        f"propagated from item {a}",
        None,
    ]


def test_undo_last_restores_the_previous_grade(session: CaseSession) -> None:
    a = item_ids(session)[0]
    grading.grade(session, [a], "C")
    grading.grade(session, [a], "A", reason="second look")
    assert grading.undo_last(session, a)
    assert session.review.grades()[a].category == "C"


def test_multi_part_item_takes_the_most_severe_part(session: CaseSession) -> None:
    a = item_ids(session)[0]
    assert grading.grade_part(session, a, 0, "C") == "C"
    assert grading.grade_part(session, a, 5, "A") == "A"
    assert grading.grade_part(session, a, 9, "B") == "A"
    grade = session.review.grades()[a]
    assert grade.category == "A"
    assert "most severe" in (grade.reason or "")
