"""The window as a whole: keyboard reach, exposure meter, breaks, settings, the Qt workaround."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from triage_app.config.viewer_settings import ViewerSettings, load_viewer_settings
from triage_app.gui import qt_compat
from triage_app.gui.exposure_meter import BreakReminder, ExposureMeter, meter_text
from triage_app.gui.main_window import MainWindow
from triage_app.gui.settings_dialog import SettingsDialog
from triage_app.review.exposure import Exposure


def test_every_menu_and_main_action_is_reachable_from_the_keyboard(window: MainWindow) -> None:
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&File", "&Hash sets", "&View", "&Grade", "&Supervision", "&Help"]
    for action in (window.act_open, window.act_new, window.act_ingest, window.act_hashsets,
                   window.act_match, window.act_undo, window.act_collapse, window.act_settings,
                   window.act_focus_filter, window.act_switch_pane):  # fmt: skip
        assert not action.shortcut().isEmpty(), action.text()
    assert window.act_undo.shortcut() == QKeySequence(QKeySequence.StandardKey.Undo)
    grade_items = [a.text() for a in window.grade_menu.actions()]
    assert "A: Category A\t1" in grade_items and "NI: Not indecent\t0" in grade_items
    group_menu = next(a.menu() for a in window.grade_menu.actions() if a.menu())
    assert "A: Category A\tShift+1" in [a.text() for a in group_menu.actions()]


def test_f6_switches_between_gallery_and_details(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    window.panel.view.setFocus()
    qtbot.keyClick(window.panel.view, Qt.Key.Key_F6)
    assert window.panel.detail.hasFocus()
    qtbot.keyClick(window.panel.detail, Qt.Key.Key_F6)
    assert window.panel.view.hasFocus()


def test_tile_size_and_collapsing_are_saved_settings(qtbot: QtBot, window: MainWindow) -> None:
    size = window.panel.delegate.tile_size
    window.act_bigger.trigger()
    assert window.panel.delegate.tile_size == size + 32
    assert window.panel.view.gridSize() == window.panel.delegate.cell_size()
    assert load_viewer_settings().tile_size == size + 32
    window.act_smaller.trigger()
    window.act_smaller.trigger()
    assert load_viewer_settings().tile_size == size - 32


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


def test_changing_the_blur_reloads_tiles(qtbot: QtBot, window: MainWindow) -> None:
    loader = window.panel.loader
    assert loader is not None
    window.apply_settings(ViewerSettings(blur="maximum"), save=False)
    assert window.panel.loader is loader and loader._cells == 4


def test_exposure_meter_counts_reveals() -> None:
    meter = ExposureMeter()
    meter.reset(Exposure(2, 12.5))
    assert meter.text() == meter_text(Exposure(0, 0.0), Exposure(2, 12.5))
    meter.add(3.25)
    assert meter.session == Exposure(1, 3.25)
    assert meter.today == Exposure(3, 15.75)
    assert meter.text() == "Revealed: 1 item, 3.2 s this session | 3 items, 15.8 s today"
    meter.deleteLater()


def test_break_reminder_fires_and_rearms(qtbot: QtBot) -> None:
    reminder = BreakReminder()
    reminder.start(0.0005)  # 30 ms
    with qtbot.waitSignal(reminder.due) as fired:
        pass
    assert fired.args == [0] and reminder.active
    reminder.start(0)
    assert not reminder.active
    reminder.deleteLater()


def test_the_window_shows_the_break_reminder_and_blurs(qtbot: QtBot, window: MainWindow) -> None:
    window.apply_settings(ViewerSettings(break_minutes=30), save=False)
    assert window.breaks.active
    window.breaks.due.emit(30)
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert boxes and "30 minutes" in boxes[0].text()
    for box in boxes:
        box.close()


class _Pinger(QObject):
    ping = Signal(int)


def test_the_installed_pyside_keeps_reference_counts() -> None:
    """Void calls and emits must not take references from None, True or False.

    PySide6 6.12.0 on CPython 3.11 does (pyproject.toml excludes it); this test
    guards that pin, and check_binding() refuses to start on such a build.
    """
    assert not qt_compat.defect_present()
    qt_compat.check_binding()
    pinger = _Pinger()
    before = sys.getrefcount(None), sys.getrefcount(True)
    for i in range(5_000):
        pinger.setObjectName("x")
        pinger.ping.emit(i)
    after = sys.getrefcount(None), sys.getrefcount(True)
    assert after[0] >= before[0] - 10 and after[1] >= before[1] - 10
