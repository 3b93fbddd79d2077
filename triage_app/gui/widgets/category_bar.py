"""A row of category buttons with counts, and how many items still need a look.

One button per category of the case's scheme, most severe first, labelled
with its key, code and the number of items graded so ("1  A · 12"). Clicking
a button grades the selection as that category, exactly like pressing its
key (Shift+click: the whole duplicate group). Counts are taken from the
gallery's rows (in memory) with :func:`category_counts`; nothing here reads
the database.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from triage_app.config.schemes import Scheme
from triage_app.gui.qt import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    Qt,
    QWidget,
    Signal,
)
from triage_app.review.gallery_rows import GalleryRow
from triage_app.review.queue import review_load


def category_counts(rows: Iterable[GalleryRow]) -> tuple[Counter[str], tuple[int, int]]:
    """Items per grade, and what still needs a look: (tiles, items), counted as
    ``triage status`` counts its review load (:func:`~triage_app.review.queue.review_load`)."""
    grades: Counter[str] = Counter()
    open_: list[tuple[int, int | None]] = []
    for row in rows:
        if row.grade is not None:
            grades[row.grade] += 1
        elif row.needs_look:
            open_.append((row.item_id, row.cluster))
    return grades, (review_load(open_), len(open_))


class CategoryBar(QWidget):
    """Category buttons with counts.

    Signals:
        grade_clicked(str, bool): grade the selection as this code (True: whole group).
    """

    grade_clicked = Signal(str, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(4, 2, 4, 2)
        self._layout.setSpacing(4)
        self.buttons: dict[str, QPushButton] = {}
        self.open_label = QLabel("")
        self.open_label.setAccessibleName("Needs a look")
        # The label gives way (it is also in the tooltip) so the bar never widens the window.
        self.open_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.open_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self._scheme: Scheme | None = None
        self.hide()

    def set_scheme(self, scheme: Scheme | None) -> None:
        """One button per category of ``scheme`` (none and hidden without a case)."""
        for button in self.buttons.values():
            self._layout.removeWidget(button)
            button.deleteLater()
        self.buttons = {}
        self._layout.removeWidget(self.open_label)
        self._scheme = scheme
        if scheme is None:
            self.hide()
            return
        for cat in sorted(scheme.categories, key=lambda c: -c.severity):
            button = QPushButton(cat.code)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
            button.setMinimumWidth(40)
            button.setToolTip(
                f"{cat.code}: {cat.label}. Click (or press {cat.key}) to grade the selection; "
                "Shift+click grades whole duplicate groups."
            )
            button.setAccessibleName(f"Grade {cat.code}")
            button.clicked.connect(lambda _=False, code=cat.code: self._clicked(code))
            self._layout.addWidget(button)
            self.buttons[cat.code] = button
        self._layout.addWidget(self.open_label, 1)
        self.set_counts(Counter(), (0, 0))
        self.show()

    def _clicked(self, code: str) -> None:
        shift = QApplication.keyboardModifiers() & Qt.KeyboardModifier.ShiftModifier
        self.grade_clicked.emit(code, bool(shift))

    def set_counts(self, grades: Counter[str], needs_look: tuple[int, int]) -> None:
        """Show the number of items per category, and the tiles and items still to look at."""
        if self._scheme is None:
            return
        for cat in self._scheme.categories:
            button = self.buttons.get(cat.code)
            if button is not None:
                button.setText(f"{cat.key}  {cat.code} · {grades.get(cat.code, 0):,}")
        tiles, items = needs_look
        text = f"Review load {tiles:,} tiles · {items:,} items"
        self.open_label.setText(text)
        self.open_label.setToolTip(
            f"{text}. As `triage status` counts it: a duplicate group with any member still "
            "to look at is one tile."
        )

    def button_text(self, code: str) -> str:
        """The label of ``code``'s button (tests)."""
        button = self.buttons.get(code)
        return button.text() if button is not None else ""
