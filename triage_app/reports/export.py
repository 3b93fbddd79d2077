"""Writing reports and hash lists: the one entry point for the CLI and the GUI (no Qt here).

Every export:

1. reads the case once (:func:`~triage_app.reports.model.build_report_data`),
   with the audit head the figures belong to;
2. renders the whole file in memory and takes its SHA-256;
3. writes it to a temporary file beside the target, flushes and fsyncs it;
4. appends an ``export`` entry to the audit trail (what, format, file, SHA-256,
   size, counts and the audit head printed in the file);
5. renames the temporary file onto the target.

If anything fails before the rename (the disk fills, the audit entry cannot be
written) the temporary file is removed and the target is left as it was: no
partial file is left behind, and the error says what happened. A file that
exists was therefore always recorded in the audit trail first.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from triage_app.audit import chain as audit
from triage_app.case.session import CaseSession
from triage_app.domain.errors import TriageError
from triage_app.files.atomic import atomic_writer
from triage_app.reports.csv_report import render_csv
from triage_app.reports.graded_media import GradedMediaList, graded_media
from triage_app.reports.html_report import print_document, render_html
from triage_app.reports.lab_list import render_lab_list
from triage_app.reports.model import ReportData, build_report_data
from triage_app.reports.print_document import render_pdf
from triage_app.reports.thumbs import blurred_thumbnail
from triage_app.reports.vics_export import profile_for, render_vics
from triage_app.storage.audit_log import AuditNote
from triage_app.storage.case_store import CASE_DB, CASE_MARKER

REPORT_FORMATS = ("pdf", "html", "csv", "vics")
LIST_FORMATS = ("csv", "vics")
_DISK_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


class ExportError(TriageError):
    """An export could not be written; nothing was left behind."""


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What an export wrote."""

    path: Path
    what: str
    format: str
    sha256: str
    size: int
    #: The audit head printed in (and belonging to) the file.
    audit_head: tuple[int, str]
    #: Sequence number of the ``export`` entry that records the file.
    audit_entry: int
    counts: dict[str, int] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


def export_report(
    session: CaseSession,
    fmt: str,
    out: Path,
    *,
    thumbnails: bool = False,
    allow_incomplete: bool = False,
) -> ExportResult:
    """Write the case report as ``fmt`` (pdf, html, csv or vics) to ``out``.

    ``thumbnails`` adds blurred greyscale thumbnails of the listed items (pdf
    and html only). ``allow_incomplete`` produces a report marked incomplete
    when an exhibit's ingest did not finish, instead of refusing.
    """
    if fmt not in REPORT_FORMATS:
        raise ExportError(f"unknown report format {fmt!r}; use one of {', '.join(REPORT_FORMATS)}")
    if thumbnails and fmt not in ("pdf", "html"):
        raise ExportError("thumbnails can only be added to pdf and html reports")
    out = Path(out)
    data = build_report_data(session, allow_incomplete=allow_incomplete)
    _check_target(session, data, out)
    listing = data.listing()
    counts: dict[str, int] = {
        "items": len(data.items),
        "hashed": data.totals.hashed,
        "graded": len(listing),
        "indecent_files": data.case_counts.row("indecent").total.files,
        "indecent_unique": data.case_counts.row("indecent").total.unique,
    }
    if fmt == "vics":
        graded = graded_media(data)
        blob = render_vics(data, graded)
        counts.update(_media_counts(graded))
    elif fmt == "csv":
        blob = render_csv(data)
    else:
        thumbs = _thumbnails(session, [i.id for i in listing]) if thumbnails else None
        if thumbs is not None:
            counts["thumbnails"] = len(thumbs)
        if fmt == "html":
            blob = render_html(data, thumbs)
        else:
            rendered = render_pdf(print_document(data, thumbs))
            blob = rendered.data
            counts["pages"] = rendered.pages
    extra: dict[str, Any] = {"thumbnails": thumbnails}
    if fmt == "vics":
        extra["profile"] = profile_for(data.scheme.id)
    return _write(session, data, out, blob, "report", fmt, counts, extra)


def export_hash_list(session: CaseSession, out: Path, *, fmt: str = "csv") -> ExportResult:
    """Write the case's graded media as a hash list for the lab's library (csv or vics)."""
    if fmt not in LIST_FORMATS:
        raise ExportError(f"unknown list format {fmt!r}; use one of {', '.join(LIST_FORMATS)}")
    out = Path(out)
    data = build_report_data(session)
    _check_target(session, data, out)
    graded = graded_media(data)
    if not graded.media:
        raise ExportError(
            "the case has no graded items to export (uncategorised grades and the empty "
            "file are left out)"
        )
    blob = render_lab_list(data, graded) if fmt == "csv" else render_vics(data, graded)
    extra: dict[str, Any] = {"scheme": data.scheme.id}
    if fmt == "vics":
        extra["profile"] = profile_for(data.scheme.id)
    return _write(session, data, out, blob, "hash list", fmt, _media_counts(graded), extra)


def _media_counts(graded: GradedMediaList) -> dict[str, int]:
    return {
        "entries": len(graded.media),
        "files": graded.files,
        "left_out_uncategorised": graded.left_out_uncategorised,
        "left_out_empty": graded.left_out_empty,
        "conflicting": graded.conflicts,
    }


def _thumbnails(session: CaseSession, item_ids: list[int]) -> dict[int, bytes]:
    out: dict[int, bytes] = {}
    for item_id in item_ids:
        stored = session.store.thumbnail(item_id)
        if stored is None:
            continue
        blurred = blurred_thumbnail(stored)
        if blurred is not None:
            out[item_id] = blurred
    return out


def _check_target(session: CaseSession, data: ReportData, out: Path) -> None:
    if out.is_dir():
        raise ExportError(f"{out} is a folder; give a file name with --out")
    folder = out.parent if str(out.parent) else Path()
    if not folder.is_dir():
        raise ExportError(f"the folder {folder} does not exist")
    target = folder.resolve() / out.name
    for ex in data.exhibits:
        root = Path(os.fsdecode(ex.source_raw)).resolve()
        if target == root or root in target.parents:
            raise ExportError(
                f"{out} is inside the source folder of exhibit {ex.reference}: nothing is "
                "ever written into evidence; choose another folder"
            )
    case = session.store.case_dir.resolve()
    if target.parent == case and (out.name == CASE_MARKER or out.name.startswith(CASE_DB)):
        raise ExportError(f"{out} would overwrite the case's own files; choose another name")


def _write_error(out: Path, exc: OSError) -> ExportError:
    reason = exc.strerror or str(exc)
    if exc.errno in _DISK_FULL:
        return ExportError(
            f"the disk is full: {out} could not be written ({reason}). Nothing was written "
            "and no partial file was left; free some space or choose another folder"
        )
    return ExportError(f"cannot write {out}: {reason}; nothing was written")


def _write(
    session: CaseSession,
    data: ReportData,
    out: Path,
    blob: bytes,
    what: str,
    fmt: str,
    counts: dict[str, int],
    extra: dict[str, Any],
) -> ExportResult:
    digest = hashlib.sha256(blob).hexdigest()
    payload: dict[str, Any] = {
        "what": what,
        "format": fmt,
        "file": str(out.resolve()),
        "sha256": digest,
        "bytes": len(blob),
        "head_seq": data.audit_head[0],
        "head_hash": data.audit_head[1],
        "counts": counts,
        **extra,
    }
    recorded: int | None = None
    try:
        with atomic_writer(out) as handle:
            handle.write(blob)
            handle.flush()
            os.fsync(handle.fileno())
            try:
                recorded, _ = session.review.record(
                    session.actor, [AuditNote(audit.EXPORT, f"file {out.name}", payload)]
                )
            except Exception as exc:
                raise ExportError(
                    f"the export could not be recorded in the audit trail ({exc}); "
                    f"{out} was not written"
                ) from exc
    except OSError as exc:
        if recorded is not None:
            _withdraw(session, out, digest, exc)
        raise _write_error(out, exc) from exc
    assert recorded is not None
    on_disk = _file_sha256(out)
    if on_disk != digest:
        raise ExportError(
            f"{out} on disk has SHA-256 {on_disk}, not the {digest} that was written: do not use it"
        )
    return ExportResult(
        path=out,
        what=what,
        format=fmt,
        sha256=digest,
        size=len(blob),
        audit_head=data.audit_head,
        audit_entry=recorded,
        counts=counts,
        warnings=data.warnings,
    )


def _withdraw(session: CaseSession, out: Path, digest: str, exc: OSError) -> None:
    """Record that a file logged as exported never reached its name."""
    # The original error is what the user must see; this note is best effort.
    with contextlib.suppress(Exception):
        session.review.record(
            session.actor,
            [
                AuditNote(
                    audit.EXPORT,
                    f"file {out.name}",
                    {"withdrawn": True, "sha256": digest, "reason": exc.strerror or str(exc)},
                )
            ],
        )


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
