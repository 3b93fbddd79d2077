"""The exposure meter in the status bar: items revealed and seconds unblurred."""

from __future__ import annotations

from triage_app.gui.qt import QLabel, QWidget
from triage_app.review.exposure import Exposure


def meter_text(session: Exposure, today: Exposure) -> str:
    """``Revealed: 2 items, 7.5 s this session | 5 items, 31.0 s today``."""

    def part(e: Exposure) -> str:
        return f"{e.reveals} item{'s' if e.reveals != 1 else ''}, {e.seconds:.1f} s"

    return f"Revealed: {part(session)} this session | {part(today)} today"


class ExposureMeter(QLabel):
    """Items revealed and seconds of unblurred viewing, this session and today."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Exposure meter")
        self.setToolTip("Images revealed and seconds of unblurred viewing (from the audit trail)")
        self._before_session = Exposure(0, 0.0)
        self._session = Exposure(0, 0.0)
        self._render()

    @property
    def session(self) -> Exposure:
        """Reveals since this case was opened in this window."""
        return self._session

    @property
    def today(self) -> Exposure:
        """Reveals today (UTC) by the signed-in account, this session included."""
        return Exposure(
            self._before_session.reveals + self._session.reveals,
            self._before_session.seconds + self._session.seconds,
        )

    def reset(self, today_before: Exposure) -> None:
        """Start a new session; ``today_before`` is what the audit trail holds for today."""
        self._before_session = today_before
        self._session = Exposure(0, 0.0)
        self._render()

    def set_baseline(self, today_before: Exposure) -> None:
        """What the audit trail held for today when the session began (read off-thread)."""
        self._before_session = today_before
        self._render()

    def add(self, seconds: float) -> None:
        """Count one finished reveal."""
        self._session = Exposure(self._session.reveals + 1, self._session.seconds + seconds)
        self._render()

    def _render(self) -> None:
        self.setText(meter_text(self._session, self.today))
