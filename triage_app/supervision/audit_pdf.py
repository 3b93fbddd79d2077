"""The reviewed audit trail laid out for the PDF renderer (HTML in Qt's rich-text subset).

Landscape pages: what was exported, by whom, the filter, the chain's verdict
and the head; per-account statistics and grading rate; then the entries, a
table the renderer paginates by rows with its header on every page. The head
is also printed in every page's footer.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from triage_app.audit.chain import AuditRow
from triage_app.domain.clock import utc_now
from triage_app.reports.html_report import CSS, e, when
from triage_app.reports.print_document import PrintDocument, PrintPart, extract_tables
from triage_app.supervision.audit_view import SOURCE_KINDS, AuditFilter, AuditReview

TITLE = "Audit trail review"
#: Longest payload printed in full; longer ones are cut (the CSV and JSON keep them whole).
PAYLOAD_CHARS = 600


def _grid(head: Sequence[str], rows: Iterable[str], widths: Sequence[int]) -> str:
    cells = "".join(
        f'<th align="left" width="{w}%">{h}</th>' for h, w in zip(head, widths, strict=True)
    )
    return (
        '<table class="grid" width="100%" cellspacing="0" cellpadding="3">'
        f"<thead><tr>{cells}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _kv(rows: Iterable[tuple[str, str]]) -> str:
    body = "".join(f'<tr><th align="left" width="28%">{k}</th><td>{v}</td></tr>' for k, v in rows)
    return f'<table class="kv" width="100%" cellspacing="0" cellpadding="3">{body}</table>'


def _row(cells: Iterable[str]) -> str:
    return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


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


def _entry(row: AuditRow) -> str:
    return _row(
        [
            str(row.seq),
            when(row.time_utc, stacked=True),
            e(row.user),
            e(row.action),
            e(row.object),
            _payload(row.payload),
            _hash(row.hash),
        ]
    )


def _summary(review: AuditReview, flt: AuditFilter, actor: str, listed: int) -> str:
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
            _kv(
                [
                    ("Produced (UTC)", when(utc_now())),
                    ("Produced by", e(actor)),
                    ("Filter", e(flt.describe())),
                    ("Entries listed", f"{listed:,} of {len(review.rows):,}"),
                    ("Hash chain", status),
                    ("Head (last entry)", str(head_seq)),
                    ("Head hash (SHA-256)", f'<span class="mono">{e(head_hash)}</span>'),
                ]
            ),
            "<p>To show later that the trail still holds this entry, unchanged, run:</p>",
            f'<p class="mono">triage audit verify CASE_DIR --expect-head {head_seq}:'
            f"{e(head_hash)}</p>",
        ]
    )


def _stats(review: AuditReview, flt: AuditFilter, bucket: str) -> str:
    stats = review.stats(flt, bucket=bucket)
    head = ["Account", "Role", "Items graded", "Manual", "Confirmed", "Hash list", "Propagated",
            "Amended", "Undone", "Reveals", "Seconds unblurred", "QA second grades"]  # fmt: skip
    widths = [19, 8, 7, 7, 7, 7, 8, 7, 6, 7, 9, 8]
    rows = [
        _row(
            [
                e(s.account),
                e(s.role or ""),
                f"{s.graded_items:,}",
                *(f"{s.by_source.get(k, 0):,}" for k in SOURCE_KINDS),
                f"{s.amended:,}",
                f"{s.undone:,}",
                f"{s.reveals:,}",
                f"{s.reveal_seconds:,.1f}",
                f"{s.qa_second_grades:,}",
            ]
        )
        for s in stats
    ]
    body = [
        "<h2>Accounts</h2>",
        "<p>From the entries of each account within the filter's account and dates. Items "
        "graded counts distinct items; by source, the source of the grade each entry set.</p>",
        _grid(head, rows, widths),
        f"<h2>Grading rate (entries per {bucket}, UTC)</h2>",
    ]
    rate_rows = [
        _row([e(s.account), e(r["period"]), f"{r['graded']:,}", f"{r['by_hand']:,}"])
        for s in stats
        for r in s.rate
    ]
    if rate_rows:
        body.append(_grid(["Account", "Period", "Grading entries", "By hand"], rate_rows,
                          [40, 24, 18, 18]))  # fmt: skip
    else:
        body.append("<p>No grading in the filtered period.</p>")
    return "".join(body)


def _part(html_body: str, landscape: bool) -> PrintPart:
    html_text = f"<html><head><style>{CSS}</style></head><body>{html_body}</body></html>"
    lifted = extract_tables(html_text)
    return PrintPart(lifted.html, landscape, lifted.tables)


def audit_document(
    review: AuditReview, flt: AuditFilter, actor: str, *, bucket: str = "day"
) -> PrintDocument:
    """The filtered log as a document for :func:`~triage_app.reports.print_document.render_pdf`."""
    rows = review.filtered(flt)
    entries = "".join(
        [
            f"<h2>Entries ({len(rows):,})</h2>",
            _grid(
                ["Seq", "Time (UTC)", "User", "Action", "Object", "Details", "Entry hash"],
                [_entry(r) for r in rows],
                [4, 8, 12, 10, 12, 34, 20],
            )
            if rows
            else "<p>No entry passes the filter.</p>",
        ]
    )
    head_seq, head_hash = review.head
    return PrintDocument(
        title=f"{TITLE}: case {review.reference}",
        author=actor,
        header_left=f"Case {review.reference}",
        header_right=f"{TITLE}. Produced {utc_now()[:19].replace('T', ' ')} UTC",
        footer_left=f"Audit trail head {head_seq}:{head_hash}",
        parts=(
            _part(
                _summary(review, flt, actor, len(rows)) + _stats(review, flt, bucket) + entries,
                True,
            ),
        ),
    )
