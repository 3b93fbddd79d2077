"""The workspace of an open case: gallery grid, reveal overlay and detail pane.

The panel's widgets live as long as the window; what belongs to one case
(reader threads, thumbnail loader, model, reveal controller) is created by
:meth:`GalleryPanel.attach` and torn down by :meth:`GalleryPanel.detach`.
Rows are read on a reader thread; filtering 100,000 rows is plain Python on
the GUI thread (tens of milliseconds) and never touches the database.
"""

from __future__ import annotations

from triage_app.case.session import CaseSession
from triage_app.config.viewer_settings import ViewerSettings
from triage_app.gui.controllers.detail_loader import DetailLoader
from triage_app.gui.controllers.group_browser import GroupBrowser
from triage_app.gui.controllers.reveal_controller import (
    CLOSED,
    FOCUS_LOST,
    RevealController,
    RevealLog,
)
from triage_app.gui.controllers.reveal_input import RevealInput
from triage_app.gui.controllers.thumbnail_loader import ThumbnailLoader
from triage_app.gui.controllers.video_tiles import VideoTiles
from triage_app.gui.models.gallery_model import GalleryModel, Order, Role
from triage_app.gui.qt import (
    QItemSelection,
    QModelIndex,
    QSplitter,
    Qt,
    QWidget,
    Signal,
)
from triage_app.gui.widgets.category_bar import category_counts
from triage_app.gui.widgets.detail_pane import DetailPane
from triage_app.gui.widgets.gallery_area import GalleryArea
from triage_app.gui.widgets.gallery_delegate import GalleryDelegate
from triage_app.gui.widgets.gallery_view import GalleryView
from triage_app.gui.workers import JobQueue
from triage_app.review.filters import REVIEW, GalleryFilter, standard_filters
from triage_app.review.gallery_rows import Filter, GalleryRow, load_rows
from triage_app.review.originals import load_frame_view, load_full_view

MENU_REVEAL = "menu"


class GalleryPanel(QSplitter):
    """Gallery and detail pane of the open case.

    Signals:
        rows_loaded(int): the case's rows were (re)loaded; the number of items.
        filters_changed(): the list of filters changed (new exhibits).
        counts_changed(int, int): tiles shown, items in the case.
        selection_changed(int): number of selected tiles.
        message(str): something to say in the status bar.
        looks_changed(list): (row, +1 or -1) for items that now need a look, or no longer.
    """

    rows_loaded = Signal(int)
    filters_changed = Signal()
    counts_changed = Signal(int, int)
    selection_changed = Signal(int)
    message = Signal(str)
    looks_changed = Signal(list)

    def __init__(self, settings: ViewerSettings, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.settings = settings
        self.delegate = GalleryDelegate(settings.tile_size)
        self.view = GalleryView(self.delegate)
        self.area = GalleryArea(self.view)
        self.detail = DetailPane()
        self.addWidget(self.area)
        self.addWidget(self.detail)
        self.setStretchFactor(0, 4)
        self.setStretchFactor(1, 1)
        self.setSizes([900, 340])
        self.session: CaseSession | None = None
        self.reader: JobQueue | None = None
        self.loader: ThumbnailLoader | None = None
        self.model: GalleryModel | None = None
        self.reveal: RevealController | None = None
        self.originals: JobQueue | None = None
        self.reveal_input = RevealInput(self.area.overlay, self)
        self.view.installEventFilter(self.reveal_input)
        self.view.viewport().installEventFilter(self.reveal_input)
        self.area.compare.installEventFilter(self.reveal_input)
        self.filters: list[GalleryFilter] = []
        self.filter_key = REVIEW
        #: Further tests every filter must pass (search text, folder), by name.
        self.narrowing: dict[str, Filter] = {}
        #: The duplicate group whose members the grid shows, if one is open.
        self.group: int | None = None
        self.groups = GroupBrowser(self, self)
        self.videos = VideoTiles(self, self)
        self.details = DetailLoader(self.detail, self._detail_target, self)
        self.view.reveal_held.connect(self._reveal_held)
        self.view.reveal_released.connect(self._reveal_released)
        self.view.focus_lost.connect(self._focus_lost)

    # -- case lifecycle -----------------------------------------------------------

    def attach(self, session: CaseSession, reveal_log: RevealLog) -> None:
        """Show ``session``'s case: start readers and the loader, then load its rows."""
        self.detach()
        self.session = session
        self.reader = JobQueue("reader", threads=2, parent=self)
        self.reader.error.connect(self.message)
        self.loader = ThumbnailLoader(
            session.thumbnail,
            cells=self.settings.blur_cells,
            fetch_many=session.thumbnails,
            parent=self,
        )
        self.model = GalleryModel(session.scheme, self.loader, self)
        self.view.setModel(self.model)
        keys = {c.key for c in session.scheme.categories}
        self.view.set_grading_keys(keys)
        self.area.compare.set_grading_keys(keys)
        self.area.categories.set_scheme(session.scheme)
        selection = self.view.selectionModel()
        selection.currentChanged.connect(self._current_changed)
        selection.selectionChanged.connect(self._selection_changed)
        self.model.rowsRemoved.connect(self._emit_counts)
        self.model.rowsInserted.connect(self._emit_counts)
        self.model.modelReset.connect(self._emit_counts)
        self.originals = JobQueue("reader-originals", threads=1, parent=self)
        self.reveal = RevealController(
            self.loader,
            self.area.overlay,
            reveal_log,
            full_view=lambda item: load_full_view(session, item),
            frame_view=lambda item, seconds: load_frame_view(session, item, seconds),
            jobs=self.originals,
            limit_seconds=self.settings.reveal_seconds,
            size=self.settings.reveal_size,
            parent=self,
        )
        self.reveal.unavailable.connect(
            lambda item: self.message.emit(f"Item #{item} has no picture to reveal")
        )
        self.reveal.frame_failed.connect(
            lambda item, why: self.message.emit(f"Item #{item}: frame not shown: {why}")
        )
        self.videos.attach(session, reveal_log, self.settings.reveal_seconds)
        self.filters = standard_filters(session.scheme, [])
        self.detail.show_message("Loading the case…")
        self.reload()

    def detach(self) -> None:
        """Blur, stop the case's threads (waiting for them) and clear the gallery."""
        self.videos.forget()
        if self.reveal is not None:
            self.reveal.cancel(CLOSED)
            self.reveal.deleteLater()
            self.reveal = None
        if self.originals is not None:
            self.originals.shutdown()
            self.originals.deleteLater()
            self.originals = None
        if self.loader is not None:
            self.loader.shutdown()
            self.loader.deleteLater()
            self.loader = None
        if self.reader is not None:
            self.reader.shutdown()
            self.reader.deleteLater()
            self.reader = None
        old_selection = self.view.selectionModel()
        self.view.setModel(None)
        if old_selection is not None:
            old_selection.deleteLater()
        if self.model is not None:
            self.model.deleteLater()
            self.model = None
        self.session = None
        self.groups.close()
        self.narrowing = {}
        self.area.categories.set_scheme(None)
        self.detail.show_message("No case open.")

    def reload(self) -> None:
        """Read every row of the case again (reader thread), keeping the filter."""
        if self.reader is None or self.session is None:
            return
        session = self.session
        self.reader.submit(lambda: load_rows(session), self._rows_ready)

    def _rows_ready(self, rows: list[GalleryRow]) -> None:
        if self.model is None or self.session is None:
            return
        current = self.current_item()
        exhibits = sorted({r.exhibit for r in rows})
        self.filters = standard_filters(self.session.scheme, exhibits)
        if self.filter_key not in {f.key for f in self.filters}:
            self.filter_key = REVIEW
        self.model.set_rows(sorted(rows, key=lambda r: r.item_id))
        self._count_categories()
        self._apply_filter()
        if current is not None and self.model.row_of(current) >= 0:
            self.view.setCurrentIndex(self.model.index(self.model.row_of(current)))
        self.filters_changed.emit()
        self.rows_loaded.emit(len(rows))

    # -- filters and settings ---------------------------------------------------------

    def current_filter(self) -> GalleryFilter:
        """The filter in force."""
        for f in self.filters:
            if f.key == self.filter_key:
                return f
        return self.filters[0]

    def set_filter(self, key: str) -> None:
        """Show the tiles of filter ``key``."""
        self.filter_key = key
        self._apply_filter()

    def set_narrowing(self, name: str, predicate: Filter | None) -> None:
        """Narrow every filter further (``name``: "search", "folder"; None lifts it)."""
        if predicate is None:
            self.narrowing.pop(name, None)
        else:
            self.narrowing[name] = predicate
        self._apply_filter()

    def set_order(self, order: Order | None) -> None:
        """Order the tiles by ``order`` (None: item id), keeping the current tile."""
        if self.model is None:
            return
        current = self.current_item()
        self.model.set_order(order)
        self._restore_current(current)

    def _predicate(self) -> tuple[Filter, bool]:
        """What the grid shows now: an open group's members, or the filter narrowed."""
        if self.group is not None:
            group = self.group
            return (lambda row: row.cluster == group), False
        flt = self.current_filter()
        tests = [flt.predicate, *self.narrowing.values()]
        collapse = self.settings.collapse_groups and flt.collapse_default
        if len(tests) == 1:
            return flt.predicate, collapse
        return (lambda row: all(test(row) for test in tests)), collapse

    def say(self, text: str) -> None:
        """Say ``text`` in the status bar (the ``message`` signal)."""
        self.message.emit(text)

    def refilter(self) -> None:
        """Apply the filter (and any open group or narrowing) again."""
        self._apply_filter()

    def _apply_filter(self) -> None:
        if self.model is None or not self.filters:
            return
        current = self.current_item()
        if self.loader is not None:
            self.loader.forget_pending()
        predicate, collapse = self._predicate()
        self.model.set_filter(predicate, collapse=collapse)
        if not self._restore_current(current):
            what = f"group #{self.group}" if self.group else self.current_filter().label.lower()
            self.detail.show_message(f"Nothing in {what}.")
        self.groups.filter_applied()

    def _restore_current(self, item: int | None) -> bool:
        """Make ``item`` (or its group's tile) current again, else the first tile."""
        return self.model is not None and self.view.restore_current(self.model, item)

    def apply_settings(self, settings: ViewerSettings) -> None:
        """Use new viewer settings (tile size, blur, reveal limits, collapsing)."""
        old = self.settings
        self.settings = settings
        if settings.tile_size != old.tile_size:
            self.delegate.set_tile_size(settings.tile_size)
            self.view.apply_tile_size()
        if settings.blur_cells != old.blur_cells:
            self.delegate.clear_cache()
            if self.loader is not None:
                self.loader.set_cells(settings.blur_cells)
            self.view.viewport().update()
        if self.reveal is not None:
            self.reveal.limit_seconds = settings.reveal_seconds
            self.reveal.size = settings.reveal_size
        if self.videos.playback is not None:
            self.videos.playback.limit_seconds = settings.reveal_seconds
        if settings.collapse_groups != old.collapse_groups:
            self._apply_filter()

    # -- selection and details -------------------------------------------------------

    def current_item(self) -> int | None:
        """The item of the current tile."""
        index = self.view.currentIndex()
        return int(index.data(Role.ItemIdRole)) if index.isValid() else None

    def selected_rows(self) -> list[GalleryRow]:
        """Rows of the selected tiles (the current tile when nothing is selected)."""
        if self.area.comparing:
            active = self.area.compare.active_row
            return [active] if active is not None else []
        indexes = self.view.selectionModel().selectedIndexes() if self.model else []
        if not indexes and self.view.currentIndex().isValid():
            indexes = [self.view.currentIndex()]
        rows = [i.data(Role.RowRole) for i in sorted(indexes, key=lambda i: i.row())]
        return [r for r in rows if r is not None]

    def apply_grades(self, grades: dict[int, tuple[str | None, str | None]]) -> None:
        """Show new grades; tiles that leave the filter go, and the next tile becomes current."""
        if self.model is None:
            return
        row = self.view.currentIndex().row()
        model = self.model
        before = {i: r.needs_look for i in grades if (r := model.gallery_row(i)) is not None}
        model.update_grades(grades)
        turned = [(r, 1 if r.needs_look else -1) for i, was in before.items()
                  if (r := model.gallery_row(i)) is not None and r.needs_look != was]  # fmt: skip
        if turned:
            self.looks_changed.emit(turned)
        self.groups.grades_changed(grades)
        self._count_categories()
        if not self.view.currentIndex().isValid() or not self.view.selectionModel().hasSelection():
            count = self.model.rowCount()
            if count:
                self.view.setCurrentIndex(self.model.index(min(max(row, 0), count - 1)))
        self.details.schedule()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self.reveal is not None:
            self.reveal.cancel("moved to another tile")
        self.videos.stop("moved to another tile")
        self.videos.prepare(current.data(Role.RowRole) if current.isValid() else None)
        self.details.schedule()

    def _selection_changed(self, _sel: QItemSelection, _desel: QItemSelection) -> None:
        self.selection_changed.emit(len(self.view.selectionModel().selectedIndexes()))

    def _emit_counts(self) -> None:
        if self.model is not None:
            self.counts_changed.emit(self.model.rowCount(), self.model.total)

    def _count_categories(self) -> None:
        """Items per category and the review load: a pass over every row, so once per
        load or grading action, not per tile the model inserts or removes."""
        if self.model is not None:
            self.area.categories.set_counts(*category_counts(self.model.all_rows()))

    def refresh_details(self) -> None:
        """Read the current item's details again (after a note, say)."""
        self.details.schedule()

    def _detail_target(self) -> tuple[CaseSession, JobQueue, int, GalleryRow | None] | None:
        item = self.current_item()
        if item is None or self.reader is None or self.session is None or self.model is None:
            return None
        return self.session, self.reader, item, self.model.gallery_row(item)

    def show_details(self) -> None:
        """Show the detail pane and give it the focus."""
        self.detail.setVisible(True)
        self.detail.setFocus()

    # -- reveals --------------------------------------------------------------------------

    def _reveal_held(self, index: QModelIndex, how: str) -> None:
        if self.reveal is None or not index.isValid():
            return
        row: GalleryRow | None = index.data(Role.RowRole)
        if row is not None and row.media_type == "video":
            self.videos.reveal(row, how)
            return
        if row is None or row.media_type != "image":
            self.message.emit("Only images and video frames can be revealed.")
            return
        self.area.overlay_over(None)
        self.reveal.hold(row.item_id, how)

    def reveal_current(self) -> None:
        """A reveal asked for from the menu: ends on Esc, another tile, focus loss or time."""
        self._reveal_held(self.view.currentIndex(), MENU_REVEAL)

    def _reveal_released(self, how: str) -> None:
        if self.reveal is not None:
            self.reveal.release(how)

    def _focus_lost(self) -> None:
        if self.reveal is not None:
            self.reveal.cancel(FOCUS_LOST)
        self.videos.stop(FOCUS_LOST)
