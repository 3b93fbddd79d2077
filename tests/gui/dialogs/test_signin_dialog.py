"""The sign-in dialog asks for what the environment does not give."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from gui.helpers import audit_actions, wait_writer
from triage_app import audit
from triage_app.demo.build import DEMO_EXAMINER
from triage_app.gui.dialogs.signin_dialog import SignInDialog
from triage_app.gui.qt import QDialog
from triage_app.gui.window.main_window import MainWindow


def test_the_sign_in_dialog_asks_when_the_environment_does_not_say(
    qtbot: QtBot, demo_case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRIAGE_USER")
    monkeypatch.delenv("TRIAGE_PASSWORD")

    def fill_in(dialog: SignInDialog) -> int:
        dialog.login.setText(DEMO_EXAMINER)
        dialog.password.setText("demo")
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(SignInDialog, "exec", fill_in)
    window = MainWindow(library=tmp_path / "lib.db")
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.case_opened, timeout=20_000):
        window.open_case(demo_case)
    assert window.session is not None and window.session.actor.startswith(DEMO_EXAMINER)
    with qtbot.waitSignal(window.case_closed):
        window.close_case()
    wait_writer(qtbot, window)
    assert audit_actions(demo_case)[-1] == audit.CASE_CLOSED
    window.close()
