"""Adding accounts to a case (the first supervisor aside, only a supervisor adds one)."""

from __future__ import annotations

from triage_app.case.session import CaseSession
from triage_app.domain.accounts import ROLES, SUPERVISOR, Account, hash_password
from triage_app.domain.errors import TriageError

__all__ = ["Account", "add_account"]


def add_account(
    session: CaseSession, *, name: str, badge: str | None, role: str, password: str
) -> Account:
    """Add an account (logged as ``user added``).

    Only a supervisor adds a supervisor: the first one is made with the case
    (see :mod:`triage_app.case.cases`), never by an examiner afterwards.
    """
    if role not in ROLES:
        raise TriageError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    if role == SUPERVISOR:
        session.require_role(SUPERVISOR, "adding a supervisor account")
    try:
        return session.review.add_account(
            name=name.strip(),
            badge=badge.strip() if badge else None,
            role=role,
            password_hash=hash_password(password),
            actor=session.actor,
        )
    except ValueError as exc:
        raise TriageError(str(exc)) from None
