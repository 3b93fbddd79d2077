"""The examiner's desk around the gallery: the tile menu, search, sort, folders, notes.

:class:`Desk` connects what the main window offers beyond grading keys and
reveals to the gallery panel and the core: the context menu of a tile, the
search bar and sort order (a toolbar), the folder tree (a dock that filters
the gallery), and notes, tags and marked video frames
(:mod:`triage_app.review.annotations`). Writes go through the window's writer
thread; the folder tree is built on a reader thread.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from triage_app.case.session import CaseSession
from triage_app.gui.models.gallery_model import Role
from triage_app.gui.qt import (
    QDockWidget,
    QInputDialog,
    QMenu,
    QModelIndex,
    QObject,
    QPoint,
    Qt,
)
from triage_app.gui.widgets.folder_tree import FolderTree
from triage_app.gui.widgets.search_bar import SearchBar
from triage_app.gui.window.host import WindowHost
from triage_app.gui.window.tile_menu import TileActions, tile_menu
from triage_app.review.annotations import add_note, mark_frame, set_tags
from triage_app.review.folder_tree import (
    FolderNode,
    add_to_counts,
    build_tree,
    folder_filter,
    folder_of,
)
from triage_app.review.gallery_rows import GalleryRow
from triage_app.review.gallery_search import search_predicate
from triage_app.review.gallery_sort import sort_order

Extra = list[tuple[str, Callable[[], object]]]


class Desk(QObject):
    """Tile menu, search, sort, folder tree and notes of the main window."""

    def __init__(self, window: WindowHost, parent: QObject) -> None:
        super().__init__(parent)
        self.window = window
        self.panel = panel = window.panel
        panel.view.menu_requested.connect(self._menu)
        self.last_menu: QMenu | None = None
        #: How a menu is shown (tests replace it: a popup cannot grab an offscreen display).
        self.show_menu: Callable[[QMenu, QPoint], None] = lambda menu, at: menu.popup(at)
        main = window.widget
        self.search = SearchBar()
        main.addToolBarBreak()
        bar = main.addToolBar("Search and sort")
        bar.setObjectName("search-toolbar")
        bar.setMovable(False)
        bar.addWidget(self.search)
        self.search.search_changed.connect(self._searched)
        self.search.sort_changed.connect(lambda key, down: panel.set_order(sort_order(key, down)))
        self.tree = FolderTree()
        self.tree.setMinimumWidth(280)
        self.tree.folder_chosen.connect(self._folder_chosen)
        self.dock = QDockWidget("Folders", main)
        self.dock.setObjectName("folders-dock")
        self.dock.setWidget(self.tree)
        self.dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable)
        main.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.dock)
        self.dock.hide()
        self.dock.toggleViewAction().setShortcut("F8")
        self.dock.visibilityChanged.connect(lambda _shown: self._fit_screen())
        self._root = FolderNode("Whole case")
        panel.rows_loaded.connect(self._rows_loaded)
        panel.looks_changed.connect(self._looks_changed)

    def case_closed(self) -> None:
        """Forget the case's search, order and folders."""
        self.search.stop()
        self.search.set_search("")
        self.search.set_sort("id", False)
        self._root = FolderNode("Whole case")
        self.tree.set_tree(self._root)

    # -- search, sort and folders --------------------------------------------------------

    def _searched(self, text: str) -> None:
        self.panel.set_narrowing("search", search_predicate(text))
        if text:
            tiles = self.panel.model.rowCount() if self.panel.model is not None else 0
            self.window.say(f"Search {text!r}: {tiles:,} tiles")

    def _folder_chosen(self, exhibit: str, prefix: str) -> None:
        self.panel.set_narrowing("folder", folder_filter(exhibit, prefix))

    def _rows_loaded(self, _count: int) -> None:
        panel = self.panel
        if panel.model is None or panel.reader is None:
            return
        rows = list(panel.model.all_rows())
        panel.reader.submit(lambda: build_tree(rows), self._tree_ready)

    def _looks_changed(self, turned: list[tuple[GalleryRow, int]]) -> None:
        """Grades changed what needs a look: adjust the tree's counts (no rebuild)."""
        nodes: list[FolderNode] = []
        for row, delta in turned:
            nodes += add_to_counts(self._root, row, needs_look=delta)
        self.tree.update_counts(nodes)

    def _tree_ready(self, root: FolderNode) -> None:
        self._root = root
        self.tree.set_tree(root)

    def _fit_screen(self) -> None:
        """Opening the dock must not push the window past the screen's edge."""
        main = self.window.widget
        room = main.screen().availableGeometry()
        if main.width() > room.width() or main.height() > room.height():
            main.resize(min(main.width(), room.width()), min(main.height(), room.height()))

    def show_in_tree(self, row: GalleryRow) -> None:
        """Open the folder tree on ``row``'s folder (which filters the gallery to it)."""
        self.dock.show()
        if not self.tree.choose(row.exhibit, folder_of(row.path)):
            self.window.say(f"Folder of #{row.item_id} not in the tree yet")

    # -- the tile menu -------------------------------------------------------------------

    def _menu(self, index: QModelIndex, at: QPoint) -> None:
        window, panel = self.window, self.panel
        session = window.session
        row: GalleryRow | None = index.data(Role.RowRole) if index.isValid() else None
        if session is None or row is None:
            return
        actions = TileActions(
            details=panel.show_details,
            reveal=panel.reveal_current,
            grade=lambda code, whole: window.grade_selection(code, whole),
            confirm=window.confirm_selection,
            open_group=lambda: panel.groups.open_group(row),
            compare=panel.groups.compare,
            extra=self._extra(row),
        )
        selected = len(panel.selected_rows())
        menu = tile_menu(window.widget, row, selected, session.scheme, actions)
        self.last_menu = menu
        self.show_menu(menu, at)

    def _extra(self, row: GalleryRow) -> Extra:
        """Notes, tags, frame marks and the folder tree, for one tile."""
        extra: Extra = [
            ("Add &note…", partial(self.ask_note, row.item_id)),
            ("&Tags…", partial(self.ask_tags, row.item_id)),
        ]
        if row.media_type == "video":
            seconds = self.panel.videos.chosen_time(row.item_id)
            if seconds is not None:
                extra.append((f"&Mark frame at {seconds:.1f} s…",
                              partial(self.ask_frame_mark, row.item_id, seconds)))  # fmt: skip
        extra.append(("Show in &folder tree", partial(self.show_in_tree, row)))
        return extra

    # -- notes, tags, marked frames (audited, on the writer thread) -------------------------

    def ask_note(self, item_id: int) -> None:
        """Ask for a note on ``item_id`` and add it."""
        text, ok = QInputDialog.getMultiLineText(
            self.window.widget, "Add a note", f"Note on item #{item_id} (kept in the audit trail):"
        )
        if ok and text.strip():
            self.write(lambda s: add_note(s, item_id, text), f"Note added to #{item_id}")

    def ask_tags(self, item_id: int) -> None:
        """Ask for tags to add (and, with a leading minus, to remove) on ``item_id``."""
        text, ok = QInputDialog.getText(
            self.window.widget,
            "Tags",
            f"Tags for item #{item_id}, comma-separated (-tag removes one):",
        )
        if not ok or not text.strip():
            return
        words = [w.strip() for w in text.split(",") if w.strip()]
        add = [w for w in words if not w.startswith("-")]
        remove = [w[1:].strip() for w in words if w.startswith("-")]

        def job(session: CaseSession) -> object:
            change = set_tags(session, item_id, add, remove)
            return change.tags

        self.write(job, f"Tags of #{item_id}", item_id)

    def ask_frame_mark(self, item_id: int, seconds: float) -> None:
        """Mark the frame at ``seconds`` of video ``item_id`` (with an optional note)."""
        text, ok = QInputDialog.getText(
            self.window.widget,
            "Mark frame",
            f"Item #{item_id}, frame at {seconds:.1f} s: a note (optional):",
        )
        if ok:
            note = text.strip() or None
            self.write(lambda s: mark_frame(s, item_id, seconds, note),
                       f"Frame at {seconds:.1f} s of #{item_id} marked")  # fmt: skip

    def write(self, job: Callable[[CaseSession], object], done: str, item_id: int = 0) -> None:
        """Run an annotation ``job`` on the writer for ``item_id``; say ``done`` and show
        the new details."""
        session = self.window.session
        if session is None:
            return

        def finished(result: object) -> None:
            extra = ""
            if isinstance(result, tuple):  # an item's tags now: the search sees them at once
                row = self.panel.model.gallery_row(item_id) if self.panel.model else None
                if row is not None:
                    row.tags = tuple(str(t) for t in result)
                extra = f": {', '.join(row.tags if row else ()) or 'none'}"
            self.window.say(f"{done}{extra}")
            self.panel.refresh_details()

        self.window.writer.submit(
            lambda: job(session),
            finished,
            lambda exc: self.window.say(f"Not saved: {exc}"),
        )
