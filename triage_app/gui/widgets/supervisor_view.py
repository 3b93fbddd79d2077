"""The supervisor view: the audit trail with filters, its verification, per-examiner statistics.

A window over :mod:`triage_app.supervision.audit_view` (no rules here):

- a banner on top says whether the hash chain verifies, and names the first
  bad entry when it does not, with the head (last entry and hash);
- filters by account, action, date range (UTC) and item
  (:class:`~triage_app.gui.widgets.audit_filter_bar.AuditFilterBar`) narrow the
  table of entries (a :class:`QTableView` over
  :class:`~triage_app.gui.models.audit_table_model.AuditTableModel`);
- below, per-account statistics and the grading rate, for the filter's account
  and dates;
- Export CSV / Export PDF write the filtered log with the head printed, through
  the core, and record the export.

The log is read and verified on the view's own reader thread; filtering and
statistics are computed there too; exports (rendering included) run on the
window's single writer. Only supervisors can open the view: the main window
does not offer it to examiners, and the core refuses them anyway.
"""

from __future__ import annotations

from pathlib import Path

from triage_app.case.session import CaseSession
from triage_app.gui.dialogs.reader_dialog import ReaderDialog
from triage_app.gui.models.audit_table_model import AuditTableModel
from triage_app.gui.qt import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
    Signal,
)
from triage_app.gui.widgets.audit_filter_bar import AuditFilterBar
from triage_app.gui.widgets.examiner_stats import ExaminerStatsTabs
from triage_app.gui.widgets.forms import message_label
from triage_app.gui.workers import JobQueue
from triage_app.supervision import audit_view
from triage_app.supervision.audit_view import AuditExport, AuditFilter, AuditReview, ExaminerStats
from triage_app.supervision.trail_marks import AuditRow

_BANNER = "padding: 8px; border-radius: 4px;"
OK_STYLE = f"background-color: #1e6b2e; color: white; {_BANNER}"
BAD_STYLE = f"background-color: #a00000; color: white; {_BANNER}"
WAIT_STYLE = f"background-color: #e8e8e8; color: black; {_BANNER}"
EXPORT_TYPES = {"csv": "CSV files (*.csv)", "pdf": "PDF files (*.pdf)"}


def _filtered(review: AuditReview, flt: AuditFilter) -> tuple[list[AuditRow], list[ExaminerStats]]:
    """Reader-thread job: the filtered entries and the statistics for the filter."""
    return review.filtered(flt), review.stats(flt)


def _banner() -> QLabel:
    banner = QLabel("Reading and verifying the audit trail…")
    banner.setObjectName("chainBanner")
    banner.setWordWrap(True)
    banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    font = banner.font()
    font.setPointSizeF(font.pointSizeF() * 1.25)
    font.setBold(True)
    banner.setFont(font)
    banner.setStyleSheet(WAIT_STYLE)
    banner.setAccessibleName("Audit trail verification")
    return banner


class SupervisorView(ReaderDialog):
    """The supervisor's window on the audit trail.

    Signals:
        loaded(): the log was read and verified and the table filled.
        filtered(int): the table now shows this many entries.
        exported(object): an export finished (its :class:`AuditExport`).
        failed(str): reading or exporting failed (the message is shown too).
    """

    loaded = Signal()
    filtered = Signal(int)
    exported = Signal(object)

    READER = "reader-supervisor"
    SIZE = (1280, 820)
    OWN_WINDOW = True

    def __init__(
        self, session: CaseSession, writer: JobQueue, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            session, writer, f"Supervisor view - audit trail of case {session.reference}", parent
        )
        self.review: AuditReview | None = None
        self._token = 0
        self._build()
        self.refresh()

    # -- construction ---------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.banner = _banner()
        layout.addWidget(self.banner)
        self.filters = AuditFilterBar()
        self.filters.changed.connect(self.apply_filter)
        self.set_filter = self.filters.set_filter  # set the widgets (and so the filter) in one go
        layout.addWidget(self.filters)

        self.count = QLabel("")
        self.model = AuditTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        for column, width in enumerate((60, 150, 200, 150, 150)):
            self.table.setColumnWidth(column, width)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName("Audit entries")
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.table)
        top_layout.addWidget(self.count)

        self.tabs = ExaminerStatsTabs()
        self.stats, self.rate = self.tabs.stats, self.tabs.rate
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([520, 200])
        layout.addWidget(splitter, 1)

        buttons = QHBoxLayout()
        self.message = message_label()
        self.export_csv = QPushButton("Export &CSV…")
        self.export_pdf = QPushButton("Export &PDF…")
        self.reload = QPushButton("Re&fresh")
        close = QPushButton("Close")
        buttons.addWidget(self.message, 1)
        for button in (self.export_csv, self.export_pdf, self.reload, close):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.export_csv.clicked.connect(lambda: self.choose_export("csv"))
        self.export_pdf.clicked.connect(lambda: self.choose_export("pdf"))
        self.reload.clicked.connect(self.refresh)
        close.clicked.connect(self.close)
        self._set_busy(True)

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.export_csv, self.export_pdf, self.reload):
            widget.setEnabled(not busy and self.review is not None)

    # -- loading --------------------------------------------------------------------

    def refresh(self) -> None:
        """Read and verify the log again (reader thread)."""
        session = self.session
        self.read_then(lambda: audit_view.load_review(session), self._loaded)

    def _loaded(self, review: AuditReview) -> None:
        self.review = review
        self._show_verdict(review)
        self.filters.set_choices(review.users, review.actions)
        self._set_busy(False)
        self.apply_filter()
        self.loaded.emit()

    def _show_verdict(self, review: AuditReview) -> None:
        v = review.verdict
        seq, digest = review.head
        if v.ok:
            self.banner.setText(
                f"✔ Audit trail intact: {v.entries:,} entries verified. Head {seq} {digest}"
            )
            self.banner.setStyleSheet(OK_STYLE)
        else:
            self.banner.setText(
                f"✖ AUDIT TRAIL BROKEN at entry {v.first_bad}: {v.problem}. "
                f"Last good head {v.head_seq}; stored head {seq} {digest}"
            )
            self.banner.setStyleSheet(BAD_STYLE)
        self.banner.setToolTip(review.chain_text())

    def show_failure(self, text: str) -> None:
        """The log could not be read: say so in the banner."""
        self.banner.setText(f"Cannot show the audit trail: {text}")
        self.banner.setStyleSheet(BAD_STYLE)
        self.message.setText(text)

    # -- filtering ------------------------------------------------------------------

    def current_filter(self) -> AuditFilter:
        """The filter the widgets describe."""
        return self.filters.current_filter()

    def clear_filters(self) -> None:
        """Show every entry."""
        self.set_filter()

    def apply_filter(self) -> None:
        """Filter and count on the reader thread; the newest request wins."""
        review = self.review
        if review is None or self._closed:
            return
        self._token += 1
        token, flt = self._token, self.current_filter()
        self.read_then(
            lambda: _filtered(review, flt), lambda result: self._show(token, flt, *result)
        )

    def _show(
        self, token: int, flt: AuditFilter, rows: list[AuditRow], stats: list[ExaminerStats]
    ) -> None:
        if token != self._token or self.review is None:
            return
        first_bad = self.review.verdict.first_bad
        self.model.set_rows(rows, first_bad)
        bad_row = self.model.row_of(first_bad) if first_bad is not None else None
        if bad_row is not None:
            self.table.scrollTo(
                self.model.index(bad_row, 0), QAbstractItemView.ScrollHint.PositionAtCenter
            )
        self.count.setText(
            f"Showing {len(rows):,} of {len(self.review.rows):,} entries. Filter: {flt.describe()}"
        )
        self.tabs.show_stats(stats)
        self.filtered.emit(len(rows))

    # -- export ---------------------------------------------------------------------

    def choose_export(self, fmt: str) -> None:
        """Ask for a file, then export the filtered log to it."""
        name, _ = QFileDialog.getSaveFileName(
            self,
            f"Export the filtered audit trail as {fmt.upper()}",
            f"audit-review.{fmt}",
            EXPORT_TYPES[fmt],
        )
        if name:
            self.export(fmt, Path(name))

    def export(self, fmt: str, path: Path) -> None:
        """Write the filtered log to ``path`` and record the export (writer thread).

        The core reads the log again, renders it (CSV or PDF) and writes it.
        """
        session, flt = self.session, self.current_filter()
        self._set_busy(True)
        self.message.setText(f"Exporting to {path}…")
        self.write_then(
            lambda: audit_view.export_filtered(session, flt, fmt, path),
            self._exported,
            self._export_failed,
        )

    def _exported(self, result: AuditExport) -> None:
        self._set_busy(False)
        self.message.setText(
            f"Wrote {result.entries:,} entries to {result.path.name} ({result.format}); "
            f"sha256 {result.sha256}; head {result.head[0]} {result.head[1]}; recorded as "
            f"audit entry {result.audit_entry}"
        )
        self.exported.emit(result)
        self.refresh()

    def _export_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        text = f"Not exported: {exc}"
        self.message.setText(text)
        self.failed.emit(text)

    # -- closing --------------------------------------------------------------------

    def before_shutdown(self) -> None:
        """Stop a pending filter change before the reader."""
        self.filters.stop()
