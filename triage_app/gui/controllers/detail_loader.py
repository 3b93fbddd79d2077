"""Reads the current item's details on a reader thread, a moment after the tile changes.

Moving through the grid fires many "current changed" events; the read waits
:data:`DETAIL_DELAY_MS` for the last one, and an answer that arrives after a
newer request is dropped, so the pane always shows the current item.
"""

from __future__ import annotations

from collections.abc import Callable

from triage_app.case.session import CaseSession
from triage_app.gui.qt import QObject, QTimer
from triage_app.gui.widgets.detail_pane import DetailPane
from triage_app.gui.workers import JobQueue
from triage_app.review.details import ItemDetails, detail_sections, load_details
from triage_app.review.gallery_rows import GalleryRow

DETAIL_DELAY_MS = 80
#: What to read: the session, reader, item and its gallery row (None: nothing to show).
Target = Callable[[], "tuple[CaseSession, JobQueue, int, GalleryRow | None] | None"]


class DetailLoader(QObject):
    """Debounced, token-checked detail reads for a :class:`DetailPane`."""

    def __init__(self, pane: DetailPane, target: Target, parent: QObject) -> None:
        super().__init__(parent)
        self.pane = pane
        self._target = target
        self._token = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DETAIL_DELAY_MS)
        self._timer.timeout.connect(self._load)

    def schedule(self) -> None:
        """Read the current item's details soon (restarts the short wait)."""
        self._timer.start()

    def _load(self) -> None:
        target = self._target()
        if target is None:
            return
        session, reader, item, row = target
        self._token += 1
        token = self._token
        reader.submit(
            lambda: load_details(session, item),
            lambda details: self._show(token, session, row, details),
        )

    def _show(
        self, token: int, session: CaseSession, row: GalleryRow | None, details: ItemDetails | None
    ) -> None:
        if token != self._token:
            return
        if details is None:
            self.pane.show_message("The item is gone.")
            return
        sections = detail_sections(details, row, session.scheme)
        self.pane.show_sections(f"Item #{details.item.id}", sections)
