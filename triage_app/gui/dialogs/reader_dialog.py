"""A window on the case that reads on its own thread and stops it however it is closed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from triage_app.case.session import CaseSession
from triage_app.gui.qt import QCloseEvent, QDialog, Qt, QWidget, Signal
from triage_app.gui.widgets.forms import error_text
from triage_app.gui.workers import Failed, JobQueue


class ReaderDialog(QDialog):
    """Base for the windows that read the case on their own thread and write on the window's.

    It holds the signed-in ``session``, the main window's ``writer`` and its
    own ``reader`` queue (named :attr:`READER`). Closing with a button, Esc,
    the window manager or the main window all end in :meth:`shutdown`, after
    which late results are dropped (``_closed``). Subclasses set
    :attr:`READER`, :attr:`SIZE` and :attr:`OWN_WINDOW` and may override
    :meth:`before_shutdown` and :meth:`show_failure`. :meth:`read_then` and
    :meth:`write_then` run a job and hand its result to a callback only while the
    window is open.

    Signals:
        failed(str): something was refused or failed (also shown in the window).
    """

    failed = Signal(str)
    #: Name of the reader thread (it starts with one of ``workers.THREAD_PREFIXES``).
    READER = "reader"
    #: Size the window opens at.
    SIZE = (800, 600)
    #: A window of its own (with the window manager's buttons) rather than a dialog.
    OWN_WINDOW = False

    def __init__(
        self, session: CaseSession, writer: JobQueue, title: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        if self.OWN_WINDOW:
            self.setWindowFlag(Qt.WindowType.Window, True)
        self.setWindowTitle(title)
        self.resize(*self.SIZE)
        self.session = session
        self.writer = writer
        self.reader = JobQueue(self.READER, threads=1, parent=self)
        self._closed = False

    def read_then(self, job: Callable[[], Any], done: Callable[[Any], object]) -> None:
        """Run ``job`` on the reader; ``done`` gets its result unless the window closed first."""
        self.reader.submit(job, self._while_open(done), self._failed)

    def write_then(
        self, job: Callable[[], Any], done: Callable[[Any], object], failed: Failed | None = None
    ) -> None:
        """Run ``job`` on the writer; ``done`` (or ``failed``, by default :meth:`_failed`)
        gets its outcome unless the window closed first."""
        self.writer.submit(job, self._while_open(done), self._while_open(failed or self._failed))

    def _while_open(self, callback: Callable[[Any], object]) -> Callable[[Any], None]:
        def call(value: Any) -> None:
            if not self._closed:
                callback(value)

        return call

    def before_shutdown(self) -> None:
        """Hook: stop timers, end a reveal... (runs once, before the reader stops)."""

    def show_failure(self, text: str) -> None:
        """Hook: show why something failed (the base class shows nothing)."""

    def _failed(self, exc: BaseException) -> None:
        """Error callback of jobs: show and signal the failure, unless closed meanwhile."""
        if self._closed:
            return
        text = error_text(exc)
        self.show_failure(text)
        self.failed.emit(text)

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
