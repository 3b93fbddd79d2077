"""The optional break reminder: a timer that says when it is time for a break."""

from __future__ import annotations

from triage_app.gui.qt import QObject, QTimer, Signal


class BreakReminder(QObject):
    """Says when it is time for a break: after ``minutes`` of reviewing (0: never).

    Signals:
        due(int): minutes reviewed since the last break.
    """

    due = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._fire)
        self._minutes = 0.0

    @property
    def active(self) -> bool:
        """True while a reminder is scheduled."""
        return self._timer.isActive()

    def start(self, minutes: float) -> None:
        """Schedule the next reminder ``minutes`` from now (0 stops reminding)."""
        self._minutes = minutes
        self._timer.stop()
        if minutes > 0:
            self._timer.start(round(minutes * 60_000))

    def stop(self) -> None:
        """No more reminders."""
        self._timer.stop()

    def _fire(self) -> None:
        self.due.emit(round(self._minutes))
        self.start(self._minutes)
