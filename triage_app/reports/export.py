"""Writing reports and hash lists: the one entry point for the CLI and the GUI (no Qt here).

Every export reads the case once (:func:`~triage_app.reports.model.build_report_data`),
with the audit head the figures belong to, renders the whole file in memory and
hands it to :func:`triage_app.case.recorded_export.write_recorded`: the target
is checked, the file is recorded in the audit trail and only then takes its
name; on any failure nothing is left behind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from triage_app.case.recorded_export import check_target, write_recorded
from triage_app.case.session import CaseSession
from triage_app.domain.errors import ExportError
from triage_app.domain.options import LIST_FORMATS, REPORT_FORMATS
from triage_app.domain.records import FrameHash
from triage_app.reports.csv_report import render_csv
from triage_app.reports.graded_media import GradedMediaList, graded_media
from triage_app.reports.html_report import print_document, render_html
from triage_app.reports.lab_list import render_lab_list
from triage_app.reports.model import ReportData, build_report_data
from triage_app.reports.print_document import PdfRenderer, render_pdf
from triage_app.reports.thumbs import blurred_thumbnail
from triage_app.reports.vics_export import profile_for, render_vics


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
    renderer: PdfRenderer | None = None,
) -> ExportResult:
    """Write the case report as ``fmt`` (pdf, html, csv or vics) to ``out``.

    ``thumbnails`` adds blurred greyscale thumbnails of the listed items (pdf
    and html only). ``allow_incomplete`` produces a report marked incomplete
    when an exhibit's ingest did not finish, instead of refusing. ``renderer``
    lays out a PDF (by default WeasyPrint: see
    :func:`~triage_app.reports.print_document.default_renderer`).
    """
    if fmt not in REPORT_FORMATS:
        raise ExportError(f"unknown report format {fmt!r}; use one of {', '.join(REPORT_FORMATS)}")
    if thumbnails and fmt not in ("pdf", "html"):
        raise ExportError("thumbnails can only be added to pdf and html reports")
    session.refuse_if_blind("the case report")  # blind QA (supervision)
    out = Path(out)
    data = build_report_data(session, allow_incomplete=allow_incomplete)
    check_target(session, out)
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
            rendered = render_pdf(print_document(data, thumbs), renderer)
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
    session.refuse_if_blind("the hash-list export")  # blind QA (supervision)
    out = Path(out)
    data = build_report_data(session)
    check_target(session, out)
    graded = graded_media(data)
    if not graded.media:
        raise ExportError(
            "the case has no graded items to export (uncategorised grades and the empty "
            "file are left out)"
        )
    frames = _video_frames(session, graded)
    if fmt == "csv":
        blob = render_lab_list(data, graded, frames)
    else:
        blob = render_vics(data, graded, frames)
    extra: dict[str, Any] = {"scheme": data.scheme.id}
    if fmt == "vics":
        extra["profile"] = profile_for(data.scheme.id)
    return _write(session, data, out, blob, "hash list", fmt, _media_counts(graded), extra)


def _video_frames(session: CaseSession, graded: GradedMediaList) -> dict[str, list[FrameHash]]:
    """The sampled frames of each graded video or animated image, by SHA-256 (items without
    stored frames are left out by ``read_frames``)."""
    from triage_app.storage.video_frames_store import read_frames

    wanted = {m.grade.id: m.sha256 for m in graded.media if m.media_type in ("video", "image")}
    found = read_frames(session.store, list(wanted)) if wanted else {}
    return {wanted[item_id]: frames for item_id, frames in found.items()}


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
    payload: dict[str, Any] = {
        "what": what,
        "format": fmt,
        "head_seq": data.audit_head[0],
        "head_hash": data.audit_head[1],
        "counts": counts,
        **extra,
    }
    recorded = write_recorded(session, out, blob, payload)
    return ExportResult(
        path=out,
        what=what,
        format=fmt,
        sha256=recorded.sha256,
        size=recorded.size,
        audit_head=data.audit_head,
        audit_entry=recorded.audit_entry,
        counts=counts,
        warnings=data.warnings,
    )
