"""Case jobs started from the window: ingest an exhibit, the hash library, matching, reports.

Each opens its dialog over the window and runs its work on the window's writer
thread (ingest, matching and report writes all record in the audit trail).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from triage_app.gui.dialogs.hashsets_dialog import HashSetsDialog, refresh_text
from triage_app.gui.dialogs.ingest_dialog import IngestDialog, run_ingest
from triage_app.gui.dialogs.report_dialog import REPORT, ReportDialog
from triage_app.gui.qt import QObject
from triage_app.gui.window.host import WindowHost
from triage_app.review.refresh import RefreshResult, refresh


class CaseTools(QObject):
    """Ingest, hash sets, matching and reports for a window (through :class:`WindowHost`)."""

    def __init__(self, host: WindowHost, parent: QObject) -> None:
        super().__init__(parent)
        self.host = host
        self.ingest_dialog: IngestDialog | None = None
        self.report_dialog: ReportDialog | None = None

    def ingest(self) -> None:
        """Add an exhibit and ingest it, with progress, rate, ETA and Cancel."""
        if self.host.session is None:
            return
        dialog = IngestDialog(self.host.widget)
        self.ingest_dialog = dialog
        dialog.start_requested.connect(
            lambda source, exhibit, workers: self.start_ingest(dialog, source, exhibit, workers)
        )
        dialog.exec()
        self.ingest_dialog = None

    def start_ingest(self, dialog: IngestDialog, source: Path, exhibit: str, workers: int) -> None:
        """Run an ingest for ``dialog`` on the writer thread."""
        host = self.host
        session = host.session
        if session is None:
            return
        relay, library, cancel = dialog.relay, host.library, dialog.cancel_event
        host.say(f"Ingesting {source} as {exhibit}…")

        def finished(outcome: Any) -> None:
            dialog.show_finished(outcome)
            host.say(f"Ingest of {exhibit} {outcome[0].state}")
            host.panel.reload()

        host.writer.submit(
            lambda: run_ingest(session, source, exhibit, workers, relay, cancel, library),
            finished,
            lambda exc: dialog.show_failed(str(exc)),
        )

    def cancel_ingest(self) -> None:
        """Ask a running ingest to stop (the window is closing)."""
        if self.ingest_dialog is not None:
            self.ingest_dialog.cancel_event.set()

    def hash_sets(self) -> None:
        """Manage the hash library and match the case."""
        host = self.host
        if host.session is None or host.panel.reader is None:
            return
        dialog = HashSetsDialog(
            host.session, host.writer, host.panel.reader, host.library, host.widget
        )
        dialog.case_changed.connect(host.panel.reload)
        dialog.exec()

    def match_now(self) -> None:
        """Match the case against the active sets, grade exact hits, regroup."""
        host = self.host
        session, library = host.session, host.library
        if session is None:
            return
        host.say("Matching…")

        def done(result: RefreshResult) -> None:
            host.say(refresh_text(result))
            host.panel.reload()

        host.writer.submit(lambda: refresh(session, library), done)

    def make_report(self, kind: str = REPORT) -> None:
        """Write a case report or a hash list, as ``triage report`` / ``hashset export`` do."""
        host = self.host
        if host.session is None:
            return
        dialog = ReportDialog(host.session, host.writer, host.widget, kind=kind)
        self.report_dialog = dialog
        dialog.exported.connect(lambda result: host.say(f"Wrote {result.what} {result.path}"))
        dialog.exec()
        self.report_dialog = None
