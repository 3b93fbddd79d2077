"""Creating a case: the folder, its database and its first accounts, in one step.

Who may be a supervisor is settled here, at the start: the case's first
account may be one (``--role supervisor``), or a supervisor is named with the
case (``--supervisor``: the lab's admin procedure, with that person setting
their own password). Afterwards only a supervisor adds another
(:func:`triage_app.case.accounts.add_account`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from triage_app.domain.accounts import EXAMINER, SUPERVISOR, hash_password
from triage_app.domain.errors import TriageError
from triage_app.domain.records import CaseSummary
from triage_app.storage.case_store import CaseStore, FirstAccount


@dataclass(frozen=True, slots=True)
class NamedSupervisor:
    """The supervisor named when the case is made."""

    name: str
    password: str
    badge: str | None = None


def create_case(
    folder: Path,
    *,
    reference: str,
    examiner: str,
    password: str,
    badge: str | None = None,
    role: str = EXAMINER,
    scheme: str = "uk",
    database_url: str | None = None,
    supervisor: NamedSupervisor | None = None,
) -> CaseSummary:
    """Create a case folder with its first account(s) (passwords hashed here); its summary."""
    extra: tuple[FirstAccount, ...] = ()
    if supervisor is not None:
        name, sup_badge = supervisor.name.strip(), (supervisor.badge or "").strip() or None
        if not name:
            raise TriageError("a supervisor's name is required")
        if name == examiner.strip() or (sup_badge and sup_badge == (badge or "").strip()):
            raise TriageError("the supervisor must be another person than the first account")
        extra = (FirstAccount(name, sup_badge, SUPERVISOR, hash_password(supervisor.password)),)
    with CaseStore.create(
        Path(folder),
        reference=reference,
        examiner=examiner,
        password_hash=hash_password(password),
        badge=badge,
        role=role,
        scheme=scheme,
        database_url=database_url,
        extra=extra,
    ) as store:
        return store.summary()
