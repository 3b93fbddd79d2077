"""Signing off from the window: the preview, then the sign-off with the head."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from triage_app.gui.window.main_window import MainWindow
from triage_app.supervision import signoff


def test_sign_off_from_the_window(qtbot: QtBot, supervisor: MainWindow) -> None:
    supervisor.act_sign_off.trigger()
    dialog = supervisor.sign_off_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.scope.count() == 2 and dialog.sign_button.isEnabled(),
                    timeout=15_000)  # fmt: skip
    assert "Audit head" in dialog.details.toHtml()
    with qtbot.waitSignal(dialog.previewed, timeout=15_000):
        dialog.scope.setCurrentIndex(1)  # exhibit DEMO/1
    dialog.note.setText("checked in the GUI")
    with qtbot.waitSignal(dialog.signed, timeout=15_000) as signed:
        dialog.sign_button.click()
    row = signed.args[0].sign_off
    assert (row.object, row.note) == ("exhibit DEMO/1", "checked in the GUI")
    assert f"head {row.head_seq} {row.head_hash}" in dialog.status.text()
    session = supervisor.session
    assert session is not None
    assert [s.id for s in signoff.sign_offs(session)] == [row.id]
    dialog.close()
