"""Sign-off: a supervisor's record that an exhibit (or the whole case) was checked.

A sign-off keeps the audit head its figures belong to (sequence number and
hash), the counts of each exhibit it covers (accounting, grades by category
and by source, items still open) and the QA result (rounds, agreement,
kappa, open disagreements). It is refused while the audit trail does not
verify. The sign-off, its row and its audit entry are written in one
transaction, and only if the log has not moved since the figures were read.

Afterwards every grade change to an item of a signed-off exhibit needs a
reason, even a first grade, and is recorded as "changed after sign-off"
(see :meth:`triage_app.storage.review_store.ReviewStore.apply_grades`); the
report lists such changes. Signing off again covers the changes made before.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from triage_app import audit
from triage_app.audit import AuditNote
from triage_app.case.session import CaseSession
from triage_app.case.trail import verify_trail
from triage_app.domain.accounts import SUPERVISOR
from triage_app.domain.errors import PermissionDeniedError, TriageError
from triage_app.domain.grade_sources import HUMAN_SOURCES
from triage_app.domain.records import STATUS_FAILED, STATUS_HASHED, STATUS_SKIPPED
from triage_app.storage.qa_store import ChangeAfterSignOffRow, QaStateError, QaStore, SignOffRow
from triage_app.storage.signoff_guard import CASE_SCOPE, EXHIBIT_SCOPE
from triage_app.supervision.examiner_stats import SOURCE_KINDS, source_kind
from triage_app.supervision.lookup import exhibit_id
from triage_app.supervision.qa_report import qa_summary

MEDIA = ("image", "video")
#: Tries at reading a consistent set of figures while others keep writing.
ATTEMPTS = 3


class SignOffError(TriageError):
    """A sign-off the rules refuse."""


def exhibit_counts(session: CaseSession, exhibit: str | None = None) -> dict[str, dict[str, Any]]:
    """Per exhibit: accounting totals, grades by category and source, items still open."""
    grades = session.review.grades()
    out: dict[str, dict[str, Any]] = {}
    categories: dict[str, Counter[str]] = defaultdict(Counter)
    sources: dict[str, Counter[str]] = defaultdict(Counter)
    for ref in (e for _, e in QaStore(session.store).exhibits()):
        if exhibit is None or ref == exhibit:
            out[ref] = {"found": 0, "hashed": 0, "skipped": 0, "failed": 0, "media_items": 0,
                        "graded": 0, "ignorable": 0, "open": 0}  # fmt: skip
    for row in session.store.iter_items():
        ref = row.exhibit
        if ref not in out:
            continue
        c = out[ref]
        c["found"] += 1
        status = row.record.status
        if status in (STATUS_HASHED, STATUS_SKIPPED, STATUS_FAILED):
            c[status] += 1
        grade = grades.get(row.id)
        if grade is not None:
            c["graded"] += 1
            categories[ref][grade.category] += 1
            sources[ref][source_kind(grade.source) or "manual"] += 1
        if status == STATUS_HASHED and row.record.media_type in MEDIA:
            c["media_items"] += 1
            if grade is None:
                if row.match is not None and row.match.kind == "ignorable":
                    c["ignorable"] += 1
                else:
                    c["open"] += 1
    order = [cat.code for cat in session.scheme.categories]
    for ref, c in out.items():
        c["by_category"] = {code: categories[ref][code] for code in order if categories[ref][code]}
        c["by_source"] = {k: sources[ref][k] for k in SOURCE_KINDS}
    return out


@dataclass(frozen=True, slots=True)
class SignOffPreview:
    """What a sign-off would record now (nothing is written)."""

    exhibit: str | None
    head: tuple[int, str]
    chain_ok: bool
    chain_problem: str | None
    counts: dict[str, dict[str, Any]]
    qa: dict[str, Any]
    warnings: tuple[str, ...]


def preview(session: CaseSession, exhibit: str | None = None) -> SignOffPreview:
    """The figures a sign-off of ``exhibit`` (or the case) would record (supervisors only)."""
    session.require_role(SUPERVISOR, "signing off")
    head = session.review.audit_head()
    checked = verify_trail(session, up_to=head[0])
    counts = exhibit_counts(session, exhibit)
    summary = qa_summary(session, exhibit)
    problem = checked.problem()
    return SignOffPreview(
        exhibit, head, checked.ok, problem, counts, summary, tuple(_warnings(counts, summary))
    )


@dataclass(frozen=True, slots=True)
class SignOffResult:
    """A recorded sign-off and any warnings given with it."""

    sign_off: SignOffRow
    warnings: tuple[str, ...]


def sign_off(
    session: CaseSession, *, exhibit: str | None = None, note: str | None = None
) -> SignOffResult:
    """Sign off ``exhibit``, or the whole case when None (supervisors only)."""
    session.require_role(SUPERVISOR, "signing off")
    qa = QaStore(session.store)
    where = exhibit_id(qa, exhibit, SignOffError)
    if exhibit is None and not qa.exhibits():
        raise SignOffError("the case has no exhibit to sign off")
    text = note.strip() if note and note.strip() else None
    own = qa.items_graded_by(session.account.id, where, HUMAN_SOURCES)
    if own:
        shown = ", ".join(map(str, own[:10])) + (" ..." if len(own) > 10 else "")
        raise PermissionDeniedError(
            f"{session.actor} graded items of {exhibit or 'the case'} ({shown}): a supervisor "
            "cannot sign off their own grading; another supervisor must"
        )
    for _ in range(ATTEMPTS):
        head = session.review.audit_head()
        checked = verify_trail(session, up_to=head[0])
        verdict = checked.chain
        if not checked.ok:
            raise SignOffError(
                f"{checked.problem()}; nothing can be signed off until that is resolved"
            )
        counts = exhibit_counts(session, exhibit)
        summary = qa_summary(session, exhibit)
        if session.review.audit_head() != head or (verdict.head_seq, verdict.head_hash) != head:
            continue
        warnings = _warnings(counts, summary)
        scope = EXHIBIT_SCOPE if exhibit is not None else CASE_SCOPE
        what = f"exhibit {exhibit}" if exhibit is not None else f"case {session.reference}"
        try:
            row = qa.record_sign_off(
                session.account,
                scope=scope,
                exhibit_id=where,
                expect_head=head,
                counts=counts,
                qa=summary,
                note_text=text,
                note=AuditNote(
                    audit.SIGN_OFF,
                    what,
                    {
                        "scope": scope,
                        "exhibit": exhibit,
                        "head_seq": head[0],
                        "head_hash": head[1],
                        "counts": counts,
                        "qa": summary,
                        "note": text,
                        "warnings": warnings,
                    },
                ),
            )
        except QaStateError:
            continue
        return SignOffResult(row, tuple(warnings))
    raise SignOffError("the case kept changing while the sign-off was prepared; try again")


def _warnings(counts: dict[str, dict[str, Any]], qa: dict[str, Any]) -> list[str]:
    out = []
    for ref, c in counts.items():
        if c["open"]:
            out.append(f"exhibit {ref}: {c['open']} media items are not graded yet")
        if c["found"] != c["hashed"] + c["skipped"] + c["failed"]:
            out.append(f"exhibit {ref}: found != hashed + skipped + failed")
    if qa["incomplete_rounds"]:
        out.append("QA round " + ", ".join(map(str, qa["incomplete_rounds"])) + " is not complete")
    if qa["open_disagreements"]:
        out.append(f"{qa['open_disagreements']} QA disagreements are not adjudicated")
    if not qa["rounds"]:
        out.append("no QA sample was second-graded")
    return out


def sign_offs(session: CaseSession) -> list[SignOffRow]:
    """Every sign-off of the case, oldest first."""
    return QaStore(session.store).sign_offs()


def changes_after_sign_off(session: CaseSession) -> list[ChangeAfterSignOffRow]:
    """Every grade change made after a sign-off covering its item, oldest first."""
    return QaStore(session.store).changes_after_sign_off()


def sign_off_dict(row: SignOffRow) -> dict[str, Any]:
    """JSON shape of a sign-off."""
    return {
        "id": row.id,
        "scope": row.scope,
        "exhibit": row.exhibit,
        "by": row.user,
        "time": row.time_utc,
        "head": {"seq": row.head_seq, "hash": row.head_hash},
        "counts": row.counts,
        "qa": row.qa,
        "note": row.note,
        "audit_entry": row.audit_seq,
    }
