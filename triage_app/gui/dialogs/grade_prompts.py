"""The questions grading asks: why a grade changes, and which near duplicates go with it.

Both dialogs list items compactly (a count, a few names, "and N more", then a
scrollable list of bounded height) and never grow wider than the screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from triage_app.domain.text_safety import printable
from triage_app.gui.qt import (
    QApplication,
    QCheckBox,
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    Qt,
    QVBoxLayout,
    QWidget,
)
from triage_app.gui.widgets.forms import ok_cancel
from triage_app.review.gallery_rows import GalleryRow

#: Names shown in a summary line before "and N more".
SUMMARY_NAMES = 3
LIST_MAX_HEIGHT = 160


def describe(row: GalleryRow) -> str:
    """One item as a list line: its number, file name and grade."""
    name = printable(row.path.replace("\\", "/").rsplit("/", 1)[-1])
    grade = f" ({row.grade}, {row.grade_source})" if row.grade else ""
    return f"#{row.item_id} {name}{grade}"


def summary(rows: Sequence[GalleryRow]) -> str:
    """ "3 items: #1 a.jpg, #2 b.jpg and 1 more"."""
    names = [describe(r) for r in rows[:SUMMARY_NAMES]]
    more = len(rows) - len(names)
    text = f"{len(rows)} item{'s' if len(rows) != 1 else ''}: " + ", ".join(names)
    return text + (f" and {more} more" if more else "")


@dataclass(frozen=True, slots=True)
class ReasonRequest:
    """A grade change that needs a reason: the refusal and the items concerned."""

    problem: str
    code: str
    changing: Sequence[GalleryRow] = ()
    #: Items with a hash-list grade that a bulk action leaves alone unless asked.
    list_graded: Sequence[GalleryRow] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class ReasonAnswer:
    """The examiner's reason, and whether hash-list grades are to be changed too."""

    reason: str
    change_list_grades: bool = False


def _fit(dialog: QDialog) -> None:
    screen = dialog.screen() or QApplication.primaryScreen()
    if screen is not None:
        area = screen.availableGeometry()
        dialog.setMaximumSize(int(area.width() * 0.9), int(area.height() * 0.9))


def _item_list(rows: Sequence[GalleryRow], checkable: bool = False) -> QListWidget:
    widget = QListWidget()
    widget.setMaximumHeight(LIST_MAX_HEIGHT)
    for row in rows:
        item = QListWidgetItem(describe(row))
        item.setData(Qt.ItemDataRole.UserRole, row.item_id)
        if checkable:
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
        widget.addItem(item)
    return widget


class ReasonDialog(QDialog):
    """Asks why grades are being changed; offers (off by default) to change list grades."""

    def __init__(self, request: ReasonRequest, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Reason needed")
        layout = QVBoxLayout(self)
        rows = list(request.changing)
        head = QLabel(
            f"Changing the grade of {summary(rows)} to {request.code}."
            if rows
            else "This change needs a reason."
        )
        head.setWordWrap(True)
        layout.addWidget(head)
        if len(rows) > SUMMARY_NAMES:
            layout.addWidget(_item_list(rows))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Why is the grade being changed?")
        label = QLabel("&Reason:")
        label.setBuddy(self.reason)
        layout.addWidget(label)
        layout.addWidget(self.reason)
        listed = list(request.list_graded)
        self.change_list = QCheckBox(
            f"Also change {len(listed)} hash-list grade{'s' if len(listed) != 1 else ''}"
        )
        self.change_list.setChecked(False)
        self.change_list.setVisible(bool(listed))
        self.change_list.setToolTip(summary(listed) if listed else "")
        layout.addWidget(self.change_list)
        layout.addWidget(ok_cancel(self._ok, self.reject, "Change grade"))
        _fit(self)

    def _ok(self) -> None:
        if self.reason.text().strip():
            self.accept()

    def answer(self) -> ReasonAnswer:
        """The reason and the list-grade choice."""
        return ReasonAnswer(self.reason.text().strip(), self.change_list.isChecked())


def ask_reason(parent: QWidget, request: ReasonRequest) -> ReasonAnswer | None:
    """Ask for a reason; None when the examiner cancels."""
    dialog = ReasonDialog(request, parent)
    ok = dialog.exec() == QDialog.DialogCode.Accepted
    return dialog.answer() if ok and dialog.answer().reason else None


class NearCopiesDialog(QDialog):
    """Offers a group's near duplicates to be graded with its tile (none ticked at first)."""

    def __init__(self, code: str, rows: Sequence[GalleryRow], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Near duplicates in the group")
        layout = QVBoxLayout(self)
        text = QLabel(
            f"The group also holds {summary(list(rows))} that are similar, not identical. "
            f"Tick those to grade {code} too; the others stay in the review queue."
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        self.list = _item_list(rows, checkable=True)
        layout.addWidget(self.list)
        layout.addWidget(ok_cancel(self.accept, self.reject, f"Grade {code}"))
        _fit(self)

    def chosen(self) -> list[int]:
        """The ticked items."""
        found = []
        for n in range(self.list.count()):
            item = self.list.item(n)
            if item.checkState() == Qt.CheckState.Checked:
                found.append(int(item.data(Qt.ItemDataRole.UserRole)))
        return found


def ask_near(parent: QWidget, code: str, rows: Sequence[GalleryRow]) -> list[int] | None:
    """Which near duplicates to grade too; None when the examiner cancels the grading."""
    dialog = NearCopiesDialog(code, rows, parent)
    return dialog.chosen() if dialog.exec() == QDialog.DialogCode.Accepted else None
