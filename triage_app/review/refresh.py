"""Steps that always run together: match, grade from lists, regroup."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from triage_app.case.session import CaseSession
from triage_app.library.case_matcher import MatchSummary, match_case
from triage_app.review.grading import GradeOutcome, apply_list_grades
from triage_app.review.groups import GroupSummary, compute_groups
from triage_app.storage.library_store import LibraryStore


@dataclass(frozen=True, slots=True)
class RefreshResult:
    """What a refresh did."""

    match: MatchSummary | None
    list_grades: GradeOutcome | None
    groups: GroupSummary


def refresh(
    session: CaseSession, library_path: Path | None, *, match: bool = True
) -> RefreshResult:
    """Match against the library (when it holds sets), grade exact hits, regroup duplicates."""
    summary: MatchSummary | None = None
    outcome: GradeOutcome | None = None
    if match:
        with LibraryStore.open(library_path) as library:
            if library.sets() or session.store.setting("matched_once"):
                summary = match_case(session.store, library, actor=session.actor)
                session.store.set_setting("matched_once", "1")
        if summary is not None:
            outcome = apply_list_grades(session)
    groups = compute_groups(session)
    return RefreshResult(summary, outcome, groups)
