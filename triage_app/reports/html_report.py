"""The report laid out as HTML: a self-contained file, and the pages of the PDF.

Both come from the same sections, written in the subset of HTML and CSS
that Qt's rich text engine understands (tables with ``thead``, ``colspan``,
``align`` attributes, simple class selectors), so that a browser and the PDF
show the same document:

- :func:`render_html` gives one self-contained file: inline CSS, thumbnails
  (if asked for) as ``data:`` URIs, no scripts, nothing fetched;
- :func:`print_document` gives a :class:`PrintDocument` for the PDF: the same
  sections split into a portrait part and a landscape part (the item listing),
  with the running header and footer.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from triage_app.domain.records import STATUS_FAILED
from triage_app.reports.counts import MEDIA, MEDIA_LABELS, CountTable
from triage_app.reports.model import ReportData, ReportItem
from triage_app.reports.print_document import PrintDocument, PrintPart, extract_tables
from triage_app.review.grading import CONFIRMED, FROM_LIST, MANUAL

TITLE = "Examination report: graded media"
APPLICATION = "triage-workstation"

CSS = """
body { font-family: 'DejaVu Sans', Arial, Helvetica, sans-serif; font-size: 9pt; color: #000000; }
h1 { font-size: 17pt; font-weight: bold; margin-top: 0px; margin-bottom: 4px; }
h2 { font-size: 13pt; font-weight: bold; margin-top: 18px; margin-bottom: 6px; }
h3 { font-size: 10.5pt; font-weight: bold; margin-top: 12px; margin-bottom: 4px; }
p { margin-top: 3px; margin-bottom: 5px; }
p.subtitle { font-size: 12pt; margin-bottom: 12px; }
p.note { font-size: 8pt; color: #333333; }
table.grid { border-collapse: collapse; margin-top: 4px; margin-bottom: 8px; }
table.grid th { background-color: #e4e4e4; font-weight: bold; border: 1px solid #8c8c8c;
                padding: 3px; vertical-align: bottom; font-size: 8pt; }
table.listing td { font-size: 7.5pt; }
table.grid td { border: 1px solid #8c8c8c; padding: 3px; vertical-align: top; }
table.kv { border-collapse: collapse; margin-top: 4px; margin-bottom: 8px; }
table.kv th { font-weight: bold; padding: 3px; vertical-align: top; border: 1px solid #8c8c8c;
              background-color: #f0f0f0; }
table.kv td { padding: 3px; vertical-align: top; border: 1px solid #8c8c8c; }
tr.group td { background-color: #f3f3f3; font-style: italic; }
tr.sub td { font-weight: bold; }
tr.total td { font-weight: bold; background-color: #e9e9e9; }
.mono { font-family: 'DejaVu Sans Mono', 'Courier New', monospace; font-size: 7pt; }
.small { font-size: 7.5pt; }
.warning { color: #a00000; font-weight: bold; }
"""

_CSS_SCREEN = """
body { max-width: 60em; margin: 2em auto; padding: 0 1em; }
table.listing { max-width: none; }
@media print { h2.listing { page-break-before: always; } body { max-width: none; margin: 0; } }
"""


@dataclass(frozen=True, slots=True)
class _Section:
    title: str
    body: str
    landscape: bool = False


def e(value: object) -> str:
    """Escape a value for HTML (None is empty)."""
    return "" if value is None else html.escape(str(value), quote=True)


def num(value: int | None) -> str:
    """A count with thousands separators."""
    return "" if value is None else f"{value:,}"


def _kv(rows: Iterable[tuple[str, str]], width: str = "100%") -> str:
    body = "".join(f'<tr><th align="left" width="28%">{k}</th><td>{v}</td></tr>' for k, v in rows)
    return f'<table class="kv" width="{width}" cellspacing="0" cellpadding="3">{body}</table>'


def _grid(
    head: Sequence[str],
    rows: Iterable[str],
    widths: Sequence[int] | None = None,
    extra_class: str = "",
) -> str:
    cells = []
    for i, title in enumerate(head):
        width = f' width="{widths[i]}%"' if widths else ""
        cells.append(f'<th align="left"{width}>{title}</th>')
    return (
        f'<table class="grid {extra_class}" width="100%" cellspacing="0" cellpadding="3">'
        f"<thead><tr>{''.join(cells)}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _tr(cells: Iterable[str], cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<tr{attr}>{''.join(cells)}</tr>"


def _td(value: str, *, right: bool = False, mono: bool = False, span: int = 1) -> str:
    attrs = ' align="right"' if right else ""
    if span > 1:
        attrs += f' colspan="{span}"'
    if mono:
        attrs += ' class="mono"'
    return f"<td{attrs}>{value}</td>"


def when(stamp: str | None, *, stacked: bool = False) -> str:
    """A UTC timestamp (ISO 8601) or an EXIF date as ``YYYY-MM-DD HH:MM:SS``, escaped.

    ``stacked`` puts the time under the date (narrow table columns).
    """
    if not stamp:
        return ""
    text = stamp.strip()
    if re.fullmatch(r"\d{4}:\d{2}:\d{2}[ T].*", text):  # EXIF "2024:01:10 12:00:00"
        text = text[:10].replace(":", "-") + text[10:]
    if len(text) >= 19 and text[10] in "T ":
        date, time = text[:10], text[11:19]
        return f"{e(date)}<br>{e(time)}" if stacked else f"{e(date)} {e(time)}"
    return e(text)


def _head(data: ReportData) -> str:
    return f"{data.audit_head[0]}:{data.audit_head[1]}"


# -- sections -----------------------------------------------------------------


def _title_block(data: ReportData) -> str:
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
        _kv(rows),
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


def _case_section(data: ReportData) -> _Section:
    rows = []
    for ex in data.exhibits:
        t = ex.totals
        last = ex.runs[-1] if ex.runs else None
        state = e(last.state) if last else "not ingested"
        rows.append(
            _tr(
                [
                    _td(f"<b>{e(ex.reference)}</b>"),
                    _td(e(ex.source)),
                    _td(when(ex.added_at, stacked=True)),
                    _td(state),
                    _td(num(t.found), right=True),
                    _td(num(t.hashed), right=True),
                    _td(num(t.skipped), right=True),
                    _td(num(t.failed), right=True),
                ]
            )
        )
    t = data.totals
    rows.append(
        _tr(
            [
                _td("All exhibits", span=4),
                _td(num(t.found), right=True),
                _td(num(t.hashed), right=True),
                _td(num(t.skipped), right=True),
                _td(num(t.failed), right=True),
            ],
            "total",
        )
    )
    body = [
        _kv(
            [
                ("Case opened", f"{when(data.case_created_at)} UTC by {e(data.case_created_by)}"),
                ("Scheme identifier", f"{e(data.scheme.id)}"),
            ]
        ),
        "<h3>Exhibits</h3>",
        _grid(
            [
                "Exhibit",
                "Source folder",
                "Added (UTC)",
                "Ingest",
                "Found",
                "Hashed",
                "Skipped",
                "Failed",
            ],
            rows,
            [11, 29, 12, 10, 9, 10, 10, 9],
        ),
        '<p class="note">Every entry found in an exhibit ends as exactly one of hashed, '
        "skipped by a named rule (links, special files) or failed with a reason: "
        "found = hashed + skipped + failed (section 5).</p>",
    ]
    return _Section("Case and exhibits", "".join(body))


def _count_table(table: CountTable) -> str:
    head = (
        '<thead><tr><th align="left" rowspan="2" width="28%">Category</th>'
        + "".join(f'<th align="center" colspan="2">{MEDIA_LABELS[m]}</th>' for m in MEDIA)
        + '<th align="center" colspan="2">All</th></tr><tr>'
        + '<th align="right" width="9%">Files</th><th align="right" width="9%">Unique</th>' * 4
        + "</tr></thead>"
    )
    rows = []
    group = None
    for row in table.rows:
        if row.group != group and row.group:
            rows.append(_tr([_td(e(row.group), span=9)], "group"))
        group = row.group
        cells = [_td(e(row.label))]
        for media in MEDIA:
            cell = row.cells[media]
            cells += [_td(num(cell.files), right=True), _td(num(cell.unique), right=True)]
        total = row.total
        cells += [_td(num(total.files), right=True), _td(num(total.unique), right=True)]
        cls = {"subtotal": "sub", "total": "total"}.get(row.kind, "")
        rows.append(_tr(cells, cls))
    return (
        '<table class="grid counts" width="100%" cellspacing="0" cellpadding="3">'
        f"{head}<tbody>{''.join(rows)}</tbody></table>"
    )


def _counts_section(data: ReportData) -> _Section:
    body = [
        "<p>Counted per exhibit, then for the case. <b>Files</b>: every file found, so a "
        "duplicate counts each time it occurs. <b>Unique</b>: distinct contents by SHA-256, "
        "so a file found several times counts once. <b>Still images</b> are files of an "
        "image format (including animated GIF); <b>moving images</b> are video files; "
        "<b>other files</b> are everything else that was hashed. Prohibited "
        "non-photographic images and extreme pornography are separate offences and are "
        "not included in the indecent-image total. Every hashed file is in exactly one "
        "row, so <b>All hashed files</b> equals the hashed count of the exhibit.</p>"
    ]
    for table in data.exhibit_counts:
        body.append(f"<h3>Exhibit {e(table.scope)}</h3>" + _count_table(table))
    body.append("<h3>All exhibits</h3>" + _count_table(data.case_counts))
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
            _tr(
                [
                    _td(e(scope)),
                    _td(e(inc.sha256), mono=True),
                    _td(
                        "; ".join(
                            f"{e(cat)}: item {', '.join(map(str, ids))}"
                            for cat, ids in sorted(inc.grades.items())
                        )
                    ),
                    _td(e(inc.counted_as)),
                ]
            )
            for scope, inc in inconsistent
        ]
        body.append(
            _grid(["Scope", "SHA-256", "Grades", "Unique counted as"], rows, [14, 46, 28, 12])
        )
    return _Section("Summary of counts", "".join(body))


def _method_section(data: ReportData) -> _Section:
    pillow = sorted({r.pillow_version for x in data.exhibits for r in x.runs})
    imagehash = sorted({r.imagehash_version for x in data.exhibits for r in x.runs})
    body = [
        "<h3>Software</h3>",
        _kv(
            [
                ("Report produced with", f"{APPLICATION} {e(data.tool_version)}"),
                ("Pillow (image decoding)", e(", ".join(pillow) or "not used")),
                ("imagehash (pHash, dHash)", e(", ".join(imagehash) or "not used")),
                (
                    "Installed now",
                    f"Pillow {e(data.runtime_versions['pillow'])}, imagehash "
                    f"{e(data.runtime_versions['imagehash'])}",
                ),
            ]
        ),
        "<p>Each exhibit was read without being changed. Every file found was hashed in "
        "full (MD5, SHA-1 and SHA-256). Images of an allowed format were decoded with "
        "Pillow, with their EXIF orientation applied and transparency composited on white; "
        "their perceptual hashes (pHash and dHash, 64 bits) were computed with imagehash. "
        "Other formats were hashed and never decoded.</p>",
        "<h3>Ingests</h3>",
    ]
    rows = []
    for ex in data.exhibits:
        for r in ex.runs:
            atime = {True: "yes", False: "no", None: "-"}[r.atime_preserved]
            rows.append(
                _tr(
                    [
                        _td(e(ex.reference)),
                        _td(str(r.id), right=True),
                        _td(when(r.started_at)),
                        _td(when(r.finished_at)),
                        _td(e(r.state)),
                        _td(e(r.app_version)),
                        _td(e(r.pillow_version)),
                        _td(e(r.imagehash_version)),
                        _td(atime),
                    ]
                )
            )
    body.append(
        _grid(
            [
                "Exhibit",
                "Run",
                "Started (UTC)",
                "Finished (UTC)",
                "State",
                "triage",
                "Pillow",
                "imagehash",
                "Access times kept",
            ],
            rows,
            [11, 6, 17, 17, 9, 9, 9, 11, 11],
        )
    )
    body.append("<h3>Hash sets used</h3>")
    if not data.hash_sets:
        body.append("<p>No hash set was used: the case was not matched against any list.</p>")
    else:
        rows = []
        for s in data.hash_sets:
            rows.append(
                _tr(
                    [
                        _td(f"<b>{e(s.name)}</b>"),
                        _td(e(s.role)),
                        _td(num(s.entries), right=True),
                        _td(when(s.imported_at)),
                        _td(
                            e(", ".join(map(str, s.runs)))
                            + (" (latest)" if s.in_latest_run else "")
                        ),
                    ]
                )
            )
            rows.append(
                _tr(
                    [
                        _td(
                            f'fingerprint <span class="mono">{e(s.fingerprint)}</span><br>'
                            f'file SHA-256 <span class="mono">{e(s.source_sha256)}</span>',
                            span=5,
                        )
                    ]
                )
            )
        body.append(
            _grid(
                ["Name", "Role", "Entries", "Imported (UTC)", "Used in match runs"],
                rows,
                [34, 12, 14, 22, 18],
            )
        )
        body.append(
            '<p class="note">The fingerprint identifies a list\'s content whatever its file '
            "encoding; the file SHA-256 identifies the exact file imported.</p>"
        )
    body.append("<h3>Matching and thresholds</h3>")
    if data.match_runs:
        rows = [
            _tr(
                [
                    _td(str(r.id), right=True),
                    _td(when(r.finished_at or r.started_at)),
                    _td(e(", ".join(r.sets) or "none")),
                    _td(e(r.thresholds.get("phash", "")), right=True),
                    _td(e(r.thresholds.get("confirm", "")), right=True),
                    _td(num(r.counts.get("exact", 0)), right=True),
                    _td(num(r.counts.get("near", 0)), right=True),
                    _td(num(r.counts.get("ignorable", 0)), right=True),
                ]
            )
            for r in data.match_runs
        ]
        body.append(
            _grid(
                [
                    "Run",
                    "Matched (UTC)",
                    "Hash sets",
                    "pHash max",
                    "dHash max",
                    "Exact",
                    "Near",
                    "Ignorable",
                ],
                rows,
                [6, 17, 35, 9, 9, 8, 8, 8],
            )
        )
    else:
        body.append("<p>The case was not matched against hash lists.</p>")
    body.append(
        "<p><b>Exact</b>: the file's MD5, SHA-1 or SHA-256 equals an entry of a known list. "
        "<b>Near</b>: its pHash is within the pHash threshold (bits of 64) of a list "
        "entry's and its dHash within the dHash threshold; low-information (blank, uniform) "
        "and partly decoded images never near-match. A near match is only a suggestion "
        "until an examiner confirms it. <b>Ignorable</b>: an exact hit in a known-good list "
        "(such as NSRL); it is not a grade.</p>"
    )
    body.append("<h3>How the items were graded</h3>")
    sources = data.grade_sources()
    explain = {
        FROM_LIST: "graded from the category of an exact hash-list match, without viewing",
        CONFIRMED: "a near-match suggestion, viewed and confirmed by an examiner",
        MANUAL: "graded by an examiner who viewed the item",
        "propagated": "copied from an item of the same duplicate group (identical or "
        "visually the same) that an examiner graded",
    }
    rows = [
        _tr([_td(e(k)), _td(num(sources.get(k, 0)), right=True), _td(e(v))])
        for k, v in explain.items()
    ]
    rows += [
        _tr([_td(e(k)), _td(num(v), right=True), _td("")])
        for k, v in sources.items()
        if k not in explain
    ]
    rows.append(
        _tr([_td("all grades"), _td(num(sum(sources.values())), right=True), _td("")], "total")
    )
    body.append(_grid(["Grade source", "Items", "Meaning"], rows, [24, 10, 66]))
    body.append(
        '<p class="note">The listing (section 6) gives each item\'s source and, for a '
        "hash-list or near match, the list and the hash it matched on. A video is graded "
        "by the most severe content visible in it.</p>"
    )
    return _Section("Method", "".join(body))


def _people_section(data: ReportData) -> _Section:
    rows = [
        _tr(
            [
                _td(e(a.label)),
                _td(e(a.role)),
                _td("yes" if a.active else "no"),
                _td(num(a.grades_held), right=True),
                _td(when(a.first_graded)),
                _td(when(a.last_graded)),
            ]
        )
        for a in data.accounts
    ]
    body = [
        _grid(
            [
                "Account",
                "Role",
                "Active",
                "Grades held",
                "First grade held (UTC)",
                "Last grade held (UTC)",
            ],
            rows,
            [30, 12, 8, 12, 19, 19],
        ),
        '<p class="note">Grades held: the current grades recorded under the account. Every '
        "grade and every change of grade, with who, when and why, is in the audit trail.</p>",
        "<h3>Dates</h3>",
    ]
    events: list[tuple[str, str]] = [(data.case_created_at, "case opened")]
    for ex in data.exhibits:
        for r in ex.runs:
            events.append((r.started_at, f"ingest of exhibit {ex.reference} started (run {r.id})"))
            if r.finished_at:
                events.append((r.finished_at, f"ingest of exhibit {ex.reference} ended: {r.state}"))
    for m in data.match_runs:
        events.append((m.finished_at or m.started_at, f"matched against hash sets (run {m.id})"))
    for s in data.sign_offs:
        events.append((s.time_utc, f"sign-off by {s.user} ({s.object}), audit entry {s.seq}"))
    graded_times = sorted(i.graded_at for i in data.items if i.graded_at)
    if graded_times:
        events.append((graded_times[0], "earliest grade held"))
        events.append((graded_times[-1], "latest grade held"))
    events.append((data.generated_at, f"this report produced by {data.generated_by}"))
    rows = [_tr([_td(when(stamp)), _td(e(what))]) for stamp, what in sorted(events)]
    body.append(_grid(["Date and time (UTC)", "Event"], rows, [24, 76]))
    if not data.sign_offs:
        body.append("<p>No supervisor sign-off was recorded before this report.</p>")
    return _Section("Examiners and dates", "".join(body))


def _problems_section(data: ReportData) -> _Section:
    body = ["<h3>Accounting</h3>"]
    lines = []
    for ex in data.exhibits:
        t = ex.totals
        ok = "balanced" if t.balanced else "DOES NOT BALANCE"
        lines.append(
            f"<p>Exhibit <b>{e(ex.reference)}</b>: found {num(t.found)} = hashed "
            f"{num(t.hashed)} + skipped {num(t.skipped)} + failed {num(t.failed)} ({ok})</p>"
        )
    t = data.totals
    lines.append(
        f"<p><b>All exhibits</b>: found {num(t.found)} = hashed {num(t.hashed)} + skipped "
        f"{num(t.skipped)} + failed {num(t.failed)}</p>"
    )
    body += lines
    problems = data.not_processed()
    body.append("<h3>Files not processed</h3>")
    if problems:
        rows = [
            _tr(
                [
                    _td(e(i.exhibit)),
                    _td(e(i.path) + _hex_note(i)),
                    _td(e(i.entry_kind)),
                    _td("<b>failed</b>" if i.status == STATUS_FAILED else e(i.status)),
                    _td(e(i.reason)),
                ]
            )
            for i in problems
        ]
        body.append(
            _grid(["Exhibit", "Path", "Kind", "Status", "Reason"], rows, [11, 39, 9, 9, 32])
        )
    else:
        body.append("<p>None: every entry found was hashed.</p>")
    undecoded = data.not_decoded()
    body.append("<h3>Images hashed but not decoded in full</h3>")
    if undecoded:
        body.append(
            "<p>These files were hashed (and can match hash lists by MD5, SHA-1 or SHA-256) "
            "but their picture could not be decoded in full, so they have no reliable "
            "perceptual hash and no thumbnail.</p>"
        )
        rows = [
            _tr(
                [
                    _td(e(i.exhibit)),
                    _td(e(i.path) + _hex_note(i)),
                    _td(e(i.decode_status)),
                    _td(e(i.reason)),
                    _td(e(i.category or "not graded")),
                ]
            )
            for i in undecoded
        ]
        body.append(
            _grid(["Exhibit", "Path", "Decode", "Reason", "Grade"], rows, [11, 39, 9, 29, 12])
        )
    else:
        body.append("<p>None.</p>")
    return _Section("Files not processed", "".join(body))


def _hex_note(item: ReportItem) -> str:
    if item.path_hex is None:
        return ""
    return f'<br><span class="mono small">bytes {e(item.path_hex)}</span>'


def _listing_section(data: ReportData, thumbs: dict[int, str] | None) -> _Section:
    listing = data.listing()
    body = [
        f"<p>{num(len(listing))} graded items, by exhibit, most severe category first. "
        "Paths are inside the exhibit. Size in bytes. Times in UTC. "
        + (
            "Thumbnails are blurred and in greyscale on purpose. "
            if thumbs is not None
            else "No images are reproduced. "
        )
        + "Items not graded are counted in section 2 and listed in the CSV export.</p>"
    ]
    head = ["No.", "Item", "Path", "Size", "MD5 / SHA-1", "Category", "How graded", "Examiner",
            "Graded (UTC)", "EXIF date"]  # fmt: skip
    widths = [4, 5, 17, 7, 26, 7, 11, 9, 7, 7]
    if thumbs is not None:
        head.append("Blurred")
        widths = [4, 5, 14, 6, 26, 7, 10, 7, 7, 6, 7]
    number = 0
    by_exhibit: dict[str, list[ReportItem]] = {}
    for item in listing:
        by_exhibit.setdefault(item.exhibit, []).append(item)
    if not listing:
        body.append("<p>No item has been graded.</p>")
    for exhibit, items in by_exhibit.items():
        body.append(f"<h3>Exhibit {e(exhibit)}: {num(len(items))} graded items</h3>")
        rows = []
        for item in items:
            number += 1
            cells = [
                _td(str(number), right=True),
                _td(str(item.id), right=True),
                _td(e(item.path) + _hex_note(item)),
                _td(num(item.size), right=True),
                _td(f"{e(item.md5)}<br>{e(item.sha1)}", mono=True),
                _td(f"<b>{e(item.category)}</b>"),
                _td(e(item.how_graded) + _after_sign_off_mark(item)),
                _td(e(item.examiner)),
                _td(when(item.graded_at, stacked=True)),
                _td(when(item.exif_datetime, stacked=True)),
            ]
            if thumbs is not None:
                src = thumbs.get(item.id)
                cells.append(_td(f'<img src="{src}" width="48">' if src else ""))
            rows.append(_tr(cells))
        body.append(_grid(head, rows, widths, "listing"))
    return _Section("Graded items", "".join(body), landscape=True)


def _after_sign_off_mark(item: ReportItem) -> str:
    """The listing's mark on an item changed after sign-off (see the section after it)."""
    if not item.changed_after_sign_off:
        return ""
    return '<br><span class="warning">changed after sign-off</span>'


def _after_sign_off_section(data: ReportData) -> _Section:
    changes = data.changes_after_sign_off
    if not changes:
        return _Section(
            "Changes after sign-off",
            "<p>No grade was changed after a supervisor's sign-off.</p>"
            if data.sign_offs
            else "<p>Nothing has been signed off, so no change can follow a sign-off.</p>",
        )
    n = len({c.item_id for c in changes})
    body = [
        f"<p>{num(n)} {'item' if n == 1 else 'items'} had a grade changed after a sign-off "
        f"that covered {'it' if n == 1 else 'them'}; each change needed a reason. Graded items "
        "so changed are marked "
        "<i>changed after sign-off</i> in the listing. Times in UTC.</p>"
    ]
    rows = [
        _tr(
            [
                _td(str(c.item_id), right=True),
                _td(e(c.exhibit) + "<br>" + e(c.path)),
                _td(f"{e(c.old_category or 'none')} ({e(c.old_source or '-')})"),
                _td(f"<b>{e(c.new_category or 'none')}</b> ({e(c.new_source or '-')})"),
                _td(f"{e(c.user)}<br>{when(c.time_utc)}<br>audit entry {e(c.audit_seq)}"),
                _td(e(c.reason)),
                _td(
                    f"{e(c.sign_off_object)} by {e(c.sign_off_by)}<br>{when(c.sign_off_time)}"
                    f"<br>audit entry {e(c.sign_off_seq)}"
                ),
            ]
        )
        for c in changes
    ]
    body.append(
        _grid(
            ["Item", "Exhibit and path", "Before", "After", "Changed by, when", "Reason",
             "Signed off"],
            rows,
            [6, 22, 11, 11, 17, 15, 18],
        )
    )  # fmt: skip
    return _Section("Changes after sign-off", "".join(body))


def _integrity_section(data: ReportData) -> _Section:
    head = _head(data)
    body = [
        "<p>The case keeps an append-only audit trail in which every entry's hash covers "
        "the previous entry's, so no entry can be changed, removed or reordered without "
        "breaking the chain. When this report was produced the last entry was:</p>",
        _kv(
            [
                ("Entry (sequence)", str(data.audit_head[0])),
                ("Hash (SHA-256)", f'<span class="mono">{e(data.audit_head[1])}</span>'),
            ]
        ),
        "<p>To show later that the trail still contains this entry, unchanged, run:</p>",
        f'<p class="mono">triage audit verify CASE_DIR --expect-head {e(head)}</p>',
        "<p>Writing this report was itself recorded in the audit trail (an <i>export</i> "
        "entry after the head above) with the SHA-256 of this file.</p>",
    ]
    return _Section("Integrity", "".join(body))


def sections(data: ReportData, thumbs: dict[int, str] | None = None) -> list[_Section]:
    """The numbered sections of the report, in order."""
    return [
        _case_section(data),
        _counts_section(data),
        _method_section(data),
        _people_section(data),
        _problems_section(data),
        _listing_section(data, thumbs),
        _after_sign_off_section(data),
        _integrity_section(data),
    ]


def _section_html(number: int, section: _Section, screen: bool) -> str:
    cls = ' class="listing"' if section.landscape and screen else ""
    return f"<h2{cls}>{number}. {e(section.title)}</h2>{section.body}"


def render_html(data: ReportData, thumbnails: dict[int, bytes] | None = None) -> bytes:
    """One self-contained HTML file (UTF-8)."""
    thumbs = (
        None
        if thumbnails is None
        else {
            item: "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")
            for item, jpeg in thumbnails.items()
        }
    )
    parts = sections(data, thumbs)
    body = _title_block(data) + "".join(_section_html(n, s, True) for n, s in enumerate(parts, 1))
    footer = (
        f'<p class="note">Case {e(data.reference)}. Audit trail head {e(_head(data))}. '
        f"Produced {when(data.generated_at)} UTC with {APPLICATION} {e(data.tool_version)}.</p>"
    )
    document = (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "img-src data:; style-src 'unsafe-inline'\">"
        f"<title>{e(TITLE)}: case {e(data.reference)}</title>"
        f"<style>{CSS}{_CSS_SCREEN}</style></head>"
        f"<body>{body}<hr>{footer}</body></html>\n"
    )
    return document.encode("utf-8")


def print_document(data: ReportData, thumbnails: dict[int, bytes] | None = None) -> PrintDocument:
    """The report as parts for the PDF renderer (images referenced by name)."""
    thumbs = None if thumbnails is None else {i: f"thumb-{i}.jpg" for i in thumbnails}
    images = {} if thumbnails is None else {f"thumb-{i}.jpg": j for i, j in thumbnails.items()}
    parts: list[PrintPart] = []
    chunks: list[str] = [_title_block(data)]
    landscape = False
    for number, section in enumerate(sections(data, thumbs), 1):
        if section.landscape != landscape and chunks:
            parts.append(_part(chunks, landscape))
            chunks = []
        landscape = section.landscape
        chunks.append(_section_html(number, section, False))
    if chunks:
        parts.append(_part(chunks, landscape))
    return PrintDocument(
        title=f"{TITLE}: case {data.reference}",
        author=data.generated_by,
        header_left=f"Case {data.reference}",
        header_right=f"{TITLE}. Produced {html.unescape(when(data.generated_at))} UTC",
        footer_left=f"Audit trail head {_head(data)}",
        parts=tuple(parts),
        images=images,
    )


def _part(chunks: list[str], landscape: bool) -> PrintPart:
    html_text = f"<html><head><style>{CSS}</style></head><body>{''.join(chunks)}</body></html>"
    lifted = extract_tables(html_text)
    return PrintPart(lifted.html, landscape, lifted.tables)
