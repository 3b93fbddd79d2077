"""The whole audit log read once for a supervisor's review, with the chain's verdict.

:func:`load_review` reads and verifies every entry (supervisors only, never
while grading a QA sample blind); the :class:`AuditReview` it returns filters
the rows and counts each account's work without reading the case again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from triage_app import audit
from triage_app.audit.chain import AuditRow, Verdict, verify_rows
from triage_app.case.session import CaseSession
from triage_app.domain.accounts import SUPERVISOR, Account
from triage_app.storage.review_store import CurrentGrade
from triage_app.supervision.audit_filter import AuditFilter, filter_rows, user_matches
from triage_app.supervision.examiner_stats import ExaminerStats, examiner_stats

#: Columns of an audit entry, as the plain export writes them.
FIELDS = ("seq", "time_utc", "user", "action", "object", "payload", "prev_hash", "hash")


@dataclass(frozen=True, slots=True)
class AuditReview:
    """The whole log, its verdict, and what the filters offer."""

    reference: str
    rows: tuple[AuditRow, ...]
    verdict: Verdict
    accounts: tuple[Account, ...]
    held: dict[int, CurrentGrade]

    @property
    def head(self) -> tuple[int, str]:
        """The last entry's sequence number and hash (as stored, even if the chain is broken)."""
        if not self.rows:
            return 0, audit.GENESIS
        return self.rows[-1].seq, self.rows[-1].hash

    @property
    def users(self) -> list[str]:
        """Every user named in the log or holding an account."""
        names = {a.label for a in self.accounts} | {r.user for r in self.rows}
        return sorted(names, key=str.casefold)

    @property
    def actions(self) -> list[str]:
        """Every action found in the log."""
        return sorted({r.action for r in self.rows})

    def filtered(self, flt: AuditFilter) -> list[AuditRow]:
        """The rows passing ``flt``."""
        return filter_rows(self.rows, flt)

    def stats(self, flt: AuditFilter | None = None, *, bucket: str = "day") -> list[ExaminerStats]:
        """Per-account statistics, honouring the filter's account and dates."""
        rows = self.rows if flt is None else filter_rows(self.rows, flt.for_stats())
        stats = examiner_stats(rows, self.accounts, self.held, bucket=bucket)
        if flt is not None and flt.examiner:
            stats = [s for s in stats if user_matches(s.account, flt.examiner)]
        return stats

    def chain_text(self) -> str:
        """The chain's verdict in one line."""
        v = self.verdict
        if v.ok:
            return f"audit trail intact: {v.entries} entries, head {v.head_seq} {v.head_hash}"
        return f"AUDIT TRAIL BROKEN at entry {v.first_bad}: {v.problem}"

    def chain_dict(self) -> dict[str, Any]:
        """The chain's verdict as JSON: ok, entries, first bad entry, problem."""
        v = self.verdict
        return {"ok": v.ok, "entries": v.entries, "first_bad": v.first_bad, "problem": v.problem}

    def head_dict(self) -> dict[str, Any]:
        """The head as JSON: ``{"seq": ..., "hash": ...}``."""
        return {"seq": self.head[0], "hash": self.head[1]}


@dataclass(frozen=True, slots=True)
class ReviewSelection:
    """What an export of the review shows: the log, a filter, who exports, the rate bucket."""

    review: AuditReview
    flt: AuditFilter
    actor: str
    bucket: str = "day"

    def rows(self) -> list[AuditRow]:
        """The entries passing the filter."""
        return self.review.filtered(self.flt)

    def stats(self) -> list[ExaminerStats]:
        """Per-account statistics under the filter, with the grading rate per :attr:`bucket`."""
        return self.review.stats(self.flt, bucket=self.bucket)


def load_review(session: CaseSession) -> AuditReview:
    """Read and verify the whole log (supervisors only, and not while grading a sample blind)."""
    session.require_role(SUPERVISOR, "reviewing the audit trail")
    session.refuse_if_blind("reviewing the audit trail")  # it shows grading entries
    rows = tuple(session.review.audit_rows())
    return AuditReview(
        reference=session.reference,
        rows=rows,
        verdict=verify_rows(rows),
        accounts=tuple(session.review.accounts()),
        held=session.review.grades(),
    )


def row_dict(row: AuditRow) -> dict[str, Any]:
    """An entry as the plain export writes it."""
    return {f: getattr(row, f) for f in FIELDS}
