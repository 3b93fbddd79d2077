"""The desk: search narrows every filter, sort orders the tiles, the folder tree filters the
gallery, notes and tags are saved (audited) and shown, reports are offered from the menu."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from gui.helpers import wait_writer
from triage_app.gui.dialogs.report_dialog import HASH_LIST, REPORT, ReportDialog
from triage_app.gui.models.gallery_model import Role
from triage_app.gui.qt import QInputDialog
from triage_app.gui.window.main_window import MainWindow
from triage_app.review.annotations import for_item
from triage_app.review.gallery_rows import GalleryRow


def _shown(window: MainWindow) -> list[GalleryRow]:
    model = window.panel.model
    assert model is not None
    return [model.index(r).data(Role.RowRole) for r in range(model.rowCount())]


def test_search_narrows_the_filter_and_clearing_it_restores_the_tiles(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.set_filter("all")
    before = len(_shown(window))
    window.desk.search.set_search("ext:mp4")
    rows = _shown(window)
    assert rows and all(r.path.endswith(".mp4") for r in rows)
    assert len(rows) < before
    window.desk.search.set_search("")
    assert len(_shown(window)) == before


def test_sort_by_size_descending_puts_the_largest_first_and_keeps_the_current_tile(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.set_filter("all")
    panel = window.panel
    model = panel.model
    assert model is not None
    panel.view.setCurrentIndex(model.index(3))
    current = panel.current_item()
    window.desk.search.set_sort("size", True)
    window.desk.search.sort_changed.emit("size", True)
    sizes = [r.size or 0 for r in _shown(window)]
    assert sizes == sorted(sizes, reverse=True)
    assert panel.current_item() == current, "the current tile stays current"


def test_the_folder_tree_filters_the_gallery_to_one_folder(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.set_filter("all")
    tree = window.desk.tree
    qtbot.waitUntil(lambda: window.desk._root.total > 0, timeout=10_000)
    exhibit = _shown(window)[0].exhibit
    assert tree.choose(exhibit, "Videos")
    rows = _shown(window)
    assert rows and all(r.path.startswith("Videos/") for r in rows)
    node = window.desk._root.find(exhibit, "Videos")
    assert node is not None
    before = node.needs_look
    window.panel.view.setCurrentIndex(window.panel.model.index(0))  # type: ignore[union-attr]
    window.grade_selection("C")
    wait_writer(qtbot, window)
    assert node.needs_look == before - 1, "a grade lowers the folder's count, no rebuild"
    tree.choose("", "")
    assert any(not r.path.startswith("Videos/") for r in _shown(window))


def test_a_note_and_tags_are_saved_audited_and_shown_in_the_details(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel = window.panel
    item = panel.current_item()
    assert item is not None and window.session is not None
    monkeypatch.setattr(
        QInputDialog, "getMultiLineText", lambda *_a, **_k: ("face partly hidden", True)
    )
    monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: ("bedroom, series 2", True))
    window.desk.ask_note(item)
    window.desk.ask_tags(item)
    wait_writer(qtbot, window)
    found = for_item(window.session, item)
    assert [n.text for n in found.notes] == ["face partly hidden"]
    assert sorted(found.tags) == ["bedroom", "series 2"]
    qtbot.waitUntil(lambda: "face partly hidden" in panel.detail.toPlainText(), timeout=5_000)
    assert "bedroom, series 2" in panel.detail.toPlainText()
    window.set_filter("all")
    window.desk.search.set_search('tag:"series 2"')
    assert [r.item_id for r in _shown(window)] == [item], "the new tag is searchable at once"


def test_the_report_action_opens_the_report_dialog_for_the_case(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[ReportDialog] = []
    monkeypatch.setattr(ReportDialog, "exec", lambda self: opened.append(self) or 0)
    assert window.act_report.isEnabled() and window.act_export_list.isEnabled()
    window.act_report.trigger()
    window.act_export_list.trigger()
    assert [d.kind.currentData() for d in opened] == [REPORT, HASH_LIST]
