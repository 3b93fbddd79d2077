"""The report's opening and its case-level sections: title block, case and exhibits,
summary of counts, integrity."""

from __future__ import annotations

from triage_app.reports.counts import MEDIA, MEDIA_LABELS, MOVING, Cell, CountTable, running_time
from triage_app.reports.html_blocks import (
    APPLICATION,
    Section,
    e,
    grid,
    head_text,
    kv,
    num,
    table,
    td,
    tr,
    verify_command,
    when,
)
from triage_app.reports.model import ReportData

TITLE = "Examination report: graded media"
EXHIBIT_COLUMNS = ("Exhibit", "Source folder", "Added (UTC)", "Ingest", "Found", "Hashed",
                   "Skipped", "Failed")  # fmt: skip


def title_block(data: ReportData) -> str:
    """The title, the case's key facts and any warning that the report is incomplete."""
    exhibits = ", ".join(e(x.reference) for x in data.exhibits) or "none"
    rows = [
        ("Case reference", f"<b>{e(data.reference)}</b>"),
        ("Exhibits", exhibits),
        ("Grading scheme", e(data.scheme.name)),
        ("Report produced", f"{when(data.generated_at)} UTC by {e(data.generated_by)}"),
        ("Software", f"{APPLICATION} {e(data.tool_version)}"),
        (
            "Audit trail head",
            f'entry {data.audit_head[0]}, hash <span class="mono">{e(data.audit_head[1])}</span>',
        ),
        (
            "Audit trail check",
            f"{num(data.audit_entries)} entries verified intact (hash chain) when this "
            "report was produced",
        ),
    ]
    out = [
        f"<h1>{TITLE}</h1>",
        f'<p class="subtitle">Case {e(data.reference)}</p>',
        kv(rows),
    ]
    if data.warnings:
        out.append('<p class="warning">THIS REPORT IS INCOMPLETE:</p>')
        out.append(
            "<ul>" + "".join(f'<li class="warning">{e(w)}</li>' for w in data.warnings) + "</ul>"
        )
    out.append(
        '<p class="note">Counts follow UK practice for summaries of indecent images: per '
        "exhibit, per category, still and moving images separately; prohibited "
        "non-photographic images and extreme pornography are reported separately. "
        "<b>Files</b> counts every file found (a duplicate counts each time it occurs); "
        "<b>Unique</b> counts distinct contents by SHA-256. The audit trail head above is "
        "the last entry of the case's hash-chained log when the report was produced.</p>"
    )
    return "".join(out)


def case_section(data: ReportData) -> Section:
    """1. Case and exhibits: when the case was opened, each exhibit's accounting."""
    rows = []
    for ex in data.exhibits:
        t = ex.totals
        last = ex.runs[-1] if ex.runs else None
        state = e(last.state) if last else "not ingested"
        rows.append(
            tr(
                [
                    td(f"<b>{e(ex.reference)}</b>"),
                    td(
                        e(ex.source)
                        + (f"<br/><small>{e(ex.verification)}</small>" if ex.verification else "")
                    ),
                    td(when(ex.added_at, stacked=True)),
                    td(state),
                    *_accounting(t.found, t.hashed, t.skipped, t.failed),
                ]
            )
        )
    t = data.totals
    rows.append(
        tr([td("All exhibits", span=4), *_accounting(t.found, t.hashed, t.skipped, t.failed)],
           "total")
    )  # fmt: skip
    body = [
        kv(
            [
                ("Case opened", f"{when(data.case_created_at)} UTC by {e(data.case_created_by)}"),
                ("Scheme identifier", f"{e(data.scheme.id)}"),
            ]
        ),
        "<h3>Exhibits</h3>",
        grid(EXHIBIT_COLUMNS, rows, [11, 29, 12, 10, 9, 10, 10, 9]),
        '<p class="note">Every entry found in an exhibit ends as exactly one of hashed, '
        "skipped by a named rule (links, special files) or failed with a reason: "
        "found = hashed + skipped + failed (section 5).</p>",
    ]
    return Section("Case and exhibits", "".join(body))


def _accounting(*counts: int) -> list[str]:
    return [td(num(n), right=True) for n in counts]


def _running(cell: Cell) -> str:
    """Under a moving-images count: the files' total running time (and how many have
    none known)."""
    if not cell.files:
        return ""
    unknown = f"<br>{num(cell.no_duration)} unknown" if cell.no_duration else ""
    return f'<br><span class="small">{running_time(cell.duration_s)}{unknown}</span>'


def count_table(counts: CountTable) -> str:
    """One count table: a row per category, files and unique per kind of media."""
    head = (
        '<tr><th rowspan="2">Category</th>'
        + "".join(f'<th class="center" colspan="2">{MEDIA_LABELS[m]}</th>' for m in MEDIA)
        + '<th class="center" colspan="2">All</th></tr><tr>'
        + '<th class="num">Files</th><th class="num">Unique</th>' * 4
        + "</tr>"
    )
    rows = []
    group = None
    for row in counts.rows:
        if row.group != group and row.group:
            rows.append(tr([td(e(row.group), span=9)], "group"))
        group = row.group
        cells = [td(e(row.label))]
        for media in MEDIA:
            cell = row.cells[media]
            files = num(cell.files) + (_running(cell) if media == MOVING else "")
            cells += [td(files, right=True), td(num(cell.unique), right=True)]
        total = row.total
        cells += [td(num(total.files), right=True), td(num(total.unique), right=True)]
        cls = {"subtotal": "sub", "total": "total"}.get(row.kind, "")
        rows.append(tr(cells, cls))
    return table(head, rows, [28] + [9] * 8, "counts")


def counts_section(data: ReportData) -> Section:
    """2. Summary of counts: per exhibit, then for the case; inconsistent grades."""
    body = [
        "<p>Counted per exhibit, then for the case. <b>Files</b>: every file found, so a "
        "duplicate counts each time it occurs. <b>Unique</b>: distinct contents by SHA-256, "
        "so a file found several times counts once. <b>Still images</b> are files of an "
        "image format (including animated GIF); <b>moving images</b> are video files, "
        "their file count given with their total running time (h:mm:ss; duplicates each "
        "time they occur, like the count) and how many have no known running time; "
        "<b>other files</b> are everything else that was hashed. Prohibited "
        "non-photographic images and extreme pornography are separate offences and are "
        "not included in the indecent-image total. Every hashed file is in exactly one "
        "row, so <b>All hashed files</b> equals the hashed count of the exhibit.</p>"
    ]
    for counts in data.exhibit_counts:
        body.append(f"<h3>Exhibit {e(counts.scope)}</h3>" + count_table(counts))
    body.append("<h3>All exhibits</h3>" + count_table(data.case_counts))
    body.append(
        '<p class="note">In the case total a content found on more than one exhibit is '
        "counted once as unique, so the unique counts for the case can be smaller than the "
        "sum of the exhibits' unique counts; the file counts always add up.</p>"
    )
    inconsistent = [
        (t.scope, i) for t in (*data.exhibit_counts, data.case_counts) for i in t.inconsistencies
    ]
    if inconsistent:
        body.append("<h3>Identical files graded differently</h3>")
        body.append(
            "<p>These contents (same SHA-256) carry different grades on different copies. "
            "Each file is counted under its own grade; the content is counted as unique "
            "once, under the most severe grade.</p>"
        )
        rows = [
            tr(
                [
                    td(e(scope)),
                    td(e(inc.sha256), mono=True),
                    td(
                        "; ".join(
                            f"{e(cat)}: item {', '.join(map(str, ids))}"
                            for cat, ids in sorted(inc.grades.items())
                        )
                    ),
                    td(e(inc.counted_as)),
                ]
            )
            for scope, inc in inconsistent
        ]
        body.append(
            grid(["Scope", "SHA-256", "Grades", "Unique counted as"], rows, [14, 46, 28, 12])
        )
    return Section("Summary of counts", "".join(body))


def integrity_section(data: ReportData) -> Section:
    """8. Integrity: the audit head the report belongs to and how to check it later."""
    body = [
        "<p>The case keeps an append-only audit trail in which every entry's hash covers "
        "the previous entry's, so no entry can be changed, removed or reordered without "
        "breaking the chain. When this report was produced the last entry was:</p>",
        kv(
            [
                ("Entry (sequence)", str(data.audit_head[0])),
                ("Hash (SHA-256)", f'<span class="mono">{e(data.audit_head[1])}</span>'),
            ]
        ),
        verify_command(data.audit_head),
        "<p>Writing this report was itself recorded in the audit trail (an <i>export</i> "
        "entry after the head above) with the SHA-256 of this file.</p>",
    ]
    return Section("Integrity", "".join(body))


def report_head(data: ReportData) -> str:
    """The report's audit head as ``SEQ:HASH``."""
    return head_text(data.audit_head)
