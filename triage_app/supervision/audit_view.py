"""The supervisor's review of the audit trail: filters, per-examiner statistics, exports.

Everything here works on the log's rows (:class:`~triage_app.audit.chain.AuditRow`)
read once by :func:`load_review`, which also verifies the whole chain, so the
CLI (``triage audit list``, ``triage audit export`` with filters, ``triage
stats``) and the GUI's supervisor view show the same thing.

Statistics per account come from the log itself: grading entries by the
source of the grade they set (hash list, confirmed suggestion, propagated,
manual), changes of an existing grade (amendments), undos, reveals and the
seconds of unblurred viewing they recorded, QA second grades, and the grading
rate per day (or hour). The grades an account holds now (the ``grades`` table)
are given beside them.

An export writes the filtered rows with the filter, the chain's verdict and the
head (last entry's sequence number and hash) printed in the file, atomically,
and records itself in the log with the file's SHA-256.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from triage_app import audit
from triage_app.audit.chain import AuditRow, Verdict, verify_rows
from triage_app.case.recorded_export import check_target, write_recorded
from triage_app.case.session import CaseSession
from triage_app.domain.accounts import SUPERVISOR, Account
from triage_app.domain.clock import utc_now
from triage_app.domain.errors import TriageError
from triage_app.domain.options import RATE_BUCKETS, REVIEW_FORMATS
from triage_app.storage.review_store import CurrentGrade

#: Formats of a filtered export.
EXPORT_FORMATS = REVIEW_FORMATS
#: Columns of an audit entry, as the plain export writes them.
FIELDS = ("seq", "time_utc", "user", "action", "object", "payload", "prev_hash", "hash")
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
_LOG_TIME = "%Y-%m-%dT%H:%M:%S.%fZ"


class AuditViewError(TriageError):
    """A filter or an export the audit review cannot do."""


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


# -- filters ---------------------------------------------------------------------------------


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


def _payload(row: AuditRow) -> dict[str, Any]:
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
    value = _payload(row).get("item")
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


# -- statistics ------------------------------------------------------------------------------


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


def _period(time_utc: str, bucket: str) -> str:
    return time_utc[:10] if bucket == "day" else time_utc[:13] + ":00"


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
    items: dict[str, set[int]] = defaultdict(set)
    by_source: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    rate: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for row in rows:
        s = stats.get(row.user)
        if s is None:
            s = stats[row.user] = ExaminerStats(row.user, roles.get(row.user))
        s.first_entry = s.first_entry or row.time_utc
        s.last_entry = row.time_utc
        if row.action in GRADING_ACTIONS:
            payload = _payload(row)
            item = item_of(row)
            after = payload.get("after") or {}
            before = payload.get("before") or None
            kind = source_kind(after.get("source")) if isinstance(after, dict) else None
            s.grading_entries += 1
            if item is not None:
                items[row.user].add(item)
                if kind is not None:
                    by_source[row.user][kind].add(item)
            if (
                isinstance(before, dict)
                and isinstance(after, dict)
                and before.get("category") != after.get("category")
            ):
                s.amended += 1
            counter = rate[row.user][_period(row.time_utc, bucket)]
            counter["graded"] += 1
            if kind in ("manual", "confirmed suggestion"):
                counter["by_hand"] += 1
        elif row.action in UNDO_ACTIONS:
            s.undone += 1
        elif row.action == audit.REVEAL:
            s.reveals += 1
            with contextlib.suppress(TypeError, ValueError):
                s.reveal_seconds += float(_payload(row).get("seconds", 0.0))
        elif row.action == audit.QA_SECOND_GRADE:
            s.qa_second_grades += 1
    for user, s in stats.items():
        s.graded_items = len(items[user])
        s.by_source = {k: len(v) for k, v in by_source[user].items()}
        s.rate = [
            {"period": period, "graded": c["graded"], "by_hand": c["by_hand"]}
            for period, c in sorted(rate[user].items())
        ]
    for grade in (held or {}).values():
        s = stats.get(grade.user)
        kind = source_kind(grade.source)
        if s is not None and kind is not None:
            s.held[kind] = s.held.get(kind, 0) + 1
    return sorted(stats.values(), key=lambda s: s.account.casefold())


# -- loading the review ----------------------------------------------------------------------


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


# -- exports ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AuditExport:
    """What a filtered export wrote."""

    path: Path
    format: str
    sha256: str
    size: int
    entries: int
    head: tuple[int, str]
    chain_ok: bool
    audit_entry: int


def _header(review: AuditReview, flt: AuditFilter, actor: str, listed: int) -> dict[str, Any]:
    v = review.verdict
    return {
        "case_reference": review.reference,
        "exported_at": utc_now(),
        "exported_by": actor,
        "filter": flt.describe(),
        "chain": "intact" if v.ok else f"BROKEN at entry {v.first_bad}: {v.problem}",
        "entries_in_log": len(review.rows),
        "entries_listed": listed,
        "head_seq": review.head[0],
        "head_hash": review.head[1],
    }


def render_csv(review: AuditReview, flt: AuditFilter, actor: str, *, bucket: str = "day") -> bytes:
    """The filtered log as a sectioned CSV (like the report's CSV: column A names the section).

    Sections: ``export`` (key/value: case, who, when, filter, chain verdict,
    head), ``entry`` (the filtered entries, every column of the log) and
    ``account`` (per-account statistics under the filter's account and dates).
    """
    rows = review.filtered(flt)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["section", "key", "value"])
    for key, value in _header(review, flt, actor, len(rows)).items():
        w.writerow(["export", key, value])
    w.writerow([])
    w.writerow(["section", *FIELDS])
    for r in rows:
        w.writerow(["entry", *(getattr(r, f) for f in FIELDS)])
    w.writerow([])
    columns = ["items_graded", *SOURCE_KINDS, "grades_amended", "grades_undone", "reveals",
               "reveal_seconds", "qa_second_grades"]  # fmt: skip
    w.writerow(["section", "account", "role", *columns])
    for s in review.stats(flt, bucket=bucket):
        d = s.as_dict()
        w.writerow(
            ["account", s.account, s.role or "", d["items_graded"],
             *(d["items_graded_by_source"][k] for k in SOURCE_KINDS), d["grades_amended"],
             d["grades_undone"], d["reveals"], d["reveal_seconds"], d["qa_second_grades"]]
        )  # fmt: skip
    return out.getvalue().encode("utf-8")


def render_json(review: AuditReview, flt: AuditFilter, actor: str, *, bucket: str = "day") -> bytes:
    """The filtered log as JSON: header, chain verdict, head, entries and statistics."""
    rows = review.filtered(flt)
    v = review.verdict
    doc = {
        **_header(review, flt, actor, len(rows)),
        "filter": flt.as_dict(),
        "chain": {"ok": v.ok, "entries": v.entries, "first_bad": v.first_bad,
                  "problem": v.problem},
        "head": {"seq": review.head[0], "hash": review.head[1]},
        "entries": [row_dict(r) for r in rows],
        "accounts": [s.as_dict() for s in review.stats(flt, bucket=bucket)],
    }  # fmt: skip
    return (json.dumps(doc, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def render_pdf_bytes(
    review: AuditReview, flt: AuditFilter, actor: str, *, bucket: str = "day"
) -> bytes:
    """The filtered log as a PDF (through the report's Qt renderer)."""
    from triage_app.reports.print_document import render_pdf
    from triage_app.supervision.audit_pdf import audit_document

    return render_pdf(audit_document(review, flt, actor, bucket=bucket)).data


def render(
    review: AuditReview, flt: AuditFilter, fmt: str, actor: str, *, bucket: str = "day"
) -> bytes:
    """The export's bytes in ``fmt`` (csv, json or pdf; pdf needs Qt, on the GUI thread)."""
    if fmt not in EXPORT_FORMATS:
        raise AuditViewError(f"unknown format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    renderer = {"csv": render_csv, "json": render_json, "pdf": render_pdf_bytes}[fmt]
    return renderer(review, flt, actor, bucket=bucket)


def export_filtered(
    session: CaseSession,
    flt: AuditFilter,
    fmt: str,
    out: Path,
    *,
    bucket: str = "day",
    review: AuditReview | None = None,
    blob: bytes | None = None,
) -> AuditExport:
    """Write the filtered log to ``out`` atomically and record the export (supervisors only).

    ``review`` and ``blob`` let a caller read and render beforehand (the GUI
    renders a PDF on its own thread, as Qt requires); they must belong together.
    """
    session.require_role(SUPERVISOR, "exporting the reviewed audit trail")
    if fmt not in EXPORT_FORMATS:
        raise AuditViewError(f"unknown format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    out = Path(out)
    check_target(session, out)
    review = review or load_review(session)
    if blob is None:
        blob = render(review, flt, fmt, session.actor, bucket=bucket)
    listed = len(review.filtered(flt))
    payload = {
        "what": "audit trail review",
        "format": fmt,
        "filter": flt.as_dict(),
        "entries": listed,
        "chain_ok": review.verdict.ok,
        "head_seq": review.head[0],
        "head_hash": review.head[1],
    }
    recorded = write_recorded(session, out, blob, payload)
    return AuditExport(
        path=out,
        format=fmt,
        sha256=recorded.sha256,
        size=recorded.size,
        entries=listed,
        head=review.head,
        chain_ok=review.verdict.ok,
        audit_entry=recorded.audit_entry,
    )
