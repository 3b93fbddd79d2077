"""A signed-in account working on an open case.

Every command and the GUI act through a :class:`CaseSession`: signing in
checks the password (scrypt) and logs the sign-in, or logs the refusal;
opening and closing the case are logged too.
"""

from __future__ import annotations

from pathlib import Path

from triage_app.audit import chain as audit
from triage_app.config.schemes import Scheme, load_scheme
from triage_app.domain.accounts import check_password
from triage_app.domain.errors import TriageError
from triage_app.storage.audit_log import AuditNote
from triage_app.storage.case_store import CaseStore
from triage_app.storage.review_store import Account, ReviewStore


class SignInError(TriageError):
    """The account does not exist or the password is wrong."""

    exit_code = 4


class PermissionDeniedError(TriageError):
    """The signed-in account's role does not allow this."""

    exit_code = 5


class CaseSession:
    """An open case and the account acting on it."""

    def __init__(self, store: CaseStore, account: Account) -> None:
        self.store = store
        self.review = ReviewStore(store)
        self.account = account
        summary = store.summary()
        self.reference = summary.reference
        self.scheme: Scheme = load_scheme(summary.scheme)
        self._closed = False

    @property
    def actor(self) -> str:
        """The account's label in the audit log."""
        return self.account.label

    @classmethod
    def sign_in(
        cls, case_dir: Path, login: str, password: str, *, client: str = "cli"
    ) -> CaseSession:
        """Open a case as ``login``; a refused sign-in is logged and raises."""
        store = CaseStore.open(case_dir)
        try:
            review = ReviewStore(store)
            found = review.find_account(login)
            if found is None or not check_password(password, found[1]) or not found[0].active:
                why = "unknown account" if found is None else "wrong password"
                if found is not None and not found[0].active:
                    why = "account disabled"
                review.record(
                    login,
                    [
                        AuditNote(
                            audit.SIGN_IN_REFUSED,
                            f"account {login}",
                            {"reason": why, "client": client},
                        )
                    ],
                )
                raise SignInError(f"sign-in refused for {login!r}: {why}")
            account = found[0]
            review.record(
                account.label,
                [
                    AuditNote(
                        audit.SIGN_IN,
                        f"account {account.label}",
                        {"role": account.role, "client": client},
                    ),
                    AuditNote(
                        audit.CASE_OPENED, f"case {store.summary().reference}", {"client": client}
                    ),
                ],
            )
            return cls(store, account)
        except BaseException:
            store.close()
            raise

    def require_role(self, role: str, what: str) -> None:
        """Refuse (and say why) unless the account has ``role``."""
        if self.account.role != role:
            raise PermissionDeniedError(
                f"{what} needs a {role} account; {self.actor} is an {self.account.role}"
            )

    def close(self) -> None:
        """Log the case as closed and release it."""
        if self._closed:
            return
        self._closed = True
        try:
            self.review.record(
                self.actor, [AuditNote(audit.CASE_CLOSED, f"case {self.reference}", {})]
            )
        finally:
            self.store.close()

    def __enter__(self) -> CaseSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
