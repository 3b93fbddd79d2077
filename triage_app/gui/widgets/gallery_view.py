"""The gallery grid: a QListView in icon mode with the workstation's keys.

Keys (while the gallery has focus):

* a category key of the scheme grades the selection; with Shift it grades the
  whole duplicate group of each selected tile;
* Enter or C confirms the near-match suggestion of the selection;
* Space, held down, reveals the current tile; releasing it blurs it again.

Pressing and holding the left mouse button on a tile reveals it too (a short
click only selects). Losing focus ends any reveal.
"""

from __future__ import annotations

from triage_app.gui.models.gallery_model import GalleryModel
from triage_app.gui.qt import (
    QAbstractItemView,
    QApplication,
    QContextMenuEvent,
    QFocusEvent,
    QKeyEvent,
    QListView,
    QModelIndex,
    QMouseEvent,
    QPoint,
    QResizeEvent,
    QSize,
    Qt,
    QTimer,
    QWidget,
    Signal,
)
from triage_app.gui.widgets.gallery_delegate import GalleryDelegate

#: Tiles laid out per step of the event loop.
LAYOUT_BATCH = 5000
#: How long the mouse button must be held on a tile before it is revealed.
HOLD_MS = 400
#: Shifted digits on US and UK keyboards, so that Shift+1 means "1" whatever Qt reports.
_SHIFTED_DIGITS = {
    "!": "1", "@": "2", '"': "2", "#": "3", "£": "3", "$": "4", "%": "5",
    "^": "6", "&": "7", "*": "8", "(": "9", ")": "0",
}  # fmt: skip
KEY_REVEAL = "key hold"
#: A key release followed within this time by a press of the same key is
#: auto-repeat, not a release (X servers without detectable auto-repeat).
RELEASE_GRACE_MS = 80
MOUSE_REVEAL = "mouse hold"
#: Plain keys that are view commands (when they are not grading keys of the scheme).
_COMMANDS = {"o": "open", "x": "compare", "[": "frame-1", "]": "frame+1", "p": "play"}


def key_name(event: QKeyEvent) -> str | None:
    """The character a key stands for, ignoring Shift (digits and letters), if any."""
    key = event.key()
    if Qt.Key.Key_0 <= key <= Qt.Key.Key_9 or Qt.Key.Key_A <= key <= Qt.Key.Key_Z:
        return chr(key)
    text = event.text()
    if text in _SHIFTED_DIGITS:
        return _SHIFTED_DIGITS[text]
    if len(text) == 1 and text.isprintable() and not text.isspace():
        return text
    return None


class GalleryView(QListView):
    """Virtualised grid of tiles.

    Signals:
        key_grade(str, bool): a grading key (its character) was pressed; True with Shift.
        confirm_requested(): Enter or C.
        reveal_held(QModelIndex, str): start revealing this tile ("key hold" or "mouse hold").
        reveal_released(str): the key or mouse button was released.
        focus_lost(): the gallery lost keyboard focus (any reveal must end).
        command(str): a view command key: "back" (Escape), "open" (O: open the tile's
            group), "compare" (X: side by side), "frame-1"/"frame+1" ([ and ]: the frame
            of a video's strip to reveal), "play" (P: muted playback, started or stopped).
        menu_requested(QModelIndex, QPoint): a context menu at this global position.
    """

    key_grade = Signal(str, bool)
    confirm_requested = Signal()
    reveal_held = Signal(QModelIndex, str)
    reveal_released = Signal(str)
    focus_lost = Signal()
    command = Signal(str)
    menu_requested = Signal(QModelIndex, QPoint)

    def __init__(self, delegate: GalleryDelegate, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._delegate = delegate
        self.setItemDelegate(delegate)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setMovement(QListView.Movement.Static)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setUniformItemSizes(True)
        # Lay 100,000 tiles out in batches so that the window never stalls on a new filter.
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(LAYOUT_BATCH)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionRectVisible(True)
        self.setDragEnabled(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAccessibleName("Gallery")
        self.setStyleSheet("QListView { background: #1b1d21; }")
        self.apply_tile_size()
        self._grading_keys: set[str] = set()
        self._release_grace = QTimer(self)
        self._release_grace.setSingleShot(True)
        self._release_grace.setInterval(RELEASE_GRACE_MS)
        self._release_grace.timeout.connect(self._key_released)
        self._hold_timer = QTimer(self)
        self._hold_timer.setSingleShot(True)
        self._hold_timer.setInterval(HOLD_MS)
        self._hold_timer.timeout.connect(self._hold_elapsed)
        self._hold_index = QModelIndex()
        self._press_pos = QPoint()
        self._mouse_revealing = False
        self._key_revealing = False

    def apply_tile_size(self) -> None:
        """Lay the grid out for the delegate's current tile size, filling the width."""
        cell = self._delegate.cell_size()
        width = max(1, self.viewport().width())
        columns = max(1, width // max(1, cell.width()))
        grid = QSize(max(cell.width(), width // columns), cell.height())
        if grid != self.gridSize():
            self.setGridSize(grid)
        self.verticalScrollBar().setSingleStep(max(10, cell.height() // 4))

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Spread the columns over the new width (no dead band at the right)."""
        super().resizeEvent(event)
        self.apply_tile_size()

    def restore_current(self, model: GalleryModel, item: int | None) -> bool:
        """Make ``item``'s tile (or its group's) current and centre it, else the first
        tile; False when there is no tile at all."""
        if not model.rowCount():
            return False
        pos = model.row_of(item) if item is not None else -1
        row = model.gallery_row(item) if item is not None else None
        if pos < 0 and row is not None and row.cluster is not None:
            pos = max((model.row_of(m.item_id) for m in model.group_members(row)), default=-1)
        index = model.index(max(pos, 0))
        self.setCurrentIndex(index)
        if pos >= 0:
            self.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        else:
            self.scrollToTop()
        return True

    def set_grading_keys(self, keys: set[str]) -> None:
        """The characters that grade (the scheme's keys, lower case)."""
        self._grading_keys = {k.lower() for k in keys}

    # -- keys ---------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Grading, confirming and press-and-hold reveal; everything else as usual."""
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        plain = mods == Qt.KeyboardModifier.NoModifier
        shift = mods == Qt.KeyboardModifier.ShiftModifier
        if event.key() == Qt.Key.Key_Space and plain:
            if self._release_grace.isActive():
                # A press right after a release is X11 auto-repeat that Qt could not
                # flag (no detectable auto-repeat, e.g. under Xvfb): the key is held.
                self._release_grace.stop()
            elif not event.isAutoRepeat() and not self._key_revealing:
                index = self.currentIndex()
                if index.isValid():
                    self._key_revealing = True
                    self.reveal_held.emit(index, KEY_REVEAL)
            event.accept()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain:
            if not event.isAutoRepeat():
                self.confirm_requested.emit()
            event.accept()
            return
        name = key_name(event)
        if name is not None and (plain or shift):
            lowered = name.lower()
            if lowered in self._grading_keys:
                if not event.isAutoRepeat():
                    self.key_grade.emit(lowered, shift)
                event.accept()
                return
            if lowered == "c" and plain:
                if not event.isAutoRepeat():
                    self.confirm_requested.emit()
                event.accept()
                return
            if plain and lowered in _COMMANDS:
                if not event.isAutoRepeat():
                    self.command.emit(_COMMANDS[lowered])
                event.accept()
                return
        if event.key() == Qt.Key.Key_Escape and plain:
            self.command.emit("back")
            event.accept()
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        """Ask for the tile's context menu (the tile under the pointer becomes current)."""
        index = self.indexAt(event.pos())
        if index.isValid() and not self.selectionModel().isSelected(index):
            self.setCurrentIndex(index)
        self.menu_requested.emit(index, event.globalPos())
        event.accept()

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        """Releasing Space ends a key reveal."""
        if event.key() == Qt.Key.Key_Space:
            if not event.isAutoRepeat() and self._key_revealing:
                self._release_grace.start()
            event.accept()
            return
        super().keyReleaseEvent(event)

    def _key_released(self) -> None:
        """The Space key stayed up for the grace period: end the key reveal."""
        if self._key_revealing:
            self._key_revealing = False
            self.reveal_released.emit(KEY_REVEAL)

    # -- mouse ----------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """Select as usual; holding the left button on a tile starts the hold timer."""
        super().mousePressEvent(event)
        if event.button() == Qt.MouseButton.LeftButton:
            index = self.indexAt(event.position().toPoint())
            if index.isValid():
                self._hold_index = index
                self._press_pos = event.position().toPoint()
                self._hold_timer.start()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        """Moving away (dragging a selection) cancels a pending hold."""
        moved = (event.position().toPoint() - self._press_pos).manhattanLength()
        if self._hold_timer.isActive() and moved > QApplication.startDragDistance():
            self._hold_timer.stop()
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """Releasing the button ends a mouse reveal (or cancels the pending hold)."""
        self._hold_timer.stop()
        if event.button() == Qt.MouseButton.LeftButton and self._mouse_revealing:
            self._mouse_revealing = False
            self.reveal_released.emit(MOUSE_REVEAL)
        super().mouseReleaseEvent(event)

    def _hold_elapsed(self) -> None:
        if self._hold_index.isValid() and QApplication.mouseButtons() & Qt.MouseButton.LeftButton:
            self._mouse_revealing = True
            self.reveal_held.emit(self._hold_index, MOUSE_REVEAL)

    def start_mouse_hold(self, index: QModelIndex) -> None:
        """Begin a mouse reveal on ``index`` as if the button had been held (tests)."""
        self._mouse_revealing = True
        self.reveal_held.emit(index, MOUSE_REVEAL)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        """Losing focus ends any reveal: a release might never arrive."""
        self._hold_timer.stop()
        self._release_grace.stop()
        self._key_revealing = False
        self._mouse_revealing = False
        self.focus_lost.emit()
        super().focusOutEvent(event)
