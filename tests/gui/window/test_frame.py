"""The window's frame: menus and keys, panes, filters in the toolbar and menu."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from triage_app.gui.qt import QKeySequence, Qt
from triage_app.gui.window.main_window import MainWindow


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


def test_filter_shortcuts_and_combo_follow_each_other(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.panel.filter_key == "suggestions"
    assert window.filter_combo.currentData() == "suggestions"
    assert window.filter_actions["suggestions"].isChecked()
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.panel.filter_key == "review"
    index = window.filter_combo.findData("all")
    window.filter_combo.setCurrentIndex(index)
    window.filter_combo.activated.emit(index)
    assert window.panel.filter_key == "all"
    assert "All items" in window._counts.text()
