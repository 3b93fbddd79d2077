"""Make a report: what ``triage report`` and ``triage hashset export`` write, from the GUI.

The work is the CLI's own call, :func:`~triage_app.reports.export.export_report`
(or :func:`~triage_app.reports.export.export_hash_list`), made with the open
session on the window's writer thread, since it appends the ``export`` audit
entry. The core checks the target (never into evidence, over the case's files,
a database or a folder), renders in memory, records the file, then renames it:
a refusal or failure leaves nothing behind. The core reports no progress and
cannot be stopped part way, so the dialog shows a busy bar and stays open until
the write has ended; what it then says is what the CLI prints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from triage_app.case.session import CaseSession
from triage_app.domain.options import LIST_FORMATS, REPORT_FORMATS
from triage_app.domain.text_safety import printable
from triage_app.gui.qt import (
    QCheckBox,
    QCloseEvent,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    Qt,
    QWidget,
    Signal,
)
from triage_app.gui.widgets.forms import error_text, message_label, path_field, problem_label
from triage_app.gui.workers import JobQueue
from triage_app.reports.export import ExportResult, export_hash_list, export_report

#: What the dialog writes: the case report (``triage report``) or the lab's hash
#: list (``triage hashset export``), with each one's label and formats.
REPORT = "report"
HASH_LIST = "hash list"
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    REPORT: ("Case report", REPORT_FORMATS),
    HASH_LIST: ("Hash list of the graded items (for the lab's library)", LIST_FORMATS),
}
#: The formats a report can carry thumbnails in (the core refuses the others).
THUMBNAIL_FORMATS = ("pdf", "html")
SUFFIXES = {"pdf": ".pdf", "html": ".html", "csv": ".csv", "vics": ".json"}
FILE_TYPES = {"pdf": "PDF (*.pdf)", "html": "HTML (*.html *.htm)", "csv": "CSV (*.csv)",
              "vics": "VICS JSON (*.json)"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class ReportRequest:
    """One export, as the CLI's arguments would give it."""

    kind: str
    fmt: str
    out: Path
    thumbnails: bool = False
    allow_incomplete: bool = False


def run_export(session: CaseSession, request: ReportRequest) -> ExportResult:
    """The writer-thread job: the very core call the CLI command makes."""
    if request.kind == HASH_LIST:
        return export_hash_list(session, request.out, fmt=request.fmt)
    return export_report(
        session,
        request.fmt,
        request.out,
        thumbnails=request.thumbnails,
        allow_incomplete=request.allow_incomplete,
    )


def shown(text: str) -> str:
    """``text`` on one line with controls and bidi characters escaped."""
    return printable(" ".join(text.split()), double_backslashes=False)


def result_lines(result: ExportResult, scheme: str) -> list[str]:
    """What the CLI prints for ``result`` (warnings first, as on its stderr)."""
    lines = [f"warning: {w}" for w in result.warnings]
    pages = f", {result.counts['pages']} pages" if "pages" in result.counts else ""
    lines += [
        f"wrote {result.what} {result.path} ({result.format}, {result.size:,} bytes{pages})",
        f"sha256 {result.sha256}",
        f"audit head in the file {result.audit_head[0]} {result.audit_head[1]}",
        f"recorded as audit entry {result.audit_entry}",
    ]
    if result.what == HASH_LIST:
        c = result.counts
        lines += [
            f"{c['entries']} entries from {c['files']} graded files; left out: "
            f"{c['left_out_uncategorised']} uncategorised, {c['left_out_empty']} empty file; "
            f"{c['conflicting']} with copies graded differently (most severe kept)",
            f"to use it: import it into the hash library (Import list…) with scheme {scheme}",
        ]
    return [printable(line, double_backslashes=False) for line in lines]


class ReportDialog(QDialog):
    """Choose what to write, its format, file and options; then write it on the writer thread.

    Signals:
        exported(object): the file was written and recorded (its :class:`ExportResult`).
        failed(str): the export was refused or failed (the one-line message shown).
    """

    exported = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        session: CaseSession,
        writer: JobQueue,
        parent: QWidget | None = None,
        *,
        kind: str = REPORT,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Make report")
        self.setMinimumWidth(620)
        self._session = session
        self._writer = writer
        self.running = False
        form = QFormLayout(self)
        self.kind = QComboBox()
        for key, (label, _formats) in KINDS.items():
            self.kind.addItem(label, key)
        self.format = QComboBox()
        self.path = QLineEdit()
        self.path.setAccessibleName("Output file")
        self.thumbnails = QCheckBox(
            "Add blurred greyscale &thumbnails of the listed items (pdf and html)"
        )
        self.allow_incomplete = QCheckBox(
            "Report even when an exhibit's ingest did not &finish (the report says so)"
        )
        form.addRow("&Contents:", self.kind)
        form.addRow("F&ormat:", self.format)
        form.addRow("&File:", path_field(self.path, self._browse))
        form.addRow(self.thumbnails)
        form.addRow(self.allow_incomplete)
        self.problem = problem_label()
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # busy: the core gives no progress
        self.bar.setAccessibleName("Writing the report")
        self.bar.hide()
        self.status = message_label()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        for widget in (self.problem, self.bar, self.status):
            form.addRow(widget)
        self.write_button = QPushButton("&Write")
        self.write_button.setDefault(True)
        self.write_button.clicked.connect(self.start)
        self.close_button = QPushButton("C&lose")
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.write_button)
        buttons.addWidget(self.close_button)
        form.addRow(buttons)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.format.currentIndexChanged.connect(self._format_changed)
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))
        self._kind_changed()

    # -- the form ---------------------------------------------------------------------

    def _kind_changed(self) -> None:
        kind = str(self.kind.currentData())
        self.format.blockSignals(True)
        self.format.clear()
        for fmt in KINDS[kind][1]:
            self.format.addItem(fmt, fmt)
        self.format.blockSignals(False)
        self._format_changed()

    def _format_changed(self) -> None:
        text = self.path.text().strip()
        if text and Path(text).suffix.lower() in SUFFIXES.values():
            self.path.setText(str(Path(text).with_suffix(SUFFIXES[self.fmt()])))
        self._update_options()

    def _update_options(self) -> None:
        """Offer only the options the CLI takes for this output and format."""
        report = self.kind.currentData() == REPORT
        self.thumbnails.setEnabled(report and self.fmt() in THUMBNAIL_FORMATS)
        self.allow_incomplete.setEnabled(report)

    def fmt(self) -> str:
        """The chosen format."""
        return str(self.format.currentData())

    def _suggested_name(self) -> str:
        stem = re.sub(r"[^\w.-]+", "_", self._session.reference).strip("._") or "case"
        what = "report" if self.kind.currentData() == REPORT else "hash-list"
        return f"{stem}-{what}{SUFFIXES[self.fmt()]}"

    def _browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self,
            "Write the report to",
            self.path.text().strip() or self._suggested_name(),
            f"{FILE_TYPES[self.fmt()]};;All files (*)",
            options=QFileDialog.Option.DontUseNativeDialog,
        )
        if name:
            self.path.setText(name)

    def request(self) -> ReportRequest | None:
        """The export the form asks for, or ``None`` (and a problem shown) without a file."""
        text = self.path.text().strip()
        if not text:
            self.problem.setText("Choose the file to write.")
            return None
        return ReportRequest(
            kind=str(self.kind.currentData()),
            fmt=self.fmt(),
            out=Path(text).expanduser(),
            thumbnails=self.thumbnails.isEnabled() and self.thumbnails.isChecked(),
            allow_incomplete=self.allow_incomplete.isEnabled()
            and self.allow_incomplete.isChecked(),
        )

    # -- running ----------------------------------------------------------------------

    def start(self) -> None:
        """Write what the form asks for (writer thread); the outcome is shown here."""
        if self.running:
            return
        request = self.request()
        if request is not None:
            self.begin(request)

    def begin(self, request: ReportRequest) -> None:
        """Run ``request`` on the writer thread with a busy bar."""
        self._set_running(True)
        self.problem.setText("")
        self.status.setText(f"writing {shown(str(request.out))}…")
        session = self._session
        self._writer.submit(lambda: run_export(session, request), self._done, self._failed)

    def _set_running(self, running: bool) -> None:
        self.running = running
        self.bar.setVisible(running)
        for widget in (self.kind, self.format, self.path, self.write_button, self.close_button):
            widget.setEnabled(not running)
        if running:
            self.thumbnails.setEnabled(False)
            self.allow_incomplete.setEnabled(False)
        else:
            self._update_options()

    def _done(self, result: ExportResult) -> None:
        self._set_running(False)
        self.status.setText("\n".join(result_lines(result, self._session.scheme.id)))
        self.close_button.setFocus()
        self.exported.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self._set_running(False)
        self.status.setText("")
        text = f"Not written: {shown(error_text(exc))}"
        self.problem.setText(text)
        self.failed.emit(text)

    def reject(self) -> None:
        """Close, but not while writing (the core cannot stop part way)."""
        if self.running:
            self.status.setText("still writing: a report cannot be stopped part way…")
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        """The window manager's close waits for a write to end, like Close."""
        if self.running:
            event.ignore()
            self.reject()
            return
        super().closeEvent(event)
