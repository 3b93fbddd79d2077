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

from dataclasses import asdict

from triage_app.case.session import CaseSession
from triage_app.gui.dialogs.qa_sample_form import SampleForm
from triage_app.gui.dialogs.qa_text import (
    CATEGORY_COLUMNS,
    QUEUE_COLUMNS,
    ROUND_COLUMNS,
    ROUND_NUMBERS,
    adjudicated_text,
    category_rows,
    drawn_text,
    queue_rows,
    report_html,
    round_row,
)
from triage_app.gui.dialogs.reader_dialog import ReaderDialog
from triage_app.gui.qt import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from triage_app.gui.widgets.forms import add_captioned, error_html, message_label
from triage_app.gui.widgets.tables import fill_table, read_only_table
from triage_app.gui.workers import JobQueue
from triage_app.supervision import qa
from triage_app.supervision.qa import Adjudication, QaReport, RoundRow, SampleDraw


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

    READER = "reader-qa"
    SIZE = (1180, 780)
    OWN_WINDOW = True

    def __init__(
        self, session: CaseSession, writer: JobQueue, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            session, writer, f"Blind second grading (QA) - case {session.reference}", parent
        )
        self.rounds: list[RoundRow] = []
        self.report: QaReport | None = None
        self._build()
        self.reload()

    # -- construction ---------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.form = SampleForm()
        self.form.draw_button.clicked.connect(self.draw)
        layout.addWidget(self.form)
        # The form's fields, by the names the panel has always given them.
        self.examiner, self.second = self.form.examiner, self.form.second
        self.by_count, self.counts = self.form.by_count, self.form.counts
        self.seed, self.draw_button = self.form.seed, self.form.draw_button

        splitter = QSplitter(Qt.Orientation.Vertical)
        self.round_table = read_only_table(ROUND_COLUMNS, "QA rounds", single=True)
        self.round_table.itemSelectionChanged.connect(self.load_report)
        splitter.addWidget(self.round_table)
        splitter.addWidget(self._report_pane())
        splitter.setSizes([200, 420])
        layout.addWidget(splitter, 1)

        bottom = QHBoxLayout()
        self.status = message_label()
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        bottom.addWidget(self.status, 1)
        bottom.addWidget(close)
        layout.addLayout(bottom)
        self.queue.itemSelectionChanged.connect(self._queue_selected)
        self._queue_selected()

    def _report_pane(self) -> QWidget:
        """The selected round: summary, agreement per category, adjudication queue."""
        report = QWidget()
        layout = QVBoxLayout(report)
        layout.setContentsMargins(0, 0, 0, 0)
        self.summary = QLabel("Select a round to see its agreement and disagreements.")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.summary)
        tables = QHBoxLayout()
        self.category_table = read_only_table(
            CATEGORY_COLUMNS, "Agreement per category", single=True
        )
        self.queue = read_only_table(QUEUE_COLUMNS, "Adjudication queue", single=True)
        tables.addWidget(self.category_table, 2)
        tables.addWidget(self.queue, 3)
        layout.addLayout(tables, 1)
        adjudicate = QHBoxLayout()
        self.final = QComboBox()
        for category in self.session.scheme.categories:
            self.final.addItem(f"{category.code}: {category.label}", category.code)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("reason for the final grade (required)")
        self.adjudicate_button = QPushButton("Record &final grade")
        self.adjudicate_button.clicked.connect(self.adjudicate)
        add_captioned(adjudicate, "Final &grade:", self.final)
        adjudicate.addWidget(self.reason, 1)
        adjudicate.addWidget(self.adjudicate_button)
        layout.addLayout(adjudicate)
        return report

    # -- rounds ---------------------------------------------------------------------

    def reload(self) -> None:
        """Read the rounds, the accounts and the exhibits (reader thread)."""
        session = self.session

        def read() -> tuple[list[RoundRow], list[str], list[str]]:
            rounds = qa.list_rounds(session)
            accounts = [a.label for a in session.accounts() if a.active]
            return rounds, accounts, session.summary().exhibits

        self.read_then(read, self._loaded)

    def _loaded(self, result: tuple[list[RoundRow], list[str], list[str]]) -> None:
        self.rounds, accounts, exhibits = result
        self.form.set_accounts(accounts, self.session.actor)
        self.form.set_exhibits(exhibits)
        selected = self.selected_round()
        self.round_table.blockSignals(True)
        fill_table(self.round_table, map(round_row, self.rounds), ROUND_NUMBERS.__contains__)
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
        try:
            c = self.form.choice()
        except ValueError as exc:
            self._failed(exc)
            return
        session = self.session
        self.status.setText("Drawing the sample…")
        # The form's fields are draw_sample's keyword arguments.
        self.write_then(lambda: qa.draw_sample(session, **asdict(c)), self._drawn)

    def _drawn(self, result: SampleDraw) -> None:
        self.status.setText(drawn_text(result))
        self.drawn.emit(result)
        self.reload()

    # -- the report and the adjudication queue ---------------------------------------

    def load_report(self) -> None:
        """Read the selected round's report (reader thread)."""
        round_id = self.selected_round()
        if round_id is None:
            return
        session = self.session
        self.read_then(lambda: qa.qa_report(session, round_id), self._show_report)

    def _show_report(self, report: QaReport) -> None:
        if report.round.id != self.selected_round():
            return
        self.report = report
        self.summary.setText(report_html(report))
        fill_table(self.category_table, category_rows(report), lambda column: column > 0)
        fill_table(self.queue, queue_rows(report), lambda column: column == 0)
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
        self.write_then(
            lambda: qa.adjudicate(session, round_id, item, code, reason), self._adjudicated
        )

    def _adjudicated(self, result: Adjudication) -> None:
        self.status.setText(adjudicated_text(result))
        self.reason.clear()
        self.adjudicated.emit(result)
        self.reload()

    def show_failure(self, text: str) -> None:
        """Say what was refused, in the status line."""
        self.status.setText(error_html(text))
