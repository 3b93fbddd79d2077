"""What a report says, gathered from a case in one consistent read (no Qt, no layout).

:func:`build_report_data` reads the case through the session and returns a
:class:`ReportData` that every output (PDF, HTML, CSV, VICS, the lab's list)
is rendered from, so all of them say the same thing. The data is read between
two looks at the audit head; if the log moved meanwhile (somebody graded
while the report was being built) it is read again, so the head printed on
the report is the head the figures belong to.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from triage_app import __version__, audit
from triage_app.audit.chain import verify_rows
from triage_app.case.session import CaseSession
from triage_app.config.schemes import Scheme
from triage_app.domain.clock import utc_now
from triage_app.domain.errors import TriageError
from triage_app.domain.records import STATUS_FAILED, STATUS_HASHED, STATUS_SKIPPED, Totals
from triage_app.media.versions import tool_versions
from triage_app.reports.counts import Countable, CountTable, count_all, media_of
from triage_app.review.grading import CONFIRMED, FROM_LIST, is_propagated
from triage_app.storage import report_queries
from triage_app.storage.qa_store import QaStore
from triage_app.storage.review_store import CurrentGrade

#: Attempts at a consistent read before giving up.
READ_ATTEMPTS = 3
#: Decode states for which an image's picture could not be (fully) seen.
_NOT_DECODED = ("failed", "partial")


class ReportError(TriageError):
    """A report cannot be produced; the message says why and what to do."""


def printable_path(raw: bytes) -> tuple[str, str | None]:
    """A path to print, and its bytes in hex when the printed form is not exact.

    Bytes that are not UTF-8 become ``\\xNN`` and control characters (a newline
    in a file name) ``\\n``, ``\\t`` or ``\\xNN``; then the hex of the original
    bytes is given too, so the listing stays exact.
    """
    text = raw.decode("utf-8", "backslashreplace")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        text = "".join(
            ch if ord(ch) >= 32 and ord(ch) != 127 else ch.encode("unicode_escape").decode()
            for ch in text
        )
    try:
        exact = raw.decode("utf-8") == text
    except UnicodeDecodeError:
        exact = False
    return text, None if exact else raw.hex()


def _utc_from_ns(ns: int | None) -> str | None:
    if ns is None:
        return None
    return datetime.fromtimestamp(ns / 1e9, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class ReportItem:
    """One entry of an exhibit with its grade and match, as the report shows it."""

    id: int
    exhibit: str
    path: str
    path_hex: str | None
    entry_kind: str
    status: str
    reason: str | None
    size: int | None
    md5: str | None
    sha1: str | None
    sha256: str | None
    media_type: str | None
    media: str
    format: str | None
    decode_status: str | None
    low_information: bool
    frames: int | None
    phash: str | None
    dhash: str | None
    exif_datetime: str | None
    modified_utc: str | None
    category: str | None
    category_label: str | None
    grade_source: str | None
    examiner: str | None
    graded_at: str | None
    grade_reason: str | None
    match_kind: str | None
    match_set: str | None
    match_on: str | None
    match_distance: int | None
    #: The item's grade was changed after a sign-off that covered it (supervision).
    changed_after_sign_off: bool = False

    @property
    def graded(self) -> bool:
        """True when the item has a grade."""
        return self.category is not None

    @property
    def how_graded(self) -> str:
        """The grade source in words, with the match behind it where there is one."""
        source = self.grade_source or ""
        if source == FROM_LIST and self.match_kind == "exact":
            return f"hash-list exact ({(self.match_on or '').upper()}, set {self.match_set})"
        if source == CONFIRMED and self.match_kind == "near":
            return (
                f"near match confirmed (pHash distance {self.match_distance}, set {self.match_set})"
            )
        return source

    @property
    def perceptual_usable(self) -> bool:
        """True when the pHash/dHash describe the whole picture and are worth sharing."""
        return bool(
            self.phash
            and self.dhash
            and not self.low_information
            and self.decode_status == "decoded"
        )


@dataclass(frozen=True, slots=True)
class IngestRunInfo:
    """One ingest of an exhibit."""

    id: int
    started_at: str
    finished_at: str | None
    state: str
    app_version: str
    pillow_version: str
    imagehash_version: str
    workers: int
    atime_preserved: bool | None
    files_processed: int


@dataclass(frozen=True, slots=True)
class ExhibitInfo:
    """An exhibit, its ingests and its accounting totals."""

    reference: str
    source: str
    source_raw: bytes
    added_at: str
    runs: tuple[IngestRunInfo, ...]
    totals: Totals

    @property
    def complete(self) -> bool:
        """True when the exhibit's last ingest finished."""
        return bool(self.runs) and self.runs[-1].state == "finished"


@dataclass(frozen=True, slots=True)
class HashSetUse:
    """A hash set used by one or more match runs of the case."""

    name: str
    fingerprint: str
    role: str
    entries: int | None
    source_sha256: str | None
    imported_at: str | None
    runs: tuple[int, ...]
    in_latest_run: bool


@dataclass(frozen=True, slots=True)
class MatchRunInfo:
    """One matching of the case against the hash library."""

    id: int
    started_at: str
    finished_at: str | None
    app_version: str
    sets: tuple[str, ...]
    thresholds: dict[str, Any]
    counts: dict[str, int]


@dataclass(frozen=True, slots=True)
class AccountInfo:
    """An account of the case and the grades it holds now."""

    label: str
    role: str
    active: bool
    grades_held: int
    first_graded: str | None
    last_graded: str | None


@dataclass(frozen=True, slots=True)
class SignOff:
    """A sign-off entry of the audit trail."""

    seq: int
    time_utc: str
    user: str
    object: str


@dataclass(frozen=True, slots=True)
class ChangeAfterSignOff:
    """A grade change made after a sign-off that covered the item."""

    item_id: int
    exhibit: str
    path: str
    old_category: str | None
    old_source: str | None
    new_category: str | None
    new_source: str | None
    user: str
    time_utc: str
    reason: str | None
    audit_seq: int | None
    sign_off_object: str
    sign_off_by: str
    sign_off_time: str
    sign_off_seq: int | None


@dataclass(frozen=True, slots=True)
class ReportData:
    """Everything a report says."""

    reference: str
    scheme: Scheme
    case_created_at: str
    case_created_by: str
    case_created_by_version: str
    generated_at: str
    generated_by: str
    tool_version: str
    runtime_versions: dict[str, str]
    exhibits: tuple[ExhibitInfo, ...]
    accounts: tuple[AccountInfo, ...]
    match_runs: tuple[MatchRunInfo, ...]
    hash_sets: tuple[HashSetUse, ...]
    near_threshold_now: int | None
    items: tuple[ReportItem, ...]
    exhibit_counts: tuple[CountTable, ...]
    case_counts: CountTable
    audit_head: tuple[int, str]
    audit_entries: int
    sign_offs: tuple[SignOff, ...]
    warnings: tuple[str, ...]
    #: Grade changes made after a sign-off (supervision), oldest first.
    changes_after_sign_off: tuple[ChangeAfterSignOff, ...] = ()

    @property
    def totals(self) -> Totals:
        """The case's accounting totals."""
        return Totals(
            found=sum(e.totals.found for e in self.exhibits),
            hashed=sum(e.totals.hashed for e in self.exhibits),
            skipped=sum(e.totals.skipped for e in self.exhibits),
            failed=sum(e.totals.failed for e in self.exhibits),
        )

    def listing(self) -> list[ReportItem]:
        """Graded items: by exhibit, most severe category first, then by path."""
        order = {e.reference: i for i, e in enumerate(self.exhibits)}
        return sorted(
            (i for i in self.items if i.graded),
            key=lambda i: (
                order.get(i.exhibit, len(order)),
                -self.scheme.severity(i.category or ""),
                i.path,
                i.id,
            ),
        )

    def not_processed(self) -> list[ReportItem]:
        """Entries that failed or were skipped, by exhibit and path."""
        return self._problems((STATUS_FAILED, STATUS_SKIPPED))

    def not_decoded(self) -> list[ReportItem]:
        """Hashed images whose picture could not be decoded in full."""
        return sorted(
            (
                i
                for i in self.items
                if i.status == STATUS_HASHED
                and i.media_type == "image"
                and i.decode_status in _NOT_DECODED
            ),
            key=lambda i: (i.exhibit, i.path),
        )

    def _problems(self, statuses: Iterable[str]) -> list[ReportItem]:
        wanted = set(statuses)
        order = {e.reference: n for n, e in enumerate(self.exhibits)}
        return sorted(
            (i for i in self.items if i.status in wanted),
            key=lambda i: (order.get(i.exhibit, len(order)), i.status, i.path),
        )

    def grade_sources(self) -> dict[str, int]:
        """How many current grades came from each source (propagations together)."""
        out: dict[str, int] = {}
        for item in self.items:
            if item.grade_source is None:
                continue
            key = "propagated" if is_propagated(item.grade_source) else item.grade_source
            out[key] = out.get(key, 0) + 1
        return out


def _item(row: dict[str, Any], grade: CurrentGrade | None, labels: dict[str, str]) -> ReportItem:
    path, path_hex = printable_path(row["path"])
    match = row.get("match") or {}
    category = grade.category if grade is not None else None
    return ReportItem(
        id=int(row["id"]),
        exhibit=row["exhibit"],
        path=path,
        path_hex=path_hex,
        entry_kind=row["entry_kind"],
        status=row["status"],
        reason=row["reason"],
        size=row["size"],
        md5=row["md5"],
        sha1=row["sha1"],
        sha256=row["sha256"],
        media_type=row["media_type"],
        media=media_of(row["media_type"]),
        format=row["format"],
        decode_status=row["decode_status"],
        low_information=bool(row["low_information"]),
        frames=row["frames"],
        phash=row["phash"],
        dhash=row["dhash"],
        exif_datetime=row["exif_datetime"],
        modified_utc=_utc_from_ns(row["mtime_ns"]),
        category=category,
        category_label=labels.get(category) if category is not None else None,
        grade_source=grade.source if grade is not None else None,
        examiner=grade.user if grade is not None else None,
        graded_at=grade.time_utc if grade is not None else None,
        grade_reason=grade.reason if grade is not None else None,
        match_kind=match.get("kind"),
        match_set=match.get("hash_set"),
        match_on=match.get("matched_on"),
        match_distance=match.get("distance"),
    )


def _read(session: CaseSession) -> dict[str, Any]:
    store, review = session.store, session.review
    summary = store.summary()
    labels = {c.code: c.label for c in session.scheme.categories}
    grades = review.grades()
    items = tuple(_item(row, grades.get(row["id"]), labels) for row in store.iter_items())
    exhibits = []
    for ex in report_queries.exhibits(store):
        runs = tuple(
            IngestRunInfo(
                id=r["id"],
                started_at=r["started_at"],
                finished_at=r["finished_at"],
                state=r["state"],
                app_version=r["app_version"],
                pillow_version=r["pillow_version"],
                imagehash_version=r["imagehash_version"],
                workers=r["workers"],
                atime_preserved=r["atime_preserved"],
                files_processed=r["files_processed"],
            )
            for r in store.runs(ex.id)
        )
        exhibits.append(
            ExhibitInfo(
                reference=ex.reference,
                source=printable_path(ex.source_root)[0],
                source_raw=ex.source_root,
                added_at=ex.added_at,
                runs=runs,
                totals=store.exhibit_totals(ex.id),
            )
        )
    match_runs = report_queries.match_runs(store)
    threshold = store.setting("near_threshold")
    # Supervision: grade changes made after a sign-off, and the items they touched.
    after = tuple(
        ChangeAfterSignOff(
            item_id=c.item_id, exhibit=c.exhibit, path=printable_path(c.path)[0],
            old_category=c.old_category, old_source=c.old_source,
            new_category=c.new_category, new_source=c.new_source, user=c.user,
            time_utc=c.time_utc, reason=c.reason, audit_seq=c.audit_seq,
            sign_off_object="case" if c.sign_off_scope == "case" else f"exhibit {c.exhibit}",
            sign_off_by=c.sign_off_by, sign_off_time=c.sign_off_time, sign_off_seq=c.sign_off_seq,
        )
        for c in QaStore(store).changes_after_sign_off()
    )  # fmt: skip
    changed = {c.item_id for c in after}
    items = tuple(replace(i, changed_after_sign_off=True) if i.id in changed else i for i in items)
    return {
        "changes_after_sign_off": after,
        "summary": summary,
        "items": items,
        "exhibits": tuple(exhibits),
        "accounts": review.accounts(),
        "match_runs": match_runs,
        "near_threshold_now": int(threshold) if threshold is not None else None,
    }


def _hash_sets(runs: list[report_queries.MatchRunRow]) -> tuple[HashSetUse, ...]:
    found: dict[tuple[str, str], dict[str, Any]] = {}
    used_in: dict[tuple[str, str], list[int]] = {}
    latest = runs[-1].id if runs else None
    for run in runs:
        for s in run.hash_sets:
            key = (str(s.get("name")), str(s.get("fingerprint") or ""))
            found[key] = s
            used_in.setdefault(key, []).append(run.id)
    return tuple(
        HashSetUse(
            name=key[0],
            fingerprint=key[1],
            role=str(s.get("role") or ""),
            entries=s.get("entries"),
            source_sha256=s.get("source_sha256"),
            imported_at=s.get("imported_at"),
            runs=tuple(used_in[key]),
            in_latest_run=latest in used_in[key],
        )
        for key, s in found.items()
    )


def build_report_data(session: CaseSession, *, allow_incomplete: bool = False) -> ReportData:
    """Read the case and return what the report says.

    Raises:
        ReportError: the audit trail does not verify; an exhibit's ingest did
            not finish (unless ``allow_incomplete``, which puts a warning on the
            report); the case kept changing while it was being read.
    """
    for _ in range(READ_ATTEMPTS):
        head = session.review.audit_head()
        read = _read(session)
        if session.review.audit_head() == head:
            break
    else:
        raise ReportError(
            "the case kept changing while the report was being built; try again when "
            "nobody is grading"
        )
    rows = list(session.review.audit_rows())
    verdict = verify_rows(row for row in rows if row.seq <= head[0])
    if not verdict.ok:
        raise ReportError(
            f"the audit trail is broken at entry {verdict.first_bad}: {verdict.problem}; "
            "no report is produced from a case whose log does not verify "
            "(run 'triage audit verify')"
        )
    if (verdict.head_seq, verdict.head_hash) != head:
        raise ReportError("the audit trail's head moved while it was being verified; try again")
    summary = read["summary"]
    scheme = session.scheme
    exhibits: tuple[ExhibitInfo, ...] = read["exhibits"]
    warnings: list[str] = []
    for ex in exhibits:
        if not ex.complete:
            state = ex.runs[-1].state if ex.runs else "never ingested"
            warnings.append(
                f"exhibit {ex.reference}: the last ingest did not finish ({state}); "
                "its figures are incomplete"
            )
        if not ex.totals.balanced:
            warnings.append(f"exhibit {ex.reference}: found != hashed + skipped + failed")
    if warnings and not allow_incomplete:
        raise ReportError(
            "; ".join(warnings) + ": finish the ingest (run it again to resume) or pass "
            "--allow-incomplete to produce a report marked incomplete"
        )
    items: tuple[ReportItem, ...] = read["items"]
    countable = [
        Countable(i.id, i.exhibit, i.sha256, i.media, i.category)
        for i in items
        if i.status == STATUS_HASHED
    ]
    per_exhibit, case_table = count_all(countable, [e.reference for e in exhibits], scheme)
    accounts = []
    for acc in read["accounts"]:
        held = sorted(i.graded_at or "" for i in items if i.graded and i.examiner == acc.label)
        accounts.append(
            AccountInfo(
                label=acc.label,
                role=acc.role,
                active=acc.active,
                grades_held=len(held),
                first_graded=held[0] if held else None,
                last_graded=held[-1] if held else None,
            )
        )
    runs: list[report_queries.MatchRunRow] = read["match_runs"]

    return ReportData(
        reference=summary.reference,
        scheme=scheme,
        case_created_at=summary.created_at,
        case_created_by=summary.examiner,
        case_created_by_version=_created_version(rows),
        generated_at=utc_now(),
        generated_by=session.actor,
        tool_version=__version__,
        runtime_versions=tool_versions(),
        exhibits=exhibits,
        accounts=tuple(accounts),
        match_runs=tuple(
            MatchRunInfo(
                id=r.id,
                started_at=r.started_at,
                finished_at=r.finished_at,
                app_version=r.app_version,
                sets=tuple(str(s.get("name")) for s in r.hash_sets),
                thresholds=r.thresholds,
                counts=r.counts,
            )
            for r in runs
        ),
        hash_sets=_hash_sets(runs),
        near_threshold_now=read["near_threshold_now"],
        items=items,
        exhibit_counts=tuple(per_exhibit),
        case_counts=case_table,
        audit_head=head,
        audit_entries=verdict.entries,
        sign_offs=tuple(
            SignOff(r.seq, r.time_utc, r.user, r.object)
            for r in rows
            if r.action == audit.SIGN_OFF and r.seq <= head[0]
        ),
        warnings=tuple(warnings),
        changes_after_sign_off=read["changes_after_sign_off"],
    )


def _created_version(rows: list[audit.AuditRow]) -> str:
    if not rows or rows[0].action != audit.CASE_CREATED:
        return ""
    try:
        payload = json.loads(rows[0].payload)
    except ValueError:
        return ""
    return str(payload.get("version", "")) if isinstance(payload, dict) else ""
