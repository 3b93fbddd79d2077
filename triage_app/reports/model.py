"""What a report says, gathered from a case in one consistent read (no Qt, no layout).

:func:`build_report_data` reads the case through the session and returns a
:class:`~triage_app.reports.report_data.ReportData` that every output (PDF,
HTML, CSV, VICS, the lab's list) is rendered from, so all of them say the
same thing. The data is read between
two looks at the audit head; if the log moved meanwhile (somebody graded
while the report was being built) it is read again, so the head printed on
the report is the head the figures belong to.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from triage_app import __version__, audit
from triage_app.case.session import CaseSession
from triage_app.case.trail import verify_trail
from triage_app.domain.clock import utc_now
from triage_app.domain.errors import TriageError
from triage_app.domain.record_fields import fields_from
from triage_app.domain.records import (
    STATUS_HASHED,
    StoredItem,
)
from triage_app.domain.text_safety import printable
from triage_app.media.versions import tool_versions
from triage_app.reports.counts import Countable, count_all, media_of
from triage_app.reports.report_data import (
    AccountInfo,
    ChangeAfterSignOff,
    ExhibitInfo,
    HashSetUse,
    MatchRunInfo,
    ReportData,
    ReportItem,
    ReportNote,
    SignOff,
)
from triage_app.review.annotations import ItemAnnotations, for_items
from triage_app.storage import report_queries
from triage_app.storage.qa_store import QaStore
from triage_app.storage.review_store import CurrentGrade

__all__ = ["ReportData", "ReportError", "ReportItem", "build_report_data", "printable_path"]

#: Attempts at a consistent read before giving up.
READ_ATTEMPTS = 3


class ReportError(TriageError):
    """A report cannot be produced; the message says why and what to do."""


def printable_path(raw: bytes) -> tuple[str, str | None]:
    """A path to print, and its bytes in hex when the printed form is not exact.

    Bytes that are not UTF-8 become ``\\xNN``; control and bidi characters (a
    newline, a right-to-left override) are written as escapes
    (:func:`~triage_app.domain.text_safety.printable`); then the hex of the
    original bytes is given too, so the listing stays exact.
    """
    decoded = os.fsdecode(raw)
    text = printable(decoded)
    try:
        exact = raw.decode("utf-8") == text
    except UnicodeDecodeError:
        exact = False
    return text, None if exact else raw.hex()


def _utc_from_ns(ns: int | None) -> str | None:
    if ns is None:
        return None
    return datetime.fromtimestamp(ns / 1e9, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _annotated(notes: ItemAnnotations | None) -> dict[str, Any]:
    """An item's tags, notes and marked frames as the report's fields."""
    if notes is None:
        return {}
    return {
        "tags": notes.tags,
        "examiner_notes": tuple(ReportNote(n.text, n.examiner, n.at) for n in notes.notes),
        "marked_frames": tuple(
            ReportNote(f.text, f.examiner, f.at, f.seconds) for f in notes.frames
        ),
    }


def _item(
    item: StoredItem,
    grade: CurrentGrade | None,
    labels: dict[str, str],
    notes: ItemAnnotations | None = None,
) -> ReportItem:
    record, match = item.record, item.match
    path, path_hex = printable_path(record.path)
    category = grade.category if grade is not None else None
    return ReportItem(
        **fields_from(
            record,
            ReportItem,
            id=item.id,
            exhibit=item.exhibit,
            path=path,
            path_hex=path_hex,
            media=media_of(record.media_type),
            low_information=bool(record.low_information),
            modified_utc=_utc_from_ns(record.mtime_ns),
            category=category,
            category_label=labels.get(category) if category is not None else None,
            grade_source=grade.source if grade is not None else None,
            examiner=grade.user if grade is not None else None,
            graded_at=grade.time_utc if grade is not None else None,
            grade_reason=grade.reason if grade is not None else None,
            match_kind=match.kind if match else None,
            match_set=match.hash_set if match else None,
            match_on=match.matched_on if match else None,
            match_distance=match.distance if match else None,
            **_annotated(notes),
        )
    )


_KIND_NAMES = {"ewf": "EWF (E01) image", "raw": "raw disk image", "tar": "tar archive",
               "zip": "zip archive"}  # fmt: skip


def describe_source(source: dict[str, Any]) -> str:
    """An exhibit's source kind and verification in one line ("" for a folder)."""
    kind = source.get("kind", "folder")
    if kind == "folder":
        return ""
    text = f"{_KIND_NAMES.get(kind, kind)}; verification: {source.get('verification')}"
    stored, computed = source.get("stored_md5"), source.get("computed_md5")
    if stored:
        text += f"; stored MD5 {stored}"
    if computed:
        text += f"; computed MD5 {computed}"
    if source.get("unreadable"):
        text += f"; {len(source['unreadable'])} unreadable range(s)"
    return text


def _read(session: CaseSession) -> dict[str, Any]:
    store, review = session.store, session.review
    summary = store.summary()
    labels = {c.code: c.label for c in session.scheme.categories}
    grades = review.grades()
    notes = for_items(session)
    items = tuple(
        _item(item, grades.get(item.id), labels, notes.get(item.id)) for item in store.iter_items()
    )
    exhibits = []
    for ex in report_queries.exhibits(store):
        runs = tuple(store.runs(ex.id))
        exhibits.append(
            ExhibitInfo(
                reference=ex.reference,
                source=printable_path(ex.source_root)[0],
                source_raw=ex.source_root,
                added_at=ex.added_at,
                runs=runs,
                totals=store.exhibit_totals(ex.id),
                verification=describe_source(ex.source),
            )
        )
    match_runs = report_queries.match_runs(store)
    threshold = store.setting("near_threshold")
    # Supervision: grade changes made after a sign-off, and the items they touched.
    after = tuple(
        ChangeAfterSignOff(
            **fields_from(
                c,
                ChangeAfterSignOff,
                path=printable_path(c.path)[0],
                sign_off_object="case" if c.sign_off_scope == "case" else f"exhibit {c.exhibit}",
            )
        )
        for c in QaStore(store).changes_after_sign_off()
    )
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
    checked = verify_trail(session, up_to=head[0], rows=rows)
    verdict = checked.chain
    if not checked.ok:
        raise ReportError(
            f"{checked.problem()}; no report is produced from a case that does not verify "
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
        Countable(i.id, i.exhibit, i.sha256, i.media, i.category, i.duration_s)
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
