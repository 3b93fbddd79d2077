"""Supervision windows are for supervisors only."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from triage_app.gui.qt import QMessageBox
from triage_app.gui.window.main_window import MainWindow


def test_an_examiner_is_refused_the_supervisor_view_and_sign_off(
    qtbot: QtBot, window: MainWindow
) -> None:
    assert window.session is not None and window.session.account.role == "examiner"
    assert not window.act_supervisor.isEnabled() and not window.act_sign_off.isEnabled()
    assert window.supervision_hint.isVisible()
    for open_it in (window.open_supervisor_view, window.open_sign_off):
        with qtbot.waitSignal(window.error_shown, timeout=5_000) as shown:
            open_it()
        assert "needs a supervisor account" in str(shown.args[0])
    assert window.supervisor_view is None and window.sign_off_dialog is None
    for box in window.findChildren(QMessageBox):
        box.close()
