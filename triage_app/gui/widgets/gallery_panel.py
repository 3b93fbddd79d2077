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
from triage_app.gui.controllers.reveal_controller import (
    CLOSED,
    FOCUS_LOST,
    RevealController,
    RevealLog,
)
from triage_app.gui.controllers.reveal_input import RevealInput
from triage_app.gui.controllers.thumbnail_loader import ThumbnailLoader
from triage_app.gui.models.gallery_model import GalleryModel, Role
from triage_app.gui.qt import (
    QItemSelection,
    QModelIndex,
    QResizeEvent,
    QSplitter,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from triage_app.gui.widgets.detail_pane import DetailPane
from triage_app.gui.widgets.gallery_delegate import GalleryDelegate
from triage_app.gui.widgets.gallery_view import GalleryView
from triage_app.gui.widgets.reveal_overlay import RevealOverlay
from triage_app.gui.workers import JobQueue
from triage_app.review.details import ItemDetails, detail_sections, load_details
from triage_app.review.filters import REVIEW, GalleryFilter, standard_filters
from triage_app.review.gallery_rows import GalleryRow, load_rows
from triage_app.review.originals import load_full_view

DETAIL_DELAY_MS = 80


class _GalleryArea(QWidget):
    """Holds the grid and keeps the reveal overlay over all of it."""

    def __init__(self, view: GalleryView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(view)
        self.overlay = RevealOverlay(self)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Keep the overlay the size of the gallery."""
        self.overlay.setGeometry(self.rect())
        super().resizeEvent(event)


class GalleryPanel(QSplitter):
    """Gallery and detail pane of the open case.

    Signals:
        rows_loaded(int): the case's rows were (re)loaded; the number of items.
        filters_changed(): the list of filters changed (new exhibits).
        counts_changed(int, int): tiles shown, items in the case.
        selection_changed(int): number of selected tiles.
        message(str): something to say in the status bar.
    """

    rows_loaded = Signal(int)
    filters_changed = Signal()
    counts_changed = Signal(int, int)
    selection_changed = Signal(int)
    message = Signal(str)

    def __init__(self, settings: ViewerSettings, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.settings = settings
        self.delegate = GalleryDelegate(settings.tile_size)
        self.view = GalleryView(self.delegate)
        self.area = _GalleryArea(self.view)
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
        self.filters: list[GalleryFilter] = []
        self.filter_key = REVIEW
        self._detail_token = 0
        self._detail_timer = QTimer(self)
        self._detail_timer.setSingleShot(True)
        self._detail_timer.setInterval(DETAIL_DELAY_MS)
        self._detail_timer.timeout.connect(self._load_detail)
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
        self.view.set_grading_keys({c.key for c in session.scheme.categories})
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
            jobs=self.originals,
            limit_seconds=self.settings.reveal_seconds,
            size=self.settings.reveal_size,
            parent=self,
        )
        self.reveal.unavailable.connect(
            lambda item: self.message.emit(f"Item #{item} has no picture to reveal")
        )
        self.filters = standard_filters(session.scheme, [])
        self.detail.show_message("Loading the case…")
        self.reload()

    def detach(self) -> None:
        """Blur, stop the case's threads (waiting for them) and clear the gallery."""
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

    def _apply_filter(self) -> None:
        if self.model is None or not self.filters:
            return
        flt = self.current_filter()
        if self.loader is not None:
            self.loader.forget_pending()
        collapse = self.settings.collapse_groups and flt.collapse_default
        self.model.set_filter(flt.predicate, collapse=collapse)
        if self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(0))
            self.view.scrollToTop()
        else:
            self.detail.show_message(f"Nothing in {flt.label.lower()}.")

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
        if settings.collapse_groups != old.collapse_groups:
            self._apply_filter()

    # -- selection and details -------------------------------------------------------

    def current_item(self) -> int | None:
        """The item of the current tile."""
        index = self.view.currentIndex()
        return int(index.data(Role.ItemIdRole)) if index.isValid() else None

    def selected_rows(self) -> list[GalleryRow]:
        """Rows of the selected tiles (the current tile when nothing is selected)."""
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
        self.model.update_grades(grades)
        if not self.view.currentIndex().isValid() or not self.view.selectionModel().hasSelection():
            count = self.model.rowCount()
            if count:
                self.view.setCurrentIndex(self.model.index(min(max(row, 0), count - 1)))
        self._detail_timer.start()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self.reveal is not None:
            self.reveal.cancel("moved to another tile")
        self._detail_timer.start()

    def _selection_changed(self, _sel: QItemSelection, _desel: QItemSelection) -> None:
        self.selection_changed.emit(len(self.view.selectionModel().selectedIndexes()))

    def _emit_counts(self) -> None:
        if self.model is not None:
            self.counts_changed.emit(self.model.rowCount(), self.model.total)

    def _load_detail(self) -> None:
        item = self.current_item()
        if item is None or self.reader is None or self.session is None or self.model is None:
            return
        self._detail_token += 1
        token, session = self._detail_token, self.session
        row = self.model.gallery_row(item)
        self.reader.submit(
            lambda: load_details(session, item),
            lambda details: self._show_detail(token, row, details),
        )

    def _show_detail(self, token: int, row: GalleryRow | None, details: ItemDetails | None) -> None:
        if token != self._detail_token or self.session is None:
            return
        if details is None:
            self.detail.show_message("The item is gone.")
            return
        sections = detail_sections(details, row, self.session.scheme)
        self.detail.show_sections(f"Item #{details.item.id}", sections)

    # -- reveals --------------------------------------------------------------------------

    def _reveal_held(self, index: QModelIndex, how: str) -> None:
        if self.reveal is None or not index.isValid():
            return
        row: GalleryRow | None = index.data(Role.RowRole)
        if row is None or row.media_type != "image":
            self.message.emit("Only still images can be revealed; videos are never played.")
            return
        self.reveal.hold(row.item_id, how)

    def _reveal_released(self, how: str) -> None:
        if self.reveal is not None:
            self.reveal.release(how)

    def _focus_lost(self) -> None:
        if self.reveal is not None:
            self.reveal.cancel(FOCUS_LOST)
