"""A grade key on a group tile grades its byte-identical copies; bulk keeps list grades."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pytestqt.qtbot import QtBot

from gui.helpers import open_window, wait_writer
from triage_app.gui.models.gallery_model import Role
from triage_app.gui.qt import Qt, QWidget
from triage_app.gui.window.main_window import MainWindow
from triage_app.review import grading
from triage_app.review.gallery_rows import GalleryRow
from triage_app.review.groups import status


def _grades(window: MainWindow) -> dict[int, tuple[str, str]]:
    assert window.session is not None
    return {i: (g.category, g.source) for i, g in window.session.review.grades().items()}


def test_one_grade_key_on_a_group_tile_grades_every_byte_identical_copy(
    qtbot: QtBot, window: MainWindow
) -> None:
    model, view = window.panel.model, window.panel.view
    assert model is not None and window.grading is not None
    offered: list[list[int]] = []

    def decline(_parent: QWidget, _code: str, rows: Sequence[GalleryRow]) -> list[int] | None:
        offered.append([r.item_id for r in rows])
        return []

    window.grading.choose_near = decline
    row = next(
        r
        for r in range(model.rowCount())
        if (g := model.index(r).data(Role.RowRole)) is not None
        and sum(m.sha256 == g.sha256 for m in model.group_members(g)) > 1
    )
    tile = model.index(row).data(Role.RowRole)
    members = [m.item_id for m in model.group_members(tile)]
    same = [m.item_id for m in model.group_members(tile) if m.sha256 == tile.sha256]
    near = set(members) - set(same)
    view.setFocus()
    view.setCurrentIndex(model.index(row))
    qtbot.keyClick(view, Qt.Key.Key_1)
    wait_writer(qtbot, window)
    grades = _grades(window)
    assert grades[tile.item_id] == ("A", grading.MANUAL)
    for other in set(same) - {tile.item_id}:
        assert grades[other] == ("A", grading.propagated_source(tile.item_id))
    assert [set(o) for o in offered] == ([near] if near else []), "near ones offered"
    assert not near & set(grades), "near duplicates declined stay ungraded"
    message = window.statusBar().currentMessage()
    assert message.startswith(f"Graded {len(same)} items (") and "byte-identical" in message
    if near:
        assert any(model.row_of(m) >= 0 for m in near), "an ungraded member keeps the group"
    else:
        assert all(model.row_of(m) < 0 for m in members), "the group leaves the review queue"
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_writer(qtbot, window)
    assert not set(same) & set(_grades(window)), "one undo step reverts them all"


def test_ctrl_a_and_a_digit_leave_hash_list_grades_alone(
    qtbot: QtBot, matched_case: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    case, items = matched_case
    window = open_window(qtbot, case, tmp_path / "lib.db")
    window.set_filter("all")
    view = window.panel.view
    view.setFocus()
    assert _grades(window)[items["exact"]] == ("A", grading.FROM_LIST)
    qtbot.keyClick(view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_3)
    wait_writer(qtbot, window)
    grades = _grades(window)
    assert grades[items["exact"]] == ("A", grading.FROM_LIST), "the list grade stays"
    assert sum(1 for g in grades.values() if g[0] == "C") > 1
    assert "hash-list grade" in window.statusBar().currentMessage()
    window.close()


def test_the_review_queue_count_equals_status_review_load(
    qtbot: QtBot, matched_case: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    case, _items = matched_case
    window = open_window(qtbot, case, tmp_path / "lib.db")
    assert window.panel.filter_key == "review" and window.panel.model is not None
    assert window.session is not None
    load = status(window.session)["review_load"]
    assert window.panel.model.rowCount() == load
    label = window.panel.area.categories.open_label.text()
    assert label.startswith(f"Review load {load:,} tiles · "), "the category bar agrees"
    window.set_filter("all")
    assert window.panel.area.categories.open_label.text() == label, "whatever the filter"
    window.close()
