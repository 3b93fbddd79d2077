"""What each account did, counted from the audit log (and the grades it holds now).

Grading entries by the source of the grade they set (hash list, confirmed
suggestion, propagated, manual), changes of an existing grade (amendments),
undos, reveals and the seconds of unblurred viewing they recorded, QA second
grades, and the grading rate per day (or hour).
"""

from __future__ import annotations

import contextlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from triage_app import audit
from triage_app.audit.chain import AuditRow
from triage_app.domain.accounts import Account
from triage_app.domain.options import RATE_BUCKETS
from triage_app.storage.review_store import CurrentGrade
from triage_app.supervision.audit_filter import AuditViewError, item_of, payload_of

#: Grade sources as the statistics group them.
SOURCE_KINDS = ("manual", "confirmed suggestion", "hash list", "propagated")
#: Entries that set a grade.
GRADING_ACTIONS = (
    audit.GRADE,
    audit.GRADE_AMENDED,
    audit.GRADE_FROM_LIST,
    audit.CONFIRM,
    audit.PROPAGATE,
)
UNDO_ACTIONS = (audit.GRADE_UNDONE, audit.PROPAGATION_UNDONE)
BUCKETS = RATE_BUCKETS


def source_kind(source: str | None) -> str | None:
    """The statistics' name for a grade source (None for no grade)."""
    if not source:
        return None
    if source == "hash-list exact":
        return "hash list"
    if source == "near match confirmed":
        return "confirmed suggestion"
    if source.startswith("propagated from item "):
        return "propagated"
    return "manual"


@dataclass(slots=True)
class ExaminerStats:
    """What one account did, from the audit log (and the grades it holds now)."""

    account: str
    role: str | None
    graded_items: int = 0
    by_source: dict[str, int] = field(default_factory=dict)
    grading_entries: int = 0
    amended: int = 0
    undone: int = 0
    reveals: int = 0
    reveal_seconds: float = 0.0
    qa_second_grades: int = 0
    first_entry: str | None = None
    last_entry: str | None = None
    rate: list[dict[str, Any]] = field(default_factory=list)
    held: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of ``triage stats --json``."""
        return {
            "account": self.account,
            "role": self.role,
            "items_graded": self.graded_items,
            "items_graded_by_source": {k: self.by_source.get(k, 0) for k in SOURCE_KINDS},
            "grading_entries": self.grading_entries,
            "grades_amended": self.amended,
            "grades_undone": self.undone,
            "reveals": self.reveals,
            "reveal_seconds": round(self.reveal_seconds, 3),
            "qa_second_grades": self.qa_second_grades,
            "first_entry": self.first_entry,
            "last_entry": self.last_entry,
            "grading_rate": self.rate,
            "grades_held_by_source": {k: self.held.get(k, 0) for k in SOURCE_KINDS},
        }

    def table_row(self) -> list[str]:
        """The account's figures as the review's statistics table shows them."""
        return [
            self.account,
            self.role or "",
            f"{self.graded_items:,}",
            *(f"{self.by_source.get(k, 0):,}" for k in SOURCE_KINDS),
            f"{self.amended:,}",
            f"{self.undone:,}",
            f"{self.reveals:,}",
            f"{self.reveal_seconds:,.1f}",
            f"{self.qa_second_grades:,}",
        ]


#: Columns of :meth:`ExaminerStats.table_row`.
TABLE_COLUMNS = ("Account", "Role", "Items graded", "Manual", "Confirmed", "Hash list",
                 "Propagated", "Amended", "Undone", "Reveals", "Seconds unblurred",
                 "QA second grades")  # fmt: skip


def _period(time_utc: str, bucket: str) -> str:
    return time_utc[:10] if bucket == "day" else time_utc[:13] + ":00"


@dataclass(slots=True)
class _Tally:
    """What the walk over the rows gathers for one account besides its counters."""

    items: set[int] = field(default_factory=set)
    by_source: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    rate: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))


def _count_grading(s: ExaminerStats, tally: _Tally, row: AuditRow, bucket: str) -> None:
    payload = payload_of(row)
    item = item_of(row)
    after = payload.get("after") or {}
    before = payload.get("before") or None
    kind = source_kind(after.get("source")) if isinstance(after, dict) else None
    s.grading_entries += 1
    if item is not None:
        tally.items.add(item)
        if kind is not None:
            tally.by_source[kind].add(item)
    if (
        isinstance(before, dict)
        and isinstance(after, dict)
        and before.get("category") != after.get("category")
    ):
        s.amended += 1
    counter = tally.rate[_period(row.time_utc, bucket)]
    counter["graded"] += 1
    if kind in ("manual", "confirmed suggestion"):
        counter["by_hand"] += 1


def examiner_stats(
    rows: Iterable[AuditRow],
    accounts: Sequence[Account],
    held: dict[int, CurrentGrade] | None = None,
    *,
    bucket: str = "day",
) -> list[ExaminerStats]:
    """Per-account statistics over ``rows`` (already filtered by account and dates).

    Every account of the case is listed (with zeros if idle), then any other
    user found in the rows; by account label.
    """
    if bucket not in BUCKETS:
        raise AuditViewError(f"unknown rate bucket {bucket!r}; use one of {', '.join(BUCKETS)}")
    roles = {a.label: a.role for a in accounts}
    stats: dict[str, ExaminerStats] = {a.label: ExaminerStats(a.label, a.role) for a in accounts}
    tallies: dict[str, _Tally] = defaultdict(_Tally)
    for row in rows:
        s = stats.get(row.user)
        if s is None:
            s = stats[row.user] = ExaminerStats(row.user, roles.get(row.user))
        s.first_entry = s.first_entry or row.time_utc
        s.last_entry = row.time_utc
        if row.action in GRADING_ACTIONS:
            _count_grading(s, tallies[row.user], row, bucket)
        elif row.action in UNDO_ACTIONS:
            s.undone += 1
        elif row.action == audit.REVEAL:
            s.reveals += 1
            with contextlib.suppress(TypeError, ValueError):
                s.reveal_seconds += float(payload_of(row).get("seconds", 0.0))
        elif row.action == audit.QA_SECOND_GRADE:
            s.qa_second_grades += 1
    for user, s in stats.items():
        tally = tallies[user]
        s.graded_items = len(tally.items)
        s.by_source = {k: len(v) for k, v in tally.by_source.items()}
        s.rate = [
            {"period": period, "graded": c["graded"], "by_hand": c["by_hand"]}
            for period, c in sorted(tally.rate.items())
        ]
    for grade in (held or {}).values():
        s = stats.get(grade.user)
        kind = source_kind(grade.source)
        if s is not None and kind is not None:
            s.held[kind] = s.held.get(kind, 0) + 1
    return sorted(stats.values(), key=lambda s: s.account.casefold())
