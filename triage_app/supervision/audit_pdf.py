"""The reviewed audit trail laid out for the PDF renderer.

Landscape pages: what was exported, by whom, the filter, the chain's verdict
and the head; per-account statistics and grading rate; then the entries, a
table whose rows are never split and whose header repeats on every page. The
head is also printed in every page's footer.
"""

from __future__ import annotations

import json

from triage_app.audit.chain import AuditRow
from triage_app.domain.clock import utc_now
from triage_app.reports.html_blocks import case_document, e, grid, kv, row, verify_command, when
from triage_app.reports.print_document import PrintDocument, PrintPart
from triage_app.supervision.audit_review import ReviewSelection
from triage_app.supervision.examiner_stats import TABLE_COLUMNS

TITLE = "Audit trail review"
#: Longest payload printed in full; longer ones are cut (the CSV and JSON keep them whole).
PAYLOAD_CHARS = 600


def _payload(text: str) -> str:
    try:
        shown = json.dumps(json.loads(text), ensure_ascii=False, separators=(", ", ": "))
    except ValueError:
        shown = text
    if len(shown) > PAYLOAD_CHARS:
        shown = shown[:PAYLOAD_CHARS] + f" … ({len(text):,} characters in all)"
    return f'<span class="small">{e(shown)}</span>'


def _hash(digest: str) -> str:
    return f'<span class="mono">{e(digest[:32])}<br>{e(digest[32:])}</span>'


def _entry(entry: AuditRow) -> str:
    return row(
        [
            str(entry.seq),
            when(entry.time_utc, stacked=True),
            e(entry.user),
            e(entry.action),
            e(entry.object),
            _payload(entry.payload),
            _hash(entry.hash),
        ]
    )


def _summary(sel: ReviewSelection, listed: int) -> str:
    review = sel.review
    v = review.verdict
    status = (
        f"<b>intact</b>: {v.entries:,} entries verified"
        if v.ok
        else f'<span class="warning">BROKEN at entry {v.first_bad}</span>: {e(v.problem)}'
    )
    head_seq, head_hash = review.head
    return "".join(
        [
            f"<h1>{TITLE}</h1>",
            f'<p class="subtitle">Case {e(review.reference)}</p>',
            kv(
                [
                    ("Produced (UTC)", when(utc_now())),
                    ("Produced by", e(sel.actor)),
                    ("Filter", e(sel.flt.describe())),
                    ("Entries listed", f"{listed:,} of {len(review.rows):,}"),
                    ("Hash chain", status),
                    ("Head (last entry)", str(head_seq)),
                    ("Head hash (SHA-256)", f'<span class="mono">{e(head_hash)}</span>'),
                ]
            ),
            verify_command(review.head),
        ]
    )


def _stats(sel: ReviewSelection) -> str:
    stats = sel.stats()
    rows = [row(e(cell) for cell in s.table_row()) for s in stats]
    body = [
        "<h2>Accounts</h2>",
        "<p>From the entries of each account within the filter's account and dates. Items "
        "graded counts distinct items; by source, the source of the grade each entry set.</p>",
        grid(TABLE_COLUMNS, rows, [19, 8, 7, 7, 7, 7, 8, 7, 6, 7, 9, 8]),
        f"<h2>Grading rate (entries per {sel.bucket}, UTC)</h2>",
    ]
    rate_rows = [
        row([e(s.account), e(r["period"]), f"{r['graded']:,}", f"{r['by_hand']:,}"])
        for s in stats
        for r in s.rate
    ]
    if rate_rows:
        body.append(grid(["Account", "Period", "Grading entries", "By hand"], rate_rows,
                         [40, 24, 18, 18]))  # fmt: skip
    else:
        body.append("<p>No grading in the filtered period.</p>")
    return "".join(body)


def audit_document(sel: ReviewSelection) -> PrintDocument:
    """The filtered log as a document for :func:`~triage_app.reports.print_document.render_pdf`."""
    rows = sel.rows()
    entries = "".join(
        [
            f"<h2>Entries ({len(rows):,})</h2>",
            grid(
                ["Seq", "Time (UTC)", "User", "Action", "Object", "Details", "Entry hash"],
                [_entry(r) for r in rows],
                [4, 8, 12, 10, 12, 34, 20],
                keep=False,  # a payload may take many lines
            )
            if rows
            else "<p>No entry passes the filter.</p>",
        ]
    )
    body = _summary(sel, len(rows)) + _stats(sel) + entries
    produced = utc_now()[:19].replace("T", " ")
    parts = (PrintPart(body, landscape=True),)
    return case_document(TITLE, sel.review.reference, sel.actor, produced, sel.review.head, parts)
