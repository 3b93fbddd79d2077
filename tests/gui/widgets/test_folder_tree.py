"""The folder tree widget: counts shown, choosing a folder, the whole case, refreshes."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from gui.helpers import gallery_row
from triage_app.gui.qt import QModelIndex
from triage_app.gui.widgets.folder_tree import EXHIBIT_ROLE, PREFIX_ROLE, FolderTree
from triage_app.review.folder_tree import add_to_counts, build_tree

ROWS = [
    gallery_row(1, exhibit="A1", path="p1/DCIM/100APPLE/IMG_1.jpg"),
    gallery_row(2, exhibit="A1", path="p1/DCIM/100APPLE/IMG_2.jpg", grade="C"),
    gallery_row(3, exhibit="A1", path="p1/DCIM/IMG_3.jpg"),
    gallery_row(4, exhibit="B2", path="var/backup.zip!/Media/p.jpg"),
]


def _tree(qtbot: QtBot) -> FolderTree:
    tree = FolderTree()
    qtbot.addWidget(tree)
    tree.set_tree(build_tree(ROWS))
    return tree


def _texts(tree: FolderTree, index: QModelIndex) -> list[str]:
    return [str(index.siblingAtColumn(c).data()) for c in range(tree.model.columnCount())]


def test_the_tree_shows_every_folder_with_its_counts(qtbot: QtBot) -> None:
    tree = _tree(qtbot)
    model = tree.model
    root = model.index(0, 0)
    assert _texts(tree, root) == ["Whole case", "3", "4"]
    assert tree.view.isExpanded(root)
    a1 = model.index(0, 0, root)
    assert _texts(tree, a1) == ["A1", "2", "3"]
    assert (a1.data(EXHIBIT_ROLE), a1.data(PREFIX_ROLE)) == ("A1", "")
    b2 = model.index(1, 0, root)
    archive = model.index(0, 0, model.index(0, 0, b2))
    assert _texts(tree, archive) == ["backup.zip (archive)", "1", "1"]
    assert archive.data(PREFIX_ROLE) == "var/backup.zip!"


def test_choosing_a_folder_emits_its_exhibit_and_prefix(qtbot: QtBot) -> None:
    tree = _tree(qtbot)
    seen: list[tuple[str, str]] = []
    tree.folder_chosen.connect(lambda exhibit, prefix: seen.append((exhibit, prefix)))
    a1 = tree.model.index(0, 0, tree.model.index(0, 0))
    p1 = tree.model.index(0, 0, a1)
    tree.view.setCurrentIndex(p1.siblingAtColumn(2))  # any column of the row
    assert seen == [("A1", "p1")] and tree.chosen() == ("A1", "p1")
    assert tree.choose("A1", "p1/DCIM/100APPLE")
    assert seen[-1] == ("A1", "p1/DCIM/100APPLE")
    assert tree.view.currentIndex().data(PREFIX_ROLE) == "p1/DCIM/100APPLE"
    assert not tree.choose("A1", "nowhere")
    tree.clear_choice()
    assert seen[-1] == ("", "") and tree.chosen() == ("", "")
    assert len(seen) == 3


def test_a_refresh_updates_counts_and_keeps_the_choice(qtbot: QtBot) -> None:
    tree = _tree(qtbot)
    seen: list[tuple[str, str]] = []
    tree.folder_chosen.connect(lambda exhibit, prefix: seen.append((exhibit, prefix)))
    assert tree.choose("A1", "p1/DCIM")
    ROWS[0].grade = "B"
    try:
        tree.set_tree(build_tree(ROWS))  # same folders: counts only
    finally:
        ROWS[0].grade = None
    assert _texts(tree, tree.model.index(0, 0)) == ["Whole case", "2", "4"]
    assert tree.chosen() == ("A1", "p1/DCIM") and seen == [("A1", "p1/DCIM")]
    more = [*ROWS, gallery_row(5, exhibit="A1", path="p1/DCIM/new/x.jpg")]
    tree.set_tree(build_tree(more))  # a new folder: rebuilt, the choice kept
    assert tree.chosen() == ("A1", "p1/DCIM") and seen == [("A1", "p1/DCIM")]
    assert tree.view.currentIndex().data(PREFIX_ROLE) == "p1/DCIM"
    tree.set_tree(build_tree(ROWS[3:]))  # the chosen folder is gone: the whole case
    assert tree.chosen() == ("", "") and seen[-1] == ("", "")


def test_update_counts_shows_only_the_nodes_given(qtbot: QtBot) -> None:
    root = build_tree(ROWS)
    tree = FolderTree()
    qtbot.addWidget(tree)
    tree.set_tree(root)
    tree.update_counts(add_to_counts(root, ROWS[3], needs_look=-1))
    case = tree.model.index(0, 0)
    assert _texts(tree, case) == ["Whole case", "2", "4"]
    assert _texts(tree, tree.model.index(1, 0, case)) == ["B2", "0", "1"]
    assert _texts(tree, tree.model.index(0, 0, case)) == ["A1", "2", "3"]  # untouched


def test_a_large_tree_fills_quickly(qtbot: QtBot) -> None:
    rows = [
        gallery_row(i, exhibit=f"E/{i % 3}", path=f"DCIM/{i // 100}/s{i % 7}/{i}.jpg")
        for i in range(1, 100_001)
    ]
    tree = FolderTree()
    qtbot.addWidget(tree)
    tree.set_tree(build_tree(rows))
    assert tree.model.index(0, 2).data() == "100,000"
