"""Accounts and the audit log of a case: sign-in lookups, new accounts, the log's reads.

The audit log is append-only (database triggers reject UPDATE and DELETE) and
hash-chained; :func:`~triage_app.storage.audit_log.append_audit` is the one way in.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

from sqlalchemy import func, select

from triage_app import audit
from triage_app.audit.chain import AuditRow
from triage_app.domain.accounts import Account
from triage_app.domain.clock import utc_now
from triage_app.storage.audit_log import AuditNote, append_audit, audit_head
from triage_app.storage.case_bound import CaseBound
from triage_app.storage.models.accounts import AuditEntry, User


def _account(row: User) -> Account:
    return Account(row.id, row.name, row.badge, row.role, row.active)


class AuditStore(CaseBound):
    """Appending to and reading the audit log."""

    def record(self, actor: str, notes: Sequence[AuditNote]) -> tuple[int, str]:
        """Append entries in their own transaction."""
        with self.store.write_session() as session:
            return append_audit(session, actor, notes)

    def audit_rows(self) -> Iterator[AuditRow]:
        """The log in stored order (by sequence number)."""
        with self.store.read_session() as session:
            query = select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=5000)
            for row in session.scalars(query):
                yield AuditRow(
                    row.seq, row.time_utc, row.user, row.action, row.object, row.payload,
                    row.prev_hash, row.hash,
                )  # fmt: skip

    def audit_head(self) -> tuple[int, str]:
        """The last sequence number and hash (0 and the genesis hash when empty)."""
        with self.store.read_session() as session:
            return audit_head(session)


class AccountStore(CaseBound):
    """The case's accounts."""

    def sign_in_history(self, label: str, limit: int = 64) -> list[tuple[bool, str | None, str]]:
        """The account's latest sign-ins and refusals, newest first, back to its last
        successful sign-in: ``(succeeded, refusal reason, UTC time)``."""
        query = (
            select(AuditEntry.action, AuditEntry.payload, AuditEntry.time_utc)
            .where(AuditEntry.object == f"account {label}")
            .where(AuditEntry.action.in_((audit.SIGN_IN, audit.SIGN_IN_REFUSED)))
            .order_by(AuditEntry.seq.desc())
            .limit(limit)
        )
        out: list[tuple[bool, str | None, str]] = []
        with self.store.read_session() as session:
            for action, payload, when in session.execute(query):
                succeeded = action == audit.SIGN_IN
                reason = None if succeeded else json.loads(payload).get("reason")
                out.append((succeeded, reason, when))
                if succeeded:
                    break
        return out

    def add_account(
        self, *, name: str, badge: str | None, role: str, password_hash: str, actor: str
    ) -> Account:
        """Create an account and log it."""
        with self.store.write_session() as session:
            if session.scalar(select(User.id).where(User.name == name)) is not None:
                raise ValueError(f"an account named {name!r} already exists")
            if badge and session.scalar(select(User.id).where(User.badge == badge)) is not None:
                raise ValueError(f"an account with ID {badge!r} already exists")
            row = User(name=name, badge=badge, role=role, password_hash=password_hash,
                       created_at=utc_now(), active=True)  # fmt: skip
            session.add(row)
            session.flush()
            account = _account(row)
            payload = {"name": name, "badge": badge, "role": role}
            append_audit(
                session, actor, [AuditNote("user added", f"user {account.label}", payload)]
            )
            return account

    def find_account(self, login: str) -> tuple[Account, str] | None:
        """The account whose name or ID is ``login``, with its password hash."""
        with self.store.read_session() as session:
            row = session.scalar(select(User).where((User.name == login) | (User.badge == login)))
            return (_account(row), row.password_hash) if row is not None else None

    def accounts(self) -> list[Account]:
        """All accounts."""
        with self.store.read_session() as session:
            return [_account(r) for r in session.scalars(select(User).order_by(User.id))]

    def count_users(self, role: str | None = None) -> int:
        """Number of accounts (of a role)."""
        with self.store.read_session() as session:
            query = select(func.count()).select_from(User)
            if role is not None:
                query = query.where(User.role == role)
            return int(session.scalar(query) or 0)
