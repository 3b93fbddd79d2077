"""A signed-in account working on an open case.

Every command and the GUI act through a :class:`CaseSession`: signing in
checks the password (scrypt) and logs the sign-in, or logs the refusal;
opening and closing the case are logged too.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from triage_app import audit
from triage_app.audit import AuditNote
from triage_app.case.password_check import PendingSignIn
from triage_app.config.schemes import Scheme, load_scheme
from triage_app.domain.accounts import Account, check_password, sign_in_delay
from triage_app.domain.errors import PermissionDeniedError, SignInError
from triage_app.domain.records import CaseSummary
from triage_app.files.output_target import Protected, ProtectedNames
from triage_app.storage.case_store import CASE_DB, CASE_MARKER, CaseStore
from triage_app.storage.report_queries import exhibits
from triage_app.storage.review_store import ReviewStore

#: The refusal reason of an attempt made before the account's wait was over.
THROTTLED = "throttled: too many failed attempts"


def _refuse_while_throttled(review: ReviewStore, label: str, login: str, client: str) -> None:
    """After repeated failures an account waits before its next attempt (logged)."""
    history = [
        (ok, why, datetime.strptime(when, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC).timestamp())
        for ok, why, when in review.sign_in_history(label)
    ]
    wait = sign_in_delay(history, time.time())
    if wait <= 0:
        return
    note = AuditNote(
        audit.SIGN_IN_REFUSED,
        f"account {label}",
        {"reason": THROTTLED, "client": client, "login": login, "wait_s": round(wait, 1)},
    )
    review.record(login, [note])
    raise SignInError(
        f"sign-in refused for {login!r}: too many failed attempts; try again in {wait:.0f} s"
    )


class CaseSession:
    """An open case and the account acting on it."""

    def __init__(
        self, store: CaseStore, account: Account, summary: CaseSummary | None = None
    ) -> None:
        self.store = store
        self.review = ReviewStore(store)
        self.account = account
        summary = summary or store.summary()
        self.reference = summary.reference
        self.scheme: Scheme = load_scheme(summary.scheme)
        self._closed = False

    @property
    def actor(self) -> str:
        """The account's label in the audit log."""
        return self.account.label

    # -- services the front ends use (they never reach the store themselves) ---------------

    def summary(self) -> CaseSummary:
        """The case header and its totals."""
        return self.store.summary()

    def thumbnail(self, item_id: int) -> bytes | None:
        """An item's stored thumbnail (JPEG bytes, unblurred: blur before showing)."""
        return self.store.thumbnail(item_id)

    def thumbnails(self, item_ids: Sequence[int]) -> dict[int, bytes]:
        """Stored thumbnails of several items, read at once (items without one are left out)."""
        return self.store.thumbnails(item_ids)

    def accounts(self) -> list[Account]:
        """Every account of the case."""
        return self.review.accounts()

    def record(self, notes: Sequence[AuditNote]) -> tuple[int, str]:
        """Append entries for this account in their own transaction; return the new head."""
        return self.review.record(self.actor, notes)

    def protected_outputs(self) -> Protected:
        """What no output may touch: every exhibit's source, the case's own files."""
        folders: list[tuple[Path, str]] = []
        for ex in exhibits(self.store):
            source = Path(os.fsdecode(ex.source_root))
            if source.is_dir() or not source.exists():
                folders.append((source, f"the source folder of exhibit {ex.reference}"))
            else:  # an image or archive: its folder (where its other segments lie) too
                folders.append((source, f"the image or archive of exhibit {ex.reference}"))
                folders.append((source.parent, f"the folder holding exhibit {ex.reference}'s "
                                "image or archive"))  # fmt: skip
        own = ProtectedNames(
            self.store.case_dir, (CASE_MARKER,), (CASE_DB,), "the case's own files"
        )
        return Protected(tuple(folders), (own,))

    @classmethod
    def sign_in(
        cls,
        case_dir: Path,
        login: str,
        password: str,
        *,
        client: str = "cli",
        pending: PendingSignIn | None = None,
    ) -> CaseSession:
        """Open a case as ``login``; a refused sign-in is logged and raises.

        ``pending`` is the same sign-in begun earlier (its password check may be done).
        """
        store = CaseStore.open(case_dir)
        try:
            review = ReviewStore(store)
            found = review.find_account(login)
            if found is not None:
                _refuse_while_throttled(review, found[0].label, login, client)
            if pending is None or (pending.login, pending.password) != (login, password):
                pending = None
            checked = found is not None and (
                pending.verdict(found[1]) if pending else check_password(password, found[1])
            )
            if found is None or not checked or not found[0].active:
                why = "unknown account" if found is None else "wrong password"
                if found is not None and not found[0].active:
                    why = "account disabled"
                # Filed under the account (when there is one), where the delay counts them.
                named = found[0].label if found is not None else login
                note = AuditNote(
                    audit.SIGN_IN_REFUSED,
                    f"account {named}",
                    {"reason": why, "client": client, "login": login},
                )
                review.record(login, [note])
                raise SignInError(f"sign-in refused for {login!r}: {why}")
            account, summary = found[0], store.summary()
            review.record(
                account.label,
                [
                    AuditNote(
                        audit.SIGN_IN,
                        f"account {account.label}",
                        {"role": account.role, "client": client},
                    ),
                    AuditNote(audit.CASE_OPENED, f"case {summary.reference}", {"client": client}),
                ],
            )
            return cls(store, account, summary)
        except BaseException:
            store.close()
            raise

    def require_role(self, role: str, what: str) -> None:
        """Refuse (and say why) unless the account has ``role``."""
        if self.account.role != role:
            raise PermissionDeniedError(
                f"{what} needs a {role} account; {self.actor} is an {self.account.role}"
            )

    def blind_rounds(self) -> list[int]:
        """Incomplete QA rounds the signed-in account is grading blind."""
        from triage_app.storage.qa_store import QaStore  # supervision's tables, when asked

        return QaStore(self.store).open_blind_rounds(self.account.id)

    def refuse_if_blind(self, what: str) -> None:
        """Refuse ``what`` (anything that shows or changes grades) to a blind second grader.

        While an account has an incomplete QA round to grade, the ordinary ways
        of seeing grades (the gallery, item listings, history, reports, the audit
        trail) and of grading are closed to it in that case. Every such service
        calls this; it is the one place the rule is written.
        """
        rounds = self.blind_rounds()
        if rounds:
            raise PermissionDeniedError(
                f"{what} is refused while you grade QA round {', '.join(map(str, rounds))} "
                "blind: it would show grades of the case. Finish the sample first "
                "('triage qa grade')"
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
