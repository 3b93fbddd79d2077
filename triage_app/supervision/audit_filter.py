"""Which audit entries a supervisor is shown: time bounds, accounts, actions, items.

:class:`AuditFilter` is built from what the user typed (:meth:`AuditFilter.from_text`,
dates as ``YYYY-MM-DD`` or UTC times) and applied to the log's rows
(:func:`filter_rows`); the CLI, the GUI and every export use the same one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from triage_app.audit.chain import AuditRow
from triage_app.domain.errors import TriageError

_LOG_TIME = "%Y-%m-%dT%H:%M:%S.%fZ"


class AuditViewError(TriageError):
    """A filter or an export the audit review cannot do."""


def parse_time(text: str, *, end: bool = False) -> str:
    """A date or UTC time given by the user as a bound in the log's time format.

    ``YYYY-MM-DD`` means the start of that day (UTC); as an ``end`` bound it
    means the start of the next day, so ``--until 2026-03-01`` includes all of
    1 March. A time (``YYYY-MM-DDTHH:MM[:SS]``, optional ``Z``) is exact; as an
    ``end`` bound it is included.
    """
    raw = text.strip()
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00").replace(" ", "T"))
    except ValueError:
        raise AuditViewError(
            f"{text!r} is not a date or time: use YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS] (UTC)"
        ) from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    date_only = len(raw) == 10
    if end:
        parsed += timedelta(days=1) if date_only else timedelta(microseconds=1)
    return parsed.strftime(_LOG_TIME)


def _shown(bound: str) -> str:
    """A bound for people: '2026-03-02 00:00:00 UTC' (microseconds only when not zero)."""
    text = bound.removesuffix("Z").replace("T", " ")
    return f"{text.removesuffix('.000000')} UTC"


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Which entries to show. Empty fields do not filter.

    ``since`` and ``until`` are bounds in the log's time format (see
    :func:`parse_time`): ``since`` included, ``until`` excluded.
    """

    examiner: str | None = None
    actions: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None
    item: int | None = None

    @classmethod
    def from_text(
        cls,
        *,
        examiner: str | None = None,
        actions: Sequence[str] = (),
        since: str | None = None,
        until: str | None = None,
        item: int | None = None,
    ) -> AuditFilter:
        """A filter from user input (dates as typed)."""
        return cls(
            examiner=examiner.strip() if examiner and examiner.strip() else None,
            actions=tuple(a for a in actions if a),
            since=parse_time(since) if since else None,
            until=parse_time(until, end=True) if until else None,
            item=item,
        )

    @property
    def empty(self) -> bool:
        """True when nothing is filtered."""
        return self == AuditFilter()

    def for_stats(self) -> AuditFilter:
        """The part of the filter the statistics honour: account and dates."""
        return replace(self, actions=(), item=None)

    def as_dict(self) -> dict[str, Any]:
        """The filter for an export's header and its audit entry."""
        return {
            "examiner": self.examiner,
            "actions": list(self.actions),
            "since": self.since,
            "until_before": self.until,
            "item": self.item,
        }

    def describe(self) -> str:
        """The filter in words."""
        parts = []
        if self.examiner:
            parts.append(f"account {self.examiner}")
        if self.actions:
            parts.append("action " + " or ".join(self.actions))
        if self.since:
            parts.append(f"from {_shown(self.since)}")
        if self.until:
            parts.append(f"before {_shown(self.until)}")
        if self.item is not None:
            parts.append(f"item {self.item}")
        return "; ".join(parts) if parts else "none (every entry)"


def user_matches(user: str, wanted: str) -> bool:
    """True when the log's ``user`` ('Name (badge)') is account ``wanted`` (name, ID or label)."""
    u, w = user.casefold(), wanted.strip().casefold()
    if u == w:
        return True
    name, _, badge = u.partition(" (")
    return name == w or (badge.endswith(")") and badge[:-1] == w)


def payload_of(row: AuditRow) -> dict[str, Any]:
    """An entry's payload as a dict (empty when it is not a JSON object)."""
    try:
        value = json.loads(row.payload)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def item_of(row: AuditRow) -> int | None:
    """The item an entry is about, if any."""
    kind, _, rest = row.object.partition(" ")
    if kind == "item" and rest.isdigit():
        return int(rest)
    value = payload_of(row).get("item")
    return value if isinstance(value, int) else None


def row_matches(row: AuditRow, flt: AuditFilter) -> bool:
    """True when ``row`` passes ``flt``."""
    if flt.examiner and not user_matches(row.user, flt.examiner):
        return False
    if flt.actions and row.action not in flt.actions:
        return False
    if flt.since and row.time_utc < flt.since:
        return False
    if flt.until and row.time_utc >= flt.until:
        return False
    return flt.item is None or item_of(row) == flt.item


def filter_rows(rows: Iterable[AuditRow], flt: AuditFilter) -> list[AuditRow]:
    """The rows that pass ``flt``, in log order."""
    return [r for r in rows if row_matches(r, flt)]
