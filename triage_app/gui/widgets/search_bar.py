"""The gallery's search box and sort order.

Typing is debounced (:data:`SEARCH_DELAY_MS`) so a burst of keys is one search;
Enter searches at once. The text means what
:func:`~triage_app.review.gallery_search.search_predicate` says; the sort keys
are :data:`~triage_app.review.gallery_sort.SORT_KEYS`.
"""

from __future__ import annotations

from collections.abc import Sequence

from triage_app.gui.qt import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTimer,
    QWidget,
    Signal,
)
from triage_app.gui.widgets.forms import add_captioned
from triage_app.review.gallery_sort import DEFAULT_SORT, SORT_KEYS

#: How long typing must pause before the search is applied.
SEARCH_DELAY_MS = 250

_ASCENDING, _DESCENDING = "\u2191 Ascending", "\u2193 Descending"
_HINT = (
    "Path or file name text, #item-id, a hash prefix (6+ hex digits), or fields: "
    "ext:jpg,png exhibit:A1 name: path: md5: sha1: sha256: type: grade: match: tag:. "
    'Words are combined (AND); -word excludes; "quote phrases".'
)


class SearchBar(QWidget):
    """A search box, a sort key and its direction.

    Signals:
        search_changed(str): the search text (stripped) changed, after a short pause.
        sort_changed(str key, bool descending): the sort key or direction changed.
    """

    search_changed = Signal(str)
    sort_changed = Signal(str, bool)

    def __init__(
        self, sort_keys: Sequence[tuple[str, str]] = SORT_KEYS, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._emitted = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.flush)
        bar = QHBoxLayout(self)
        bar.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("Search: path, #id, hash prefix, ext:jpg, exhibit:A1")
        self.edit.setToolTip(_HINT)
        self.edit.setClearButtonEnabled(True)
        self.edit.setAccessibleName("Search the gallery")
        self.sort = QComboBox()
        self.sort.setAccessibleName("Sort by")
        for key, label in sort_keys:
            self.sort.addItem(label, key)
        self.sort.setCurrentIndex(max(0, self.sort.findData(DEFAULT_SORT)))
        self.direction = QPushButton(_ASCENDING)
        self.direction.setCheckable(True)
        self.direction.setAccessibleName("Sort direction")
        self.direction.setToolTip("Sort ascending or descending")
        add_captioned(bar, "Sea&rch:", self.edit)
        add_captioned(bar, "Sor&t by:", self.sort)
        bar.addWidget(self.direction)
        self.edit.textChanged.connect(self._typed)
        self.edit.returnPressed.connect(self.flush)
        self.sort.currentIndexChanged.connect(self._sort_changed)
        self.direction.toggled.connect(self._direction_toggled)

    # -- search -----------------------------------------------------------------

    def text(self) -> str:
        """The search text as last emitted (stripped)."""
        return self._emitted

    def _typed(self, _text: str) -> None:
        self._timer.start()

    def flush(self) -> None:
        """Emit a pending search now (if the text changed since the last one)."""
        self._timer.stop()
        text = self.edit.text().strip()
        if text != self._emitted:
            self._emitted = text
            self.search_changed.emit(text)

    def set_search(self, text: str) -> None:
        """Put ``text`` in the box and search for it at once."""
        self.edit.blockSignals(True)
        self.edit.setText(text)
        self.edit.blockSignals(False)
        self.flush()

    def stop(self) -> None:
        """Forget a pending search (the view is closing)."""
        self._timer.stop()

    # -- sort -------------------------------------------------------------------

    def sort_key(self) -> str:
        """The chosen sort key."""
        key = self.sort.currentData()
        return str(key) if key is not None else DEFAULT_SORT

    def descending(self) -> bool:
        """Whether the sort is descending."""
        return self.direction.isChecked()

    def set_sort(self, key: str, descending: bool = False) -> None:
        """Choose a sort (no signal: the caller applies it itself)."""
        for widget in (self.sort, self.direction):
            widget.blockSignals(True)
        self.sort.setCurrentIndex(max(0, self.sort.findData(key)))
        self.direction.setChecked(descending)
        self.direction.setText(_DESCENDING if descending else _ASCENDING)
        for widget in (self.sort, self.direction):
            widget.blockSignals(False)

    def _sort_changed(self, _index: int) -> None:
        self.sort_changed.emit(self.sort_key(), self.descending())

    def _direction_toggled(self, descending: bool) -> None:
        self.direction.setText(_DESCENDING if descending else _ASCENDING)
        self.sort_changed.emit(self.sort_key(), descending)
