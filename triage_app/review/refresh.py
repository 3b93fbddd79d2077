"""Steps that always run together: match, grade from lists, regroup."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from triage_app.case.session import CaseSession
from triage_app.domain.errors import TriageError
from triage_app.domain.options import MAX_NEAR_THRESHOLD, SETTING_NEAR_THRESHOLD
from triage_app.review.groups import GroupSummary, compute_groups

if TYPE_CHECKING:
    from triage_app.library.case_matcher import MatchSummary
    from triage_app.review.grading import GradeOutcome


@dataclass(frozen=True, slots=True)
class RefreshResult:
    """What a refresh did."""

    match: MatchSummary | None
    list_grades: GradeOutcome | None
    groups: GroupSummary


def _may_match(session: CaseSession, library_path: Path | str | None) -> bool:
    """False when the library surely holds no set and the case was never matched."""
    from triage_app.config.settings import library_path as default_library
    from triage_app.storage.lab_url import library_url_from_env
    from triage_app.storage.peek import library_has_sets

    if session.store.setting("matched_once") or isinstance(library_path, str):
        return True  # a lab library (a URL) is asked through the store
    if library_path is None and library_url_from_env():
        return True
    return library_has_sets(library_path or default_library()) is not False


def refresh(
    session: CaseSession, library_path: Path | str | None, *, match: bool = True
) -> RefreshResult:
    """Match against the library (when it holds sets), grade exact hits, regroup duplicates.

    The matching code is loaded only when there is something to match against.
    """
    summary: MatchSummary | None = None
    outcome: GradeOutcome | None = None
    if match and _may_match(session, library_path):
        from triage_app.storage.library_store import LibraryStore

        with LibraryStore.open(library_path) as library:
            if library.sets() or session.store.setting("matched_once"):
                from triage_app.library.case_matcher import match_case

                summary = match_case(session.store, library, actor=session.actor)
                session.store.set_setting("matched_once", "1")
        if summary is not None:
            from triage_app.review.grading import apply_list_grades

            outcome = apply_list_grades(session)
    groups = compute_groups(session)
    return RefreshResult(summary, outcome, groups)


def set_near_threshold(session: CaseSession, bits: int) -> str | None:
    """Set the case's pHash near-match threshold (logged); return the previous value."""
    if not 0 <= bits <= MAX_NEAR_THRESHOLD:
        raise TriageError(f"--threshold must be between 0 and {MAX_NEAR_THRESHOLD}")
    return session.store.set_setting(SETTING_NEAR_THRESHOLD, str(bits), actor=session.actor)
