"""Items as the front ends list them: the public JSON shape (with the examiners' notes,
tags and marked frames), and an item's grade history."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from triage_app.case.session import CaseSession
from triage_app.review.annotations import for_items
from triage_app.review.groups import group_sizes
from triage_app.review.item_json import item_to_json


def item_listing(session: CaseSession) -> Iterator[dict[str, Any]]:
    """Every item of the case in the public JSON shape (``triage items --json``).

    Refuses (before anything is read) an account grading a QA sample blind.
    """
    session.refuse_if_blind("listing the items with their grades")  # blind QA (supervision)
    grades = session.review.grades()
    clusters = session.review.clusters()
    sizes = group_sizes(clusters)
    notes = for_items(session)
    return (
        item_to_json(
            item,
            grade=grades.get(item.id),
            cluster=clusters.get(item.id),
            sizes=sizes,
            annotations=notes[item.id].to_json() if item.id in notes else None,
        )
        for item in session.store.iter_items()
    )


def grade_history(session: CaseSession, item_id: int) -> list[dict[str, Any]]:
    """Every change to an item's grade, oldest first."""
    session.refuse_if_blind("an item's grade history")  # blind QA (supervision)
    return session.review.history(item_id)
