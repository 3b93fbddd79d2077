"""Grading from the keyboard: scheme keys, Shift for the whole group, Enter/C, Ctrl+Z, reasons."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import TEST_USER
from pytestqt.qtbot import QtBot

from gui.helpers import open_window, wait_writer
from triage_app.gui.models.gallery_model import Role
from triage_app.gui.qt import QItemSelectionModel, Qt
from triage_app.gui.window.main_window import MainWindow
from triage_app.review import grading


def _grades(window: MainWindow) -> dict[int, tuple[str, str]]:
    assert window.session is not None
    return {i: (g.category, g.source) for i, g in window.session.review.grades().items()}


def _focus_row(window: MainWindow, row: int) -> int:
    view, model = window.panel.view, window.panel.model
    assert model is not None
    view.setFocus()
    view.setCurrentIndex(model.index(row))
    return int(model.index(row).data(Role.ItemIdRole))


def _group_row(window: MainWindow) -> int:
    model = window.panel.model
    assert model is not None
    return next(r for r in range(model.rowCount()) if model.index(r).data(Role.GroupCountRole) > 1)


def test_a_scheme_key_grades_the_current_tile_and_moves_on(
    qtbot: QtBot, window: MainWindow
) -> None:
    model = window.panel.model
    assert model is not None
    before = model.rowCount()
    row = next(  # a tile with no near duplicate left behind in its group
        r
        for r in range(model.rowCount() - 1)
        if len({m.sha256 for m in model.group_members(model.index(r).data(Role.RowRole))}) == 1
    )
    item = _focus_row(window, row)
    next_item = model.index(row + 1).data(Role.ItemIdRole)
    qtbot.keyClick(window.panel.view, Qt.Key.Key_1)
    wait_writer(qtbot, window)
    assert _grades(window)[item] == ("A", grading.MANUAL)
    assert model.rowCount() == before - 1, "a graded tile leaves the review queue"
    assert window.panel.current_item() == next_item, "the next tile is current"
    assert window.panel.view.selectionModel().isSelected(window.panel.view.currentIndex())
    assert "graded" in window.statusBar().currentMessage().lower()


def test_multi_selection_grades_every_selected_tile(qtbot: QtBot, window: MainWindow) -> None:
    view, model = window.panel.view, window.panel.model
    assert model is not None
    _focus_row(window, 0)
    items = []
    for row in range(3):
        view.selectionModel().select(model.index(row), QItemSelectionModel.SelectionFlag.Select)
        items.append(model.index(row).data(Role.ItemIdRole))
    qtbot.keyClick(view, Qt.Key.Key_3)
    wait_writer(qtbot, window)
    grades = _grades(window)
    assert all(grades[i] == ("C", grading.MANUAL) for i in items)


def test_shift_key_grades_the_whole_duplicate_group(qtbot: QtBot, window: MainWindow) -> None:
    model = window.panel.model
    assert model is not None
    row = _group_row(window)
    item = _focus_row(window, row)
    members = [r.item_id for r in model.group_members(model.gallery_row(item))]  # type: ignore[arg-type]
    assert len(members) > 1
    qtbot.keyClick(window.panel.view, Qt.Key.Key_2, Qt.KeyboardModifier.ShiftModifier)
    wait_writer(qtbot, window)
    grades = _grades(window)
    assert grades[item] == ("B", grading.MANUAL)
    for other in set(members) - {item}:
        assert grades[other] == ("B", grading.propagated_source(item))


def test_ctrl_z_undoes_the_last_grading_of_this_session(qtbot: QtBot, window: MainWindow) -> None:
    model = window.panel.model
    assert model is not None
    row = _group_row(window)
    item = _focus_row(window, row)
    qtbot.keyClick(window.panel.view, Qt.Key.Key_2, Qt.KeyboardModifier.ShiftModifier)
    wait_writer(qtbot, window)
    assert window.act_undo.isEnabled()
    graded = set(_grades(window))
    assert item in graded and len(graded) > 1
    queue_after_grading = model.rowCount()
    qtbot.keyClick(window.panel.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_writer(qtbot, window)
    assert _grades(window) == {}, "the grade and its propagation are both undone"
    assert model.rowCount() == queue_after_grading + 1, "the tile is back in the queue"
    assert not window.act_undo.isEnabled()
    assert window.session is not None
    actions = [r.action for r in window.session.review.audit_rows()]
    assert "propagation undone" in actions and "grade undone" in actions


def test_changing_a_grade_asks_for_a_reason(qtbot: QtBot, window: MainWindow) -> None:
    item = _focus_row(window, 0)
    qtbot.keyClick(window.panel.view, Qt.Key.Key_3)
    wait_writer(qtbot, window)
    window.set_filter("graded")
    assert window.panel.current_item() == item
    assert window.grading is not None
    asked: list[str] = []
    window.grading.ask = lambda _parent, request: asked.append(request.problem) or None
    qtbot.keyClick(window.panel.view, Qt.Key.Key_1)
    wait_writer(qtbot, window)
    assert asked and "needs a reason" in asked[0]
    assert _grades(window)[item] == ("C", grading.MANUAL), "no reason, no change"
    window.grading.ask = lambda _parent, _problem: "penetrative activity seen on reveal"
    qtbot.keyClick(window.panel.view, Qt.Key.Key_1)
    wait_writer(qtbot, window)
    assert _grades(window)[item] == ("A", grading.MANUAL)
    assert window.session is not None
    history = window.session.review.history(item)
    assert history[-1]["reason"] == "penetrative activity seen on reveal"


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_C])
def test_enter_or_c_confirms_a_suggestion(
    qtbot: QtBot, matched_case: tuple[Path, dict[str, int]], tmp_path: Path, key: Qt.Key
) -> None:
    case, items = matched_case
    window = open_window(qtbot, case, tmp_path / "lib.db")
    window.set_filter("suggestions")
    assert window.panel.current_item() == items["near"]
    window.panel.view.setFocus()
    qtbot.keyClick(window.panel.view, key)
    wait_writer(qtbot, window)
    assert _grades(window)[items["near"]] == ("B", grading.CONFIRMED)
    assert window.panel.model is not None and window.panel.model.rowCount() == 0
    qtbot.keyClick(window.panel.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_writer(qtbot, window)
    assert items["near"] not in _grades(window)
    window.close()


def test_confirming_an_item_without_a_suggestion_says_so(qtbot: QtBot, window: MainWindow) -> None:
    _focus_row(window, 0)
    qtbot.keyClick(window.panel.view, Qt.Key.Key_Return)
    wait_writer(qtbot, window)
    assert "no near-match suggestion" in window.statusBar().currentMessage()
    assert _grades(window) == {}


def test_grading_is_logged_as_the_signed_in_examiner(qtbot: QtBot, window: MainWindow) -> None:
    item = _focus_row(window, 0)
    qtbot.keyClick(window.panel.view, Qt.Key.Key_0)
    wait_writer(qtbot, window)
    assert window.session is not None
    grade = window.session.review.grades()[item]
    assert grade.category == "NI" and grade.user.startswith("Demo Examiner")
    assert grade.user != TEST_USER
