"""Creating a case: the folder, its database and its first account, in one step."""

from __future__ import annotations

from pathlib import Path

from triage_app.domain.accounts import EXAMINER, hash_password
from triage_app.domain.records import CaseSummary
from triage_app.storage.case_store import CaseStore


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
) -> CaseSummary:
    """Create a case folder with its first account (password hashed here); its summary."""
    with CaseStore.create(
        Path(folder),
        reference=reference,
        examiner=examiner,
        password_hash=hash_password(password),
        badge=badge,
        role=role,
        scheme=scheme,
        database_url=database_url,
    ) as store:
        return store.summary()
