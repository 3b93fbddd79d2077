"""The supervisor view's filter bar: account, action, dates (UTC) and item of audit entries."""

from __future__ import annotations

from triage_app.gui.qt import (
    QCheckBox,
    QComboBox,
    QDate,
    QDateEdit,
    QHBoxLayout,
    QIntValidator,
    QLineEdit,
    QPushButton,
    QTimer,
    QWidget,
    Signal,
)
from triage_app.gui.widgets.forms import add_captioned
from triage_app.supervision.audit_view import AuditFilter

ALL = "(all)"
#: How long typing or clicking must pause before the filter is applied.
FILTER_DELAY_MS = 150


def _fill_choices(combo: QComboBox, values: list[str]) -> None:
    """Offer ``values`` after "(all)", keeping the current choice when it is still there."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(ALL, None)
    for value in values:
        combo.addItem(value, value)
    combo.setCurrentIndex(max(0, combo.findData(current)) if current else 0)
    combo.blockSignals(False)


class AuditFilterBar(QWidget):
    """Widgets that describe an :class:`~triage_app.supervision.audit_view.AuditFilter`.

    Signals:
        changed(): the filter changed (after a short pause, so typing is one change).
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FILTER_DELAY_MS)
        self._timer.timeout.connect(self.changed)
        bar = QHBoxLayout(self)
        bar.setContentsMargins(0, 0, 0, 0)
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
        add_captioned(bar, "&Account:", self.examiner)
        add_captioned(bar, "A&ction:", self.action)
        for widget in (self.since_on, self.since, self.until_on, self.until):
            bar.addWidget(widget)
        add_captioned(bar, "&Item:", self.item)
        bar.addWidget(self.clear)
        bar.addStretch(1)
        self.examiner.currentIndexChanged.connect(self._schedule)
        self.action.currentIndexChanged.connect(self._schedule)
        self.since.dateChanged.connect(self._schedule)
        self.until.dateChanged.connect(self._schedule)
        self.since_on.toggled.connect(self.since.setEnabled)
        self.until_on.toggled.connect(self.until.setEnabled)
        self.since_on.toggled.connect(self._schedule)
        self.until_on.toggled.connect(self._schedule)
        self.item.textChanged.connect(self._schedule)
        self.clear.clicked.connect(lambda: self.set_filter())

    def _schedule(self, *_: object) -> None:
        self._timer.start()

    def stop(self) -> None:
        """Forget a pending change (the view is closing)."""
        self._timer.stop()

    def set_choices(self, users: list[str], actions: list[str]) -> None:
        """The accounts and actions the log holds."""
        _fill_choices(self.examiner, users)
        _fill_choices(self.action, actions)

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
        """Set every widget in one go (nothing set: every entry); ``changed`` follows at once."""
        widgets = (self.examiner, self.action, self.since, self.until, self.item)
        for widget in widgets:
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
        for widget in widgets:
            widget.blockSignals(False)
        self._timer.stop()
        self.changed.emit()
