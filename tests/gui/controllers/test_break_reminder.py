"""The break reminder fires and re-arms."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from triage_app.gui.controllers.break_reminder import BreakReminder


def test_break_reminder_fires_and_rearms(qtbot: QtBot) -> None:
    reminder = BreakReminder()
    reminder.start(0.0005)  # 30 ms
    with qtbot.waitSignal(reminder.due) as fired:
        pass
    assert fired.args == [0] and reminder.active
    reminder.start(0)
    assert not reminder.active
    reminder.deleteLater()
