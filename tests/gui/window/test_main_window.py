"""The main window: signing in, viewer settings, break reminders."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from gui.helpers import audit_actions
from triage_app import audit
from triage_app.config.viewer_settings import ViewerSettings, load_viewer_settings
from triage_app.demo.build import DEMO_EXAMINER
from triage_app.gui.qt import QApplication, QDialog, QMessageBox
from triage_app.gui.window.main_window import MainWindow


def test_a_wrong_password_is_refused_and_logged(
    qtbot: QtBot, demo_case: Path, tmp_path: Path
) -> None:
    window = MainWindow(library=tmp_path / "lib.db")
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.error_shown) as shown:
        window.open_case(demo_case, DEMO_EXAMINER, "not-the-password")
    assert "wrong password" in shown.args[0]
    assert window.session is None and window.stack.currentIndex() == 0
    for box in window.findChildren(QMessageBox):
        box.close()
    assert audit_actions(demo_case)[-1] == audit.SIGN_IN_REFUSED


def test_tile_size_and_collapsing_are_saved_settings(qtbot: QtBot, window: MainWindow) -> None:
    size = window.panel.delegate.tile_size
    window.act_bigger.trigger()
    assert window.panel.delegate.tile_size == size + 32
    grid, cell = window.panel.view.gridSize(), window.panel.delegate.cell_size()
    assert grid.height() == cell.height() and grid.width() >= cell.width()
    assert load_viewer_settings().tile_size == size + 32
    window.act_smaller.trigger()
    window.act_smaller.trigger()
    assert load_viewer_settings().tile_size == size - 32


def test_changing_the_blur_reloads_tiles(qtbot: QtBot, window: MainWindow) -> None:
    loader = window.panel.loader
    assert loader is not None
    window.apply_settings(ViewerSettings(blur="maximum"), save=False)
    assert window.panel.loader is loader and loader._cells == 4


def test_the_window_shows_the_break_reminder_and_blurs(qtbot: QtBot, window: MainWindow) -> None:
    window.apply_settings(ViewerSettings(break_minutes=30), save=False)
    assert window.breaks.active
    window.breaks.due.emit(30)
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert boxes and "30 minutes" in boxes[0].text()
    for box in boxes:
        box.close()


def test_one_minute_is_singular(qtbot: QtBot, window: MainWindow) -> None:
    window.breaks.due.emit(1)
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert boxes and "for 1 minute." in boxes[0].text()
    for box in boxes:
        box.close()


def test_a_break_reminder_waits_for_an_open_dialog(qtbot: QtBot, window: MainWindow) -> None:
    dialog = QDialog(window)
    dialog.setModal(True)
    dialog.show()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is dialog)
    with qtbot.waitSignal(window.break_deferred) as deferred:
        window.breaks.due.emit(30)
    assert deferred.args == [30]
    assert not [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    dialog.close()


def test_the_grid_fills_the_gallery_width(qtbot: QtBot, window: MainWindow) -> None:
    view = window.panel.view
    cell = window.panel.delegate.cell_size()
    seen = set()
    for width in (700, 913, 1240):
        window.resize(width + 420, 800)
        qtbot.wait(30)
        viewport = view.viewport().width()
        seen.add(viewport)
        columns = max(1, viewport // cell.width())
        assert view.gridSize().width() == max(cell.width(), viewport // columns)
        assert viewport - columns * view.gridSize().width() < columns  # no dead band
    assert len(seen) == 3  # the view really took each width
