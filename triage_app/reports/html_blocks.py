"""HTML building blocks shared by the case report and the audit review (no Qt).

Escaping, numbers and times as the reports print them, the two kinds of
table (``kv``: key/value facts; ``grid``: a header row over data rows), and
the style sheet both documents use, on screen and in the PDF. The HTML stays
plain (``thead``, ``colgroup``, ``colspan``, simple class selectors; no layout
attributes) so a browser and the PDF renderer show the same document.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from triage_app.domain.text_safety import printable
from triage_app.reports.pdf_document import PrintDocument, PrintPart

APPLICATION = "triage-workstation"
#: A grid table with at most this many body rows moves to the next page whole
#: rather than being split (with the heading before it), unless told otherwise.
KEEP_WHOLE_ROWS = 20

CSS = """
body { font-family: 'DejaVu Sans', Arial, Helvetica, sans-serif; font-size: 9pt; color: #000000; }
h1 { font-size: 17pt; font-weight: bold; margin-top: 0px; margin-bottom: 4px; }
h2 { font-size: 13pt; font-weight: bold; margin-top: 18px; margin-bottom: 6px; }
h3 { font-size: 10.5pt; font-weight: bold; margin-top: 12px; margin-bottom: 4px; }
p { margin-top: 3px; margin-bottom: 5px; }
p.subtitle { font-size: 12pt; margin-bottom: 12px; }
p.note { font-size: 8pt; color: #333333; }
table.grid, table.kv { width: 100%; border-collapse: collapse; margin-top: 4px;
                       margin-bottom: 8px; }
th { text-align: left; }
th.center { text-align: center; }
th.num, td.num { text-align: right; }
table.grid th { background-color: #e4e4e4; font-weight: bold; border: 1px solid #8c8c8c;
                padding: 3px; vertical-align: bottom; font-size: 8pt; }
table.listing td { font-size: 7.5pt; }
table.grid td { border: 1px solid #8c8c8c; padding: 3px; vertical-align: top; }
td { overflow-wrap: anywhere; }
table.kv th { width: 28%; font-weight: bold; padding: 3px; vertical-align: top;
              border: 1px solid #8c8c8c; background-color: #f0f0f0; }
table.kv td { padding: 3px; vertical-align: top; border: 1px solid #8c8c8c; }
tr.group td { background-color: #f3f3f3; font-style: italic; }
tr.sub td { font-weight: bold; }
tr.total td { font-weight: bold; background-color: #e9e9e9; }
img.thumb { width: 48px; }
.mono { font-family: 'DejaVu Sans Mono', 'Courier New', monospace; font-size: 7pt; }
.small { font-size: 7.5pt; }
.warning { color: #a00000; font-weight: bold; }
"""


@dataclass(frozen=True, slots=True)
class Section:
    """A numbered section of a report: its title and HTML body."""

    title: str
    body: str
    landscape: bool = False


def e(value: object) -> str:
    """Escape a value for HTML (None is empty); control and bidi characters become
    visible escapes, so a file name cannot reorder or hide the text around it."""
    if value is None:
        return ""
    return html.escape(printable(str(value), double_backslashes=False), quote=True)


def num(value: int | None) -> str:
    """A count with thousands separators."""
    return "" if value is None else f"{value:,}"


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


def kv(rows: Iterable[tuple[str, str]]) -> str:
    """A key/value table: one row per fact, the key (HTML) on the left."""
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return f'<table class="kv">{body}</table>'


def table(
    head: str,
    rows: Sequence[str],
    widths: Sequence[int] = (),
    extra_class: str = "",
    *,
    keep: bool | None = None,
) -> str:
    """A grid table from its ``thead`` content (one or more ``<tr>``), body rows and
    column ``widths`` (percent).

    ``keep`` marks it to move to the next page whole rather than be split: by
    default when it has at most :data:`KEEP_WHOLE_ROWS` rows. Give False for a
    table whose rows can be tall (a few of them could fill a page).
    """
    whole = len(rows) <= KEEP_WHOLE_ROWS if keep is None else keep
    classes = " ".join(c for c in ("grid", extra_class, "keep" if whole else "") if c)
    cols = "".join(f'<col style="width: {w}%">' for w in widths)
    return (
        f'<table class="{classes}">{f"<colgroup>{cols}</colgroup>" if cols else ""}'
        f"<thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"
    )


def grid(
    head: Sequence[str],
    rows: Iterable[str],
    widths: Sequence[int] = (),
    extra_class: str = "",
    *,
    keep: bool | None = None,
) -> str:
    """A grid table: one header row of ``head`` (HTML), column ``widths`` in percent."""
    cells = "".join(f"<th>{title}</th>" for title in head)
    return table(f"<tr>{cells}</tr>", list(rows), widths, extra_class, keep=keep)


def tr(cells: Iterable[str], cls: str = "") -> str:
    """A table row of ready cells, with an optional class."""
    attr = f' class="{cls}"' if cls else ""
    return f"<tr{attr}>{''.join(cells)}</tr>"


def td(value: str, *, right: bool = False, mono: bool = False, span: int = 1) -> str:
    """A table cell holding ``value`` (HTML): ``right`` aligned (a number), ``mono`` spaced."""
    classes = " ".join(c for c, on in (("num", right), ("mono", mono)) if on)
    attrs = f' class="{classes}"' if classes else ""
    if span > 1:
        attrs += f' colspan="{span}"'
    return f"<td{attrs}>{value}</td>"


def row(values: Iterable[str]) -> str:
    """A plain table row: one cell per value (HTML)."""
    return tr(td(v) for v in values)


def head_text(head: tuple[int, str]) -> str:
    """An audit head as ``SEQ:HASH``, the form ``triage audit verify --expect-head`` takes."""
    return f"{head[0]}:{head[1]}"


def case_document(
    title: str,
    reference: str,
    author: str,
    produced: str,
    head: tuple[int, str],
    parts: tuple[PrintPart, ...],
) -> PrintDocument:
    """A print document of case ``reference`` in the style sheet: the running header names
    the case, ``title`` and when it was ``produced`` (UTC); the footer the audit head."""
    return PrintDocument(
        title=f"{title}: case {reference}",
        author=author,
        header_left=f"Case {reference}",
        header_right=f"{title}. Produced {produced} UTC",
        footer_left=f"Audit trail head {head_text(head)}",
        parts=parts,
        css=CSS,
    )


def verify_command(head: tuple[int, str]) -> str:
    """The paragraphs telling how to show later that the trail still holds ``head``."""
    return (
        "<p>To show later that the trail still holds this entry, unchanged, run:</p>"
        f'<p class="mono">triage audit verify CASE_DIR --expect-head {e(head_text(head))}</p>'
    )
