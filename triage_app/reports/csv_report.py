"""The report as one CSV file with sections: summary first, then the full item listing.

Every row's first cell names its section, and each section starts with its
own header row whose first cell is ``section``; a blank line separates the
sections. So a spreadsheet can filter on column A, and a script can split the
file with the ``csv`` module alone. UTF-8 without BOM, ``\\n`` line ends.

Sections, in order:

``report``
    key/value facts: case reference, scheme, when and by whom produced, the
    software's version, the audit head (sequence and hash), how counts work.
``summary``
    ``scope`` (``exhibit`` or ``case``), ``exhibit`` (empty for the case),
    ``row`` (a category code, ``indecent_total``, ``not_graded`` or
    ``all_files``), ``label``, ``media`` (``still``, ``moving``, ``other`` or
    ``all``), ``files`` (every file, duplicates each time) and ``unique``
    (distinct SHA-256), ``duration_s`` (the files' total known running time, for
    ``moving`` and ``all``). One row per exhibit x row x media, then the case.
``accounting``
    per exhibit and for the case: found, hashed, skipped, failed, balanced.
``hash_set``
    each hash set used by a match run: name, role, entries, fingerprint,
    source_sha256, imported_at, runs.
``item``
    every entry of every exhibit (graded or not, failed and skipped too), by
    exhibit then item id: path (``\\xNN`` for bytes that are not UTF-8, with
    ``path_hex`` then holding the exact bytes), size, hashes, media, status,
    reason, category, grade source, examiner, time graded, EXIF date, and
    ``changed_after_sign_off`` (``true`` when the grade changed after a sign-off),
    ``duration_s`` (a video's running time), ``tags`` (``; `` between them),
    ``notes`` and ``marked_frames`` (the examiners' notes and marked video frames,
    each with who and when, `` | `` between them).
``after_sign_off``
    each grade change made after a sign-off covering the item: before and
    after, who, when, why, and the sign-off it followed.

Cells are written as they are: a value that begins with ``=``, ``+``, ``-`` or
``@`` is not altered (the listing must match the evidence), so open the file
in a spreadsheet as text, not by double-clicking.
"""

from __future__ import annotations

import io

from triage_app.domain.text_safety import SafeCsvWriter
from triage_app.reports.counts import (
    ALL_FILES,
    INDECENT_TOTAL,
    MEDIA,
    MOVING,
    NOT_GRADED,
    Cell,
    CountTable,
)
from triage_app.reports.model import ReportData, ReportItem

ROW_KEYS = {NOT_GRADED: "not_graded", INDECENT_TOTAL: "indecent_total", ALL_FILES: "all_files"}
ITEM_COLUMNS = (
    "section", "exhibit", "item_id", "path", "path_hex", "entry_kind", "status", "reason",
    "size", "md5", "sha1", "sha256", "media", "format", "decode_status", "category",
    "category_label", "grade_source", "how_graded", "examiner", "graded_at", "exif_datetime",
    "modified_utc", "match_kind", "match_set", "changed_after_sign_off", "duration_s", "tags",
    "notes", "marked_frames",
)  # fmt: skip
AFTER_SIGN_OFF_COLUMNS = (
    "section", "item_id", "exhibit", "old_category", "old_source", "new_category", "new_source",
    "changed_by", "changed_at", "reason", "audit_seq", "signed_off", "signed_off_by",
    "signed_off_at", "sign_off_audit_seq",
)  # fmt: skip
SUMMARY_COLUMNS = (
    "section", "scope", "exhibit", "row", "label", "media", "files", "unique", "duration_s",
)  # fmt: skip


def _running(cell: Cell, media: str) -> float | None:
    """A summary row's ``duration_s``: the files' total known running time (moving
    images, and "all"; empty for the other kinds)."""
    return round(cell.duration_s, 3) if media in (MOVING, "all") else None


def _annotations(i: ReportItem) -> list[object]:
    """An item's ``tags``, ``notes`` and ``marked_frames`` cells."""
    notes = [f"{n.text} ({n.examiner}, {n.at})" for n in i.examiner_notes]
    frames = [
        f"{f.seconds:.3f}s" + (f": {f.text}" if f.text else "") + f" ({f.examiner}, {f.at})"
        for f in i.marked_frames
    ]
    return ["; ".join(i.tags) or None, " | ".join(notes) or None, " | ".join(frames) or None]


def _summary_rows(table: CountTable, scope: str) -> list[list[object]]:
    rows: list[list[object]] = []
    exhibit = table.scope if scope == "exhibit" else ""
    for row in table.rows:
        key = ROW_KEYS.get(row.key, row.key)
        for media in MEDIA:
            cell = row.cells[media]
            rows.append(["summary", scope, exhibit, key, row.label, media, cell.files,
                         cell.unique, _running(cell, media)])  # fmt: skip
        total = row.total
        rows.append(["summary", scope, exhibit, key, row.label, "all", total.files,
                     total.unique, _running(total, "all")])  # fmt: skip
    return rows


def render_csv(data: ReportData) -> bytes:
    """The CSV report's bytes."""
    out = io.StringIO()
    w = SafeCsvWriter(out)
    w.writerow(["section", "key", "value"])
    facts = [
        ("case_reference", data.reference),
        ("scheme", data.scheme.id),
        ("generated_at", data.generated_at),
        ("generated_by", data.generated_by),
        ("software", f"triage-workstation {data.tool_version}"),
        ("audit_head_seq", data.audit_head[0]),
        ("audit_head_hash", data.audit_head[1]),
        ("exhibits", " ".join(x.reference for x in data.exhibits)),
        ("files", "every file found; a duplicate counts each time it occurs"),
        ("unique", "distinct contents by SHA-256; the case total counts a content once"),
        ("still", "files of an image format (including animated GIF)"),
        ("moving", "video files"),
        ("incomplete", "; ".join(data.warnings)),
    ]
    w.writerows(["report", k, v] for k, v in facts)
    w.writerow([])
    w.writerow(SUMMARY_COLUMNS)
    for table in data.exhibit_counts:
        w.writerows(_summary_rows(table, "exhibit"))
    w.writerows(_summary_rows(data.case_counts, "case"))
    w.writerow([])
    w.writerow(["section", "exhibit", "found", "hashed", "skipped", "failed", "balanced"])
    for ex in data.exhibits:
        t = ex.totals
        w.writerow(["accounting", ex.reference, t.found, t.hashed, t.skipped, t.failed,
                    str(t.balanced).lower()])  # fmt: skip
    t = data.totals
    w.writerow(["accounting", "", t.found, t.hashed, t.skipped, t.failed, str(t.balanced).lower()])
    w.writerow([])
    w.writerow(["section", "name", "role", "entries", "fingerprint", "source_sha256",
                "imported_at", "runs"])  # fmt: skip
    for s in data.hash_sets:
        w.writerow(["hash_set", s.name, s.role, s.entries, s.fingerprint, s.source_sha256,
                    s.imported_at, " ".join(map(str, s.runs))])  # fmt: skip
    w.writerow([])
    w.writerow(ITEM_COLUMNS)
    order = {x.reference: n for n, x in enumerate(data.exhibits)}
    for i in sorted(data.items, key=lambda i: (order.get(i.exhibit, len(order)), i.id)):
        w.writerow(
            [
                "item", i.exhibit, i.id, i.path, i.path_hex, i.entry_kind, i.status, i.reason,
                i.size, i.md5, i.sha1, i.sha256, i.media if i.status == "hashed" else None,
                i.format, i.decode_status,
                i.category, i.category_label, i.grade_source,
                i.how_graded if i.graded else None, i.examiner, i.graded_at, i.exif_datetime,
                i.modified_utc, i.match_kind, i.match_set,
                str(i.changed_after_sign_off).lower(), i.duration_s, *_annotations(i),
            ]
        )  # fmt: skip
    w.writerow([])
    w.writerow(AFTER_SIGN_OFF_COLUMNS)
    for c in data.changes_after_sign_off:
        w.writerow(
            ["after_sign_off", c.item_id, c.exhibit, c.old_category, c.old_source,
             c.new_category, c.new_source, c.user, c.time_utc, c.reason, c.audit_seq,
             c.sign_off_object, c.sign_off_by, c.sign_off_time, c.sign_off_seq]
        )  # fmt: skip
    return out.getvalue().encode("utf-8")
