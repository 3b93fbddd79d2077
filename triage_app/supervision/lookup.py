"""Finding what a supervision request names: an account, a QA round, an exhibit, a category."""

from __future__ import annotations

from triage_app.case.session import CaseSession
from triage_app.domain.accounts import Account
from triage_app.domain.errors import TriageError
from triage_app.review import grading
from triage_app.storage.qa_store import QaStore, RoundRow
from triage_app.supervision.audit_filter import user_matches
from triage_app.supervision.qa_sampling import QaError


def find_account(session: CaseSession, login: str, what: str) -> Account:
    """The active account named by its name, ID or label ('Name (ID)'), for the ``what``."""
    found = [a for a in session.review.accounts() if user_matches(a.label, login)]
    if len(found) != 1:
        raise QaError(f"no account {login!r} for the {what}")
    if not found[0].active:
        raise QaError(f"the account {found[0].label} is disabled")
    return found[0]


def find_round(session: CaseSession, round_id: int) -> RoundRow:
    """QA round ``round_id``."""
    found = QaStore(session.store).round(round_id)
    if found is None:
        raise QaError(f"there is no QA round {round_id}")
    return found


def category_code(session: CaseSession, code: str) -> str:
    """The scheme's code for the category the user typed."""
    try:
        return grading.category_code(session, code)
    except grading.GradingError as exc:
        raise QaError(str(exc)) from None


def exhibit_id(qa: QaStore, exhibit: str | None, error: type[TriageError]) -> int | None:
    """The id of exhibit ``exhibit`` (None for none); ``error`` if there is no such exhibit."""
    if exhibit is None:
        return None
    found = qa.exhibit_id(exhibit)
    if found is None:
        raise error(f"there is no exhibit {exhibit!r}")
    return found
