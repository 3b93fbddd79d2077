"""The detail pane: an item's metadata, hashes, match, group, grade and history as text.

It never shows the image: its HTML is built from escaped text only, and
resource loading is switched off so that not even an ``<img>`` tag could
bring a picture in.
"""

from __future__ import annotations

import html
from typing import Any

from triage_app.domain.text_safety import printable
from triage_app.gui.qt import QTextBrowser, QUrl, QWidget
from triage_app.review.details import Section

_STYLE = """
<style>
td.h { font-weight: bold; color: #37474f; padding-top: 10px; font-size: 11pt; }
td.k { color: #607d8b; padding-right: 10px; white-space: nowrap; vertical-align: top; }
td.v { font-family: monospace; }
</style>
"""


def _shown(text: str) -> str:
    """Escaped for HTML, with control and bidi characters (from file names) made visible."""
    return html.escape(printable(text))


def sections_html(title: str, sections: list[Section]) -> str:
    """The pane's HTML for ``sections``: one two-column table, all text escaped."""
    parts = [_STYLE, f"<h2>{_shown(title)}</h2>", "<table cellspacing='0' cellpadding='1'>"]
    for name, rows in sections:
        parts.append(f"<tr><td class='h' colspan='2'>{_shown(name)}</td></tr>")
        for key, value in rows:
            parts.append(
                f"<tr><td class='k'>{_shown(key)}</td><td class='v'>{_shown(value)}</td></tr>"
            )
    parts.append("</table>")
    return "".join(parts)


class DetailPane(QTextBrowser):
    """Read-only, selectable text about the current item (never its picture)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setAccessibleName("Item details")
        self.setMinimumWidth(300)
        self.show_message("No item selected.")

    def loadResource(self, kind: int, name: QUrl | str) -> Any:
        """Load nothing: no image or other resource ever enters the pane."""
        return None

    def show_message(self, text: str) -> None:
        """Show a line of text instead of item details."""
        self.setHtml(f"<p style='color:#607d8b'>{html.escape(text)}</p>")

    def show_sections(self, title: str, sections: list[Section]) -> None:
        """Show an item's sections."""
        self.setHtml(sections_html(title, sections))
