"""The supervisor view: the audit trail with filters, its verification, per-examiner statistics.

A window over :mod:`triage_app.supervision.audit_view` (no rules here):

- a banner on top says whether the hash chain verifies, and names the first
  bad entry when it does not, with the head (last entry and hash);
- filters by account, action, date range (UTC) and item narrow the table of
  entries (a :class:`QTableView` over :class:`AuditTableModel`);
- below, per-account statistics and the grading rate, for the filter's account
  and dates;
- Export CSV / Export PDF write the filtered log with the head printed, through
  the core (the PDF through the report's Qt renderer), and record the export.

The log is read and verified on the view's own reader thread; filtering and
statistics are computed there too; exports run on the window's single writer.
Only supervisors can open the view: the main window does not offer it to
examiners, and the core refuses them anyway.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QIntValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from triage_app import audit
from triage_app.audit.chain import AuditRow
from triage_app.case.session import CaseSession
from triage_app.gui.pdf_report import render_pdf
from triage_app.gui.reader_dialog import ReaderDialog
from triage_app.gui.workers import JobQueue
from triage_app.reports.print_document import PrintDocument
from triage_app.supervision import audit_view
from triage_app.supervision.audit_pdf import audit_document
from triage_app.supervision.audit_view import (
    SOURCE_KINDS,
    AuditExport,
    AuditFilter,
    AuditReview,
    ExaminerStats,
)

COLUMNS = ("Seq", "Time (UTC)", "User", "Action", "Object", "Details")
STATS_COLUMNS = ("Account", "Role", "Items graded", "Manual", "Confirmed", "Hash list",
                 "Propagated", "Amended", "Undone", "Reveals", "Seconds unblurred",
                 "QA second grades")  # fmt: skip
RATE_COLUMNS = ("Account", "Period (UTC)", "Grading entries", "By hand")
ALL = "(all)"
#: Entries shown in bold: the supervisor's own decisions.
BOLD_ACTIONS = (audit.SIGN_OFF, audit.QA_SAMPLE, audit.QA_ADJUDICATED)
FILTER_DELAY_MS = 150
OK_STYLE = "background-color: #1e6b2e; color: white; padding: 8px; border-radius: 4px;"
BAD_STYLE = "background-color: #a00000; color: white; padding: 8px; border-radius: 4px;"
WAIT_STYLE = "background-color: #e8e8e8; color: black; padding: 8px; border-radius: 4px;"


def _details(payload: str) -> str:
    try:
        value = json.loads(payload)
    except ValueError:
        return payload
    if not isinstance(value, dict) or not value:
        return "" if value == {} else payload
    return "; ".join(
        f"{k}: {v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)}"
        for k, v in value.items()
    )


def _flagged(row: AuditRow) -> bool:
    """Entries a supervisor should not miss: refusals and changes after sign-off."""
    return row.action == audit.SIGN_IN_REFUSED or '"changed_after_sign_off"' in row.payload


class AuditTableModel(QAbstractTableModel):
    """Audit entries as table rows (read-only)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[AuditRow] = []
        self.first_bad: int | None = None

    def set_rows(self, rows: list[AuditRow], first_bad: int | None = None) -> None:
        """Show ``rows``; ``first_bad`` is the entry where the chain breaks (highlighted)."""
        self.beginResetModel()
        self._rows = list(rows)
        self.first_bad = first_bad
        self.endResetModel()

    def row_of(self, seq: int) -> int | None:
        """The table row showing entry ``seq``, if shown."""
        for number, row in enumerate(self._rows):
            if row.seq == seq:
                return number
        return None

    def row_at(self, row: int) -> AuditRow:
        """The entry shown in table row ``row``."""
        return self._rows[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        """Entries shown."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        """Columns of the table."""
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        """Cell text, tooltips (the whole entry) and alignment."""
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                str(row.seq),
                row.time_utc[:19].replace("T", " "),
                row.user,
                row.action,
                row.object,
                _details(row.payload),
            )[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                f"Entry {row.seq} at {row.time_utc}\n{row.user}: {row.action} ({row.object})\n"
                f"{row.payload}\nhash {row.hash}\nprevious {row.prev_hash}"
            )
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and row.seq == self.first_bad:
            return QBrush(QColor("#a00000"))
        if role == Qt.ItemDataRole.ForegroundRole and row.seq == self.first_bad:
            return QBrush(QColor("white"))
        if role == Qt.ItemDataRole.BackgroundRole and _flagged(row):
            return QBrush(QColor("#f8d7d7"))
        if role == Qt.ItemDataRole.FontRole and row.action in BOLD_ACTIONS:
            font = QFont()
            font.setBold(True)
            return font
        return None


def _filtered(review: AuditReview, flt: AuditFilter) -> tuple[list[AuditRow], list[ExaminerStats]]:
    """Reader-thread job: the filtered entries and the statistics for the filter."""
    return review.filtered(flt), review.stats(flt)


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
    failed = Signal(str)

    def __init__(
        self, session: CaseSession, writer: JobQueue, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window, True)
        self.setWindowTitle(f"Supervisor view - audit trail of case {session.reference}")
        self.resize(1280, 820)
        self.session = session
        self.writer = writer
        self.review: AuditReview | None = None
        self.reader = JobQueue("reader-supervisor", threads=1, parent=self)
        self._token = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FILTER_DELAY_MS)
        self._timer.timeout.connect(self.apply_filter)
        self._build()
        self.refresh()

    # -- construction ---------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.banner = QLabel("Reading and verifying the audit trail…")
        self.banner.setObjectName("chainBanner")
        self.banner.setWordWrap(True)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.banner.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.banner.setFont(font)
        self.banner.setStyleSheet(WAIT_STYLE)
        self.banner.setAccessibleName("Audit trail verification")
        layout.addWidget(self.banner)

        bar = QHBoxLayout()
        self.examiner = QComboBox()
        self.examiner.setMinimumWidth(200)
        self.examiner.setAccessibleName("Account filter")
        self.action = QComboBox()
        self.action.setMinimumWidth(170)
        self.action.setAccessibleName("Action filter")
        self.since_on = QCheckBox("&From")
        self.since = QDateEdit()
        self.until_on = QCheckBox("&To")
        self.until = QDateEdit()
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(QDate.currentDate())
            edit.setEnabled(False)
        self.since.setAccessibleName("From date (UTC)")
        self.until.setAccessibleName("To date (UTC), included")
        self.item = QLineEdit()
        self.item.setPlaceholderText("item id")
        self.item.setValidator(QIntValidator(1, 2**31 - 1, self))
        self.item.setMaximumWidth(90)
        self.item.setAccessibleName("Item filter")
        self.clear = QPushButton("C&lear filters")
        for label, widget in (("&Account:", self.examiner), ("A&ction:", self.action)):
            caption = QLabel(label)
            caption.setBuddy(widget)
            bar.addWidget(caption)
            bar.addWidget(widget)
        bar.addWidget(self.since_on)
        bar.addWidget(self.since)
        bar.addWidget(self.until_on)
        bar.addWidget(self.until)
        caption = QLabel("&Item:")
        caption.setBuddy(self.item)
        bar.addWidget(caption)
        bar.addWidget(self.item)
        bar.addWidget(self.clear)
        bar.addStretch(1)
        layout.addLayout(bar)

        self.count = QLabel("")
        self.model = AuditTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        header = self.table.horizontalHeader()
        for column, width in enumerate((60, 150, 200, 150, 150)):
            self.table.setColumnWidth(column, width)
        header.setStretchLastSection(True)
        self.table.setAccessibleName("Audit entries")
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.table)
        top_layout.addWidget(self.count)

        self.stats = QTableWidget(0, len(STATS_COLUMNS))
        self.stats.setHorizontalHeaderLabels(list(STATS_COLUMNS))
        self.rate = QTableWidget(0, len(RATE_COLUMNS))
        self.rate.setHorizontalHeaderLabels(list(RATE_COLUMNS))
        for table in (self.stats, self.rate):
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            table.verticalHeader().setVisible(False)
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.stats.setAccessibleName("Per-examiner statistics")
        self.rate.setAccessibleName("Grading rate")
        self.tabs = QTabWidget()
        self.tabs.addTab(self.stats, "&Examiners")
        self.tabs.addTab(self.rate, "Grading &rate")
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([520, 200])
        layout.addWidget(splitter, 1)

        buttons = QHBoxLayout()
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.export_csv = QPushButton("Export &CSV…")
        self.export_pdf = QPushButton("Export &PDF…")
        self.reload = QPushButton("Re&fresh")
        close = QPushButton("Close")
        buttons.addWidget(self.message, 1)
        for button in (self.export_csv, self.export_pdf, self.reload, close):
            buttons.addWidget(button)
        layout.addLayout(buttons)

        self.examiner.currentIndexChanged.connect(self._schedule)
        self.action.currentIndexChanged.connect(self._schedule)
        self.since.dateChanged.connect(self._schedule)
        self.until.dateChanged.connect(self._schedule)
        self.since_on.toggled.connect(self.since.setEnabled)
        self.until_on.toggled.connect(self.until.setEnabled)
        self.since_on.toggled.connect(self._schedule)
        self.until_on.toggled.connect(self._schedule)
        self.item.textChanged.connect(self._schedule)
        self.clear.clicked.connect(self.clear_filters)
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
        self.reader.submit(lambda: audit_view.load_review(session), self._loaded, self._failed)

    def _loaded(self, review: AuditReview) -> None:
        if self._closed:
            return
        self.review = review
        self._show_verdict(review)
        self._fill_choices(self.examiner, review.users)
        self._fill_choices(self.action, review.actions)
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

    @staticmethod
    def _fill_choices(combo: QComboBox, values: list[str]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(ALL, None)
        for value in values:
            combo.addItem(value, value)
        combo.setCurrentIndex(max(0, combo.findData(current)) if current else 0)
        combo.blockSignals(False)

    def _failed(self, exc: BaseException) -> None:
        if self._closed:
            return
        text = str(exc) or type(exc).__name__
        self.banner.setText(f"Cannot show the audit trail: {text}")
        self.banner.setStyleSheet(BAD_STYLE)
        self.message.setText(text)
        self.failed.emit(text)

    # -- filtering ------------------------------------------------------------------

    def current_filter(self) -> AuditFilter:
        """The filter the widgets describe."""
        since = self.since.date().toString("yyyy-MM-dd") if self.since_on.isChecked() else None
        until = self.until.date().toString("yyyy-MM-dd") if self.until_on.isChecked() else None
        action = self.action.currentData()
        item = self.item.text().strip()
        return AuditFilter.from_text(
            examiner=self.examiner.currentData(),
            actions=[action] if action else [],
            since=since,
            until=until,
            item=int(item) if item.isdigit() else None,
        )

    def set_filter(
        self,
        *,
        examiner: str | None = None,
        action: str | None = None,
        since: QDate | None = None,
        until: QDate | None = None,
        item: int | None = None,
    ) -> None:
        """Set the filter widgets (and so the filter) in one go."""
        for widget in (self.examiner, self.action, self.since, self.until, self.item):
            widget.blockSignals(True)
        self.examiner.setCurrentIndex(max(0, self.examiner.findData(examiner)) if examiner else 0)
        self.action.setCurrentIndex(max(0, self.action.findData(action)) if action else 0)
        self.since_on.setChecked(since is not None)
        self.until_on.setChecked(until is not None)
        if since is not None:
            self.since.setDate(since)
        if until is not None:
            self.until.setDate(until)
        self.item.setText("" if item is None else str(item))
        for widget in (self.examiner, self.action, self.since, self.until, self.item):
            widget.blockSignals(False)
        self.apply_filter()

    def clear_filters(self) -> None:
        """Show every entry."""
        self.set_filter()

    def _schedule(self, *_: object) -> None:
        self._timer.start()

    def apply_filter(self) -> None:
        """Filter and count on the reader thread; the newest request wins."""
        review = self.review
        if review is None:
            return
        self._token += 1
        token, flt = self._token, self.current_filter()
        self.reader.submit(
            lambda: _filtered(review, flt),
            lambda result: self._show(token, flt, *result),
            self._failed,
        )

    def _show(
        self, token: int, flt: AuditFilter, rows: list[AuditRow], stats: list[ExaminerStats]
    ) -> None:
        if self._closed or token != self._token or self.review is None:
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
        self._fill_stats(stats)
        self.filtered.emit(len(rows))

    def _fill_stats(self, stats: list[ExaminerStats]) -> None:
        self.stats.setRowCount(len(stats))
        for row, s in enumerate(stats):
            values: list[object] = [s.account, s.role or "", s.graded_items,
                                    *(s.by_source.get(k, 0) for k in SOURCE_KINDS), s.amended,
                                    s.undone, s.reveals, f"{s.reveal_seconds:.1f}",
                                    s.qa_second_grades]  # fmt: skip
            for column, value in enumerate(values):
                cell = QTableWidgetItem(str(value))
                if column >= 2:
                    cell.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.stats.setItem(row, column, cell)
        rates = [(s.account, r) for s in stats for r in s.rate]
        self.rate.setRowCount(len(rates))
        for row, (account, r) in enumerate(rates):
            for column, value in enumerate((account, r["period"], r["graded"], r["by_hand"])):
                self.rate.setItem(row, column, QTableWidgetItem(str(value)))

    # -- export ---------------------------------------------------------------------

    def choose_export(self, fmt: str) -> None:
        """Ask for a file, then export the filtered log to it."""
        suffix = {"csv": "CSV files (*.csv)", "pdf": "PDF files (*.pdf)"}[fmt]
        name, _ = QFileDialog.getSaveFileName(
            self, f"Export the filtered audit trail as {fmt.upper()}", f"audit-review.{fmt}", suffix
        )
        if name:
            self.export(fmt, Path(name))

    def export(self, fmt: str, path: Path) -> None:
        """Write the filtered log to ``path`` and record the export.

        A CSV is read, made and written on the writer thread. A PDF is laid out
        from a fresh read on the reader thread, rendered here (Qt renders on the
        GUI thread only) and then written and recorded on the writer thread.
        """
        session, flt = self.session, self.current_filter()
        self._set_busy(True)
        self.message.setText(f"Exporting to {path}…")
        if fmt != "pdf":
            self.writer.submit(
                lambda: audit_view.export_filtered(session, flt, fmt, path),
                self._exported,
                self._export_failed,
            )
            return

        def laid_out() -> tuple[AuditReview, PrintDocument]:
            review = audit_view.load_review(session)
            return review, audit_document(review, flt, session.actor)

        def write(review: AuditReview, blob: bytes) -> None:
            self.writer.submit(
                lambda: audit_view.export_filtered(
                    session, flt, "pdf", path, review=review, blob=blob
                ),
                self._exported,
                self._export_failed,
            )

        def render(prepared: tuple[AuditReview, PrintDocument]) -> None:
            if self._closed:
                return
            try:
                blob = render_pdf(prepared[1]).data
            except Exception as exc:  # shown to the supervisor, nothing written
                self._export_failed(exc)
                return
            write(prepared[0], blob)

        self.reader.submit(laid_out, render, self._export_failed)

    def _exported(self, result: AuditExport) -> None:
        if self._closed:
            return
        self._set_busy(False)
        self.message.setText(
            f"Wrote {result.entries:,} entries to {result.path.name} ({result.format}); "
            f"sha256 {result.sha256}; head {result.head[0]} {result.head[1]}; recorded as "
            f"audit entry {result.audit_entry}"
        )
        self.exported.emit(result)
        self.refresh()

    def _export_failed(self, exc: BaseException) -> None:
        if self._closed:
            return
        self._set_busy(False)
        text = f"Not exported: {exc}"
        self.message.setText(text)
        self.failed.emit(text)

    # -- closing --------------------------------------------------------------------

    def before_shutdown(self) -> None:
        """Stop the refresh timer before the reader."""
        self._timer.stop()
