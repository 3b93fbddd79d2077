"""A dialog that owns a reader thread and stops it however it is closed."""

from __future__ import annotations

from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QWidget

from triage_app.gui.workers import JobQueue


class ReaderDialog(QDialog):
    """Base for dialogs that read the case on their own thread.

    Subclasses create ``self.reader`` and may override :meth:`before_shutdown`;
    closing with a button, Esc, the window manager or the main window all end
    in :meth:`shutdown`, after which late results are dropped (``_closed``).
    """

    reader: JobQueue

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._closed = False

    def before_shutdown(self) -> None:
        """Hook: stop timers, end a reveal... (runs once, before the reader stops)."""

    def shutdown(self) -> None:
        """Stop the reader thread; late results are dropped."""
        if self._closed:
            return
        self.before_shutdown()
        self._closed = True
        self.reader.shutdown()

    def done(self, result: int) -> None:
        """Closed with Esc or a button: stop the reader too."""
        self.shutdown()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closed by the window manager or the main window."""
        self.shutdown()
        super().closeEvent(event)
