"""The report's per-file sections: files not processed, and the listing of graded items."""

from __future__ import annotations

from triage_app.domain.records import STATUS_FAILED
from triage_app.reports.html_blocks import Section, e, grid, num, td, tr, when
from triage_app.reports.model import ReportData, ReportItem


def problems_section(data: ReportData) -> Section:
    """5. Files not processed: the accounting, files not hashed, images not decoded in full."""
    body = ["<h3>Accounting</h3>"]
    for ex in data.exhibits:
        t = ex.totals
        ok = "balanced" if t.balanced else "DOES NOT BALANCE"
        body.append(
            f"<p>Exhibit <b>{e(ex.reference)}</b>: found {num(t.found)} = hashed "
            f"{num(t.hashed)} + skipped {num(t.skipped)} + failed {num(t.failed)} ({ok})</p>"
        )
    t = data.totals
    body.append(
        f"<p><b>All exhibits</b>: found {num(t.found)} = hashed {num(t.hashed)} + skipped "
        f"{num(t.skipped)} + failed {num(t.failed)}</p>"
    )
    problems = data.not_processed()
    body.append("<h3>Files not processed</h3>")
    if problems:
        rows = [
            _path_row(
                i,
                e(i.entry_kind),
                "<b>failed</b>" if i.status == STATUS_FAILED else e(i.status),
                e(i.reason),
            )
            for i in problems
        ]
        body.append(grid(["Exhibit", "Path", "Kind", "Status", "Reason"], rows, [11, 39, 9, 9, 32]))
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
            _path_row(i, e(i.decode_status), e(i.reason), e(i.category or "not graded"))
            for i in undecoded
        ]
        body.append(
            grid(["Exhibit", "Path", "Decode", "Reason", "Grade"], rows, [11, 39, 9, 29, 12])
        )
    else:
        body.append("<p>None.</p>")
    return Section("Files not processed", "".join(body))


def _path_row(item: ReportItem, *cells: str) -> str:
    return tr([td(e(item.exhibit)), td(e(item.path) + _hex_note(item)), *(td(c) for c in cells)])


def _hex_note(item: ReportItem) -> str:
    if item.path_hex is None:
        return ""
    return f'<br><span class="mono small">bytes {e(item.path_hex)}</span>'


#: The listing's columns and their widths (percent), without and with thumbnails.
LISTING_HEAD = ("No.", "Item", "Path", "Size", "MD5 / SHA-1", "Category", "How graded",
                "Examiner", "Graded (UTC)", "EXIF date")  # fmt: skip
LISTING_WIDTHS = (4, 5, 17, 7, 26, 7, 11, 9, 7, 7)
LISTING_WIDTHS_THUMBNAILS = (4, 5, 14, 6, 26, 7, 10, 7, 7, 6, 7)


def listing_section(data: ReportData, thumbs: dict[int, str] | None) -> Section:
    """6. Graded items, by exhibit, most severe first (landscape); ``thumbs``: item -> src."""
    listing = data.listing()
    body = [
        f"<p>{num(len(listing))} graded items, by exhibit, most severe category first. "
        "Paths are inside the exhibit, with the examiners' tags, notes and marked video "
        "frames under them. Size in bytes (a video's running time under it). Times in UTC. "
        + (
            "Thumbnails are blurred and in greyscale on purpose. "
            if thumbs is not None
            else "No images are reproduced. "
        )
        + "Items not graded are counted in section 2 and listed in the CSV export.</p>"
    ]
    head = list(LISTING_HEAD)
    widths: tuple[int, ...] = LISTING_WIDTHS
    if thumbs is not None:
        head.append("Blurred")
        widths = LISTING_WIDTHS_THUMBNAILS
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
                td(str(number), right=True),
                td(str(item.id), right=True),
                td(e(item.path) + _hex_note(item) + annotations_html(item)),
                td(num(item.size) + _duration(item), right=True),
                td(f"{e(item.md5)}<br>{e(item.sha1)}", mono=True),
                td(f"<b>{e(item.category)}</b>"),
                td(e(item.how_graded) + _after_sign_off_mark(item)),
                td(e(item.examiner)),
                td(when(item.graded_at, stacked=True)),
                td(when(item.exif_datetime, stacked=True)),
            ]
            if thumbs is not None:
                src = thumbs.get(item.id)
                cells.append(td(f'<img class="thumb" src="{src}">' if src else ""))
            rows.append(tr(cells))
        body.append(grid(head, rows, widths, "listing", keep=False))  # rows of 2-3 lines
    return Section("Graded items", "".join(body), landscape=True)


def _duration(item: ReportItem) -> str:
    """Under a video's size: its running time in seconds."""
    if item.duration_s is None:
        return ""
    return f'<br><span class="small">{item.duration_s:.1f} s</span>'


def _lines(text: str | None) -> str:
    """Escaped text whose new lines stay new lines."""
    return "<br>".join(e(line) for line in (text or "").split("\n"))


def annotations_html(item: ReportItem) -> str:
    """Under a listed item's path: its tags, the examiners' notes and marked frames."""
    out = []
    if item.tags:
        out.append(f"<b>Tags:</b> {e(', '.join(item.tags))}")
    for n in item.examiner_notes:
        out.append(f"<b>Note</b> ({e(n.examiner)}, {e(n.at)}): {_lines(n.text)}")
    for f in item.marked_frames:
        said = f": {_lines(f.text)}" if f.text else ""
        out.append(f"<b>Frame {f.seconds:.3f} s</b> ({e(f.examiner)}, {e(f.at)}){said}")
    return "".join(f'<br><span class="small">{line}</span>' for line in out)


def _after_sign_off_mark(item: ReportItem) -> str:
    """The listing's mark on an item changed after sign-off (see the section after it)."""
    if not item.changed_after_sign_off:
        return ""
    return '<br><span class="warning">changed after sign-off</span>'
