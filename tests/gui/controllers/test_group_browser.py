"""Opening a group shows its members, gradable; side by side compares two, each blurred."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from gui import helpers
from gui.helpers import wait_thumbnails, wait_writer
from triage_app.gui.controllers.group_browser import group_text, partner
from triage_app.gui.models.gallery_model import Role
from triage_app.gui.qt import QPoint, Qt
from triage_app.gui.window.main_window import MainWindow
from triage_app.review.gallery_rows import GalleryRow


def _group_tile(window: MainWindow) -> tuple[int, GalleryRow]:
    model = window.panel.model
    assert model is not None
    for pos in range(model.rowCount()):
        row = model.index(pos).data(Role.RowRole)
        if row is not None and row.cluster_size > 2:
            return pos, row
    raise AssertionError("the demo case has a group of three or more")


def test_open_group_shows_every_member_and_escape_goes_back(
    qtbot: QtBot, window: MainWindow
) -> None:
    panel, model = window.panel, window.panel.model
    assert model is not None
    tiles_before = model.rowCount()
    pos, tile = _group_tile(window)
    members = {m.item_id for m in model.group_members(tile)}
    panel.view.setFocus()
    panel.view.setCurrentIndex(model.index(pos))
    qtbot.keyClick(panel.view, Qt.Key.Key_O)
    shown = {model.index(r).data(Role.ItemIdRole) for r in range(model.rowCount())}
    assert shown == members, "the grid shows the group's members, all of them"
    assert panel.area.group_bar.isVisible()
    assert f"{len(members)} members" in panel.area.group_bar.label.text()
    other = next(m for m in sorted(members) if m != tile.item_id)
    panel.view.setCurrentIndex(model.index(model.row_of(other)))
    qtbot.keyClick(panel.view, Qt.Key.Key_Escape)
    assert panel.group is None and not panel.area.group_bar.isVisible()
    assert model.rowCount() == tiles_before
    current = panel.view.currentIndex().data(Role.RowRole)
    assert current.cluster == tile.cluster, "back on the group's tile, not the top"


def test_a_member_of_an_open_group_is_graded_alone_by_its_key(
    qtbot: QtBot, window: MainWindow
) -> None:
    panel, model = window.panel, window.panel.model
    assert model is not None and window.session is not None
    pos, tile = _group_tile(window)
    panel.view.setCurrentIndex(model.index(pos))
    panel.groups.open_group(tile)
    near = [m for m in model.group_members(tile) if m.sha256 != tile.sha256]
    target = near[0] if near else model.group_members(tile)[-1]
    panel.view.setFocus()
    panel.view.setCurrentIndex(model.index(model.row_of(target.item_id)))
    qtbot.keyClick(panel.view, Qt.Key.Key_2)
    wait_writer(qtbot, window)
    grades = window.session.review.grades()
    assert grades[target.item_id].category == "B"
    copies = {m.item_id for m in model.group_members(tile) if m.sha256 == target.sha256}
    assert set(grades) == copies, "its byte-identical copies with it, nothing else"
    assert model.row_of(target.item_id) >= 0, "a graded member stays in the open group"
    text = window.panel.area.categories.button_text("B")
    assert text.endswith(f"· {len(copies)}")


def test_side_by_side_shows_two_blurred_sides_and_reveals_one_half(
    qtbot: QtBot, window: MainWindow
) -> None:
    panel, model = window.panel, window.panel.model
    assert model is not None and panel.reveal is not None
    pos, tile = _group_tile(window)
    panel.view.setFocus()
    panel.view.setCurrentIndex(model.index(pos))
    qtbot.keyClick(panel.view, Qt.Key.Key_X)
    compare = panel.area.compare
    assert panel.area.comparing
    assert compare.rows[0].item_id == tile.item_id
    assert compare.rows[1].cluster == tile.cluster
    wait_thumbnails(qtbot, window)
    qtbot.waitUntil(lambda: len(compare.images) == 2, timeout=10_000)
    assert not panel.area.overlay.showing, "nothing is in the clear before a hold"
    qtbot.keyClick(compare, Qt.Key.Key_Right)
    assert compare.active == 1
    assert [r.item_id for r in panel.selected_rows()] == [compare.rows[1].item_id]
    with qtbot.waitSignal(panel.reveal.revealed, timeout=10_000) as shown:
        qtbot.keyPress(compare, Qt.Key.Key_Space)
    assert shown.args == [compare.rows[1].item_id]
    half = compare.side_rect(1)
    geometry = panel.area.overlay.geometry()
    assert geometry.width() == half.width() and geometry.x() >= half.x()
    with qtbot.waitSignal(panel.reveal.concealed, timeout=5_000):
        qtbot.keyRelease(compare, Qt.Key.Key_Space)
    wait_writer(qtbot, window)
    assert window.case_dir is not None
    assert "reveal" in helpers.audit_actions(window.case_dir)[-1]
    qtbot.keyClick(compare, Qt.Key.Key_Escape)
    assert not panel.area.comparing


def test_double_click_opens_the_group_and_the_menu_offers_it(
    qtbot: QtBot, window: MainWindow
) -> None:
    panel, model = window.panel, window.panel.model
    assert model is not None
    pos, tile = _group_tile(window)
    index = model.index(pos)
    panel.view.scrollTo(index)
    panel.view.setCurrentIndex(index)
    panel.view.doubleClicked.emit(index)
    assert panel.group == tile.cluster
    panel.groups.back()
    window.desk.show_menu = lambda _menu, _at: None
    panel.view.menu_requested.emit(panel.view.currentIndex(), QPoint(10, 10))
    menu = window.desk.last_menu
    assert menu is not None
    texts = [a.text() for a in menu.actions()]
    assert any(t.startswith("&Open group") for t in texts)
    assert any(t.startswith("Compare side by side") for t in texts)
    assert "Copy &path" in texts
    menu.deleteLater()


def test_group_text_and_partner() -> None:
    rows = [
        helpers.gallery_row(1, cluster=5, cluster_size=3, sha256="a", representative=True),
        helpers.gallery_row(2, cluster=5, cluster_size=3, sha256="a", representative=False),
        helpers.gallery_row(3, cluster=5, cluster_size=3, sha256="b", representative=False,
                            grade="A"),
    ]  # fmt: skip
    assert group_text(rows) == (
        "Group #5: 3 members, 2 byte-identical (representative #1), 1 near duplicate; 1 graded"
    )
    assert partner(rows[1], rows) is rows[0]
    assert partner(rows[0], rows) is rows[2], "the representative is compared with a near one"
    assert partner(rows[0], rows[:1]) is None
