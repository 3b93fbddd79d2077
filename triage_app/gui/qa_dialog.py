"""The supervisor's QA panel: draw a blind sample, read agreement and kappa, adjudicate.

A window over :mod:`triage_app.supervision.qa` (the rules live there):

- the rounds of the case, with their progress;
- a form to draw a sample of an examiner's manual grades for a second grader:
  a percentage or a count per category, an optional seed (a fresh one is
  drawn and recorded otherwise), optionally one exhibit;
- for the selected round: agreement per category, Cohen's kappa, and the
  disagreements as an adjudication queue, where the supervisor records the
  final grade and a reason (an amendment through the normal grading rules).

Reads run on the dialog's reader thread, writes on the window's writer.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from triage_app.case.session import CaseSession
from triage_app.gui.reader_dialog import ReaderDialog
from triage_app.gui.workers import JobQueue
from triage_app.storage.qa_store import RoundRow
from triage_app.supervision import qa
from triage_app.supervision.qa import Adjudication, QaReport, SampleDraw

ROUND_COLUMNS = ("Round", "Drawn (UTC)", "Examiner", "Second grader", "Exhibit", "Sample",
                 "Seed", "Graded", "Adjudicated")  # fmt: skip
CATEGORY_COLUMNS = ("Category", "First", "Second", "Agreed", "Agreement", "Specific")
QUEUE_COLUMNS = ("Item", "First grade", "Second grade", "Grade now", "Final", "Reason")


def _cell(value: object, *, right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem("" if value is None else str(value))
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def parse_counts(text: str) -> dict[str, int]:
    """``"A=5, B=5 C=2"`` as {category: count}; raises ValueError with a message."""
    out: dict[str, int] = {}
    for part in text.replace(",", " ").split():
        category, sep, number = part.partition("=")
        if not sep or not category or not number.isdigit():
            raise ValueError(f"write counts as CATEGORY=N, e.g. A=5 B=5, not {part!r}")
        out[category] = int(number)
    if not out:
        raise ValueError("give a count for at least one category, e.g. A=5 B=5")
    return out


def _setup(table: QTableWidget, columns: tuple[str, ...]) -> None:
    table.setColumnCount(len(columns))
    table.setHorizontalHeaderLabels(list(columns))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)


class QaDialog(ReaderDialog):
    """Blind second grading for supervisors.

    Signals:
        loaded(): rounds and accounts are shown.
        drawn(object): a sample was drawn (its :class:`SampleDraw`).
        report_shown(object): a round's report is shown (its :class:`QaReport`).
        adjudicated(object): a final grade was recorded (its :class:`Adjudication`).
        failed(str): something was refused or failed (also shown in the window).
    """

    loaded = Signal()
    drawn = Signal(object)
    report_shown = Signal(object)
    adjudicated = Signal(object)
    failed = Signal(str)

    def __init__(
        self, session: CaseSession, writer: JobQueue, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window, True)
        self.setWindowTitle(f"Blind second grading (QA) - case {session.reference}")
        self.resize(1180, 780)
        self.session = session
        self.writer = writer
        self.reader = JobQueue("reader-qa", threads=1, parent=self)
        self.rounds: list[RoundRow] = []
        self.report: QaReport | None = None
        self._build()
        self.reload()

    # -- construction ---------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        draw = QGroupBox("Draw a sample for blind second grading")
        form = QFormLayout(draw)
        self.examiner = QComboBox()
        self.examiner.setAccessibleName("Examiner whose manual grades are sampled")
        self.second = QComboBox()
        self.second.setAccessibleName("Second grader")
        self.by_percent = QRadioButton("&Percentage of the manual grades")
        self.by_count = QRadioButton("C&ount per category")
        self.by_percent.setChecked(True)
        self.percent = QDoubleSpinBox()
        self.percent.setRange(0.1, 100.0)
        self.percent.setDecimals(1)
        self.percent.setValue(10.0)
        self.percent.setSuffix(" %")
        self.counts = QLineEdit()
        self.counts.setPlaceholderText("e.g. A=5 B=5 C=5")
        self.counts.setEnabled(False)
        self.by_count.toggled.connect(self.counts.setEnabled)
        self.by_percent.toggled.connect(self.percent.setEnabled)
        how = QHBoxLayout()
        for widget in (self.by_percent, self.percent, self.by_count, self.counts):
            how.addWidget(widget)
        self.seed = QLineEdit()
        self.seed.setPlaceholderText("empty: a fresh random seed (recorded)")
        self.exhibit = QComboBox()
        self.exhibit.addItem("all exhibits", None)
        self.draw_button = QPushButton("&Draw sample")
        self.draw_button.clicked.connect(self.draw)
        form.addRow("&Examiner:", self.examiner)
        form.addRow("&Second grader:", self.second)
        form.addRow("Sample:", how)
        form.addRow("See&d:", self.seed)
        form.addRow("E&xhibit:", self.exhibit)
        form.addRow("", self.draw_button)
        layout.addWidget(draw)

        splitter = QSplitter(Qt.Orientation.Vertical)
        self.round_table = QTableWidget(0, 0)
        _setup(self.round_table, ROUND_COLUMNS)
        self.round_table.setAccessibleName("QA rounds")
        self.round_table.itemSelectionChanged.connect(self.load_report)
        splitter.addWidget(self.round_table)

        report = QWidget()
        report_layout = QVBoxLayout(report)
        report_layout.setContentsMargins(0, 0, 0, 0)
        self.summary = QLabel("Select a round to see its agreement and disagreements.")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        report_layout.addWidget(self.summary)
        tables = QHBoxLayout()
        self.category_table = QTableWidget(0, 0)
        _setup(self.category_table, CATEGORY_COLUMNS)
        self.category_table.setAccessibleName("Agreement per category")
        self.queue = QTableWidget(0, 0)
        _setup(self.queue, QUEUE_COLUMNS)
        self.queue.setAccessibleName("Adjudication queue")
        tables.addWidget(self.category_table, 2)
        tables.addWidget(self.queue, 3)
        report_layout.addLayout(tables, 1)
        adjudicate = QHBoxLayout()
        self.final = QComboBox()
        for category in self.session.scheme.categories:
            self.final.addItem(f"{category.code}: {category.label}", category.code)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("reason for the final grade (required)")
        self.adjudicate_button = QPushButton("Record &final grade")
        self.adjudicate_button.clicked.connect(self.adjudicate)
        caption = QLabel("Final &grade:")
        caption.setBuddy(self.final)
        adjudicate.addWidget(caption)
        adjudicate.addWidget(self.final)
        adjudicate.addWidget(self.reason, 1)
        adjudicate.addWidget(self.adjudicate_button)
        report_layout.addLayout(adjudicate)
        splitter.addWidget(report)
        splitter.setSizes([200, 420])
        layout.addWidget(splitter, 1)

        bottom = QHBoxLayout()
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        bottom.addWidget(self.status, 1)
        bottom.addWidget(close)
        layout.addLayout(bottom)
        self.queue.itemSelectionChanged.connect(self._queue_selected)
        self._queue_selected()

    # -- rounds ---------------------------------------------------------------------

    def reload(self) -> None:
        """Read the rounds, the accounts and the exhibits (reader thread)."""
        session = self.session

        def read() -> tuple[list[RoundRow], list[str], list[str]]:
            rounds = qa.list_rounds(session)
            accounts = [a.label for a in session.review.accounts() if a.active]
            return rounds, accounts, session.store.summary().exhibits

        self.reader.submit(read, self._loaded, self._failed)

    def _loaded(self, result: tuple[list[RoundRow], list[str], list[str]]) -> None:
        if self._closed:
            return
        self.rounds, accounts, exhibits = result
        # The supervisor drawing a sample may not grade it blind: not offered as second grader.
        choices = {self.examiner: accounts,
                   self.second: [a for a in accounts if a != self.session.actor]}  # fmt: skip
        for combo, labels in choices.items():
            current = combo.currentData()
            combo.clear()
            for label in labels:
                combo.addItem(label, label)
            if current:
                combo.setCurrentIndex(max(0, combo.findData(current)))
        if self.second.currentData() == self.examiner.currentData() and self.second.count() > 1:
            self.second.setCurrentIndex(1 if self.second.currentIndex() == 0 else 0)
        if self.exhibit.count() == 1:
            for ref in exhibits:
                self.exhibit.addItem(ref, ref)
        selected = self.selected_round()
        self.round_table.blockSignals(True)
        self.round_table.setRowCount(len(self.rounds))
        for row, r in enumerate(self.rounds):
            seed = str(r.seed)
            values: list[tuple[Any, bool]] = [
                (r.id, True), (r.created_at[:19].replace("T", " "), False), (r.examiner, False),
                (r.second_grader, False), (r.exhibit or "all", False), (r.items, True),
                (seed, True), (f"{r.graded} of {r.items}", True), (r.adjudicated, True),
            ]  # fmt: skip
            for column, (value, right) in enumerate(values):
                self.round_table.setItem(row, column, _cell(value, right=right))
        self.round_table.blockSignals(False)
        if selected is not None:
            self.select_round(selected)
        self.loaded.emit()

    def selected_round(self) -> int | None:
        """The id of the selected round."""
        rows = self.round_table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.rounds[rows[0].row()].id

    def select_round(self, round_id: int) -> None:
        """Select a round (its report loads)."""
        for row, r in enumerate(self.rounds):
            if r.id == round_id:
                self.round_table.selectRow(row)
                self.load_report()
                return

    # -- drawing ----------------------------------------------------------------------

    def draw(self) -> None:
        """Draw a sample with the form's choices (writer thread)."""
        examiner, second = self.examiner.currentData(), self.second.currentData()
        seed_text = self.seed.text().strip()
        try:
            counts = parse_counts(self.counts.text()) if self.by_count.isChecked() else None
            seed = int(seed_text) if seed_text else None
        except ValueError as exc:
            self._failed(exc)
            return
        percent = None if counts else f"{self.percent.value():g}"
        session, exhibit = self.session, self.exhibit.currentData()
        self.status.setText("Drawing the sample…")
        self.writer.submit(
            lambda: qa.draw_sample(
                session,
                examiner=examiner,
                second_grader=second,
                percent=percent,
                counts=counts,
                seed=seed,
                exhibit=exhibit,
            ),
            self._drawn,
            self._failed,
        )

    def _drawn(self, result: SampleDraw) -> None:
        if self._closed:
            return
        per = ", ".join(f"{c} {n}" for c, n in result.drawn_per_category.items())
        self.status.setText(
            f"Round {result.round_id}: {len(result.items)} of {result.population} manual grades "
            f"({per}), seed {result.seed}. {result.second_grader} grades them blind."
        )
        self.drawn.emit(result)
        self.reload()

    # -- the report and the adjudication queue ---------------------------------------

    def load_report(self) -> None:
        """Read the selected round's report (reader thread)."""
        round_id = self.selected_round()
        if round_id is None:
            return
        session = self.session
        self.reader.submit(lambda: qa.qa_report(session, round_id), self._show_report, self._failed)

    def _show_report(self, report: QaReport) -> None:
        if self._closed or report.round.id != self.selected_round():
            return
        self.report = report
        r, a = report.round, report.agreement
        kappa = "undefined" if a.kappa is None else f"{float(a.kappa):.3f}"
        observed = "-" if a.observed is None else f"{100 * float(a.observed):.1f}%"
        state = "" if report.complete else " <b>Not complete: the figures are provisional.</b>"
        self.summary.setText(
            f"<b>Round {r.id}</b>: {html.escape(r.examiner)}'s manual grades, second grader "
            f"{html.escape(r.second_grader)}; {r.graded} of {r.items} second-graded.{state}<br>"
            f"Agreement <b>{a.agreed} of {a.n}</b> ({observed}); Cohen's kappa <b>{kappa}</b>; "
            f"disagreements {len(report.disagreements)} ({report.open_disagreements} open). "
            f"Seed {r.seed}; population {r.population} grades as of audit entry {r.head_seq}."
        )
        shown = [c for c in a.per_category if c.first or c.second]
        self.category_table.setRowCount(len(shown))
        for row, c in enumerate(shown):
            cells: tuple[object, ...] = (c.category, c.first, c.second, c.agreed,
                                         _pct(c.agreement), _pct(c.specific))  # fmt: skip
            for column, value in enumerate(cells):
                self.category_table.setItem(row, column, _cell(value, right=column > 0))
        self.queue.setRowCount(len(report.disagreements))
        for row, d in enumerate(report.disagreements):
            queued: tuple[object, ...] = (
                d.item_id,
                f"{d.first_category} ({d.first_source}, {d.first_user})",
                d.second_category,
                d.current_category or "-",
                d.final_category or "OPEN",
                d.reason or "",
            )
            for column, value in enumerate(queued):
                self.queue.setItem(row, column, _cell(value, right=column == 0))
        self._queue_selected()
        self.report_shown.emit(report)

    def selected_disagreement(self) -> int | None:
        """The item of the selected disagreement."""
        rows = self.queue.selectionModel().selectedRows()
        if not rows or self.report is None:
            return None
        return self.report.disagreements[rows[0].row()].item_id

    def _queue_selected(self) -> None:
        item = self.selected_disagreement()
        open_ = False
        if item is not None and self.report is not None:
            d = next(x for x in self.report.disagreements if x.item_id == item)
            open_ = not d.adjudicated and self.report.complete
            self.final.setCurrentIndex(max(0, self.final.findData(d.second_category)))
        for widget in (self.final, self.reason, self.adjudicate_button):
            widget.setEnabled(open_)

    def adjudicate(self) -> None:
        """Record the final grade of the selected disagreement (writer thread)."""
        item, round_id = self.selected_disagreement(), self.selected_round()
        reason = self.reason.text().strip()
        if item is None or round_id is None:
            return
        if not reason:
            self._failed(ValueError("give the reason for the final grade"))
            return
        session, code = self.session, str(self.final.currentData())
        self.writer.submit(
            lambda: qa.adjudicate(session, round_id, item, code, reason),
            self._adjudicated,
            self._failed,
        )

    def _adjudicated(self, result: Adjudication) -> None:
        if self._closed:
            return
        change = (
            f"grade amended (audit entry {result.grade_audit_seq})"
            if result.grade_changed
            else "the item already had this grade"
        )
        self.status.setText(f"Item {result.item_id}: final grade {result.category}; {change}.")
        self.reason.clear()
        self.adjudicated.emit(result)
        self.reload()

    def _failed(self, exc: BaseException) -> None:
        if self._closed:
            return
        text = str(exc) or type(exc).__name__
        self.status.setText(f"<span style='color:#a00000'>{html.escape(text)}</span>")
        self.failed.emit(text)

    # -- closing ----------------------------------------------------------------------
