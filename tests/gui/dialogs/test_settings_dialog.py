"""The viewer settings dialog edits validated settings."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from triage_app.config.viewer_settings import ViewerSettings
from triage_app.gui.dialogs.settings_dialog import SettingsDialog


def test_settings_dialog_edits_validated_settings(qtbot: QtBot) -> None:
    dialog = SettingsDialog(ViewerSettings())
    qtbot.addWidget(dialog)
    assert dialog.blur.currentData() == "strong"
    dialog.blur.setCurrentIndex(dialog.blur.findData("maximum"))
    dialog.reveal_seconds.setValue(5)
    dialog.break_minutes.setValue(45)
    value = dialog.value()
    assert value.blur == "maximum" and value.blur_cells == 4
    assert value.reveal_seconds == 5 and value.break_minutes == 45
    assert dialog.break_minutes.specialValueText() == "off"
