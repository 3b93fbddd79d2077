"""Tile grading: copies split by content, the status-bar text, list grades kept in bulk."""

from __future__ import annotations

from review_helpers import exact, item_ids, set_matches

from triage_app.case.session import CaseSession
from triage_app.review import grading
from triage_app.review.grade_writes import GradeOutcome
from triage_app.review.queue import needs_look, review_load
from triage_app.review.tile_grading import graded_text, split_copies


def test_split_copies_by_content() -> None:
    copies = split_copies(1, "aa", [(1, "aa"), (2, "aa"), (3, "bb"), (4, None)])
    assert copies.identical == (2,) and copies.near == (3, 4)
    assert split_copies(1, None, [(2, None)]).identical == ()


def test_graded_text_names_copies_and_near_duplicates() -> None:
    outcome = GradeOutcome(graded=[1], propagated=[2, 3], kept=[9])
    text = graded_text(outcome, "A", near=[3])
    assert text.startswith("Graded 3 items (1 byte-identical copy, 1 near duplicate) as A")
    assert "1 hash-list grade kept" in text


def test_bulk_grading_keeps_list_grades_unless_asked(session: CaseSession) -> None:
    a, b, c, *_ = item_ids(session)
    set_matches(session, [exact(a, "A")])
    grading.apply_list_grades(session)
    outcome = grading.grade(session, [a, b, c], "C", keep_list_grades=True)
    assert outcome.kept == [a] and sorted(outcome.graded) == sorted([b, c])
    assert session.review.grades()[a].source == grading.FROM_LIST
    grading.grade(session, [a, b], "C", reason="seen", keep_list_grades=False)
    assert session.review.grades()[a].category == "C"


def test_copies_graded_with_an_item_are_one_transaction(session: CaseSession) -> None:
    a, b, c, *_ = item_ids(session)
    outcome = grading.grade(session, [a], "B", copies={a: [b]})
    assert outcome.graded == [a] and outcome.propagated == [b]
    assert c not in session.review.grades()


def test_needs_look_and_review_load() -> None:
    assert needs_look("image", None, None) and not needs_look("image", "A", None)
    assert not needs_look("image", None, "ignorable") and not needs_look(None, None, None)
    assert review_load([(1, 7), (2, 7), (3, None)]) == 2
