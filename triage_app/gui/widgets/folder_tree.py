"""The gallery's folder tree: the case, its exhibits and their folders, with item counts.

It shows a :class:`~triage_app.review.folder_tree.FolderNode` tree (built by the
caller from the gallery rows; no database here). Choosing a node emits
``folder_chosen(exhibit, prefix)``; the "whole case" root emits ``("", "")``,
which :func:`~triage_app.review.folder_tree.folder_filter` turns into no filter.
"""

from __future__ import annotations

from collections.abc import Iterable

from triage_app.domain.text_safety import printable
from triage_app.gui.qt import (
    QAbstractItemView,
    QHeaderView,
    QModelIndex,
    QStandardItem,
    QStandardItemModel,
    Qt,
    QTreeView,
    QVBoxLayout,
    QWidget,
    Signal,
)
from triage_app.review.folder_tree import FolderNode

#: The data roles holding a node's exhibit and prefix (on the name column).
EXHIBIT_ROLE = Qt.ItemDataRole.UserRole + 1
PREFIX_ROLE = Qt.ItemDataRole.UserRole + 2
COLUMNS = ("Folder", "Needs a look", "Items")

Key = tuple[str, str]


#: Counts are right-aligned (as a plain int: converting the flag each time is slow).
_RIGHT = int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)
_ALIGNMENT_ROLE = Qt.ItemDataRole.TextAlignmentRole


def _count_item(value: int) -> QStandardItem:
    item = QStandardItem(f"{value:,}")
    item.setData(_RIGHT, _ALIGNMENT_ROLE)
    return item


class FolderTree(QWidget):
    """A tree of the case's folders with counts (items needing a look, and all items).

    Signals:
        folder_chosen(str exhibit, str prefix): a node was chosen; ``("", "")`` is the
            whole case.
    """

    folder_chosen = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = QStandardItemModel(0, len(COLUMNS), self)
        self.model.setHorizontalHeaderLabels(list(COLUMNS))
        self.view = QTreeView()
        self.view.setModel(self.model)
        self.view.setAccessibleName("Folders")
        self.view.setUniformRowHeights(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self._items: dict[Key, list[QStandardItem]] = {}
        self._chosen: Key = ("", "")
        self.view.selectionModel().currentChanged.connect(self._current_changed)

    # -- filling ----------------------------------------------------------------

    def set_tree(self, root: FolderNode) -> None:
        """Show ``root``'s tree. The same folders as before: only the counts change (the
        expansion and choice stay); else the tree is rebuilt, keeping what still exists.
        ``folder_chosen`` is emitted only if the chosen folder is gone (then the whole case)."""
        keys = {node.key for node in root.walk()}
        if keys == set(self._items):
            self.update_counts(root.walk())
            return
        view = self.view
        expanded = {key for key, row in self._items.items() if view.isExpanded(row[0].index())}
        chosen = self._chosen
        self.model.removeRows(0, self.model.rowCount())
        self._items = {}
        self.model.appendRow(self._add(root))
        exhibits = {child.key for child in root.children.values()} if not expanded else set()
        for key in expanded & keys | {root.key} | exhibits:
            self.view.setExpanded(self._items[key][0].index(), True)
        if chosen in keys:
            self._select(chosen)
        else:
            self._select(root.key)
            self.folder_chosen.emit(*root.key)

    def update_counts(self, nodes: Iterable[FolderNode]) -> None:
        """Show the new counts of these nodes (as :func:`~triage_app.review.folder_tree.
        add_to_counts` returns them); nodes not shown are left out."""
        for node in nodes:
            row = self._items.get(node.key)
            if row is None:
                continue
            for item, value in ((row[1], node.needs_look), (row[2], node.total)):
                if item.text() != (text := f"{value:,}"):
                    item.setText(text)

    def _add(self, node: FolderNode) -> list[QStandardItem]:
        name = QStandardItem(printable(node.label))  # the view edits nothing
        name.setData(node.exhibit, EXHIBIT_ROLE)
        name.setData(node.prefix, PREFIX_ROLE)
        name.setToolTip(printable(self._describe(node)))
        row = [name, _count_item(node.needs_look), _count_item(node.total)]
        self._items[node.key] = row
        for child in node.sorted_children():
            name.appendRow(self._add(child))
        return row

    @staticmethod
    def _describe(node: FolderNode) -> str:
        if not node.exhibit:
            return "Every item of the case"
        if not node.prefix:
            return f"Exhibit {node.exhibit}"
        return f"{node.exhibit}: {node.prefix}/"

    # -- choosing ---------------------------------------------------------------

    def chosen(self) -> Key:
        """The chosen (exhibit, prefix); ``("", "")`` for the whole case."""
        return self._chosen

    def choose(self, exhibit: str, prefix: str = "") -> bool:
        """Choose a node (expanding its parents) and emit ``folder_chosen``; False if absent."""
        key = (exhibit, prefix)
        if key not in self._items:
            return False
        self._select(key)
        self.folder_chosen.emit(exhibit, prefix)
        return True

    def clear_choice(self) -> None:
        """Choose the whole case (and emit ``folder_chosen("", "")``)."""
        self.choose("", "")

    def _select(self, key: Key) -> None:
        """Make ``key`` the current node without emitting."""
        index = self._items[key][0].index()
        parent = index.parent()
        while parent.isValid():
            self.view.setExpanded(parent, True)
            parent = parent.parent()
        self._chosen = key  # set first: the current-changed slot then sees no change
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        name = current.siblingAtColumn(0)
        exhibit, prefix = name.data(EXHIBIT_ROLE), name.data(PREFIX_ROLE)
        if exhibit is None or prefix is None:
            return
        if (exhibit, prefix) != self._chosen:
            self._chosen = (exhibit, prefix)
            self.folder_chosen.emit(exhibit, prefix)
