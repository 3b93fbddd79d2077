"""A new case: the dialog checks the form, the writer creates the case."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from triage_app.gui.dialogs.new_case_dialog import NewCase, NewCaseDialog, create_case
from triage_app.gui.window.main_window import MainWindow


def test_a_new_case_is_created_on_the_writer_and_opened(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = NewCaseDialog()
    qtbot.addWidget(dialog)
    assert dialog.problems() == "Choose a folder for the case."
    dialog.folder.setText(str(tmp_path / "new-case"))
    dialog.reference.setText("OP-TEST-7")
    dialog.examiner.setText("Ann Examiner")
    dialog.password.setText("secret")
    dialog.password2.setText("different")
    assert dialog.problems() == "The passwords differ."
    dialog.password2.setText("secret")
    assert dialog.problems() is None
    new = dialog.value()
    assert new == NewCase(tmp_path / "new-case", "OP-TEST-7", "Ann Examiner", None, "secret", "uk")
    window = MainWindow(library=tmp_path / "lib.db")
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.case_opened, timeout=20_000) as opened:
        window.writer.submit(
            lambda: create_case(new),
            lambda _: window.open_case(new.folder, new.examiner, new.password),
        )
    assert opened.args == ["OP-TEST-7"]
    qtbot.waitUntil(lambda: window.panel.model is not None and window.panel.model.total == 0)
    assert not window.act_undo.isEnabled() and window.act_ingest.isEnabled()
    window.close()
