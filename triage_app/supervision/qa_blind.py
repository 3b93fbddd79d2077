"""The second grader's side of a QA round: the sample, graded blind.

These calls return item ids, positions, exhibit, media type and the grader's
own answers only; they read nothing else (see
:meth:`triage_app.storage.qa_store.QaStore.blind_items`). Second grades are
stored apart from the items' grades and change no grade; they may be revised
until the whole sample is graded, and are final from then on.
"""

from __future__ import annotations

from dataclasses import dataclass

from triage_app import audit
from triage_app.audit import AuditNote
from triage_app.case.session import CaseSession
from triage_app.domain.errors import PermissionDeniedError
from triage_app.storage.qa_store import QaStore, RoundRow
from triage_app.supervision.lookup import category_code, find_round
from triage_app.supervision.qa_sampling import QaError


class _Counted:
    """A count of second grades against the sample's size."""

    __slots__ = ()
    graded: int
    size: int

    @property
    def complete(self) -> bool:
        """Every sampled item has a second grade (the answers are then final)."""
        return self.graded >= self.size


@dataclass(frozen=True, slots=True)
class BlindRound(_Counted):
    """A round as its second grader sees it: no examiner, no parameters, no first grades."""

    id: int
    created_at: str
    exhibit: str | None
    size: int
    graded: int


@dataclass(frozen=True, slots=True)
class BlindItem:
    """A sampled item as the second grader sees it."""

    position: int
    item_id: int
    exhibit: str
    media_type: str | None
    your_grade: str | None


@dataclass(frozen=True, slots=True)
class BlindProgress(_Counted):
    """What recording a second grade did."""

    round_id: int
    item_id: int
    category: str
    graded: int
    size: int


def _blind(r: RoundRow) -> BlindRound:
    return BlindRound(r.id, r.created_at, r.exhibit, r.items, r.graded)


def assigned_rounds(session: CaseSession) -> list[BlindRound]:
    """The rounds the signed-in account is to grade blind."""
    return [
        _blind(r)
        for r in QaStore(session.store).rounds()
        if r.second_grader_id == session.account.id
    ]


def _as_second_grader(session: CaseSession, round_id: int) -> RoundRow:
    r = find_round(session, round_id)
    if r.second_grader_id != session.account.id:
        raise PermissionDeniedError(
            f"only the second grader of QA round {round_id} may see or grade its sample; "
            f"{session.actor} is not"
        )
    return r


def blind_worklist(session: CaseSession, round_id: int) -> tuple[BlindRound, list[BlindItem]]:
    """The sample to grade, in blind order, with the grader's own answers so far."""
    r = _as_second_grader(session, round_id)
    rows = QaStore(session.store).blind_items(round_id, session.account.id)
    return _blind(r), [
        BlindItem(b.position, b.item_id, b.exhibit, b.media_type, b.own_category) for b in rows
    ]


def record_second_grade(
    session: CaseSession, round_id: int, item_id: int, category: str
) -> BlindProgress:
    """Record the second grader's blind grade of a sampled item (changes no grade).

    A second grade may be revised until the whole sample is graded; then the
    answers are final.
    """
    r = _as_second_grader(session, round_id)
    code = category_code(session, category)
    if r.graded >= r.items:
        raise QaError(f"QA round {round_id} is complete: its second grades are final")
    graded, size = QaStore(session.store).record_second_grade(
        session.account,
        round_id,
        item_id,
        code,
        AuditNote(audit.QA_SECOND_GRADE, f"item {item_id}", {"round": round_id, "category": code}),
    )
    return BlindProgress(round_id, item_id, code, graded, size)


def open_blind_rounds(session: CaseSession) -> list[int]:
    """Incomplete rounds the signed-in account is grading blind."""
    return QaStore(session.store).open_blind_rounds(session.account.id)
