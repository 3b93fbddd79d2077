"""The gallery's centre: category buttons, the open-group bar, the grid or the comparison.

:class:`GalleryArea` stacks the grid and the side-by-side
:class:`~triage_app.gui.widgets.compare_view.CompareView`, and keeps the one
:class:`~triage_app.gui.widgets.reveal_overlay.RevealOverlay` over whichever
is shown (over one half of the comparison while one side is revealed).
"""

from __future__ import annotations

from triage_app.gui.qt import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRect,
    QResizeEvent,
    QSizePolicy,
    QStackedWidget,
    Qt,
    QVBoxLayout,
    QWidget,
)
from triage_app.gui.widgets.category_bar import CategoryBar
from triage_app.gui.widgets.compare_view import CompareView
from triage_app.gui.widgets.gallery_view import GalleryView
from triage_app.gui.widgets.reveal_overlay import RevealOverlay


class GroupBar(QWidget):
    """Says which group (or comparison) is open, with a way back."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        self.label = QLabel("")
        self.label.setAccessibleName("Open group")
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.compare_button = QPushButton("Compare side by side (X)")
        self.back_button = QPushButton("Back to the gallery (Esc)")
        for button in (self.compare_button, self.back_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.compare_button)
        layout.addWidget(self.back_button)
        self.setStyleSheet("GroupBar { background: #e3f2fd; }")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.hide()

    def say(self, text: str, *, compare: bool) -> None:
        """Show the bar with ``text``; offer Compare when ``compare``."""
        self.label.setText(text)
        self.label.setToolTip(text)
        self.compare_button.setVisible(compare)
        self.show()


class GalleryArea(QWidget):
    """Category bar, group bar, and the grid or comparison with the reveal overlay over it."""

    def __init__(self, view: GalleryView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.categories = CategoryBar()
        self.group_bar = GroupBar()
        self.compare = CompareView()
        self.stack = QStackedWidget()
        self.stack.addWidget(view)
        self.stack.addWidget(self.compare)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.categories)
        layout.addWidget(self.group_bar)
        layout.addWidget(self.stack, 1)
        self.overlay = RevealOverlay(self)
        self._overlay_part: QRect | None = None

    @property
    def comparing(self) -> bool:
        """True while the side-by-side view is shown."""
        return self.stack.currentWidget() is self.compare

    def show_grid(self) -> None:
        """Show the grid (leaving a comparison)."""
        self.stack.setCurrentWidget(self.view)
        self.overlay_over(None)
        self.view.setFocus()

    def show_compare(self) -> None:
        """Show the side-by-side view."""
        self.stack.setCurrentWidget(self.compare)
        self.compare.setFocus()

    def overlay_over(self, part: QRect | None) -> None:
        """Put the overlay over ``part`` of the comparison (in its coordinates), or everything."""
        self._overlay_part = part
        self._place_overlay()

    def _place_overlay(self) -> None:
        part = self._overlay_part
        if part is None:
            self.overlay.place(None)
            return
        top_left = self.compare.mapTo(self, part.topLeft())
        self.overlay.place(QRect(top_left, part.size()))

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Keep the overlay over the gallery (or its half of the comparison)."""
        super().resizeEvent(event)
        self._place_overlay()
